import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { SimulatorError, SimulatorErrorCode } from 'src/simulator/simulator.errors';

const uuidText = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected a uuid');
const version = z.enum(['8.2.1', '8.3.0']);
const imageKind = z.enum(['pv-linux', 'pvhvm-linux', 'hvm-windows']);
const firmware = z.enum(['bios', 'uefi']);

const diskSchema = z.object({
  size_gib: z.number().positive(),
  /** fraction of the disk really written; storage motion and export move that much */
  used: z.number().min(0).max(1).default(0.4),
  /** `local` = the local ext SR of the VM's host; otherwise an SR name of the pool */
  sr: z.string().default('local'),
});

const vmSchema = z.object({
  name: z.string().min(1),
  uuid: uuidText.optional(),
  image: imageKind,
  firmware: firmware.default('bios'),
  os: z.string().default('Linux'),
  distro: z.string().default('debian'),
  memory_mib: z.number().int().positive().default(1024),
  vcpus: z.number().int().positive().default(1),
  disks: z.array(diskSchema).default([{ size_gib: 10, used: 0.4, sr: 'local' }]),
  /** guest tools / PV drivers version; null = no tools */
  tools: z.string().nullable().default(null),
  created_in: z.string().default('8.2.1'),
  origin: z.enum(['recent', 'upgraded', 'imported']).default('recent'),
  power_state: z.enum(['halted', 'running', 'suspended']).default('halted'),
  host: z.string().optional(),
  /** packages already installed in the guest (fio, iperf3, stress, stress-ng) */
  software: z.array(z.enum(['fio', 'iperf3', 'stress', 'stress-ng'])).default([]),
  /** false: the guest reaches no package repository */
  repositories: z.boolean().default(true),
});

const templateSchema = z.object({
  name: z.string().min(1),
  image: imageKind,
  firmware: firmware.default('bios'),
  os: z.string().default('Linux'),
  distro: z.string().default('other'),
  memory_mib: z.number().int().positive().default(1024),
  vcpus: z.number().int().positive().default(1),
  disk_gib: z.number().positive().default(10),
  /** false: guests made from it reach no package repository */
  repositories: z.boolean().default(true),
});

const hostSchema = z.object({
  name: z.string().min(1),
  uuid: uuidText.optional(),
  dom0_uuid: uuidText.optional(),
  version,
  memory_gib: z.number().positive().default(64),
  cpus: z.number().int().positive().default(16),
  cpu_model: z.string().default('Intel(R) Xeon(R) Silver 4210R CPU @ 2.40GHz'),
  link_gbps: z.number().positive().default(10),
  local_srs: z.array(z.enum(['ext', 'lvm'])).default(['ext', 'lvm']),
  local_sr_gib: z.number().positive().default(500),
});

const poolSchema = z.object({
  name: z.string().min(1),
  uuid: uuidText.optional(),
  master: z.string().optional(),
  /** physical NICs of every host (eth0 carries management); each gets a pool-wide network */
  nics: z.number().int().min(1).max(8).default(2),
  hosts: z.array(hostSchema).min(1),
  shared_srs: z
    .array(
      z.object({
        name: z.string(),
        uuid: uuidText.optional(),
        type: z.enum(['nfs', 'lvmoiscsi']),
        size_gib: z.number().positive().default(2048),
      }),
    )
    .default([]),
  default_sr: z.string().optional(),
  vms: z.array(vmSchema).default([]),
});

const faultSchema = z.object({ host: z.string(), kind: z.string(), arg: z.string().optional() });

export const labConfigSchema = z.object({
  name: z.string().min(1),
  seed: z.string().default('shakedown'),
  /** hosts get <base>.<pool#>.<host#>, guests <guest_base>.<n/250>.<n%250 + 1> */
  address_base: z
    .string()
    .regex(/^127\.\d{1,3}$/)
    .default('127.10'),
  guest_address_base: z
    .string()
    .regex(/^127\.\d{1,3}$/)
    .default('127.20'),
  templates: z.array(templateSchema).default([]),
  pools: z.array(poolSchema).min(1),
  faults: z.array(faultSchema).default([]),
});

export type LabConfig = z.infer<typeof labConfigSchema>;
export type PoolConfig = z.infer<typeof poolSchema>;
export type VmConfig = z.infer<typeof vmSchema>;
export type TemplateConfig = z.infer<typeof templateSchema>;

/** Parses a lab config; errors point at file:line:col of the offending value. */
export function parseLabConfig(text: string, source: string): LabConfig {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const pos = first?.linePos?.[0];
    throw new SimulatorError(
      `${source}:${pos?.line ?? 1}:${pos?.col ?? 1}: invalid YAML: ${first?.message ?? 'unknown error'}`,
      SimulatorErrorCode.InvalidLabConfig,
    );
  }
  const result = labConfigSchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = (issue?.path ?? []).filter((p): p is string | number => typeof p !== 'symbol');
  const node = doc.getIn(path, true) as { range?: [number, number] } | undefined;
  let where = source;
  if (node?.range) {
    const before = text.slice(0, node.range[0]).split('\n');
    where = `${source}:${before.length}:${(before[before.length - 1]?.length ?? 0) + 1}`;
  }
  throw new SimulatorError(
    `${where}: ${path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    SimulatorErrorCode.InvalidLabConfig,
  );
}

export function loadLabConfig(file: string): LabConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SimulatorError(
      `lab config ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      SimulatorErrorCode.InvalidLabConfig,
    );
  }
  return parseLabConfig(text, file);
}

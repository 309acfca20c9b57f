import { LabModel } from 'src/simulator/model/lab-model';
import { SimHost, SimPif } from 'src/simulator/model/types';
import {
  DEPMOD_CONF,
  DEPMOD_CONF_TEXT,
  depmodSearch,
  hostPackages,
  MODULES_ROOT,
} from 'src/simulator/packages/host-packages';
import { BUILTIN_MODULES } from 'src/simulator/packages/package-catalog';
import { CommandTable, ShellEnv, Vfs } from 'src/simulator/shell/shell-types';

/**
 * The hardware a simulated host reports through ordinary Linux tools (what Shakedown's hardware
 * profile collects): a Dell-like server with a MegaRAID controller and Broadcom NICs, the CPU and
 * memory of the lab config. Memory is the host's total, not dom0's share (a simplification).
 */
const PRODUCT = 'PowerEdge R640';
const NIC_SLOTS = ['19:00.0', '19:00.1', '3b:00.0', '3b:00.1'];

function pifsOf(model: LabModel, host: SimHost): SimPif[] {
  return [...model.state.pifs.values()]
    .filter((p) => p.hostUuid === host.uuid)
    .sort((a, b) => a.device.localeCompare(b.device));
}

async function loadedVersion(env: ShellEnv, name: string): Promise<string | undefined> {
  const pk = hostPackages(env.host());
  pk.syncBoot(depmodSearch((await env.vfs.read(DEPMOD_CONF))?.toString('utf8') ?? null));
  return pk.loaded.find((m) => m.name === name)?.version;
}

/** /proc/meminfo of a simulated host (virtual file). */
export function meminfo(host: SimHost): string {
  const kb = Math.floor(host.memoryTotal / 1024);
  const free = Math.floor(kb * 0.62);
  return [
    `MemTotal:       ${String(kb).padStart(10)} kB`,
    `MemFree:        ${String(free).padStart(10)} kB`,
    `MemAvailable:   ${String(Math.floor(kb * 0.7)).padStart(10)} kB`,
    `Buffers:        ${String(31264).padStart(10)} kB`,
    `Cached:         ${String(412876).padStart(10)} kB`,
    `SwapTotal:      ${String(1048572).padStart(10)} kB`,
    `SwapFree:       ${String(1048572).padStart(10)} kB`,
    '',
  ].join('\n');
}

/** Files every simulated dom0 has on disk: depmod's configuration, module trees, network devices. */
export async function initHostFiles(vfs: Vfs & { mkdirp(p: string): Promise<void> }, model: LabModel, host: SimHost) {
  await vfs.mkdirp('/etc/depmod.d');
  if (!(await vfs.read(DEPMOD_CONF))) await vfs.write(DEPMOD_CONF, Buffer.from(DEPMOD_CONF_TEXT), false);
  for (const d of ['override', 'updates', 'extra']) await vfs.mkdirp(`${MODULES_ROOT}/${d}`);
  for (const m of BUILTIN_MODULES) {
    const path = `${MODULES_ROOT}/${m.path}`;
    await vfs.mkdirp(path.slice(0, path.lastIndexOf('/')));
    await vfs.write(path, Buffer.from(`simulated ${m.name}.ko ${m.version} (kernel)\n`), false);
  }
  for (const b of hostPackages(host).installed.values()) {
    if (!b.module) continue;
    await vfs.write(
      `${MODULES_ROOT}/${b.module.dir}/${b.module.name}.ko`,
      Buffer.from(`simulated ${b.module.name}.ko\n`),
      false,
    );
  }
  for (const dev of ['lo', ...pifsOf(model, host).map((p) => p.device), 'xenbr0', 'ovs-system']) {
    await vfs.mkdirp(`/sys/class/net/${dev}`);
  }
}

export const HARDWARE_COMMANDS: CommandTable = {
  lscpu: async (io, env) => {
    const h = env.host();
    const n = h.cpuCount;
    const rows: Array<[string, string]> = [
      ['Architecture', 'x86_64'],
      ['CPU op-mode(s)', '32-bit, 64-bit'],
      ['Byte Order', 'Little Endian'],
      ['CPU(s)', String(n)],
      ['On-line CPU(s) list', `0-${n - 1}`],
      ['Thread(s) per core', '1'],
      ['Core(s) per socket', String(n)],
      ['Socket(s)', '1'],
      ['NUMA node(s)', '1'],
      ['Vendor ID', /AMD/i.test(h.cpuModel) ? 'AuthenticAMD' : 'GenuineIntel'],
      ['Model name', h.cpuModel],
      ['Hypervisor vendor', 'Xen'],
      ['Virtualization type', 'none'],
      ['L3 cache', '14080K'],
    ];
    io.out(rows.map(([k, v]) => `${`${k}:`.padEnd(23)}${v}\n`).join(''));
    return 0;
  },
  dmidecode: async (io) => {
    const s = io.argv.indexOf('-s');
    const key = s >= 0 ? io.argv[s + 1] : undefined;
    const values: Record<string, string> = {
      'system-product-name': PRODUCT,
      'system-manufacturer': 'Dell Inc.',
      'bios-version': '2.19.1',
    };
    if (!key || values[key] === undefined) {
      io.err(`dmidecode: option requires a valid keyword: ${key ?? ''}\n`);
      return 2;
    }
    io.out(`${values[key]}\n`);
    return 0;
  },
  lspci: async (io, env) => {
    const k = io.argv.includes('-k');
    const dev = (slot: string, cls: string, desc: string, sub: string, driver?: string): string =>
      `${slot} ${cls}: ${desc}\n${k ? `\tSubsystem: ${sub}\n${driver ? `\tKernel driver in use: ${driver}\n\tKernel modules: ${driver}\n` : ''}` : ''}`;
    let out = dev('00:00.0', 'Host bridge', 'Intel Corporation Sky Lake-E DMI3 Registers (rev 07)', 'Dell Device 0716');
    out += dev(
      '18:00.0',
      'RAID bus controller',
      'Broadcom / LSI MegaRAID SAS-3 3108 [Invader] (rev 02)',
      'Dell PERC H730P Mini',
      'megaraid_sas',
    );
    for (const [i, _p] of pifsOf(env.model, env.host()).entries()) {
      out += dev(
        NIC_SLOTS[i] ?? `5e:00.${i}`,
        'Ethernet controller',
        'Broadcom Inc. and subsidiaries BCM57412 NetXtreme-E 10Gb RDMA Ethernet Controller (rev 01)',
        'Broadcom Inc. and subsidiaries NetXtreme-E Dual-port 10GBASE-T Ethernet OCP 3.0 Adapter',
        'bnxt_en',
      );
    }
    io.out(out);
    return 0;
  },
  ethtool: async (io, env) => {
    const name = io.argv.filter((a) => !a.startsWith('-'))[0] ?? '';
    const pifs = pifsOf(env.model, env.host());
    const i = pifs.findIndex((p) => p.device === name);
    if (i < 0) {
      io.err(`Cannot get driver information: No such device\n`);
      return 71;
    }
    if (!io.argv.includes('-i')) {
      io.out(
        `Settings for ${name}:\n\tSpeed: ${pifs[i]!.speedMbps}Mb/s\n\tDuplex: Full\n\tLink detected: ${pifs[i]!.carrier ? 'yes' : 'no'}\n`,
      );
      return 0;
    }
    const version = (await loadedVersion(env, 'bnxt_en')) ?? '';
    io.out(
      [
        'driver: bnxt_en',
        `version: ${version}`,
        'firmware-version: 214.0.253.1/pkg 21.40.25.31',
        'expansion-rom-version: ',
        `bus-info: 0000:${NIC_SLOTS[i] ?? `5e:00.${i}`}`,
        'supports-statistics: yes',
        'supports-test: yes',
        'supports-eeprom-access: yes',
        'supports-register-dump: yes',
        'supports-priv-flags: no',
        '',
      ].join('\n'),
    );
    return 0;
  },
};

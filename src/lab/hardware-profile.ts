import { z } from 'zod';
import { checkInput, FieldProblem } from 'src/common/input/check-input';

// Names and models are shown on public pages: printable text, bounded, rendered escaped everywhere.
const text = (max = 200) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(
      (s) => ![...s].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20 || ch.codePointAt(0) === 0x7f),
      'must not contain control characters',
    );
const count = (max: number) =>
  z.number().int('expected an integer').min(1, 'must be at least 1').max(max, `must be at most ${max}`);

const driver = z.strictObject({
  /** Kernel driver name as `ethtool -i` / sysfs report it (ixgbe, megaraid_sas, nvme). */
  driver: text(64),
  driverVersion: text(64).optional(),
  firmware: text(128).optional(),
  model: text().optional(),
});

const hardwareProfileSchema = z.strictObject({
  /** A label the submitter chooses for this system ("rack 3 R640"). */
  name: text(100).optional(),
  server: z.strictObject({
    vendor: text(100).optional(),
    model: text(),
    biosVersion: text(100).optional(),
  }),
  cpu: z.strictObject({
    /** As /proc/cpuinfo's "model name" says it. */
    model: text(),
    sockets: count(64),
    coresPerSocket: count(1024),
    threadsPerCore: count(8).optional(),
  }),
  memoryBytes: z
    .number()
    .int('expected an integer')
    .min(64 * 1024 * 1024, 'must be at least 64 MiB')
    .max(2 ** 53),
  nics: z
    .array(driver.extend({ name: text(32).optional(), speedMbps: z.number().int().min(1).max(10_000_000).optional() }))
    .max(64),
  storageControllers: z.array(driver).max(64),
  disks: z
    .array(
      z.strictObject({
        model: text().optional(),
        sizeBytes: z
          .number()
          .int()
          .min(1)
          .max(2 ** 53)
          .optional(),
        rotational: z.boolean().optional(),
        logicalBlockSize: z.union([z.literal(512), z.literal(4096)]).optional(),
      }),
    )
    .max(256)
    .optional(),
  xcpngVersion: text(32).optional(),
  /** Collected from a simulated host: kept apart from real hardware everywhere. */
  simulated: z.boolean().optional(),
});

/**
 * What a host is made of, as `shakedown lab collect-hardware HOST` gathers it over SSH and as a
 * submission carries it. camelCase, JSON.
 */
export type HardwareProfile = z.output<typeof hardwareProfileSchema>;
export type DeviceDriver = HardwareProfile['storageControllers'][number];

/** Checks a profile; problems name fields from `root` (e.g. `hardware.nics[0].driver`). */
export function validateHardwareProfile(
  value: unknown,
  root = 'hardware',
): { ok: true; value: HardwareProfile } | { ok: false; problems: FieldProblem[] } {
  return checkInput(hardwareProfileSchema, value, root);
}

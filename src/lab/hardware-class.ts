import type { DeviceDriver, HardwareProfile } from 'src/lab/hardware-profile';

/**
 * The hardware class of a system: `<cpu family> / <nic driver> / <storage driver>`, e.g.
 * `intel-xeon-e5-v4 / ixgbe / megaraid_sas`. It groups systems that exercise the same code paths of
 * XCP-ng: the CPU generation (Xen's feature levelling and microcode), the NIC driver and the
 * storage controller driver (the drivers shipped in dom0). The rule:
 * - CPU family from the model string (see {@link cpuFamily}); same generation → same family.
 * - NIC and storage: the driver most of the devices use (ties: alphabetical); `none` without devices.
 *   Driver versions, memory size, core counts and server model are left out on purpose: they
 *   vary between otherwise identical systems and would scatter coverage.
 * - Simulated systems get a `simulated / ` prefix: they never stand in for real hardware.
 */
export function hardwareClass(
  profile: Pick<HardwareProfile, 'cpu' | 'nics' | 'storageControllers' | 'simulated'>,
): string {
  const parts = [cpuFamily(profile.cpu.model), mainDriver(profile.nics), mainDriver(profile.storageControllers)];
  return (profile.simulated ? ['simulated', ...parts] : parts).join(' / ');
}

function mainDriver(devices: readonly Pick<DeviceDriver, 'driver'>[]): string {
  const counts = new Map<string, number>();
  for (const d of devices) {
    const name = slug(d.driver.replace(/-/g, '_'), '_');
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return ranked[0]?.[0] ?? 'none';
}

/**
 * The CPU generation from a model string:
 * - Intel Xeon E3/E5/E7 `E5-2630 v4` → `intel-xeon-e5-v4` (no `vN`: the first generation, `intel-xeon-e5`);
 * - Intel Xeon Scalable `Gold 6230` → `intel-xeon-scalable-gen2` (the second digit is the generation);
 * - Intel Xeon E-2xxx / D / W `E-2236` → `intel-xeon-e-22xx`, `D-1541` → `intel-xeon-d-15xx`;
 * - Intel Core `i7-8700` → `intel-core-gen8`, `i5-12400` → `intel-core-gen12`;
 * - AMD EPYC `7302` → `amd-epyc-7002` (series and generation digits), Ryzen `5950X` → `amd-ryzen-5000`;
 * - anything else: vendor and the first model words, slugged (`arm-neoverse-n1`).
 */
export function cpuFamily(model: string): string {
  const m = model
    .replace(/\((?:R|TM|tm|r)\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  let x: RegExpExecArray | null;
  if ((x = /\bXeon\b.*?\bE([357])-\s?\d{4}[A-Z]*(?:\s*v(\d+))?/i.exec(m))) {
    return `intel-xeon-e${x[1]}${x[2] ? `-v${x[2]}` : ''}`;
  }
  if ((x = /\bXeon\b.*?\b(Platinum|Gold|Silver|Bronze)\s+(\d)(\d)\d\d/i.exec(m))) {
    return `intel-xeon-scalable-gen${x[3]}`;
  }
  if ((x = /\bXeon\b.*?\b([EDW])-(\d\d)\d\d/i.exec(m))) return `intel-xeon-${x[1]!.toLowerCase()}-${x[2]}xx`;
  if ((x = /\bCore\b.*?\bi[3579]-(\d{4,5})/i.exec(m))) {
    const digits = x[1]!;
    return `intel-core-gen${digits.length === 5 ? digits.slice(0, 2) : digits.slice(0, 1)}`;
  }
  if ((x = /\bEPYC\b\s*(\d)(\d)(\d)(\d)/i.exec(m))) return `amd-epyc-${x[1]}00${x[4]}`;
  if ((x = /\bRyzen\b(?:\s+(?:Threadripper|[3579]))?(?:\s+PRO)?\s+(\d)\d{3}/i.exec(m))) return `amd-ryzen-${x[1]}000`;
  const words = m
    .replace(/@.*$/, '')
    .replace(/\b(CPU|Processor|\d+-Core|Core)\b/gi, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 3);
  return slug(words.join('-'), '-') || 'unknown-cpu';
}

function slug(value: string, keep: '-' | '_'): string {
  const other = keep === '-' ? /[^a-z0-9-]+/g : /[^a-z0-9_]+/g;
  return value
    .toLowerCase()
    .replace(other, keep)
    .replace(new RegExp(`\\${keep}+`, 'g'), keep)
    .replace(new RegExp(`^\\${keep}|\\${keep}$`, 'g'), '');
}

import { describeProblems } from 'src/common/input/check-input';
import { validateHardwareProfile } from 'src/lab/hardware-profile';
import type { HardwareProfile } from 'src/lab/hardware-profile';
import {
  parseEthtoolI,
  parseLscpu,
  parseLspciK,
  parseMeminfo,
  parseProductName,
  physicalNicNames,
  storageControllers,
} from 'src/remote/dom0/hardware-output';
import { LabError, LabErrorCode } from 'src/lab/lab.errors';
import { parseXensourceInventory } from 'src/remote/dom0/package-output';
import type { CommandRunner } from 'src/remote/exec-result';
import { shellQuote } from 'src/remote/shell-quote';

const MIB = 1024 * 1024;

/**
 * What a host is made of, in the one profile format that submissions carry and the hardware class
 * is computed from (src/lab/hardware-profile.ts): `lab collect-hardware` prints it, `submit`
 * sends it unchanged. Each tool runs on its own, so a missing one only leaves its fields out; what
 * the format requires and the host does not say is filled with `unknown` rather than guessed.
 * A simulated host says so in /etc/xensource-inventory, and its profile is marked simulated.
 */
export async function collectHardwareProfile(runner: CommandRunner, timeoutMs = 30_000): Promise<HardwareProfile> {
  const run = async (command: string): Promise<string> => {
    try {
      // Read-only, short commands: closing the channel ends them, no process-group kill needed.
      const r = await runner.exec(command, { timeoutMs, maxOutputBytes: MIB, killRemoteOnCancel: false });
      return r.exitCode === 0 ? r.stdout : '';
    } catch {
      return '';
    }
  };
  const [lscpu, meminfo, product, vendor, bios, lspci, netdevs, inventory] = await Promise.all([
    run('lscpu'),
    run('cat /proc/meminfo'),
    run('dmidecode -s system-product-name'),
    run('dmidecode -s system-manufacturer'),
    run('dmidecode -s bios-version'),
    run('lspci -k'),
    run('ls /sys/class/net'),
    run('cat /etc/xensource-inventory'),
  ]);
  const nics = await Promise.all(
    physicalNicNames(netdevs).map(async (name) => parseEthtoolI(name, await run(`ethtool -i ${shellQuote(name)}`))),
  );
  const controllers = storageControllers(parseLspciK(lspci)).filter((c) => c.driver !== undefined);
  const drivers = [...new Set(controllers.map((c) => c.driver!))];
  const versions = new Map(
    await Promise.all(
      drivers.map(async (d) => [d, (await run(`modinfo -F version ${shellQuote(d)}`)).trim()] as const),
    ),
  );
  const cpu = parseLscpu(lscpu);
  const sockets = cpu.sockets ?? 1;
  const xs = parseXensourceInventory(inventory);
  const opt = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
    value ? ({ [key]: value } as Record<K, string>) : {};
  const profile: HardwareProfile = {
    server: {
      ...opt('vendor', parseProductName(vendor)),
      model: parseProductName(product) ?? 'unknown',
      ...opt('biosVersion', parseProductName(bios)),
    },
    cpu: {
      model: cpu.cpuModel ?? 'unknown',
      sockets,
      coresPerSocket:
        cpu.coresPerSocket ?? Math.max(1, Math.floor((cpu.cpuCount ?? 1) / sockets / (cpu.threadsPerCore ?? 1))),
      ...(cpu.threadsPerCore ? { threadsPerCore: cpu.threadsPerCore } : {}),
    },
    memoryBytes: parseMeminfo(meminfo) ?? 0,
    nics: nics
      .filter((n) => n.driver !== undefined)
      .map((n) => ({
        name: n.name,
        driver: n.driver!,
        ...opt('driverVersion', n.driverVersion),
        ...opt('firmware', n.firmwareVersion),
      })),
    storageControllers: controllers.map((c) => ({
      driver: c.driver!,
      ...opt('driverVersion', versions.get(c.driver!)),
      model: c.description,
    })),
    ...opt('xcpngVersion', xs.PRODUCT_VERSION),
    ...(xs.SIMULATED === 'true' ? { simulated: true } : {}),
  };
  const checked = validateHardwareProfile(profile, 'hardware');
  if (!checked.ok) {
    throw new LabError(
      `${runner.hostName}: the collected hardware profile is incomplete: ${describeProblems(checked.problems)}`,
      LabErrorCode.HardwareIncomplete,
    );
  }
  return checked.value;
}

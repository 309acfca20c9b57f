/**
 * Parsers of what ordinary Linux tools say about a host (lscpu, /proc/meminfo, dmidecode, lspci -k,
 * ethtool -i). `src/lab/collect-hardware.ts` turns their output into the one hardware profile that
 * `lab collect-hardware`, `lab check --hardware` and submissions share (src/lab/hardware-profile.ts).
 */
interface CpuFacts {
  cpuModel?: string;
  cpuCount?: number;
  sockets?: number;
  coresPerSocket?: number;
  threadsPerCore?: number;
}

interface NicInfo {
  name: string;
  driver?: string;
  driverVersion?: string;
  firmwareVersion?: string;
  pciSlot?: string;
}

interface StorageControllerInfo {
  pciSlot: string;
  description: string;
  driver?: string;
  driverVersion?: string;
}

/** `Key: value` lines (lscpu, /proc/meminfo, ethtool -i), keys as printed. */
function colonPairs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    if (!out.has(key)) out.set(key, line.slice(at + 1).trim());
  }
  return out;
}

export function parseLscpu(text: string): CpuFacts {
  const pairs = colonPairs(text);
  const model = pairs.get('Model name');
  const positive = (key: string): number | undefined => {
    const n = Number(pairs.get(key));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const facts: CpuFacts = model ? { cpuModel: model.replace(/\s+/g, ' ') } : {};
  for (const [field, key] of [
    ['cpuCount', 'CPU(s)'],
    ['sockets', 'Socket(s)'],
    ['coresPerSocket', 'Core(s) per socket'],
    ['threadsPerCore', 'Thread(s) per core'],
  ] as const) {
    const n = positive(key);
    if (n !== undefined) facts[field] = n;
  }
  return facts;
}

export function parseMeminfo(text: string): number | undefined {
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** dmidecode prints placeholders when the firmware leaves the field empty. */
export function parseProductName(text: string): string | undefined {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  if (!line || /^(to be filled by o\.e\.m\.|not specified|default string|system product name)$/i.test(line)) {
    return undefined;
  }
  return line;
}

interface PciDevice {
  slot: string;
  cls: string;
  description: string;
  driver?: string;
}

export function parseLspciK(text: string): PciDevice[] {
  const devices: PciDevice[] = [];
  let current: PciDevice | undefined;
  for (const line of text.split('\n')) {
    const head = /^([0-9a-fA-F:.]+)\s+([^:]+):\s+(.*)$/.exec(line);
    if (head) {
      current = { slot: head[1]!, cls: head[2]!.trim(), description: head[3]!.trim() };
      devices.push(current);
      continue;
    }
    const driver = /^\s+Kernel driver in use:\s*(\S+)/.exec(line);
    if (driver && current) current.driver = driver[1]!;
  }
  return devices;
}

const STORAGE_CLASS =
  /RAID|SATA|SAS|SCSI|Serial Attached|Non-Volatile memory|NVMe|IDE interface|Mass storage|storage controller/i;

export function storageControllers(devices: readonly PciDevice[]): StorageControllerInfo[] {
  return devices
    .filter((d) => STORAGE_CLASS.test(d.cls))
    .map((d) => ({ pciSlot: d.slot, description: d.description, ...(d.driver ? { driver: d.driver } : {}) }));
}

export function parseEthtoolI(name: string, text: string): NicInfo {
  const pairs = colonPairs(text);
  const get = (k: string) => {
    const v = pairs.get(k);
    return v && v !== 'N/A' ? v : undefined;
  };
  const driver = get('driver');
  const version = get('version');
  const firmware = get('firmware-version');
  const bus = get('bus-info');
  return {
    name,
    ...(driver ? { driver } : {}),
    ...(version ? { driverVersion: version } : {}),
    ...(firmware ? { firmwareVersion: firmware } : {}),
    ...(bus ? { pciSlot: bus } : {}),
  };
}

/** Physical NIC names from `ls /sys/class/net` (loopback, bridges and virtual interfaces left out). */
export function physicalNicNames(text: string): string[] {
  return text
    .split(/\s+/)
    .map((s) => s.trim())
    .filter((n) => /^(eth|en|eno|ens|enp|em|p\d)/.test(n) && !n.includes('.'));
}

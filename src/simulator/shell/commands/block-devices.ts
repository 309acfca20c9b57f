import { createHash } from 'node:crypto';
import { hostBlockState } from 'src/simulator/model/host-block-state';
import { deviceMapperHolders, hostBlockDevices } from 'src/simulator/model/host-disks';
import { ShellEnv } from 'src/simulator/shell/shell-types';

/** A block device of the host as the dom0 tools open it: modelled disks, loop devices, md arrays. */
interface OpenedDevice {
  path: string;
  size: number;
  /** 7 for loop, 9 for md, 8 for SCSI disks */
  major: number;
  minor: number;
  /** why the kernel refuses an exclusive open, if it does: mounted, an SR's volume, an array member */
  busy: 'mounted' | 'in use' | null;
}

/** The device at `path`, or null when there is no such device node. */
export async function openDevice(env: ShellEnv, path: string): Promise<OpenedDevice | null> {
  const host = env.host();
  const state = hostBlockState(host);
  const inUse = (p: string): OpenedDevice['busy'] =>
    state.mountOf(p) ? 'mounted' : state.arrayOf(p) ? 'in use' : null;
  const loop = /^\/dev\/loop(\d+)$/.exec(path);
  if (loop) {
    if (!state.loops.has(path)) return null;
    const size = state.loopSizes.get(path) ?? 0;
    return { path, size, major: 7, minor: Number(loop[1]), busy: inUse(path) };
  }
  const md = /^\/dev\/md(\d+)$/.exec(path);
  if (md) {
    const array = state.arrays.get(path);
    return array ? { path, size: array.size, major: 9, minor: Number(md[1]), busy: inUse(path) } : null;
  }
  const devices = hostBlockDevices(env.model, host);
  const d = devices.find((x) => `/dev/${x.name}` === path && x.type !== 'lvm');
  if (!d) return null;
  const holders = deviceMapperHolders(env.model, host, devices);
  const family = devices.filter((x) => x.name === d.name || x.pkname === d.name);
  const systemUse =
    family.some((x) => x.mountpoint !== '') || holders.some((h) => family.some((x) => x.kname === h.pkname));
  return {
    path,
    size: d.size,
    major: d.major,
    minor: d.minor,
    busy: d.mountpoint !== '' ? 'mounted' : systemUse ? 'in use' : inUse(path),
  };
}

/** A filesystem or array UUID, stable for what it names. */
export function newUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

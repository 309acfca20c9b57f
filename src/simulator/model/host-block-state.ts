import { SimHost } from 'src/simulator/model/types';

/**
 * What dom0 commands have done to a host's block devices since the lab started: signatures written
 * (mkfs, mdadm, zpool) and erased (wipefs), loop devices, software RAID arrays, mounts. Kept per
 * host for the lab's life; `lsblk`, `mount`, the raid plugin and the commands themselves read it.
 */
interface Signature {
  /** blkid's TYPE: ext4, linux_raid_member, zfs_member */
  type: string;
  uuid: string;
  /** simulated epoch ms it was written */
  at: number;
}

interface RaidArray {
  level: string;
  members: string[];
  uuid: string;
  created: number;
  size: number;
}

interface Mount {
  device: string;
  type: string;
}

export class HostBlockState {
  /** by device path (/dev/sdc, /dev/loop0, /dev/md127) */
  readonly signatures = new Map<string, Signature>();
  /** /dev/loopN → the absolute path of its backing file */
  readonly loops = new Map<string, string>();
  /** /dev/loopN → the size of its file when it was attached */
  readonly loopSizes = new Map<string, number>();
  /** /dev/mdN → the array */
  readonly arrays = new Map<string, RaidArray>();
  /** mount point → what is mounted there */
  readonly mounts = new Map<string, Mount>();

  /** the array a device belongs to, if any */
  arrayOf(device: string): string | undefined {
    return [...this.arrays.entries()].find(([, a]) => a.members.includes(device))?.[0];
  }

  mountOf(device: string): string | undefined {
    return [...this.mounts.entries()].find(([, m]) => m.device === device)?.[0];
  }
}

const states = new WeakMap<SimHost, HostBlockState>();

export function hostBlockState(host: SimHost): HostBlockState {
  let s = states.get(host);
  if (!s) states.set(host, (s = new HostBlockState()));
  return s;
}

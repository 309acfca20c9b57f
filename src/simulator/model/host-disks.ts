import { LabModel } from 'src/simulator/model/lab-model';
import { HostBlockState, hostBlockState } from 'src/simulator/model/host-block-state';
import { SimHost } from 'src/simulator/model/types';

/**
 * The block devices of a simulated host, as `lsblk` and the XCP-ng plugins see them: the install
 * disk sda with XCP-ng's partition layout (sda3 holds the local SR), the local LVM SR's disk sdb
 * when the host has one, and two disks no SR uses (one with 512 B sectors, one with 4 KiB) for
 * tests that create their own SRs. Sizes in bytes.
 */
export interface BlockDevice {
  name: string;
  kname: string;
  pkname: string;
  size: number;
  logSec: 512 | 4096;
  /** disk, part, lvm, loop, or the raid level (raid1, …) of an md array */
  type: string;
  /** the signature a dom0 tool wrote on it (mkfs, mdadm), as lsblk's FSTYPE shows it */
  fstype?: string;
  /** loop devices: the file behind them */
  backingFile?: string;
  mountpoint: string;
  ro: boolean;
  major: number;
  minor: number;
  wwn: string;
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export function hostBlockDevices(model: LabModel, host: SimHost): BlockDevice[] {
  const local = [...model.state.pbds.values()].filter((p) => p.hostUuid === host.uuid);
  const sizeOf = (device: string, fallback: number): number => {
    const pbd = local.find((p) => p.deviceConfig['device'] === device);
    const sr = pbd ? model.state.srs.get(pbd.srUuid) : undefined;
    return sr?.physicalSize ?? fallback;
  };
  const wwn = (n: number): string =>
    `0x5000c500${host.uuid.replace(/-/g, '').slice(0, 6)}${String(n).padStart(2, '0')}`;
  const disk = (name: string, minor: number, size: number, logSec: 512 | 4096, n: number): BlockDevice => ({
    name,
    kname: name,
    pkname: '',
    size,
    logSec,
    type: 'disk',
    mountpoint: '',
    ro: false,
    major: 8,
    minor,
    wwn: wwn(n),
  });
  const part = (parent: BlockDevice, i: number, size: number, mountpoint: string): BlockDevice => ({
    ...parent,
    name: `${parent.name}${i}`,
    kname: `${parent.name}${i}`,
    pkname: parent.name,
    size,
    type: 'part',
    mountpoint,
    minor: parent.minor + i,
  });
  const sr3 = sizeOf('/dev/sda3', 0);
  const sda = disk('sda', 0, 18 * GIB * 2 + sr3 + 5.5 * GIB + 1 * GIB + 512 * MIB, 512, 0);
  const out: BlockDevice[] = [
    sda,
    part(sda, 1, 18 * GIB, '/'),
    part(sda, 2, 18 * GIB, ''),
    ...(sr3 > 0 ? [part(sda, 3, sr3, '')] : []),
    part(sda, 4, 512 * MIB, '/boot/efi'),
    part(sda, 5, 4 * GIB, '/var/log'),
    part(sda, 6, 1 * GIB, '[SWAP]'),
  ];
  const lvm = sizeOf('/dev/sdb', 0);
  let minor = 16;
  let n = 1;
  if (lvm > 0) {
    out.push(disk('sdb', minor, lvm, 512, n));
    minor += 16;
    n += 1;
  }
  const letter = (i: number): string => String.fromCharCode(97 + i);
  out.push(disk(`sd${letter(minor / 16)}`, minor, 100 * GIB, 512, n));
  out.push(disk(`sd${letter(minor / 16 + 1)}`, minor + 16, 100 * GIB, 4096, n + 1));
  return withBlockState(out, hostBlockState(host));
}

/** What dom0's tools did since boot: mounts, loop devices (major 7) and md arrays (major 9, under each member). */
function withBlockState(devices: BlockDevice[], state: HostBlockState): BlockDevice[] {
  const out = devices.map((d) => {
    const dir = state.mountOf(`/dev/${d.name}`);
    const sig = state.signatures.get(`/dev/${d.name}`);
    return { ...d, ...(dir ? { mountpoint: dir } : {}), ...(sig ? { fstype: sig.type } : {}) };
  });
  for (const [path, file] of state.loops) {
    const name = path.slice('/dev/'.length);
    const minor = Number(name.slice('loop'.length));
    const sig = state.signatures.get(path);
    out.push({
      ...LOOP,
      name,
      kname: name,
      minor,
      size: state.loopSizes.get(path) ?? 0,
      backingFile: file,
      ...(sig ? { fstype: sig.type } : {}),
    });
  }
  for (const [path, array] of state.arrays) {
    const name = path.slice('/dev/'.length);
    for (const member of array.members) {
      out.push({
        ...LOOP,
        name,
        kname: name,
        pkname: member.slice('/dev/'.length),
        type: array.level,
        major: 9,
        minor: Number(name.replace(/^md/, '')),
        size: array.size,
        mountpoint: state.mountOf(path) ?? '',
      });
    }
  }
  return out;
}

const LOOP: BlockDevice = {
  name: '',
  kname: '',
  pkname: '',
  size: 0,
  logSec: 512,
  type: 'loop',
  mountpoint: '',
  ro: false,
  major: 7,
  minor: 0,
  wwn: '',
};

/** device-mapper names double a dash that is part of a name */
const dmName = (s: string): string => s.replace(/-/g, '--');

/**
 * The device-mapper volumes SRs keep open on the host's disks, as children of the partition or
 * disk that holds them (major 253, kernel names dm-N): a local ext SR's logical volume mounted at
 * /run/sr-mount/<sr>, an LVM SR's `MGT` volume. What makes lsblk report such a disk as in use.
 */
export function deviceMapperHolders(model: LabModel, host: SimHost, devices: BlockDevice[]): BlockDevice[] {
  const out: BlockDevice[] = [];
  for (const pbd of model.state.pbds.values()) {
    if (pbd.hostUuid !== host.uuid || !pbd.attached) continue;
    const sr = model.state.srs.get(pbd.srUuid);
    const parent = devices.find((d) => `/dev/${d.name}` === pbd.deviceConfig['device']);
    if (!sr || !parent || (sr.type !== 'ext' && sr.type !== 'lvm')) continue;
    const ext = sr.type === 'ext';
    out.push({
      name: ext ? `XSLocalEXT--${dmName(sr.uuid)}-${dmName(sr.uuid)}` : `VG_XenStorage--${dmName(sr.uuid)}-MGT`,
      kname: `dm-${out.length}`,
      pkname: parent.kname,
      size: ext ? parent.size - 12 * MIB : 4 * MIB,
      logSec: parent.logSec,
      type: 'lvm',
      mountpoint: ext ? `/run/sr-mount/${sr.uuid}` : '',
      ro: false,
      major: 253,
      minor: out.length,
      wwn: '',
    });
  }
  return out;
}

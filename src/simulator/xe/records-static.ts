import { createHash } from 'node:crypto';
import { SrType } from 'src/simulator/model/types';
import { ClassDef } from 'src/simulator/xe/records';

/**
 * Classes whose records never change in the simulated lab: the SM drivers every host registers,
 * and the classes a simulated lab has no objects of (messages, bonds, VLANs, tunnels, vTPMs, SDN
 * controllers, tasks once finished). Their -list prints nothing and their -param-* answer
 * UUID_INVALID with the class's table name (datamodel_common.ml).
 */

interface SimSm {
  uuid: string;
  type: SrType | 'udev' | 'file';
  name: string;
  description: string;
  capabilities: string[];
  configuration: Array<[string, string]>;
}

const caps = (extra: string[]): string[] => ['SR_PROBE', 'SR_UPDATE', ...extra];
const VDI_CAPS = ['VDI_CREATE', 'VDI_DELETE', 'VDI_ATTACH', 'VDI_DETACH', 'VDI_CLONE', 'VDI_SNAPSHOT', 'VDI_RESIZE'];

/** The drivers of a stock dom0 (/opt/xensource/sm/*SR), each an SM record. */
const DRIVERS: Array<Omit<SimSm, 'uuid'>> = [
  {
    type: 'ext',
    name: 'Local EXT3 VHD',
    description:
      'SR plugin representing disks as VHD files stored on a local EXT3 filesystem, created inside an LVM volume',
    capabilities: caps(['SR_SUPPORTS_LOCAL_CACHING', ...VDI_CAPS]),
    configuration: [['device', 'local device path (required) (e.g. /dev/sda3)']],
  },
  {
    type: 'lvm',
    name: 'Local VHD on LVM',
    description:
      'SR plugin which represents disks as VHD disks on Logical Volumes within a locally-attached Volume Group',
    capabilities: caps(['SR_TRIM', ...VDI_CAPS]),
    configuration: [['device', 'local device path (required) (e.g. /dev/sda3)']],
  },
  {
    type: 'nfs',
    name: 'NFS VHD',
    description: 'SR plugin which stores disks as VHD files on a remote NFS filesystem',
    capabilities: caps(['SR_CACHING', ...VDI_CAPS]),
    configuration: [
      ['server', 'hostname or IP address of NFS server (required)'],
      ['serverpath', 'path on remote server (required)'],
    ],
  },
  {
    type: 'lvmoiscsi',
    name: 'LVHD over iSCSI',
    description: 'SR plugin which represents disks as Logical Volumes within a Volume Group created on an iSCSI LUN',
    capabilities: caps(['SR_METADATA', 'SR_TRIM', ...VDI_CAPS]),
    configuration: [
      ['target', 'IP address or hostname of the iSCSI target'],
      ['targetIQN', 'The IQN of the target LUN group to be attached'],
      ['SCSIid', 'The scsi_id of the destination LUN'],
    ],
  },
  {
    type: 'iso',
    name: 'ISO',
    description: 'Handles CD images stored as files in iso format',
    capabilities: ['VDI_CREATE', 'VDI_DELETE', 'VDI_ATTACH', 'VDI_DETACH', 'SR_SCAN', 'SR_ATTACH', 'SR_DETACH'],
    configuration: [['location', 'path to mount (required)']],
  },
  {
    type: 'udev',
    name: 'Local Device Passthrough',
    description: 'SR plugin which represents block devices as VDIs',
    capabilities: ['VDI_ATTACH', 'VDI_DETACH', 'SR_SCAN', 'SR_ATTACH', 'SR_DETACH'],
    configuration: [['location', 'path to mount (required)']],
  },
];

const smUuid = (type: string): string => {
  const h = createHash('sha256').update(`sm:${type}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const SMS: SimSm[] = DRIVERS.map((d) => ({ ...d, uuid: smUuid(d.type) }));

export const SM_CLASS: ClassDef<SimSm> = {
  cli: 'sm',
  table: 'SM',
  all: () => SMS,
  byUuid: (_m, uuid) => SMS.find((s) => s.uuid === uuid),
  fields: [
    { name: 'uuid', get: (s) => s.uuid },
    { name: 'name-label', get: (s) => s.name },
    { name: 'name-description', get: (s) => s.description },
    { name: 'type', get: (s) => s.type },
    { name: 'vendor', get: () => 'Citrix Systems Inc' },
    { name: 'copyright', get: () => '(C) 2008 Citrix Systems Inc' },
    { name: 'required-api-version', get: () => '1.0' },
    { name: 'capabilities', get: (s) => s.capabilities },
    { name: 'features', get: (s) => s.capabilities.map((c): [string, string] => [c, '1']) },
    { name: 'configuration', get: (s) => s.configuration },
    { name: 'driver-filename', get: (s) => `/opt/xensource/sm/${s.type === 'ext' ? 'EXT' : s.type.toUpperCase()}SR` },
    { name: 'required-cluster-stack', get: () => [] },
  ],
};

function emptyClass(cli: string, table: string): ClassDef<never> {
  return { cli, table, all: () => [], byUuid: () => undefined, fields: [] };
}

/** CLI class prefix → class with no objects in a simulated lab. */
export const EMPTY_CLASSES: Record<string, ClassDef<never>> = {
  message: emptyClass('message', 'message'),
  task: emptyClass('task', 'task'),
  bond: emptyClass('bond', 'Bond'),
  vlan: emptyClass('vlan', 'VLAN'),
  tunnel: emptyClass('tunnel', 'tunnel'),
  'sdn-controller': emptyClass('sdn-controller', 'SDN_controller'),
  vtpm: emptyClass('vtpm', 'VTPM'),
  'network-sriov': emptyClass('network-sriov', 'network_sriov'),
  'host-crashdump': emptyClass('host-crashdump', 'host_crashdump'),
  appliance: emptyClass('appliance', 'VM_appliance'),
  vmss: emptyClass('vmss', 'VMSS'),
  pusb: emptyClass('pusb', 'PUSB'),
  vusb: emptyClass('vusb', 'VUSB'),
  vgpu: emptyClass('vgpu', 'VGPU'),
};

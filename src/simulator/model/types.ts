/** The simulated lab's state: plain records keyed by uuid, mutated only by the xe emulator and the lab. */

export type XcpVersion = '8.2.1' | '8.3.0';
export const XCP_VERSIONS: readonly XcpVersion[] = ['8.2.1', '8.3.0'];

export type PowerState = 'halted' | 'paused' | 'running' | 'suspended';
export type SrType = 'ext' | 'lvm' | 'nfs' | 'lvmoiscsi' | 'iso';
export type ImageKind = 'pv-linux' | 'pvhvm-linux' | 'hvm-windows';
type Firmware = 'bios' | 'uefi';
type VmOrigin = 'recent' | 'upgraded' | 'imported';

export interface SimPool {
  uuid: string;
  name: string;
  masterUuid: string;
  defaultSrUuid: string | null;
  otherConfig: Record<string, string>;
}

export interface SimHost {
  uuid: string;
  name: string;
  poolUuid: string;
  version: XcpVersion;
  address: string;
  memoryTotal: number;
  memoryOverhead: number;
  cpuCount: number;
  cpuModel: string;
  enabled: boolean;
  /** Gbit/s of the migration link; a slow-link fault divides it. */
  linkGbps: number;
  controlDomainUuid: string;
  bootedAt: number;
}

export interface SimNetwork {
  uuid: string;
  name: string;
  bridge: string;
  poolUuid: string;
  description?: string;
  mtu?: number;
  managed?: boolean;
  /** what a VIF in `network_default` locking mode follows (xapi's default: unlocked) */
  defaultLockingMode?: 'unlocked' | 'disabled';
}

export interface SimPif {
  uuid: string;
  hostUuid: string;
  networkUuid: string;
  device: string;
  mac: string;
  carrier: boolean;
  management: boolean;
  ip: string;
  speedMbps: number;
  /** set by pif-plug/unplug; absent means attached when management or carrier */
  attached?: boolean;
  mode?: 'None' | 'DHCP' | 'Static';
  netmask?: string;
  gateway?: string;
  dns?: string;
  primaryAddressType?: 'IPv4' | 'IPv6';
  /** false for a bond's master PIF (absent: a physical NIC) */
  physical?: boolean;
  /** on a bond's master PIF: the Bond record (xapi_bond.ml create) */
  bond?: SimBond;
  /** on a bond member: the uuid of its Bond */
  bondSlaveOf?: string;
}

export type BondMode = 'balance-slb' | 'active-backup' | 'lacp';

export interface SimBond {
  uuid: string;
  mode: BondMode;
  properties: Array<[string, string]>;
  primarySlave: string;
  members: string[];
  autoUpdateMac: boolean;
}

export interface SimSr {
  uuid: string;
  name: string;
  type: SrType;
  shared: boolean;
  poolUuid: string;
  physicalSize: number;
  contentType: string;
}

export interface SimPbd {
  uuid: string;
  hostUuid: string;
  srUuid: string;
  deviceConfig: Record<string, string>;
  attached: boolean;
}

export interface SimVdi {
  uuid: string;
  name: string;
  description: string;
  srUuid: string;
  virtualSize: number;
  /** Bytes really used; what storage motion and export have to move. */
  physicalUtilisation: number;
  readOnly: boolean;
  type: 'user' | 'system' | 'suspend';
  /** set on VDIs made by VDI.snapshot (vdi-snapshot, vm-snapshot, vm-checkpoint) */
  snapshotOf?: string | null;
  isSnapshot?: boolean;
  snapshotTime?: number;
  sharable?: boolean;
}

export interface SimVbd {
  uuid: string;
  vmUuid: string;
  vdiUuid: string | null;
  device: string;
  userdevice: string;
  type: 'Disk' | 'CD';
  bootable: boolean;
  mode?: 'RO' | 'RW';
  /** a disk hot-unplugged (vbd-unplug) from a running VM; plugged again by vbd-plug */
  unplugged?: boolean;
  /** created on a running VM and not plugged yet (vbd-create) */
  pending?: boolean;
  otherConfig?: Record<string, string>;
  /** false when created with unpluggable=false; hot-unplug is then refused */
  unpluggable?: boolean;
}

export interface SimVif {
  uuid: string;
  vmUuid: string;
  networkUuid: string;
  device: string;
  mac: string;
  unplugged?: boolean;
  pending?: boolean;
  /** VIF.locking_mode (vif-param-set locking-mode=…); absent means network_default */
  lockingMode?: VifLockingMode;
  /** VIF.ipv4_allowed / ipv6_allowed: addresses (8.3 also CIDRs) a locked VIF lets through */
  ipv4Allowed?: string[];
  ipv6Allowed?: string[];
}

export type VifLockingMode = 'network_default' | 'locked' | 'unlocked' | 'disabled';

interface GuestTools {
  /** e.g. "7.20.0-9": the xe-guest-utilities (Linux) or PV drivers (Windows) version. */
  version: string;
}

interface GuestState {
  address: string | null;
  sshPort: number | null;
  /** 0..1: how busy `stress` keeps the guest; raises the memory dirty rate during migration. */
  load: number;
  loadUntil: number | null;
  bootedAt: number;
  files: Map<string, Buffer>;
  /** links the guest set down and addresses it added (ip, ifconfig) since the boot it records */
  links?: GuestLinks;
}

/** What a guest's own network configuration changed; a reboot (a new bootedAt) forgets it. */
export interface GuestLinks {
  bootedAt: number;
  down: Set<string>;
  /** interface name → addresses with their prefix length, e.g. eth1 → [["169.254.1.1", 16]] */
  addresses: Map<string, Array<[string, number]>>;
}

export interface SimVm {
  uuid: string;
  name: string;
  description: string;
  poolUuid: string;
  isTemplate: boolean;
  isDefaultTemplate: boolean;
  isControlDomain: boolean;
  powerState: PowerState;
  residentOn: string | null;
  affinity: string | null;
  memory: number;
  vcpus: number;
  image: ImageKind;
  firmware: Firmware;
  osName: string;
  distro: string;
  /** packages its package manager installed (fio, iperf3, stress…); copied with the VM */
  software?: string[];
  /** false: the guest reaches no package repository (its package manager finds nothing) */
  repositories?: boolean;
  tools: GuestTools | null;
  /** release the VM was created in; may predate the simulated versions ("7.6") */
  createdIn: string;
  origin: VmOrigin;
  otherConfig: Record<string, string>;
  /** platform keys set with `vm-param-set platform:k=v` (nested-virt, exp-nested-hvm, …) */
  platformExtra?: Record<string, string>;
  tags: string[];
  /** operation ref → operation name, as xapi shows in current-operations. */
  currentOperations: Map<string, string>;
  domId: number;
  startTime: number | null;
  installTime: number;
  guest: GuestState;
  suspendVdiUuid: string | null;
  /** ISO name in the VM's CD drive (vm-cd-insert); absent or null when empty */
  cd?: string | null;
  /** snapshots (vm-snapshot, vm-checkpoint): templates that remember their VM */
  isSnapshot?: boolean;
  snapshotOf?: string | null;
  snapshotTime?: number;
}

export interface SimLabState {
  name: string;
  pools: Map<string, SimPool>;
  hosts: Map<string, SimHost>;
  networks: Map<string, SimNetwork>;
  pifs: Map<string, SimPif>;
  srs: Map<string, SimSr>;
  pbds: Map<string, SimPbd>;
  vdis: Map<string, SimVdi>;
  vbds: Map<string, SimVbd>;
  vifs: Map<string, SimVif>;
  vms: Map<string, SimVm>;
}

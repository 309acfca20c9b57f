/** A nested lab file (YAML) as loaded: nested XCP-ng pools living in VMs of a physical host. */
export interface NestedLabSpec {
  /** absolute path of the lab file; the state file sits next to it */
  file: string;
  /** name of the nested lab in the inventory (its own lab, so provisioning never touches the parent's) */
  name: string;
  parent: ParentSpec;
  access: AccessSpec;
  /** XCP-ng version → where its host image (an XVA export of an installed host) comes from */
  images: Record<string, ImageSource>;
  installer: InstallerSpec;
  timeouts: TimeoutSpec;
  /** keep the imported images on the parent after destroy (default true: importing is the slow part) */
  keepImage: boolean;
  pools: NestedPoolSpec[];
}

interface ParentSpec {
  /** absolute path of the parent's inventory file */
  inventory: string;
  pool: string;
  /** the physical host the nested VMs run on; default the pool master */
  host?: string;
  /** `local` (the host's local SR) or an SR name-label of the parent pool */
  sr: string;
  /** parent network name-label for the nested hosts' management; default the parent's management network */
  network?: string;
}

interface AccessSpec {
  /** credential name (from the parent inventory) to SSH into the nested hosts as root */
  credential: string;
  /** password credential name of the nested hosts' root, for `xe pool-join master-password=` */
  password: string;
}

export type ImageSource = { path: string } | { url: string };

interface InstallerSpec {
  /** dom0 command on the parent that boots a VM on an installer ISO with an answer file */
  bootCommand: string;
  /** the disk the installed system lives on, as the installer sees it */
  existingInstallation: string;
  /** folder on the parent where generated answer files go */
  answerFileDir: string;
}

interface TimeoutSpec {
  bootMs: number;
  xapiMs: number;
  joinMs: number;
  upgradeMs: number;
}

export type VmOriginName = 'recent' | 'upgraded' | 'imported';

export interface NestedVmSpec {
  name: string;
  template: string;
  origin: VmOriginName;
  /** 1-based index of the nested host it runs on */
  host: number;
}

export interface UpgradeSpec {
  to: string;
  method: 'installer' | 'yum';
  /** how many hosts to upgrade, master first (fewer than the pool's hosts leaves it mid-upgrade) */
  hosts: number;
  /** installer ISO name on the parent (method installer) */
  iso?: string;
  /** extra repository to enable for `yum update` (method yum) */
  enableRepo?: string;
}

export interface NestedPoolSpec {
  name: string;
  hosts: number;
  version: string;
  memoryGib: number;
  vcpus: number;
  sharedSr?: { name: string; server: string; path: string };
  vms: NestedVmSpec[];
  upgrade?: UpgradeSpec;
}

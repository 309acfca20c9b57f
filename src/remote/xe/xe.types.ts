import { ExecOptions } from 'src/remote/exec-result';
import { XeArgs, XeArgValue, XeFlags } from 'src/remote/xe/xe-args';
import { XeRecord } from 'src/remote/xe/xe-output';

export type PowerState = 'halted' | 'paused' | 'running' | 'suspended';
export type XeClass = 'vm' | 'host' | 'sr' | 'vdi' | 'vbd' | 'vif' | 'pif' | 'pool' | 'network' | 'pbd';
export type Compression = 'none' | 'gzip' | 'zstd';
/** A password reference (never the password), resolved only when the command is sent. */
export type PasswordRef = { passwordEnv: string } | { passwordFile: string };

export type XeCallOptions = Pick<ExecOptions, 'timeoutMs' | 'signal'>;

/** What the typed helpers need from the client: raw calls on the pool master. */
export interface XeCaller {
  call(command: string, args?: XeArgs, flags?: XeFlags, options?: XeCallOptions): Promise<string>;
  records(command: string, args?: XeArgs, options?: XeCallOptions): Promise<XeRecord[]>;
  minimal(command: string, args?: XeArgs, options?: XeCallOptions): Promise<string[]>;
  paramGet(cls: XeClass, uuid: string, param: string, options?: XeCallOptions & { key?: string }): Promise<string>;
  paramSet(
    cls: XeClass,
    uuid: string,
    values: Readonly<Record<string, XeArgValue>>,
    options?: XeCallOptions,
  ): Promise<void>;
  resolvePassword(ref: PasswordRef): Promise<string>;
}

export interface XeHost {
  uuid: string;
  nameLabel: string;
  address: string;
  enabled: boolean;
}

export interface HostVersion {
  /** e.g. "8.2.1" */
  productVersion?: string;
  buildNumber?: string;
  platformVersion?: string;
  productBrand?: string;
  xapi?: string;
  /** The whole software-version map, as xe printed it. */
  raw: Record<string, string>;
}

export interface XeSr {
  uuid: string;
  nameLabel: string;
  /** The SR type: ext, lvm, nfs, lvmoiscsi, iso, udev, … */
  kind: string;
  contentType: string;
  shared: boolean;
}

export interface XePbd {
  uuid: string;
  hostUuid: string | null;
  srUuid: string | null;
  attached: boolean;
}

export interface XePif {
  uuid: string;
  device: string;
  hostUuid: string | null;
  carrier: boolean;
  attached: boolean;
  management: boolean;
  ip: string;
}

export interface XeVm {
  uuid: string;
  nameLabel: string;
  powerState: PowerState;
}

export interface XeVdi {
  uuid: string;
  nameLabel: string;
  srUuid: string | null;
  virtualSize: number;
}

/** Where a guest answers SSH, from its `networks` map. */
export interface GuestEndpoint {
  address: string;
  /** Only the simulated lab reports one (`0/ssh-port`); real guests use the inventory's guest port. */
  sshPort?: number;
}

export interface MigrateRequest {
  vm: string;
  /** Destination host (uuid or name-label; on the remote pool for cross-pool). */
  host: string;
  live?: boolean;
  force?: boolean;
  /** Storage motion: VDI uuid → destination SR uuid. */
  vdiMap?: Readonly<Record<string, string>>;
  /** VIF uuid → destination network uuid. */
  vifMap?: Readonly<Record<string, string>>;
  /** Needed for storage motion and cross-pool: the destination pool's master (even within one pool). */
  remote?: { master: string; username: string; password: PasswordRef; network?: string };
  copy?: boolean;
  compress?: boolean;
}

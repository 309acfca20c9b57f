import { collectHardwareProfile } from 'src/lab/collect-hardware';
import { hardwareClass } from 'src/lab/hardware-class';
import type { HardwareProfile } from 'src/lab/hardware-profile';
import { LabInventory } from 'src/lab/lab-inventory';
import { CommandRunner } from 'src/remote/exec-result';
import { RemoteError } from 'src/remote/remote.errors';
import { SshPool } from 'src/remote/ssh-pool';
import { XeClient } from 'src/remote/xe/xe-client';
import { XeError } from 'src/remote/xe/xe.errors';
import { XeHost } from 'src/remote/xe/xe.types';

type HealthState = 'good' | 'bad' | 'maintenance';

export interface HostHealth {
  host: string;
  pool: string;
  state: HealthState;
  reachable: boolean;
  xapi: boolean;
  hostUuid?: string;
  enabled?: boolean;
  version?: string;
  build?: string;
  hardware?: HardwareProfile;
  hardwareClass?: string;
  /** Why the state is not good, or what looked off (version differs from the inventory, …). */
  problems: string[];
  checkedAt: Date;
}

interface HealthCheckOptions {
  timeoutMs?: number;
  withHardware?: boolean;
  signal?: AbortSignal;
}

export function describeError(err: unknown): string {
  if (err instanceof RemoteError || err instanceof XeError) return `${err.message} [${err.code}]`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Checks a host the way a tester would before trusting it: SSH answers, xapi answers, which
 * version runs, whether the host is enabled; optionally what hardware it is.
 */
export class HostHealthService {
  constructor(private readonly ssh: SshPool) {}

  async checkAll(lab: LabInventory, options: HealthCheckOptions = {}): Promise<HostHealth[]> {
    return Promise.all(lab.hosts().map(({ host }) => this.check(lab, host.name, options)));
  }

  async check(lab: LabInventory, hostName: string, options: HealthCheckOptions = {}): Promise<HostHealth> {
    const { pool, host } = lab.host(hostName);
    const timeoutMs = options.timeoutMs ?? 30_000;
    const call = { timeoutMs, signal: options.signal };
    const target = lab.sshTarget(hostName);
    const health: HostHealth = {
      host: hostName,
      pool: pool.name,
      state: 'bad',
      reachable: false,
      xapi: false,
      problems: [],
      checkedAt: new Date(),
    };

    try {
      await this.ssh.exec(target, 'true', { ...call, label: 'reachability check' });
      health.reachable = true;
    } catch (err) {
      health.problems.push(`not reachable over SSH: ${describeError(err)}`);
      return health;
    }

    // xe on the host itself: this is the health of its own toolstack, not the master's.
    const xe = new XeClient(this.ssh, { hosts: [target], master: hostName });
    let self: XeHost | undefined;
    try {
      self = await this.findSelf(xe, host.address, hostName, call);
      health.xapi = true;
    } catch (err) {
      health.problems.push(`xapi does not answer: ${describeError(err)}`);
      return health;
    }
    if (!self) {
      health.problems.push(`xapi answers but lists no host with address ${host.address} or name ${hostName}`);
      return health;
    }
    health.hostUuid = self.uuid;
    health.enabled = self.enabled;

    try {
      const version = await xe.host.version(self.uuid, call);
      if (version.productVersion) health.version = version.productVersion;
      if (version.buildNumber) health.build = version.buildNumber;
      if (!version.productVersion) health.problems.push('software-version has no product_version');
    } catch (err) {
      health.problems.push(`cannot read software-version: ${describeError(err)}`);
    }
    if (host.version && health.version && host.version !== health.version) {
      health.problems.push(`inventory says version ${host.version}, host runs ${health.version}`);
    }

    if (options.withHardware) {
      health.hardware = await this.collectHardware(this.ssh.runner(target), timeoutMs);
      health.hardwareClass = hardwareClass(health.hardware);
    }

    if (host.tags.includes('maintenance') || pool.tags.includes('maintenance')) {
      health.state = 'maintenance';
      health.problems.push('tagged maintenance in the inventory');
    } else if (!self.enabled) {
      health.state = 'maintenance';
      health.problems.push('host is disabled in xapi (host-disable)');
    } else {
      health.state = 'good';
    }
    return health;
  }

  /** The host's hardware profile, in the format submissions carry (see collect-hardware.ts). */
  collectHardware(runner: CommandRunner, timeoutMs = 30_000): Promise<HardwareProfile> {
    return collectHardwareProfile(runner, timeoutMs);
  }

  private async findSelf(
    xe: XeClient,
    address: string,
    name: string,
    call: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<XeHost | undefined> {
    const all = await xe.host.list({}, call);
    return (
      all.find((h) => h.address === address) ??
      all.find((h) => h.nameLabel === name) ??
      (all.length === 1 ? all[0] : undefined)
    );
  }
}

import { CommandRunner } from 'src/remote/exec-result';
import { PasswordRef } from 'src/remote/xe/xe.types';
import { XeClient } from 'src/remote/xe/xe-client';
import { parseBool, parseMap, parseRef, parseSet } from 'src/remote/xe/xe-output';
import { HostHandle, PoolHandle, ScenarioContext } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { check, waitFor } from 'src/scenarios/support/wait';

export type VmKind = 'pvhvm-linux' | 'pv-linux' | 'hvm-windows';
export type VmOrigin = 'recent' | 'upgraded' | 'imported';

export interface HostInfo {
  handle: HostHandle;
  uuid: string;
  version: string;
}

export interface LabVm {
  uuid: string;
  name: string;
  powerState: string;
  kind: VmKind;
  origin: VmOrigin | null;
  residentOn: string | null;
  toolsVersion: string | null;
}

export interface SrInfo {
  uuid: string;
  name: string;
  kind: string;
  shared: boolean;
}

const LOCAL_KINDS = ['ext', 'lvm', 'xfs', 'zfs', 'largeblock'];
const MIB = 1024 * 1024;
const GUEST_BOOT_TIMEOUT_MS = 600_000;

/** Default template names per VM kind; a suite's `with: { templates: { <kind>: <name> } }` overrides them. */
export const TEMPLATE_HINTS: Record<VmKind, RegExp[]> = {
  'pvhvm-linux': [/^Debian Bookworm 12/, /^Debian Bullseye 11/, /^Debian/i, /^Rocky/i, /^Ubuntu/i],
  'pv-linux': [/\(PV\)/, /CentOS 7/i],
  'hvm-windows': [/^Windows Server 20/, /^Windows/i],
};

/**
 * What the scenarios do on one leased pool, through its `xe` client (every call recorded) and the
 * context (every object tracked before use). Hosts are matched to xe by address, not name, since an
 * inventory may name a host differently from its name-label.
 */
export class PoolOps {
  readonly xe: XeClient;
  private hosts: HostInfo[] | null = null;

  constructor(
    readonly ctx: ScenarioContext,
    readonly pool: PoolHandle,
  ) {
    this.xe = ctx.xe(pool);
  }

  async hostInfos(): Promise<HostInfo[]> {
    if (this.hosts) return this.hosts;
    const records = await this.xe.host.list();
    const out: HostInfo[] = [];
    for (const handle of this.pool.hosts) {
      const rec = records.find((r) => r.address === handle.address) ?? records.find((r) => r.nameLabel === handle.name);
      if (!rec) {
        throw new ScenarioError(
          `host ${handle.name} (${handle.address}) is not a host of pool ${this.pool.name} according to xe host-list`,
          ScenarioErrorCode.Unexpected,
        );
      }
      const version = (await this.xe.host.version(rec.uuid)).productVersion ?? handle.version ?? '';
      out.push({ handle, uuid: rec.uuid, version });
    }
    this.hosts = out;
    return out;
  }

  async host(handle: HostHandle): Promise<HostInfo> {
    const found = (await this.hostInfos()).find((h) => h.handle.name === handle.name);
    if (!found) {
      throw new ScenarioError(`host ${handle.name} is not in pool ${this.pool.name}`, ScenarioErrorCode.Unexpected);
    }
    return found;
  }

  async hostByUuid(uuid: string): Promise<HostInfo> {
    const found = (await this.hostInfos()).find((h) => h.uuid === uuid);
    if (!found) {
      throw new ScenarioError(
        `host ${uuid} is not one of the leased hosts of ${this.pool.name}`,
        ScenarioErrorCode.Unexpected,
      );
    }
    return found;
  }

  /** Hosts sorted oldest version first (a mid-upgrade pool: [old…, new…]). */
  async hostsByVersion(): Promise<HostInfo[]> {
    return [...(await this.hostInfos())].sort((a, b) => compareVersions(a.version, b.version));
  }

  async srs(): Promise<SrInfo[]> {
    const list = await this.xe.sr.list();
    return list
      .filter((s) => s.contentType !== 'iso' && s.kind !== 'udev' && s.kind !== 'iso')
      .map((s) => ({ uuid: s.uuid, name: s.nameLabel, kind: s.kind, shared: s.shared }));
  }

  /** A local SR plugged on that host. */
  async localSr(hostUuid: string, kind?: string): Promise<SrInfo> {
    for (const sr of await this.srs()) {
      if (sr.shared || !(kind ? sr.kind === kind : LOCAL_KINDS.includes(sr.kind))) continue;
      if (await this.xe.pbd.isAttached(sr.uuid, hostUuid)) return sr;
    }
    const host = await this.hostByUuid(hostUuid);
    throw new ScenarioError(
      `host ${host.handle.name} has no local ${kind ?? ''} SR plugged`.replace('  ', ' '),
      ScenarioErrorCode.Unexpected,
    );
  }

  /** A shared SR (of `kind` when given), NFS first. */
  async sharedSr(kind?: string): Promise<SrInfo> {
    const shared = (await this.srs()).filter((s) => s.shared && (!kind || s.kind === kind));
    const sr = shared.find((s) => s.kind === 'nfs') ?? shared[0];
    if (!sr) {
      throw new ScenarioError(
        `pool ${this.pool.name} has no shared ${kind ?? ''} SR`.replace('  ', ' '),
        ScenarioErrorCode.Unexpected,
      );
    }
    return sr;
  }

  async templateFor(kind: VmKind, overrides: Record<string, string> = {}): Promise<string> {
    const wanted = overrides[kind];
    if (wanted) return wanted;
    const names = (await this.xe.records('template-list', { params: 'name-label' })).map((r) => r['name-label'] ?? '');
    for (const hint of TEMPLATE_HINTS[kind]) {
      const found = names.find((n) => hint.test(n));
      if (found) return found;
    }
    throw new ScenarioError(
      `pool ${this.pool.name} has no template for a ${kind} VM (set with.templates.${kind} in the suite)`,
      ScenarioErrorCode.Unexpected,
    );
  }

  /** vm-install from a template, tracked at once so teardown removes it whatever happens next. */
  async installVm(
    kind: VmKind,
    label: string,
    opts: { srUuid?: string; templates?: Record<string, string> } = {},
  ): Promise<string> {
    const template = await this.templateFor(kind, opts.templates);
    const uuid = await this.xe.vm.install({ template, nameLabel: label, srUuid: opts.srUuid });
    await this.ctx.track('vm', uuid, this.pool.master, label);
    return uuid;
  }

  /** vm-copy of a halted VM (tracked); the lab's own VMs are never used in place when a copy is possible. */
  async copyVm(source: string, label: string, srUuid?: string): Promise<string> {
    const out = await this.xe.call(
      'vm-copy',
      { uuid: source, 'new-name-label': label, 'sr-uuid': srUuid },
      {},
      { timeoutMs: 3_600_000 },
    );
    const uuid = out.trim().split('\n').pop()?.trim() ?? '';
    check(/^[0-9a-f-]{36}$/i.test(uuid), `xe vm-copy printed no VM uuid: ${JSON.stringify(out.slice(0, 200))}`);
    await this.ctx.track('vm', uuid, this.pool.master, label);
    return uuid;
  }

  /** Removes a VM the scenario created and tracked (teardown would too; doing it here proves it works). */
  async removeVm(uuid: string): Promise<void> {
    const state = await this.xe.vm.powerState(uuid);
    if (state !== 'halted') await this.xe.vm.shutdown(uuid, { force: true });
    await this.xe.vm.uninstall(uuid);
    await this.ctx.untrack('vm', uuid);
  }

  /** Sets static and dynamic memory to `bytes`, in the order xapi's constraints allow (min ≤ dyn-min ≤ dyn-max ≤ max). */
  async setMemory(uuid: string, bytes: number): Promise<void> {
    const current = Number(await this.xe.vm.param(uuid, 'memory-static-max'));
    const order =
      bytes >= current
        ? ['memory-static-max', 'memory-dynamic-max', 'memory-dynamic-min']
        : ['memory-dynamic-min', 'memory-dynamic-max', 'memory-static-max'];
    for (const field of order) await this.xe.vm.setParams(uuid, { [field]: bytes });
  }

  async labVms(): Promise<LabVm[]> {
    const records = await this.xe.records('vm-list', {
      'is-control-domain': false,
      params: 'uuid,name-label,power-state,resident-on,HVM-boot-policy,platform,other-config,tags,PV-drivers-version',
    });
    return records.map((r) => {
      const platform = parseMap(r.platform ?? '');
      const other = parseMap(r['other-config'] ?? '');
      const tags = parseSet(r.tags ?? '');
      const originText =
        other['shakedown-origin'] ?? other['sim-origin'] ?? tags.find((t) => t.startsWith('origin:'))?.slice(7);
      const tools = parseMap(r['PV-drivers-version'] ?? '');
      const kind: VmKind =
        platform.device_id === '0002'
          ? 'hvm-windows'
          : (r['HVM-boot-policy'] ?? '') === ''
            ? 'pv-linux'
            : 'pvhvm-linux';
      return {
        uuid: r.uuid ?? '',
        name: r['name-label'] ?? '',
        powerState: r['power-state'] ?? '',
        kind,
        origin: originText === 'recent' || originText === 'upgraded' || originText === 'imported' ? originText : null,
        residentOn: parseRef(r['resident-on']),
        toolsVersion: tools.major ? `${tools.major}.${tools.minor ?? 0}.${tools.micro ?? 0}-${tools.build ?? 0}` : null,
      };
    });
  }

  async start(uuid: string, onHostUuid?: string): Promise<void> {
    await this.xe.vm.start(uuid, { onHost: onHostUuid });
  }

  async waitPowerState(uuid: string, state: string, timeoutMs = 300_000): Promise<void> {
    let last = '';
    await waitFor(
      this.ctx,
      `VM ${uuid} reaching power state ${state}`,
      async () => ((last = await this.xe.vm.powerState(uuid)) === state ? true : undefined),
      { timeoutMs, intervalMs: 500, lastSeen: () => last },
    );
  }

  /** The guest's tools version as xapi reports it (`PV-drivers-version`), or null without tools. */
  async toolsVersion(uuid: string): Promise<string | null> {
    const v = parseMap(await this.xe.vm.param(uuid, 'PV-drivers-version'));
    return v.major ? `${v.major}.${v.minor ?? 0}.${v.micro ?? 0}-${v.build ?? 0}` : null;
  }

  async isLive(uuid: string): Promise<boolean> {
    return parseBool(await this.xe.vm.param(uuid, 'live').catch(() => 'false'));
  }

  /**
   * Waits until the guest reports an address and answers over SSH, then returns a runner for it.
   * Connection failures while it boots are expected; the last one is reported if it never answers.
   */
  async guest(
    uuid: string,
    label: string,
    timeoutMs = GUEST_BOOT_TIMEOUT_MS,
    /** the trivial question that proves it answers (`true`; a Windows guest needs PowerShell's) */
    probe = 'true',
  ): Promise<CommandRunner> {
    let endpoint = await waitFor(
      this.ctx,
      `guest ${label} reporting an IP address (guest tools)`,
      async () => (await this.xe.vm.guestEndpoint(uuid)) ?? undefined,
      { timeoutMs, intervalMs: 500 },
    );
    let runner = this.ctx.guestRunner(label, endpoint.address, endpoint.sshPort);
    let lastError = '';
    await waitFor(
      this.ctx,
      `guest ${label} answering SSH at ${endpoint.address}`,
      async () => {
        try {
          const r = await runner.exec(probe, { timeoutMs: 15_000 });
          return r.exitCode === 0 ? true : undefined;
        } catch (err) {
          lastError = err instanceof Error ? err.message : String(err);
          // The guest may report its address before its sshd listens, or move to another one: look again.
          const now = await this.xe.vm.guestEndpoint(uuid).catch(() => null);
          if (now && (now.address !== endpoint.address || now.sshPort !== endpoint.sshPort)) {
            endpoint = now;
            runner = this.ctx.guestRunner(label, endpoint.address, endpoint.sshPort);
          }
          return undefined;
        }
      },
      { timeoutMs, intervalMs: 500, lastSeen: () => lastError },
    );
    return runner;
  }

  /** Credentials xe needs to reach this pool's master for storage motion or cross-pool migration. */
  remote(): { master: string; username: string; password: PasswordRef } {
    const target = this.pool.master.target;
    if (this.pool.xapiPassword) {
      return { master: this.pool.master.address, username: target.username, password: this.pool.xapiPassword };
    }
    const cred = target.credential;
    if ('passwordEnv' in cred) {
      return {
        master: this.pool.master.address,
        username: target.username,
        password: { passwordEnv: cred.passwordEnv },
      };
    }
    if ('passwordFile' in cred) {
      return {
        master: this.pool.master.address,
        username: target.username,
        password: { passwordFile: cred.passwordFile },
      };
    }
    throw new ScenarioError(
      `storage motion to pool ${this.pool.name} needs its master's password (xe remote-password), but ${this.pool.master.name} is reached with a key and the inventory gives the pool no xapi_credential`,
      ScenarioErrorCode.BadParams,
    );
  }
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const MEMORY = { tiny: 512 * MIB, large: 8192 * MIB } as const;

/** A name for what a case creates: recognisable on the host, unique per case. */
export function objectLabel(ctx: Pick<ScenarioContext, 'caseKey'>, what: string): string {
  let h = 0;
  for (const c of ctx.caseKey) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `shakedown-${what}-${h.toString(16)}-${Date.now().toString(36)}`;
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandRunner, ExecOptions } from 'src/remote/exec-result';
import { CredentialRef, SshTarget } from 'src/remote/ssh-target';
import { PREPARED_KEYS } from 'src/remote/prepared-templates';
import { SshPool } from 'src/remote/ssh-pool';
import { XeClient } from 'src/remote/xe/xe-client';
import {
  CampaignFacts,
  CreatedKind,
  HostHandle,
  MeasurementInput,
  PoolHandle,
  GuestInstall,
  ScenarioContext,
  ScenarioDefinition,
  StepPhase,
  ReportedCase,
} from 'src/scenarios/scenario.types';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { ExternalSuites } from 'src/config/external-suites';
import { GuestBinaries } from 'src/config/guest-binaries';
import { SimulatedLab, startSimulatedLab } from 'src/simulator/lab/simulated-lab';
import { LabInventoryJson } from 'src/simulator/lab/lab-inventory';
import { planCase } from 'src/execution/planner';
import { tearDown, CreatedObject } from 'src/execution/teardown';

export interface StepLog {
  name: string;
  phase: StepPhase;
  ok: boolean;
  error?: string;
}

function credential(inv: LabInventoryJson, name: string): CredentialRef {
  const c = inv.credentials[name];
  if (!c) throw new Error(`inventory has no credential ${name}`);
  if ('key_file' in c) return { keyFile: c.key_file };
  if ('password_file' in c) return { passwordFile: c.password_file };
  if ('password_env' in c) return { passwordEnv: c.password_env };
  return { agent: true };
}

/**
 * A ScenarioContext over a real SshPool and a simulated lab, without the database: steps, tracked
 * objects, measurements and artifacts are kept in memory, and `finish()` runs the engine's own
 * teardown over what is still tracked, as the worker does.
 */
export class ScenarioHarness implements ScenarioContext {
  readonly signal: AbortSignal;
  readonly steps: StepLog[] = [];
  readonly tracked: CreatedObject[] = [];
  readonly measurements: MeasurementInput[] = [];
  readonly reported: ReportedCase[] = [];
  readonly artifacts = new Map<string, string>();
  readonly logs: string[] = [];
  readonly installs: GuestInstall[] = [];
  /** The operator's static binaries (SHAKEDOWN_GUEST_BINARIES_DIR), when the test gives some. */
  guestBinaries: GuestBinaries | null = null;
  /** One holder per name, when the test shares a lock between contexts (e.g. a PostgreSQL one). */
  exclusive?: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  readonly commands: Array<{ host: string; command: string; exitCode: number | null }> = [];
  private readonly abort = new AbortController();
  private seq = 0;
  private current: StepLog | null = null;

  constructor(
    readonly lab: SimulatedLab,
    readonly ssh: SshPool,
    readonly caseKey: string,
    readonly params: Record<string, unknown>,
    readonly settings: Record<string, unknown>,
    readonly campaign: CampaignFacts,
    readonly pools: PoolHandle[],
  ) {
    this.signal = this.abort.signal;
  }

  pool(role: string): PoolHandle {
    const p = this.pools.find((x) => x.role === role);
    if (!p) throw new Error(`no pool with role ${role}`);
    return p;
  }

  xe(pool: PoolHandle): XeClient {
    return new XeClient(
      {
        exec: (t: SshTarget, c: string, o?: ExecOptions) =>
          this.recording(t.name, (cmd, opts) => this.ssh.exec(t, cmd, opts)).exec(c, o),
      },
      { hosts: pool.hosts.map((h) => h.target), master: pool.master.name },
    );
  }

  runner(host: HostHandle): CommandRunner {
    return this.recording(host.name, (c, o) => this.ssh.exec(host.target, c, o));
  }

  guestRunner(vmName: string, address: string, port?: number): CommandRunner {
    const inv = this.lab.inventory;
    const target: SshTarget = {
      name: `guest:${vmName}@${address}`,
      address,
      port: port ?? inv.guest_port ?? 22,
      username: 'root',
      credential: credential(inv, inv.guest_credential),
      stopRemote: 'channel', // a simulated guest: its commands end with their channel
    };
    return {
      ...this.recording(target.name, (c, o) => this.ssh.exec(target, c, o)),
      writeFile: async (path, data, options) => {
        await this.ssh.writeFile(target, path, data, options);
        this.commands.push({ host: target.name, command: `sftp put ${path} (${data.length} bytes)`, exitCode: 0 });
      },
    };
  }

  async step<T>(name: string, fn: () => Promise<T>, options: { phase?: StepPhase } = {}): Promise<T> {
    const outer = this.current;
    const s: StepLog = { name, phase: options.phase ?? 'act', ok: true };
    this.current = s;
    this.steps.push(s);
    try {
      return await fn();
    } catch (err) {
      s.ok = false;
      s.error = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      this.current = outer;
    }
  }

  async track(kind: CreatedKind, ref: string, host: HostHandle, label?: string): Promise<void> {
    this.tracked.push({ id: String(++this.seq), kind, ref, hostName: host.name, label: label ?? null });
  }

  async recordGuestInstall(install: GuestInstall): Promise<void> {
    this.installs.push(install);
  }

  async untrack(kind: CreatedKind, ref: string): Promise<void> {
    for (let i = this.tracked.length - 1; i >= 0; i--) {
      if (this.tracked[i]!.kind === kind && this.tracked[i]!.ref === ref) this.tracked.splice(i, 1);
    }
  }

  measure(m: MeasurementInput): void {
    const existing = this.measurements.find((x) => x.metric === m.metric);
    if (existing) existing.samples.push(...m.samples);
    else this.measurements.push({ ...m, samples: [...m.samples] });
  }

  reportCase(result: ReportedCase): void {
    this.reported.push(result);
  }

  async artifact(name: string, content: string | Buffer): Promise<void> {
    this.artifacts.set(name, content.toString());
  }

  log(message: string): void {
    this.logs.push(message);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  metric(name: string): number[] {
    return this.measurements.find((m) => m.metric === name)?.samples ?? [];
  }

  /** The engine's teardown over what is still tracked (newest first); returns what it could not remove. */
  async finish(): Promise<string[]> {
    this.abort.abort(new Error('case over'));
    const hosts = this.pools.flatMap((p) => p.hosts);
    const report = await tearDown(
      [...this.tracked].reverse(),
      (name) => {
        const h = hosts.find((x) => x.name === name);
        return h ? this.ssh.runner(h.target) : null;
      },
      async () => undefined,
    );
    this.tracked.length = 0;
    return report.failed.map((f) => `${f.object.kind} ${f.object.ref}: ${f.error}`);
  }

  private recording(host: string, exec: (c: string, o?: ExecOptions) => ReturnType<SshPool['exec']>): CommandRunner {
    return {
      hostName: host,
      exec: async (command, options) => {
        const r = await exec(command, options);
        this.commands.push({ host, command, exitCode: r.exitCode });
        return r;
      },
    };
  }
}

export interface HarnessLab {
  lab: SimulatedLab;
  ssh: SshPool;
  /** Pool handles for a scenario's needs, chosen like the planner does. */
  poolsFor(def: ScenarioDefinition, params: Record<string, unknown>, settings?: Record<string, unknown>): PoolHandle[];
  context(
    def: ScenarioDefinition,
    params?: Record<string, unknown>,
    settings?: Record<string, unknown>,
  ): ScenarioHarness;
  /** VMs and VDIs present now, by uuid: compare before/after to prove a case left nothing behind. */
  objects(): { vms: Set<string>; vdis: Set<string> };
  stop(): Promise<void>;
}

/** Disks of prepared templates (guest software installed once per pool): they outlive the cases by design. */
export function preparedTemplateVdis(lab: SimulatedLab): Set<string | null> {
  return new Set(
    [...lab.model.state.vbds.values()]
      .filter((b) => lab.model.state.vms.get(b.vmUuid)?.otherConfig[PREPARED_KEYS.from])
      .map((b) => b.vdiUuid),
  );
}

export const CAMPAIGN: CampaignFacts = { release: '8.3.0', baseline: '8.2.1' };

/** Starts the default simulated lab fast (high speed factor) with ephemeral ports. */
export async function startHarnessLab(speed = 2000): Promise<HarnessLab> {
  const stateDir = mkdtempSync(join(tmpdir(), 'shakedown-scen-'));
  const lab = await startSimulatedLab({ speed, stateDir, controlApi: false });
  const ssh = new SshPool({ connectTimeoutMs: 5000 });
  const inv = lab.inventory;
  // Hosts are reached with the root password so storage motion can hand it to xe (remote-password).
  const passwordCred = Object.keys(inv.credentials).find((k) => 'password_file' in inv.credentials[k]!);
  const hostCred = (name: string): CredentialRef => credential(inv, passwordCred ?? name);
  const view = {
    id: inv.name,
    name: inv.name,
    simulated: true,
    inventory: inv as unknown as Record<string, unknown>,
    pools: inv.pools.map((p) => ({
      id: p.name,
      name: p.name,
      masterName: p.master,
      tags: p.tags,
      hosts: p.hosts.map((h) => ({
        id: h.name,
        name: h.name,
        address: h.address,
        port: h.port,
        username: h.user,
        credentialRef: {},
        version: h.version ?? null,
        tags: h.tags,
        health: 'good',
      })),
    })),
  };
  const handles = (poolName: string, role: string): PoolHandle => {
    const p = inv.pools.find((x) => x.name === poolName)!;
    const hosts: HostHandle[] = p.hosts.map((h) => ({
      name: h.name,
      address: h.address,
      version: h.version,
      target: {
        name: h.name,
        address: h.address,
        port: h.port,
        username: h.user,
        credential: hostCred(h.credential),
        hostKey: h.host_key,
        stopRemote: 'channel', // as the engine does for simulated hosts (src/execution/ssh-targets.ts)
      },
    }));
    const xapi = p.xapi_credential ? credential(inv, p.xapi_credential) : undefined;
    const xapiPassword = xapi && ('passwordFile' in xapi || 'passwordEnv' in xapi) ? xapi : undefined;
    return {
      role,
      name: p.name,
      master: hosts.find((h) => h.name === p.master) ?? hosts[0]!,
      hosts,
      ...(xapiPassword ? { xapiPassword } : {}),
    };
  };
  const poolsFor = (
    def: ScenarioDefinition,
    params: Record<string, unknown>,
    settings: Record<string, unknown> = {},
  ): PoolHandle[] => {
    const plan = planCase(def.needs(params, CAMPAIGN, settings), view);
    if (!plan.ok) throw new Error(plan.reason);
    const chosen: string[] = [];
    return plan.plan.roles.map((r) => {
      const id = r.poolIds.find((x) => !chosen.includes(x))!;
      chosen.push(id);
      return handles(id, r.role);
    });
  };
  return {
    lab,
    ssh,
    poolsFor,
    context: (def, params = {}, settings = {}) =>
      new ScenarioHarness(
        lab,
        ssh,
        `${def.id}:${JSON.stringify(params)}`,
        params,
        settings,
        CAMPAIGN,
        poolsFor(def, params, settings),
      ),
    objects: () => {
      const s = lab.snapshot();
      const kept = preparedTemplateVdis(lab);
      return {
        vms: new Set(s.vms.map((v) => v.uuid)),
        vdis: new Set(s.vdis.map((v) => v.uuid).filter((v) => !kept.has(v))),
      };
    },
    stop: async () => {
      await ssh.close();
      await lab.stop();
    },
  };
}

export interface ScenarioSuite {
  /** The lab of the describe block (set in beforeAll). */
  env(): HarnessLab;
  /** Runs one scenario on the lab, tears down what it created, and returns its context and error. */
  run(
    id: string,
    params?: Record<string, unknown>,
    settings?: Record<string, unknown>,
  ): Promise<{ ctx: ScenarioHarness; error: unknown }>;
}

/**
 * The setup every scenario test file shares, registered as Jest hooks of the calling describe block:
 * one simulated lab for the file, faults cleared after each test, and a check that no VM or VDI a
 * test created is left on the lab.
 */
export function useScenarioLab(
  speed?: number,
  options: { externalSuites?: ExternalSuites; guestBinaries?: GuestBinaries } = {},
): ScenarioSuite {
  const definitions = defaultScenarios(options.externalSuites);
  let env: HarnessLab;
  let before: { vms: Set<string>; vdis: Set<string> };
  beforeAll(async () => {
    env = await startHarnessLab(speed);
  });
  afterAll(async () => {
    await env?.stop();
  });
  beforeEach(() => {
    before = env.objects();
  });
  afterEach(() => {
    env.lab.faults.clear();
    const after = env.objects();
    expect([...after.vms].filter((v) => !before.vms.has(v))).toEqual([]);
    expect([...after.vdis].filter((v) => !before.vdis.has(v))).toEqual([]);
  });
  return {
    env: () => env,
    async run(id, params = {}, settings = {}) {
      const def = definitions.find((s) => s.id === id);
      if (!def) throw new Error(`no scenario ${id}`);
      const ctx = env.context(def, params, settings);
      ctx.guestBinaries = options.guestBinaries ?? null;
      let error: unknown = null;
      try {
        await def.run(ctx);
      } catch (err) {
        error = err;
      }
      expect(await ctx.finish()).toEqual([]);
      return { ctx, error };
    },
  };
}

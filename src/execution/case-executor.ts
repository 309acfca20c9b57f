import { CommandRunner } from 'src/remote/exec-result';
import { withNamedLock } from 'src/database/named-lock';
import type { GuestBinaries } from 'src/config/guest-binaries';
import { SshPool } from 'src/remote/ssh-pool';
import { ArtifactStore } from 'src/results/artifact-store';
import { failureSignature } from 'src/results/signature';
import { summarize } from 'src/results/stats/summary';
import { isFailure } from 'src/results/outcome';
import { caseHash } from 'src/matrix/case-key';
import { AttemptContext } from 'src/execution/attempt-context';
import { parseDurationMs } from 'src/common/duration';
import { HostLeases } from 'src/execution/host-leases';
import { LabView } from 'src/lab/lab-view';
import { AbortReason, AttemptEnd, classifyError, outcomeOf } from 'src/execution/outcome-rules';
import { CasePlan, describeNeed } from 'src/execution/planner';
import { publishEvent } from 'src/execution/run-events';
import { RunRepository } from 'src/execution/run.repository';
import { RunnableCase, RunRow } from 'src/execution/run.types';
import { hostTarget, xapiPasswordOf } from 'src/execution/ssh-targets';
import { tearDown } from 'src/execution/teardown';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { HostHandle, PoolHandle } from 'src/scenarios/scenario.types';
import { DataSource } from 'typeorm';

export interface ExecutorSettings {
  worker: string;
  leaseTtlMs: number;
  heartbeatMs: number;
  maxAttempts: number;
  /** First retry delay; doubles with each attempt. */
  retryDelayMs: number;
  defaultCaseTimeoutMs: number;
  /** How often a waiting case looks again for free hosts when no release event woke it. */
  waitPollMs: number;
}

interface ExecutorDeps {
  db: DataSource;
  repo: RunRepository;
  leases: HostLeases;
  ssh: SshPool;
  artifacts: ArtifactStore;
  registry: ScenarioRegistry;
  log: (fields: Record<string, unknown>, message: string) => void;
  /** Resolves when hosts were released anywhere (a NOTIFY), so a waiting case tries again at once. */
  waitForRelease: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The operator's static binaries for guests without repositories (SHAKEDOWN_GUEST_BINARIES_DIR). */
  guestBinaries?: GuestBinaries | null;
}

type ExecutionEnd = { kind: 'done'; outcome: string } | { kind: 'requeued'; delayMs: number } | { kind: 'lost' };

/** A running case's handle: the worker aborts it on cancellation or shutdown. */
export class CaseHandle {
  readonly controller = new AbortController();
  reason: AbortReason | null = null;

  abort(reason: AbortReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort(new Error(`case ${reason}`));
  }
}

const LOG_FILES = [
  '/var/log/xensource.log',
  '/var/log/SMlog',
  '/var/log/daemon.log',
  '/var/log/kern.log',
  '/var/log/xen/hypervisor.log',
];

/** Runs one claimed case to its end: lease, attempt(s), teardown, outcome; or hands it back. */
export class CaseExecutor {
  constructor(
    private readonly deps: ExecutorDeps,
    private readonly settings: ExecutorSettings,
  ) {}

  async execute(c: RunnableCase, run: RunRow, lab: LabView, handle: CaseHandle): Promise<ExecutionEnd> {
    const { repo } = this.deps;
    const scenario = this.deps.registry.get(c.scenario);
    const plan = c.needs as CasePlan;

    const lease = await this.lease(c, lab, plan, handle);
    if (!lease) {
      // Cancelled or shut down while waiting for hosts: nothing ran, nothing to clean.
      if (handle.reason === 'shutdown') return this.handBack(c, 'worker shut down while the case waited for hosts');
      await repo.finishCase(c.id, { outcome: 'cancelled', reason: 'cancelled while waiting for hosts' });
      await this.announce(run, c.id, 'done', 'cancelled');
      return { kind: 'done', outcome: 'cancelled' };
    }

    const pools = lease.pools;
    const hostNames = pools.flatMap((p) => p.hosts.map((h) => h.name));
    const started = await repo.startAttempt(c.id, this.settings.worker, lease.leaseId, hostNames);
    if (!started) {
      // Our claim was taken back (we looked dead): someone else owns the case now.
      await this.deps.leases.release(lease.leaseId).catch(() => undefined);
      return { kind: 'lost' };
    }
    const { attemptId, number } = started;
    await this.announce(run, c.id, 'running', null);
    this.deps.log({ case: c.caseKey, attempt: number, hosts: hostNames }, 'case started');

    const timeoutMs = parseDurationMs(c.settings.timeout, this.settings.defaultCaseTimeoutMs);
    const timer = setTimeout(() => handle.abort('timeout'), timeoutMs);
    const heartbeat = setInterval(() => {
      void (async () => {
        if (!(await this.deps.leases.heartbeat(lease.leaseId, this.settings.leaseTtlMs).catch(() => false))) {
          handle.abort('lease-lost');
        } else if (await repo.isCancelRequested(run.id).catch(() => false)) handle.abort('cancelled');
      })();
    }, this.settings.heartbeatMs);

    const ctx = new AttemptContext(
      {
        runId: run.id,
        attemptId,
        case: c,
        lab,
        campaign: { release: run.release, baseline: run.baselineRelease ?? undefined },
        pools,
        simulated: lab.simulated,
        signal: handle.controller.signal,
        guestBinaries: this.deps.guestBinaries ?? null,
        exclusive: (name, fn) => withNamedLock(this.deps.db, name, fn, handle.controller.signal),
      },
      repo,
      this.deps.ssh,
      this.deps.artifacts,
      (m) => this.deps.log({ case: c.caseKey }, m),
    );

    let end: AttemptEnd = { kind: 'passed' };
    try {
      await this.repeat(c, ctx, () => scenario.run(ctx), lab, pools);
    } catch (err) {
      end = classifyError(err, handle.reason);
    } finally {
      clearTimeout(timer);
    }

    if (end.kind === 'failed') await this.collectLogs(ctx, pools, c).catch(() => undefined);
    const report = await this.cleanup(c, lab);
    clearInterval(heartbeat);
    await ctx.flush();
    if (report.failed.length) {
      this.deps.log(
        { case: c.caseKey, leftovers: report.failed.map((f) => `${f.object.kind} ${f.object.ref}: ${f.error}`) },
        'teardown left objects behind',
      );
    }
    for (const m of ctx.measurements()) {
      if (!m.samples.length) continue;
      await repo.upsertMeasurement({
        runId: run.id,
        caseId: c.id,
        attemptId,
        caseKey: c.caseKey,
        metric: m.metric,
        unit: m.unit,
        direction: m.direction,
        samples: m.samples,
        value: summarize(m.samples).median,
        release: c.release ?? run.release,
        simulated: lab.simulated,
        context: m.context ?? {},
      });
    }

    const reported = ctx.reportedCases();
    if (reported.length) {
      await repo.upsertReportedCases(
        c,
        this.settings.worker,
        reported.map((r) => ({
          caseKey: r.caseKey,
          caseHash: caseHash(r.caseKey),
          scenario: r.scenario,
          params: r.params,
          outcome: r.outcome,
          message: r.message ?? null,
          durationMs: r.durationMs ?? null,
          output: r.output ?? null,
          signature:
            isFailure(r.outcome) && r.outcome !== 'xpassed'
              ? failureSignature(r.outcome.toUpperCase(), r.message ?? '')
              : null,
        })),
      );
    }
    const { outcome, reason } = outcomeOf(end, c.expectation);
    await repo.finishAttempt(attemptId, {
      outcome,
      errorCode: end.kind === 'passed' ? null : 'code' in end ? end.code : null,
      message: reason,
      infra: end.kind === 'infra',
    });
    await this.deps.leases.release(lease.leaseId).catch(() => undefined);
    await publishEvent(this.deps.db, { kind: 'released' }).catch(() => undefined);

    if (end.kind === 'infra' && end.retryable && number < this.settings.maxAttempts && handle.reason !== 'cancelled') {
      const delayMs = handle.reason === 'shutdown' ? 0 : this.settings.retryDelayMs * 2 ** (number - 1);
      this.deps.log({ case: c.caseKey, attempt: number, delayMs, error: end.code }, 'infrastructure error: retrying');
      return this.handBack(c, `attempt ${number} hit ${end.code}; retrying`, delayMs);
    }
    const signature = end.kind === 'failed' || end.kind === 'infra' ? failureSignature(end.code, end.message) : null;
    await repo.finishCase(c.id, {
      outcome,
      reason,
      errorCode: end.kind === 'passed' || end.kind === 'cancelled' ? null : end.code,
      signature,
    });
    await this.announce(run, c.id, 'done', outcome);
    this.deps.log({ case: c.caseKey, outcome, attempt: number }, 'case finished');
    return { kind: 'done', outcome };
  }

  private async handBack(c: RunnableCase, reason: string, delayMs = 0): Promise<ExecutionEnd> {
    await this.deps.repo.requeueCase(c.id, reason);
    return { kind: 'requeued', delayMs };
  }

  /** Runs the scenario `repeat` times (and more, up to `adaptive.max`, while a metric is too noisy). */
  private async repeat(
    c: RunnableCase,
    ctx: AttemptContext,
    once: () => Promise<void>,
    lab: LabView,
    _pools: PoolHandle[],
  ): Promise<void> {
    const repeat = positiveInt(c.settings.repeat, 1);
    const adaptive = c.settings.adaptive as { max?: unknown; cv?: unknown } | undefined;
    const max = Math.max(repeat, positiveInt(adaptive?.max, repeat));
    // The campaign gives the adaptive limit in percent (`adaptive: { max: 10, cv: 5 }`).
    const cvLimitPct = typeof adaptive?.cv === 'number' ? adaptive.cv : Infinity;
    for (let i = 1; i <= max; i++) {
      if (i > 1) await this.cleanup(c, lab); // each repetition starts from a clean pool
      await once();
      if (i >= repeat && ctx.measurements().every((m) => cvPercent(m.samples) <= cvLimitPct)) break;
    }
  }

  private async cleanup(c: RunnableCase, lab: LabView) {
    const objects = await this.deps.repo.pendingObjects(c.id);
    return tearDown(
      objects,
      (name) => this.runnerFor(lab, name),
      (id, error) => this.deps.repo.markObjectRemoved(id, error),
    );
  }

  runnerFor(lab: LabView, hostName: string): CommandRunner | null {
    const host = lab.pools.flatMap((p) => p.hosts).find((h) => h.name === hostName);
    return host ? this.deps.ssh.runner(hostTarget(lab, host)) : null;
  }

  /** The host logs around the failure, from every host the case held (both ends of a migration). */
  private async collectLogs(ctx: AttemptContext, pools: PoolHandle[], c: RunnableCase): Promise<void> {
    const hosts = pools.flatMap((p) => p.hosts).slice(0, 6);
    for (const host of hosts) {
      const runner = this.deps.ssh.runner(host.target);
      for (const file of LOG_FILES) {
        const r = await runner.exec(`tail -n 300 ${file}`, { timeoutMs: 20_000 }).catch(() => null);
        if (r && r.exitCode === 0 && r.stdout.trim()) {
          await ctx.artifact(`${host.name}${file.replace(/\//g, '_')}`, r.stdout);
        }
      }
      if (c.settings.status_report === true) {
        const r = await runner.exec('xen-bugtool --yestoall', { timeoutMs: 600_000 }).catch(() => null);
        if (r) await ctx.artifact(`${host.name}-xen-bugtool.txt`, `${r.stdout}\n${r.stderr}`);
      }
    }
  }

  /** Waits until every role has a distinct free pool, then holds all their hosts at once. */
  private async lease(
    c: RunnableCase,
    lab: LabView,
    plan: CasePlan,
    handle: CaseHandle,
  ): Promise<{ leaseId: string; pools: PoolHandle[] } | null> {
    const signal = handle.controller.signal;
    const poolsById = new Map(lab.pools.map((p) => [p.id, p]));
    while (!signal.aborted) {
      for (const assignment of assignments(plan.roles.map((r) => r.poolIds))) {
        const chosen = assignment.map((id) => poolsById.get(id)!);
        const hostIds = chosen.flatMap((p) => p.hosts.map((h) => h.id));
        const got = await this.deps.leases.tryAcquire({
          holder: this.settings.worker,
          purpose: c.caseKey,
          runId: c.runId,
          caseId: c.id,
          hostIds,
          ttlMs: this.settings.leaseTtlMs,
        });
        if (got) {
          const pools = chosen.map((p, i): PoolHandle => {
            const hosts: HostHandle[] = p.hosts.map((h) => ({
              name: h.name,
              address: h.address,
              version: h.version ?? undefined,
              target: hostTarget(lab, h),
            }));
            const master = hosts.find((h) => h.name === p.masterName) ?? hosts[0]!;
            const xapiPassword = xapiPasswordOf(lab, p.name);
            return {
              role: plan.roles[i]!.role,
              name: p.name,
              master,
              hosts,
              ...(xapiPassword ? { xapiPassword } : {}),
            };
          });
          return { leaseId: got.leaseId, pools };
        }
      }
      const why = plan.roles
        .map(
          (r) =>
            `no free pool for ${r.role} (${describeNeed(r.need)}; candidates: ${r.poolIds.map((id) => poolsById.get(id)?.name).join(', ')})`,
        )
        .join('; ');
      await this.deps.repo.setWaiting(c.id, why);
      await this.deps.waitForRelease(this.settings.waitPollMs, signal);
    }
    return null;
  }

  private async announce(run: RunRow, caseId: string, status: string, outcome: string | null): Promise<void> {
    await publishEvent(this.deps.db, {
      kind: 'case',
      runId: run.id,
      runNumber: run.number,
      caseId,
      status,
      outcome,
    }).catch(() => undefined);
  }
}

/** Distinct-pool assignments, one pool per role, in preference order. */
function* assignments(choices: string[][], prefix: string[] = []): Generator<string[]> {
  if (prefix.length === choices.length) {
    yield prefix;
    return;
  }
  for (const id of choices[prefix.length]!) if (!prefix.includes(id)) yield* assignments(choices, [...prefix, id]);
}

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Spread of the samples in percent; unknown (infinite) below two samples, so adaptive runs go on. */
function cvPercent(samples: number[]): number {
  return samples.length < 2 ? Infinity : summarize(samples).cv * 100;
}

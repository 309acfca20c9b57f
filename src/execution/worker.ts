import { hostname } from 'node:os';
import type { GuestBinaries } from 'src/config/guest-binaries';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SshPool } from 'src/remote/ssh-pool';
import { ArtifactStore } from 'src/results/artifact-store';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { CaseExecutor, CaseHandle, ExecutorSettings } from 'src/execution/case-executor';
import { CaseJob, CaseQueue, QueueName, RunPrepareJob } from 'src/execution/case-queue';
import { HostLeases } from 'src/execution/host-leases';
import { publishEvent, RunEvent, subscribeEvents, EventSubscription } from 'src/execution/run-events';
import { RunRepository } from 'src/execution/run.repository';
import { LabRepository } from 'src/lab/lab.repository';
import { WorkerRepository } from 'src/execution/worker.repository';
import { RunnableCase } from 'src/execution/run.types';
import { RunPreparer } from 'src/execution/run-preparer';
import { Scheduler } from 'src/execution/scheduler';
import { tearDown } from 'src/execution/teardown';
import { UpdatePreparation, UpdatePreparationDeps } from 'src/execution/update-preparation';

/** host:pid:random, unique across machines and restarts; shown on run pages and held in leases. */
export function defaultWorkerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export interface WorkerOptions {
  name?: string;
  concurrency: number;
  databaseUrl: string;
  /** How long SIGTERM waits for running cases before handing them back. */
  shutdownGraceMs?: number;
  executor?: Partial<ExecutorSettings>;
  reaperIntervalMs?: number;
  idlePollMs?: number;
  /**
   * Called (without waiting) when this worker hears that a run ended; every worker hears it, so the
   * callee must make sure only one acts (the notifier claims each message in the database).
   */
  onRunEnded?: (runId: string) => Promise<void>;
  /** waits of the update preparation (tests shorten the polls) */
  updates?: Pick<UpdatePreparationDeps, 'leaseWaitMs' | 'healthTimeoutMs' | 'pollMs'>;
}

type LogLevel = 'info' | 'warn' | 'error';

const CLAIM_RETRY_FIRST_MS = 250;
const CLAIM_RETRY_MAX_MS = 15_000;

interface WorkerDeps {
  db: DataSource;
  queue: CaseQueue;
  leases: HostLeases;
  ssh: SshPool;
  artifacts: ArtifactStore;
  registry: ScenarioRegistry;
  log: (fields: Record<string, unknown>, message: string, level?: LogLevel) => void;
  /** Campaigns on a cron schedule; every worker checks, one fires each tick. */
  scheduler?: Scheduler;
  /** The operator's static binaries for guests without repositories. */
  guestBinaries?: GuestBinaries | null;
}

/**
 * A worker process takes cases from the queue (highest priority first, FIFO within one), holds the
 * hosts each needs, runs it, and releases them. Any number of workers on any machines share one
 * database. A worker also reaps: cases whose worker died (expired lease) are cleaned up and retried.
 */
export class Worker {
  readonly name: string;
  private readonly repo: RunRepository;
  private readonly labs: LabRepository;
  private readonly workers: WorkerRepository;
  private readonly executor: CaseExecutor;
  private readonly preparer: RunPreparer;
  private readonly running = new Map<string, { runId: string; handle: CaseHandle; done: Promise<void> }>();
  private readonly wakers = new Set<() => void>();
  private subscription: EventSubscription | null = null;
  private stopping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private reaper: NodeJS.Timeout | null = null;
  private readonly settings: ExecutorSettings;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly options: WorkerOptions,
  ) {
    this.name = options.name ?? defaultWorkerName();
    this.repo = new RunRepository(deps.db);
    this.labs = new LabRepository(deps.db);
    this.workers = new WorkerRepository(deps.db);
    this.settings = {
      worker: this.name,
      leaseTtlMs: 30_000,
      heartbeatMs: 2_000,
      maxAttempts: 3,
      retryDelayMs: 2_000,
      defaultCaseTimeoutMs: 3_600_000,
      waitPollMs: 2_000,
      ...options.executor,
    };
    const waitForRelease = (ms: number, signal: AbortSignal): Promise<void> => this.nap(ms, signal);
    this.executor = new CaseExecutor({ ...deps, repo: this.repo, waitForRelease }, this.settings);
    const updates = new UpdatePreparation({
      ssh: deps.ssh,
      leases: deps.leases,
      holder: this.name,
      log: deps.log,
      ...(options.updates ?? {}),
    });
    this.preparer = new RunPreparer(deps.db, this.repo, deps.ssh, deps.queue, deps.log, updates);
  }

  get busy(): number {
    return this.running.size;
  }

  async start(): Promise<void> {
    await this.beat();
    this.subscription = await subscribeEvents(this.options.databaseUrl, (e) => this.onEvent(e));
    this.loopDone = this.loop();
    this.reaper = setInterval(
      () => void this.reap().catch((err) => this.deps.log({ err: String(err) }, 'reaper failed', 'error')),
      this.options.reaperIntervalMs ?? 5_000,
    );
    this.deps.log({ worker: this.name, concurrency: this.options.concurrency }, 'worker started');
  }

  /**
   * Graceful stop (SIGTERM): take nothing new, let running cases finish within the grace period, then
   * hand the rest back (aborted, cleaned up, re-queued for another worker). Nothing is lost.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    if (this.reaper) clearInterval(this.reaper);
    const grace = this.options.shutdownGraceMs ?? 30_000;
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), grace).unref()),
    ]);
    if (timedOut) for (const r of this.running.values()) r.handle.abort('shutdown');
    await Promise.all([...this.running.values()].map((r) => r.done));
    await this.loopDone;
    await this.workers.stopped(this.name).catch(() => undefined);
    await this.subscription?.close();
    this.deps.log({ worker: this.name }, 'worker stopped');
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let took = 0;
      try {
        for (const job of await this.deps.queue.take<RunPrepareJob>(QueueName.RunPrepare, 1)) {
          took++;
          await this.preparer
            .prepare(job.data.runId)
            .catch((err) =>
              this.deps.log({ err: String(err), run: job.data.runId }, 'run preparation failed', 'error'),
            );
          await this.deps.queue.complete(QueueName.RunPrepare, job.id);
        }
        const free = this.options.concurrency - this.running.size;
        if (free > 0) {
          for (const job of await this.deps.queue.take<CaseJob>(QueueName.Case, free)) {
            took++;
            this.startCase(job.id, job.data);
          }
        }
      } catch (err) {
        this.deps.log({ err: String(err) }, 'queue unavailable; retrying', 'warn');
      }
      if (!took && !this.stopping) await this.nap(this.options.idlePollMs ?? 1_000);
    }
  }

  private startCase(jobId: string, job: CaseJob): void {
    const handle = new CaseHandle();
    const entry = { runId: '', handle, done: Promise.resolve() };
    this.running.set(job.caseId, entry);
    entry.done = (async () => {
      let keepJob = false;
      try {
        const c = await this.claim(job, handle);
        if (c === 'aborted') {
          keepJob = !(await this.handBack(job));
          return;
        }
        if (!c) {
          this.deps.log(
            { case: job.caseId, job: jobId },
            'stale queue job ignored (case re-dispatched, cancelled or done)',
          );
          return;
        }
        entry.runId = c.runId;
        const run = await this.repo.findRun(c.runId);
        const lab = run?.labName ? await this.labs.findLab(run.labName) : null;
        if (!run || !lab) {
          await this.repo.finishCase(c.id, { outcome: 'infra-error', reason: 'the run or its lab disappeared' });
          return;
        }
        if (run.cancelRequestedAt) handle.abort('cancelled');
        const end = await this.executor.execute(c, run, lab, handle);
        if (end.kind === 'requeued') {
          const again = await this.repo.findCase(c.id);
          if (again?.dispatchId) {
            await this.deps.queue.enqueueCases([
              {
                caseId: c.id,
                dispatchId: again.dispatchId,
                priority: again.priority,
                startAfterSeconds: Math.ceil(end.delayMs / 1000),
              },
            ]);
            await publishEvent(this.deps.db, { kind: 'queued', runId: c.runId });
          }
        }
        await this.repo.settleRun(c.runId).then(async (s) => {
          if (s.closed) {
            await publishEvent(this.deps.db, { kind: 'run', runId: run.id, runNumber: run.number, status: s.status });
          }
        });
      } catch (err) {
        this.deps.log(
          { err: err instanceof Error ? err.stack : String(err), case: job.caseId },
          'case execution failed',
          'error',
        );
      } finally {
        // A job whose case was neither claimed nor handed back stays active in the queue rather than
        // being completed: completing it would leave the case queued with no job, lost for good.
        if (!keepJob) {
          await this.deps.queue.complete(QueueName.Case, jobId).catch(() => undefined);
        }
        this.running.delete(job.caseId);
        this.wake();
      }
    })();
  }

  /**
   * Claims the job's case, riding out database errors (a dropped connection; in a fresh container
   * network the database's name may not resolve yet): the job stays this worker's meanwhile, so the
   * case is neither lost nor run twice. The claim is idempotent, so a retry after a claim that did
   * commit but whose answer was lost still gets the case. 'aborted' when the worker stops first.
   */
  private async claim(job: CaseJob, handle: CaseHandle): Promise<RunnableCase | null | 'aborted'> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.repo.claimCase(job.caseId, job.dispatchId, this.name);
      } catch (err) {
        const retryInMs = Math.min(CLAIM_RETRY_MAX_MS, CLAIM_RETRY_FIRST_MS * 2 ** attempt);
        this.deps.log(
          { err: String(err), case: job.caseId, attempt: attempt + 1, retryInMs },
          'claiming a case failed; retrying',
          'error',
        );
        if (handle.reason) return 'aborted';
        await this.nap(retryInMs, handle.controller.signal);
        if (handle.reason) return 'aborted';
      }
    }
  }

  /** A worker stopping before it could claim a case queues it again for another worker. */
  private async handBack(job: CaseJob): Promise<boolean> {
    try {
      const c = await this.repo.findCase(job.caseId);
      if (c?.dispatchId === job.dispatchId && c.status === 'queued') {
        await this.deps.queue.enqueueCases([{ ...job, priority: c.priority }]);
      }
      return true;
    } catch (err) {
      this.deps.log(
        { err: String(err), case: job.caseId },
        'could not hand an unclaimed case back to the queue; its job stays active until the queue expires it',
        'error',
      );
      return false;
    }
  }

  private onEvent(e: RunEvent): void {
    if (e.kind === 'queued' || e.kind === 'released') this.wake();
    if (e.kind === 'run' && ['finished', 'error', 'cancelled'].includes(e.status) && this.options.onRunEnded) {
      void this.options
        .onRunEnded(e.runId)
        .catch((err: unknown) => this.deps.log({ err: String(err), run: e.runNumber }, 'run end hook failed', 'error'));
    }
    if (e.kind === 'cancel') {
      for (const [caseId, r] of this.running) {
        if (r.runId === e.runId && (!e.caseId || e.caseId === caseId)) r.handle.abort('cancelled');
      }
    }
  }

  /** Cases whose worker vanished: adopt the lease, clean the hosts, record the attempt, retry. */
  private beat(): Promise<void> {
    return this.workers.beat({
      name: this.name,
      hostname: hostname(),
      pid: process.pid,
      concurrency: this.options.concurrency,
    });
  }

  /**
   * Cases held while waiting for hosts by a worker that stopped beating (no lease to expire yet).
   * The cases are read before the workers, so a worker that claims a case meanwhile has beaten by then.
   */
  private async abandonedWaitingCases(): Promise<Array<{ caseId: string; worker: string | null }>> {
    const waiting = (await this.repo.waitingCasesByWorker()).filter((c) => !this.running.has(c.caseId));
    const holders = [...new Set(waiting.flatMap((c) => (c.worker === null ? [] : [c.worker])))];
    const alive = await this.workers.liveAmong(holders, this.settings.leaseTtlMs);
    return waiting.filter((c) => c.worker === null || !alive.has(c.worker));
  }

  private async reap(): Promise<void> {
    await this.beat();
    const fired = await this.deps.scheduler?.fireDue();
    if (fired?.length) this.deps.log({ schedules: fired }, 'scheduled runs started');
    for (const stale of await this.abandonedWaitingCases()) {
      const again = await this.repo.requeueAbandoned(
        stale.caseId,
        stale.worker,
        `worker ${stale.worker} was lost while the case waited for hosts`,
      );
      if (again) {
        this.deps.log(
          { case: stale.caseId, deadWorker: stale.worker },
          're-queued a waiting case whose worker is gone',
        );
        await this.deps.queue.enqueueCases([{ caseId: stale.caseId, ...again }]);
      }
    }
    for (const orphan of await this.repo.orphanedCases()) {
      if (this.running.has(orphan.caseId)) continue;
      if (
        orphan.leaseId &&
        !(await this.deps.leases.adoptExpired(orphan.leaseId, this.name, this.settings.leaseTtlMs))
      ) {
        continue;
      }
      const c = await this.repo.findCase(orphan.caseId);
      const run = await this.repo.findRun(orphan.runId);
      const lab = run?.labName ? await this.labs.findLab(run.labName) : null;
      if (!c || !run || !lab) continue;
      this.deps.log({ case: c.caseKey, deadWorker: orphan.worker }, 'reaping a case whose worker is gone');
      const objects = await this.repo.pendingObjects(c.id);
      await tearDown(
        objects,
        (h) => this.executor.runnerFor(lab, h),
        (id, err) => this.repo.markObjectRemoved(id, err),
      );
      await this.repo.abandonOpenAttempts(
        c.id,
        `worker ${orphan.worker ?? 'unknown'} stopped answering (crash or kill); cleaned up by ${this.name}`,
      );
      if (c.attemptCount < this.settings.maxAttempts && !run.cancelRequestedAt) {
        const again = await this.repo.requeueCase(c.id, `worker ${orphan.worker} was lost; retrying`);
        if (again) await this.deps.queue.enqueueCases([{ caseId: c.id, ...again }]);
      } else {
        await this.repo.finishCase(c.id, {
          outcome: run.cancelRequestedAt ? 'cancelled' : 'infra-error',
          reason: 'WORKER_LOST: the worker running it stopped answering',
          errorCode: 'WORKER_LOST',
        });
      }
      if (orphan.leaseId) await this.deps.leases.release(orphan.leaseId);
      await publishEvent(this.deps.db, { kind: 'released' });
      await this.repo.settleRun(run.id);
    }
  }

  private wake(): void {
    for (const w of this.wakers) w();
  }

  private nap(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

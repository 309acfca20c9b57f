import { join } from 'node:path';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { createDataSource } from 'src/database/data-source';
import { SshPool } from 'src/remote/ssh-pool';
import type { GuestBinaries } from 'src/config/guest-binaries';
import { ArtifactStore } from 'src/results/artifact-store';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { CaseQueue } from 'src/execution/case-queue';
import { runGate } from 'src/execution/lab-readiness';
import { RunService } from 'src/execution/run.service';
import { Scheduler } from 'src/execution/scheduler';
import { LabLeases } from 'src/execution/lab-leases';
import { PgHostKeyStore } from 'src/lab/host-key.repository';
import { LeaseRepository } from 'src/lab/lease.repository';
import { defaultWorkerName, Worker, WorkerOptions } from 'src/execution/worker';

interface EngineOptions {
  databaseUrl: string;
  dataDir: string;
  registry: ScenarioRegistry;
  logger: Logger;
  /** The operator's static binaries for guests without repositories (SHAKEDOWN_GUEST_BINARIES_DIR). */
  guestBinaries?: GuestBinaries | null;
}

/**
 * The execution engine's parts wired together for a process that starts runs (API, CLI) and/or
 * executes them (worker). Plain objects, no Nest: the same wiring serves the CLI, the worker and tests.
 */
export class Engine {
  private workers: Worker[] = [];
  readonly artifacts: ArtifactStore;
  readonly scheduler: Scheduler;

  private constructor(
    readonly db: DataSource,
    readonly queue: CaseQueue,
    readonly runs: RunService,
    readonly ssh: SshPool,
    private readonly options: EngineOptions,
  ) {
    this.artifacts = new ArtifactStore(join(options.dataDir, 'artifacts'));
    this.scheduler = new Scheduler(db, runs);
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const db = createDataSource({ url: options.databaseUrl, poolSize: 10, applicationName: 'shakedown-engine' });
    await db.initialize();
    const queueLog = options.logger.child({ component: 'queue' });
    const queue = await CaseQueue.start(options.databaseUrl, {
      onError: (err) => queueLog.error({ err: err.message }, 'pg-boss error'),
    });
    // Host keys are pinned in the database: every process (API, CLI, each worker) enforces the same pin.
    const ssh = new SshPool({ hostKeys: new PgHostKeyStore(db) });
    return new Engine(
      db,
      queue,
      new RunService(db, queue, options.registry, runGate(ssh, options.registry)),
      ssh,
      options,
    );
  }

  async startWorker(options: Omit<WorkerOptions, 'databaseUrl'>): Promise<Worker> {
    const log = this.options.logger.child({ component: 'worker' });
    const name = options.name ?? defaultWorkerName();
    const worker = new Worker(
      {
        db: this.db,
        queue: this.queue,
        leases: new LabLeases(new LeaseRepository(this.db), name),
        ssh: this.ssh,
        artifacts: this.artifacts,
        scheduler: this.scheduler,
        registry: this.options.registry,
        guestBinaries: this.options.guestBinaries ?? null,
        log: (fields, message, level = 'info') => log[level](fields, message),
      },
      { ...options, name, databaseUrl: this.options.databaseUrl },
    );
    await worker.start();
    this.workers.push(worker);
    return worker;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
    await this.queue.stop();
    await this.ssh.close();
    await this.db.destroy();
  }
}

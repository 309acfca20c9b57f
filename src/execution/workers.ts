import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { GuestBinaries } from 'src/config/guest-binaries';
import { CaseQueue } from 'src/execution/case-queue';
import { LabLeases } from 'src/execution/lab-leases';
import { Scheduler } from 'src/execution/scheduler';
import { defaultWorkerName, Worker, WorkerOptions } from 'src/execution/worker';
import { LeaseRepository } from 'src/lab/lease.repository';
import { SshPool } from 'src/remote/ssh-pool';
import { ArtifactStore } from 'src/results/artifact-store';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';

interface WorkerParts {
  db: DataSource;
  databaseUrl: string;
  queue: CaseQueue;
  ssh: SshPool;
  artifacts: ArtifactStore;
  scheduler: Scheduler;
  registry: ScenarioRegistry;
  logger: Logger;
  /** The operator's static binaries for guests without repositories (SHAKEDOWN_GUEST_BINARIES_DIR). */
  guestBinaries?: GuestBinaries | null;
}

/**
 * Starts workers on the process's own pool, queue and SSH pool (the worker process starts one, the
 * demo one beside its service) and stops them all before those close.
 */
export class Workers {
  private readonly started: Worker[] = [];

  constructor(private readonly parts: WorkerParts) {}

  async start(options: Omit<WorkerOptions, 'databaseUrl'>): Promise<Worker> {
    const { db, queue, ssh, artifacts, scheduler, registry, databaseUrl, guestBinaries } = this.parts;
    const log = this.parts.logger.child({ component: 'worker' });
    const name = options.name ?? defaultWorkerName();
    const worker = new Worker(
      {
        db,
        queue,
        leases: new LabLeases(new LeaseRepository(db), name),
        ssh,
        artifacts,
        scheduler,
        registry,
        guestBinaries: guestBinaries ?? null,
        log: (fields, message, level = 'info') => log[level](fields, message),
      },
      { ...options, name, databaseUrl },
    );
    await worker.start();
    this.started.push(worker);
    return worker;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((w) => w.stop()));
  }
}

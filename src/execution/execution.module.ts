import { join } from 'node:path';
import { BeforeApplicationShutdown, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ROOT_LOGGER } from 'src/common/logging/root-logger.module';
import { AppConfig } from 'src/config/config';
import { GuestBinaries } from 'src/config/guest-binaries';
import { DATABASE_URL } from 'src/database/database.tokens';
import { CaseQueue } from 'src/execution/case-queue';
import { runGate } from 'src/execution/lab-readiness';
import { RunService } from 'src/execution/run.service';
import { Scheduler } from 'src/execution/scheduler';
import { Workers } from 'src/execution/workers';
import { PgHostKeyStore } from 'src/lab/host-key.repository';
import { SshPool } from 'src/remote/ssh-pool';
import { ArtifactStore } from 'src/results/artifact-store';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';

/**
 * The execution engine as providers, for every kind of process: the API and the CLI start runs, the
 * worker and the demo also start workers (Workers). Everything runs on the process's one TypeORM
 * pool (DatabaseModule) and logs through its one root logger; only pg-boss keeps its own small
 * pool, which it needs for its maintenance. Workers stop before the queue and the SSH pool close.
 */
@Module({
  providers: [
    {
      provide: ScenarioRegistry,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new ScenarioRegistry(defaultScenarios(config.get('SHAKEDOWN_EXTERNAL_SUITES'))),
    },
    {
      provide: CaseQueue,
      inject: [DATABASE_URL, ROOT_LOGGER],
      useFactory: (url: string, logger: Logger) => {
        const log = logger.child({ component: 'queue' });
        return CaseQueue.start(url, { onError: (err) => log.error({ err: err.message }, 'pg-boss error') });
      },
    },
    {
      // Host keys are pinned in the database: every process (API, CLI, each worker) enforces the same pin.
      provide: SshPool,
      inject: [getDataSourceToken()],
      useFactory: (db: DataSource) => new SshPool({ hostKeys: new PgHostKeyStore(db) }),
    },
    {
      provide: RunService,
      inject: [getDataSourceToken(), CaseQueue, ScenarioRegistry, SshPool],
      useFactory: (db: DataSource, queue: CaseQueue, registry: ScenarioRegistry, ssh: SshPool) =>
        new RunService(db, queue, registry, runGate(ssh, registry)),
    },
    {
      provide: Scheduler,
      inject: [getDataSourceToken(), RunService],
      useFactory: (db: DataSource, runs: RunService) => new Scheduler(db, runs),
    },
    {
      provide: ArtifactStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new ArtifactStore(join(config.dataDir, 'artifacts')),
    },
    {
      provide: Workers,
      inject: [
        getDataSourceToken(),
        DATABASE_URL,
        CaseQueue,
        SshPool,
        ArtifactStore,
        Scheduler,
        ScenarioRegistry,
        ROOT_LOGGER,
        AppConfig,
      ],
      useFactory: (
        db: DataSource,
        databaseUrl: string,
        queue: CaseQueue,
        ssh: SshPool,
        artifacts: ArtifactStore,
        scheduler: Scheduler,
        registry: ScenarioRegistry,
        logger: Logger,
        config: AppConfig,
      ) =>
        new Workers({
          db,
          databaseUrl,
          queue,
          ssh,
          artifacts,
          scheduler,
          registry,
          logger,
          guestBinaries: GuestBinaries.of(config.get('SHAKEDOWN_GUEST_BINARIES_DIR')),
        }),
    },
  ],
  exports: [ScenarioRegistry, CaseQueue, SshPool, RunService, Scheduler, ArtifactStore, Workers],
})
export class ExecutionModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(Workers) private readonly workers: Workers,
    @Inject(CaseQueue) private readonly queue: CaseQueue,
    @Inject(SshPool) private readonly ssh: SshPool,
  ) {}

  /** Every module's before-hooks run before any on-hook: workers hand their cases back while the pool is open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.workers.stopAll();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.stop();
    await this.ssh.close();
  }
}

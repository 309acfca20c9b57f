import { join } from 'node:path';
import { Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from 'src/config/config';
import { DATABASE_URL } from 'src/database/database.tokens';
import { CaseQueue } from 'src/execution/case-queue';
import { runGate } from 'src/execution/lab-readiness';
import { RunService } from 'src/execution/run.service';
import { PgHostKeyStore } from 'src/lab/host-key.repository';
import { SshPool } from 'src/remote/ssh-pool';
import { RunsController } from 'src/execution/runs.controller';
import { Scheduler } from 'src/execution/scheduler';
import { ArtifactStore } from 'src/results/artifact-store';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';

/**
 * Starting and cancelling runs from the API. The API process queues; worker processes execute.
 * Everything here runs on the process's one TypeORM pool (DatabaseModule) and logs through its one
 * root logger; only pg-boss keeps its own small pool, which it needs for its maintenance.
 */
@Module({
  controllers: [RunsController],
  providers: [
    {
      provide: ScenarioRegistry,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new ScenarioRegistry(defaultScenarios(config.get('SHAKEDOWN_EXTERNAL_SUITES'))),
    },
    {
      provide: CaseQueue,
      inject: [DATABASE_URL],
      useFactory: (url: string) => {
        const log = new Logger('CaseQueue');
        return CaseQueue.start(url, { onError: (err) => log.error(`pg-boss error: ${err.message}`) });
      },
    },
    {
      // The API's own SSH pool, for the lab check before a run is queued; pins are the database's.
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
  ],
  exports: [RunService, CaseQueue, Scheduler],
})
export class ExecutionModule implements OnApplicationShutdown {
  constructor(
    @Inject(CaseQueue) private readonly queue: CaseQueue,
    @Inject(SshPool) private readonly ssh: SshPool,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.stop();
    await this.ssh.close();
  }
}

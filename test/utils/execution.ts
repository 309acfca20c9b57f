import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from 'src/app/app.module';
import { PinoNestLogger } from 'src/common/logging/logger';
import { AppConfig } from 'src/config/config';
import { CaseQueue } from 'src/execution/case-queue';
import { ExecutionModule } from 'src/execution/execution.module';
import { RunService } from 'src/execution/run.service';
import { Scheduler } from 'src/execution/scheduler';
import { Worker, WorkerOptions } from 'src/execution/worker';
import { Workers } from 'src/execution/workers';
import { SshPool } from 'src/remote/ssh-pool';
import { ArtifactStore } from 'src/results/artifact-store';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';

/** The execution providers a test drives, taken out of the composition root the worker process builds. */
export interface TestExecution {
  db: DataSource;
  queue: CaseQueue;
  runs: RunService;
  ssh: SshPool;
  scheduler: Scheduler;
  artifacts: ArtifactStore;
  startWorker(options: Omit<WorkerOptions, 'databaseUrl'>): Promise<Worker>;
  /** Workers first, then the queue, the SSH pool and the database pool (as the process closes). */
  close(): Promise<void>;
}

/**
 * The worker process's modules (AppModule with ExecutionModule) on a test database, with the test's
 * own scenarios in place of the shipped registry and artifacts under `dataDir`.
 */
export async function startExecution(options: {
  databaseUrl: string;
  dataDir: string;
  registry: ScenarioRegistry;
  logger: Logger;
}): Promise<TestExecution> {
  const config = AppConfig.fromEnv({ SHAKEDOWN_DATA_DIR: options.dataDir });
  const module = await Test.createTestingModule({
    imports: [
      AppModule.forRoot({
        config,
        logger: options.logger,
        databaseUrl: options.databaseUrl,
        features: [ExecutionModule],
      }),
    ],
  })
    .overrideProvider(ScenarioRegistry)
    .useValue(options.registry)
    .setLogger(new PinoNestLogger(options.logger))
    .compile();
  await module.init();
  const workers = module.get(Workers);
  return {
    db: module.get<DataSource>(getDataSourceToken()),
    queue: module.get(CaseQueue),
    runs: module.get(RunService),
    ssh: module.get(SshPool),
    scheduler: module.get(Scheduler),
    artifacts: module.get(ArtifactStore),
    startWorker: (workerOptions) => workers.start(workerOptions),
    close: () => module.close(),
  };
}

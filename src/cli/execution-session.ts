import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { bootstrap } from 'src/app/bootstrap';
import { createProcessContext } from 'src/app/process-context';
import { AppConfig } from 'src/config/config';
import { ExecutionError, ExecutionErrorCode } from 'src/execution/execution.errors';
import { ExecutionModule } from 'src/execution/execution.module';
import { RunRepository } from 'src/execution/run.repository';
import { RunService } from 'src/execution/run.service';
import { RunRow } from 'src/execution/run.types';
import { Scheduler } from 'src/execution/scheduler';
import { SshPool } from 'src/remote/ssh-pool';
import { ArtifactStore } from 'src/results/artifact-store';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';

/** What the run and watch commands are given: the execution providers they use, nothing to look up. */
export interface ExecutionSession {
  db: DataSource;
  runs: RunService;
  scheduler: Scheduler;
  artifacts: ArtifactStore;
  ssh: SshPool;
  registry: ScenarioRegistry;
  config: AppConfig;
  databaseUrl: string;
  publicUrl: string;
  findRun(ref: string): Promise<RunRow>;
  close(): Promise<void>;
}

/**
 * The composition root of a short-lived command that starts or follows runs: bootstrap, then the
 * execution module on a small pool (no workers in this process).
 */
export async function openExecution(env: NodeJS.ProcessEnv = process.env): Promise<ExecutionSession> {
  const base = await bootstrap({ env, quiet: true });
  const context = await createProcessContext(base, [ExecutionModule], { poolSize: 3 });
  const db = context.get<DataSource>(getDataSourceToken());
  const repo = new RunRepository(db);
  return {
    db,
    runs: context.get(RunService),
    scheduler: context.get(Scheduler),
    artifacts: context.get(ArtifactStore),
    ssh: context.get(SshPool),
    registry: context.get(ScenarioRegistry),
    config: base.config,
    databaseUrl: base.database.url,
    publicUrl: base.config.publicUrl,
    async findRun(ref) {
      const run = await repo.findRun(ref);
      if (!run) throw new ExecutionError(`no run ${ref}`, ExecutionErrorCode.RunNotFound);
      return run;
    },
    close: () => context.close(),
  };
}

import { bootstrap } from 'src/app/bootstrap';
import { AppConfig } from 'src/config/config';
import { Engine } from 'src/execution/engine';
import { ExecutionError, ExecutionErrorCode } from 'src/execution/execution.errors';
import { RunRepository } from 'src/execution/run.repository';
import { RunRow } from 'src/execution/run.types';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';

export interface EngineSession {
  engine: Engine;
  registry: ScenarioRegistry;
  config: AppConfig;
  databaseUrl: string;
  publicUrl: string;
  findRun(ref: string): Promise<RunRow>;
  close(): Promise<void>;
}

/** What a short-lived CLI command needs to start or follow runs (no workers in this process). */
export async function openEngineForCli(env: NodeJS.ProcessEnv = process.env): Promise<EngineSession> {
  const base = await bootstrap({ env, quiet: true });
  const { config, logger, database } = base;
  const registry = new ScenarioRegistry(defaultScenarios(config.get('SHAKEDOWN_EXTERNAL_SUITES')));
  const engine = await Engine.open({ databaseUrl: database.url, dataDir: config.dataDir, registry, logger });
  const repo = new RunRepository(engine.db);
  return {
    engine,
    registry,
    config,
    databaseUrl: database.url,
    publicUrl: config.publicUrl,
    async findRun(ref) {
      const run = await repo.findRun(ref);
      if (!run) throw new ExecutionError(`no run ${ref}`, ExecutionErrorCode.RunNotFound);
      return run;
    },
    async close() {
      await engine.close();
      await base.close();
    },
  };
}

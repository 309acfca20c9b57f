import { createRootLogger } from 'src/common/logging/logger';
import { AppConfig } from 'src/config/config';
import { prepareDatabase } from 'src/database/prepare-database';
import { Engine } from 'src/execution/engine';
import { ExecutionError, ExecutionErrorCode } from 'src/execution/execution.errors';
import { RunRepository } from 'src/execution/run.repository';
import { RunRow } from 'src/execution/run.types';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';

export interface EngineSession {
  engine: Engine;
  databaseUrl: string;
  publicUrl: string;
  findRun(ref: string): Promise<RunRow>;
  close(): Promise<void>;
}

/** What a short-lived CLI command needs to start or follow runs (no workers in this process). */
export async function openEngineForCli(env: NodeJS.ProcessEnv = process.env): Promise<EngineSession> {
  const config = AppConfig.fromEnv(env);
  const logger = createRootLogger(config.get('LOG_LEVEL') === 'info' ? 'warn' : config.get('LOG_LEVEL'));
  const database = await prepareDatabase(config);
  const engine = await Engine.open({
    databaseUrl: database.url,
    dataDir: config.dataDir,
    registry: new ScenarioRegistry(defaultScenarios(config.get('SHAKEDOWN_EXTERNAL_SUITES'))),
    logger,
  });
  const repo = new RunRepository(engine.db);
  return {
    engine,
    databaseUrl: database.url,
    publicUrl: config.publicUrl,
    async findRun(ref) {
      const run = await repo.findRun(ref);
      if (!run) throw new ExecutionError(`no run ${ref}`, ExecutionErrorCode.RunNotFound);
      return run;
    },
    async close() {
      await engine.close();
      await database.embedded?.stop();
    },
  };
}

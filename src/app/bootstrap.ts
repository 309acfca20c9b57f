import type { Logger } from 'pino';
import { createRootLogger } from 'src/common/logging/logger';
import { AppConfig } from 'src/config/config';
import { prepareDatabase, PreparedDatabase } from 'src/database/prepare-database';

export interface ProcessBase {
  config: AppConfig;
  /** The process's one root logger; parts take children of it. */
  logger: Logger;
  database: PreparedDatabase;
  /** Stops what bootstrap started (the embedded PostgreSQL, if any). */
  close(): Promise<void>;
}

interface BootstrapOptions {
  env?: NodeJS.ProcessEnv;
  /** Short-lived commands keep the terminal for their own output: they log warnings and worse only. */
  quiet?: boolean;
}

/**
 * What every kind of process (serve, worker, CLI command, demo) does first: settings validated,
 * one root logger, the database found (or started embedded), checked and migrated.
 */
export async function bootstrap(options: BootstrapOptions = {}): Promise<ProcessBase> {
  const config = AppConfig.fromEnv(options.env ?? process.env);
  const level = config.get('LOG_LEVEL');
  const logger = createRootLogger(options.quiet && level === 'info' ? 'warn' : level);
  const database = await prepareDatabase(config, (line) => logger.debug({ component: 'postgres' }, line));
  if (database.appliedMigrations.length) logger.info({ migrations: database.appliedMigrations }, 'database migrated');
  return {
    config,
    logger,
    database,
    async close() {
      await database.embedded?.stop();
    },
  };
}

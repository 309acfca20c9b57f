import { INestApplication } from '@nestjs/common';
import { apiFeatures } from 'src/app/api-features';
import { createHttpApp } from 'src/app/create-http-app';
import { CliError } from 'src/common/errors/cli-error';
import { createRootLogger } from 'src/common/logging/logger';
import { AppConfig } from 'src/config/config';
import { prepareDatabase, PreparedDatabase } from 'src/database/prepare-database';
import { configureWeb } from 'src/web/configure-web';

export interface RunningService {
  app: INestApplication;
  url: string;
  database: PreparedDatabase;
  close(): Promise<void>;
}

export interface StartServiceOptions {
  port?: string;
  host?: string;
  env?: NodeJS.ProcessEnv;
}

/** Config, database, HTTP app, listening socket: what `serve` (and `demo`) start. */
export async function startService(options: StartServiceOptions = {}): Promise<RunningService> {
  const env = { ...(options.env ?? process.env) };
  if (options.port !== undefined) env.PORT = options.port;
  if (options.host !== undefined) env.HOST = options.host;
  const config = AppConfig.fromEnv(env);
  const logger = createRootLogger(config.get('LOG_LEVEL'));
  const database = await prepareDatabase(config, (line) => logger.debug({ component: 'postgres' }, line));
  if (database.appliedMigrations.length) logger.info({ migrations: database.appliedMigrations }, 'database migrated');
  const app = await createHttpApp({
    config,
    databaseUrl: database.url,
    logger,
    features: apiFeatures,
    configure: configureWeb,
  });
  const host = config.get('HOST');
  const port = config.get('PORT');
  try {
    await app.listen(port, host);
  } catch (err) {
    await app.close();
    const code = (err as { code?: string }).code;
    throw new CliError(
      `cannot listen on ${host}:${port}: ${code === 'EADDRINUSE' ? 'address already in use' : (err as Error).message}`,
    );
  }
  const address = app.getHttpServer().address() as { port: number } | null;
  const url = config.get('PUBLIC_URL') ?? `http://${host}:${address?.port ?? port}`;
  return {
    app,
    url,
    database,
    async close() {
      await app.close();
      await database.embedded?.stop();
    },
  };
}

import { INestApplication } from '@nestjs/common';
import { apiFeatures } from 'src/app/api-features';
import { bootstrap } from 'src/app/bootstrap';
import { createHttpApp } from 'src/app/create-http-app';
import { CliError } from 'src/common/errors/cli-error';
import type { PreparedDatabase } from 'src/database/prepare-database';
import { configureWeb } from 'src/web/configure-web';

interface RunningService {
  app: INestApplication;
  url: string;
  database: PreparedDatabase;
  close(): Promise<void>;
}

interface StartServiceOptions {
  port?: string;
  host?: string;
  env?: NodeJS.ProcessEnv;
  /** False when the caller handles stop signals itself (the demo); see createHttpApp. */
  shutdownHooks?: boolean;
}

/** Config, database, HTTP app, listening socket: what `serve` (and `demo`) start. */
export async function startService(options: StartServiceOptions = {}): Promise<RunningService> {
  const env = { ...(options.env ?? process.env) };
  if (options.port !== undefined) env.PORT = options.port;
  if (options.host !== undefined) env.HOST = options.host;
  const base = await bootstrap({ env });
  const { config, logger, database } = base;
  const app = await createHttpApp({
    config,
    databaseUrl: database.url,
    logger,
    features: apiFeatures,
    configure: configureWeb,
    onShutdown: () => base.close(),
    shutdownHooks: options.shutdownHooks,
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
      await base.close();
    },
  };
}

import { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from 'src/app/app.module';
import type { ProcessBase } from 'src/app/bootstrap';
import { PinoNestLogger } from 'src/common/logging/logger';

/**
 * The composition root of a process without HTTP (a worker, a CLI command): bootstrap's config,
 * logger and database, and the Nest modules it needs on one pool. Closing it closes what bootstrap
 * started too (the embedded PostgreSQL), last.
 */
export async function createProcessContext(
  base: ProcessBase,
  features: Array<Type | DynamicModule>,
  options: { poolSize?: number } = {},
): Promise<INestApplicationContext> {
  const { config, logger, database } = base;
  const created = NestFactory.createApplicationContext(
    AppModule.forRoot({
      config,
      logger,
      databaseUrl: database.url,
      poolSize: options.poolSize,
      features,
      onShutdown: () => base.close(),
    }),
    // A module that fails to start throws to the caller, which prints one line and exits 1.
    { logger: new PinoNestLogger(logger), abortOnError: false },
  );
  return created.catch(async (err: unknown) => {
    await base.close();
    throw err;
  });
}

import type { Logger } from 'pino';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { ServerPathsInterceptor } from 'src/app/server-paths.interceptor';
import { DomainErrorFilter } from 'src/common/errors/domain-error.filter';
import { RootLoggerModule } from 'src/common/logging/root-logger.module';
import { AppConfig } from 'src/config/config';
import { ConfigModule } from 'src/config/config.module';
import { DatabaseModule } from 'src/database/database.module';

export interface AppModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  /** The process's one root logger (bootstrap's): Nest's messages and every module's go through it. */
  logger: Logger;
  /** Connections of the process's one TypeORM pool. */
  poolSize?: number;
  /** Domain modules of this process (the API serves pages; a worker runs cases). */
  features?: Array<Type | DynamicModule>;
  /**
   * Runs when the app shuts down, a signal's shutdown included, once the pool is closed: what the
   * process started before Nest (the embedded PostgreSQL) stops with it instead of running on unowned.
   */
  onShutdown?: () => Promise<void>;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        RootLoggerModule.forRoot(options.logger),
        DatabaseModule.forRoot(options.databaseUrl, { poolSize: options.poolSize, onClosed: options.onShutdown }),
        ...(options.features ?? []),
      ],
      providers: [
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: ServerPathsInterceptor },
      ],
    };
  }
}

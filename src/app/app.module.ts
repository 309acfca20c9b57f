import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { ServerPathsInterceptor } from 'src/app/server-paths.interceptor';
import { DomainErrorFilter } from 'src/common/errors/domain-error.filter';
import { AppConfig } from 'src/config/config';
import { ConfigModule } from 'src/config/config.module';
import { DatabaseModule } from 'src/database/database.module';
import { HealthModule } from 'src/health/health.module';

export interface AppModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Domain modules of this process (the API serves pages; a worker runs cases). */
  features?: Array<Type | DynamicModule>;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        DatabaseModule.forRoot(options.databaseUrl),
        HealthModule,
        ...(options.features ?? []),
      ],
      providers: [
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: ServerPathsInterceptor },
      ],
    };
  }
}

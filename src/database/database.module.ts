import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { migrations } from 'src/database/migrations';
import { DATABASE_URL } from 'src/database/database.tokens';

const ON_CLOSED = Symbol('onDatabaseClosed');

interface DatabaseModuleOptions {
  poolSize?: number;
  /** Runs after the pool has closed (the embedded PostgreSQL stops here). */
  onClosed?: () => Promise<void>;
}

/**
 * TypeORM for the Nest processes: the one pool of the process. Repositories speak SQL, no entities.
 * Nest shuts modules down root first and global modules last, in the reverse of the order they were
 * found; this module imports TypeORM's, so its hook runs after the pool is closed, when every other
 * module (the queue, the workers) has already let go of the database.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(ON_CLOSED) private readonly closed: Pick<DatabaseModuleOptions, 'onClosed'>) {}

  static forRoot(url: string, options: DatabaseModuleOptions = {}): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_URL, useValue: url },
        { provide: ON_CLOSED, useValue: { onClosed: options.onClosed } },
      ],
      exports: [DATABASE_URL],
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url,
          migrations,
          migrationsTableName: 'shakedown_migrations',
          synchronize: false,
          migrationsRun: false,
          logging: false,
          extra: { max: options.poolSize ?? 10, application_name: 'shakedown' },
        }),
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.closed.onClosed?.();
  }
}

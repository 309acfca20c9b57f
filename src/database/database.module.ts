import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { migrations } from 'src/database/migrations';
import { DATABASE_URL } from 'src/database/database.tokens';

/** TypeORM for the Nest processes: the one pool of the API process. Repositories speak SQL, no entities. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string, poolSize = 10): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DATABASE_URL, useValue: url }],
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
          extra: { max: poolSize, application_name: 'shakedown' },
        }),
      ],
    };
  }
}

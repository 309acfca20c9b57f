import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { migrations } from 'src/database/migrations';
import { DATABASE_URL } from 'src/database/database.tokens';

/** TypeORM for the Nest processes. Entities register themselves with TypeOrmModule.forFeature. */
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
          autoLoadEntities: true,
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

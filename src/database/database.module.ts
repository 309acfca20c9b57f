import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { migrations } from 'src/database/migrations';

/** TypeORM for the Nest processes. Entities register themselves with TypeOrmModule.forFeature. */
@Module({})
export class DatabaseModule {
  static forRoot(url: string, poolSize = 10): DynamicModule {
    return {
      module: DatabaseModule,
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

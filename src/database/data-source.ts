import { DataSource } from 'typeorm';
import { migrations } from 'src/database/migrations';

interface DataSourceOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

/**
 * The one way Shakedown builds a TypeORM DataSource. The schema comes from migrations only
 * (`synchronize` stays off): several processes share one database and must agree on it. No
 * entities: repositories speak SQL through the DataSource.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    migrations,
    migrationsTableName: 'shakedown_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: options.poolSize ?? 10, application_name: options.applicationName ?? 'shakedown' },
  });
}

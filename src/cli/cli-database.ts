import { DataSource } from 'typeorm';
import { AppConfig } from 'src/config/config';
import { createDataSource } from 'src/database/data-source';
import { prepareDatabase } from 'src/database/prepare-database';

/** A short-lived command's database: found (or started embedded), migrated, closed when `run` ends. */
export async function withDatabase<T>(run: (db: DataSource) => Promise<T>): Promise<T> {
  const config = AppConfig.fromEnv();
  const database = await prepareDatabase(config);
  const db = createDataSource({ url: database.url, poolSize: 2 });
  await db.initialize();
  try {
    return await run(db);
  } finally {
    await db.destroy();
    await database.embedded?.stop();
  }
}

import { DataSource } from 'typeorm';
import { bootstrap } from 'src/app/bootstrap';
import { AppConfig } from 'src/config/config';
import { createDataSource } from 'src/database/data-source';

/** A short-lived command's database: found (or started embedded), migrated, closed when `run` ends. */
export async function withDatabase<T>(run: (db: DataSource, config: AppConfig) => Promise<T>): Promise<T> {
  const { config, database, close } = await bootstrap({ quiet: true });
  const db = createDataSource({ url: database.url, poolSize: 2 });
  await db.initialize();
  try {
    return await run(db, config);
  } finally {
    await db.destroy();
    await close();
  }
}

import { DataSource } from 'typeorm';

/** Any constant works as long as every Shakedown process uses the same one. */
const MIGRATION_LOCK_KEY = 7_384_001;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so that several processes starting at
 * once (API, workers) apply them exactly once; the others wait, then find nothing to do.
 * TypeORM has no lock of its own across processes (typeorm/typeorm#4588). Needs two pooled
 * connections: one holds the lock while TypeORM runs the migrations on another.
 */
export async function migrateUnderLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

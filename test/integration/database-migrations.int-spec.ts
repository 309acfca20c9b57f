import { Client } from 'pg';
import { createDataSource } from 'src/database/data-source';
import { migrateUnderLock } from 'src/database/migrate';
import { databaseUrl } from 'test/utils/database';
import { randomBytes } from 'node:crypto';

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: process.env.SHAKEDOWN_TEST_PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('migrations under an advisory lock', () => {
  const name = `shakedown_mig_${randomBytes(4).toString('hex')}`;
  beforeAll(() => admin((c) => c.query(`CREATE DATABASE ${name}`)));
  afterAll(() => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));

  it('should apply every migration exactly once when five processes start at the same time', async () => {
    const sources = Array.from({ length: 5 }, () => createDataSource({ url: databaseUrl(name), poolSize: 2 }));
    await Promise.all(sources.map((s) => s.initialize()));
    try {
      const applied = await Promise.all(sources.map((s) => migrateUnderLock(s)));
      const nonEmpty = applied.filter((names) => names.length > 0);
      expect(nonEmpty).toHaveLength(1);
      const rows = await sources[0]!.query('SELECT name FROM shakedown_migrations');
      expect(rows).toHaveLength(nonEmpty[0]!.length);
      const tables = await sources[0]!.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      );
      expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual(
        expect.arrayContaining([
          'campaigns',
          'runs',
          'cases',
          'attempts',
          'steps',
          'artifacts',
          'measurements',
          'hosts',
          'pools',
          'submissions',
          'leases',
        ]),
      );
    } finally {
      await Promise.all(sources.map((s) => s.destroy()));
    }
  });
});

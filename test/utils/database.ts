import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource } from 'src/database/data-source';
import { migrateUnderLock } from 'src/database/migrate';
import { migrations } from 'src/database/migrations';

const TEMPLATE = 'shakedown_template';
const TEMPLATE_LOCK_KEY = 7_384_002;

export interface TestDatabase {
  url: string;
  name: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.SHAKEDOWN_TEST_PG_URL;
  if (!url) {
    throw new Error('SHAKEDOWN_TEST_PG_URL is not set: run tests through Jest (its globalSetup starts PostgreSQL)');
  }
  return url;
}

export function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The migrations a template holds, written on it as a comment: a template that has them is reused as it is. */
const TEMPLATE_MIGRATIONS = `migrations: ${migrations.map((m) => m.name).join(' ')}`;

/**
 * Migrates the template when it lacks a migration (first file of a Jest run, or a reused server that
 * predates one), under the caller's lock; also the test that the migrations apply cleanly. The other
 * files only read the template's comment: no DataSource, no migration query.
 */
async function ensureTemplate(admin: Client): Promise<void> {
  const found = await admin.query<{ comment: string | null }>(
    `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
    [TEMPLATE],
  );
  if (found.rows[0]?.comment === TEMPLATE_MIGRATIONS) return;
  if (!found.rowCount) await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  const ds = createDataSource({ url: databaseUrl(TEMPLATE), poolSize: 2 });
  await ds.initialize();
  try {
    await migrateUnderLock(ds);
  } finally {
    await ds.destroy();
  }
  await admin.query(`COMMENT ON DATABASE ${TEMPLATE} IS '${TEMPLATE_MIGRATIONS}'`);
}

/** A fresh, migrated database of its own for one test file (a copy of the template: fast). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `shakedown_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (admin) => {
    // CREATE DATABASE … TEMPLATE needs the template to have no other connection: one file at a time
    // checks (or migrates) the template and copies it.
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      await ensureTemplate(admin);
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });
  const url = databaseUrl(name);
  const dataSource = createDataSource({ url, poolSize: 5 });
  await dataSource.initialize();
  return {
    url,
    name,
    dataSource,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

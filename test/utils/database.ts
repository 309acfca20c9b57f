import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource } from 'src/database/data-source';
import { migrateUnderLock } from 'src/database/migrate';

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

/** Migrates the template once per Jest run; also the test that the migrations apply cleanly. */
async function ensureTemplate(admin: Client): Promise<void> {
  await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE]);
    // Migrating an existing template is a no-op unless a migration was added since (a reused server).
    if (!found.rowCount) await admin.query(`CREATE DATABASE ${TEMPLATE}`);
    const ds = createDataSource({ url: databaseUrl(TEMPLATE), poolSize: 2 });
    await ds.initialize();
    try {
      await migrateUnderLock(ds);
    } finally {
      await ds.destroy();
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
  }
}

/** A fresh, migrated database of its own for one test file (a copy of the template: fast). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `shakedown_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (admin) => {
    await ensureTemplate(admin);
    // CREATE DATABASE … TEMPLATE needs the template to have no other connection: serialise copies.
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
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

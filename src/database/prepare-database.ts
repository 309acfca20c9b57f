import { Client } from 'pg';
import { AppConfig } from 'src/config/config';
import { createDataSource } from 'src/database/data-source';
import { redactDatabaseUrl } from 'src/database/database-url';
import { DatabaseError, DatabaseErrorCode } from 'src/database/database.errors';
import { EmbeddedDatabase, startEmbeddedPostgres } from 'src/database/embedded-postgres';
import { migrateUnderLock } from 'src/database/migrate';

export interface PreparedDatabase {
  url: string;
  embedded?: EmbeddedDatabase;
  appliedMigrations: string[];
}

/**
 * Before any Nest module starts: find the database (DATABASE_URL, or the embedded server), check
 * that it answers, and bring its schema up to date under the migration lock.
 */
export async function prepareDatabase(
  config: AppConfig,
  log: (line: string) => void = () => undefined,
): Promise<PreparedDatabase> {
  const external = config.get('DATABASE_URL');
  let embedded: EmbeddedDatabase | undefined;
  let url: string;
  if (external) {
    url = external;
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.get('SHAKEDOWN_EMBEDDED_PG_PORT'),
      log,
      notice: (line) => process.stderr.write(`shakedown: ${line}\n`),
    });
    url = embedded.url;
  }
  await waitUntilReachable(url, external ? config.get('SHAKEDOWN_DATABASE_WAIT_SECONDS') * 1000 : 0, log);
  const dataSource = createDataSource({ url, poolSize: 2, applicationName: 'shakedown-migrate' });
  await dataSource.initialize();
  try {
    const appliedMigrations = await migrateUnderLock(dataSource);
    return { url, embedded, appliedMigrations };
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Errors that a database on its way up gives: its name not in DNS yet (a container that just joined
 * its network), nothing listening yet, or a server still starting (57P03).
 */
const TRANSIENT = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P03']);

async function waitUntilReachable(url: string, waitMs: number, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await assertReachable(url);
    } catch (err) {
      const code = err instanceof DatabaseError ? err.details.reason : undefined;
      if (typeof code !== 'string' || !TRANSIENT.has(code) || Date.now() >= deadline) throw err;
      const delay = Math.min(2_000, 100 * 2 ** attempt, Math.max(0, deadline - Date.now()));
      log(`waiting for the database at ${redactDatabaseUrl(url)} (${code})…`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function assertReachable(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const [row] = (await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows;
    if (row && Number(row.v) < 130000) {
      throw new DatabaseError(
        `PostgreSQL 13 or newer is needed; ${redactDatabaseUrl(url)} runs ${row.v}`,
        DatabaseErrorCode.Unreachable,
      );
    }
  } catch (err) {
    if (err instanceof DatabaseError) throw err;
    const e = err as { code?: string; message?: string };
    throw new DatabaseError(
      `cannot reach the database at ${redactDatabaseUrl(url)}: ${e.code ?? ''} ${e.message ?? String(err)}`
        .replace(/\s+/g, ' ')
        .trim(),
      DatabaseErrorCode.Unreachable,
      { reason: e.code },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

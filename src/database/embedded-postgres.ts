import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DatabaseError, DatabaseErrorCode } from 'src/database/database.errors';
import {
  claimOwnership,
  findOrphan,
  releaseOwnership,
  running,
  stopOrphan,
  supervise,
} from 'src/database/embedded-supervision';
import { embeddedDataDir, loadEmbeddedPostgres } from 'src/database/postgres-runtime';

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server (and so stops it on exit). */
  owned: boolean;
  stop(): Promise<void>;
}

interface EmbeddedOptions {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
  /** Where a user should look: printed even when the server's own log is not. */
  notice?: (line: string) => void;
  /** Called each time the supervisor has restarted a server that died (tests wait on it). */
  onRestarted?: (pid: number | undefined) => void;
}

const DATABASE = 'shakedown';
const USER = 'postgres';

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function readOrCreatePassword(root: string): string {
  const file = join(root, 'pg-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

/**
 * Starts (or joins) the embedded PostgreSQL in `dataDir/pg`: real server binaries from npm, a data
 * folder reused across starts. A second Shakedown process on the same folder finds the server
 * already listening and simply connects to it.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const root = options.dataDir;
  const { pgDir, closedParent } = embeddedDataDir(root);
  mkdirSync(root, { recursive: true });
  const password = readOrCreatePassword(root);
  const base = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  const url = `${base}/${DATABASE}`;

  // A server whose Shakedown owner died (kill -9) would run on unowned and unsupervised: stop it
  // and start one of ours, saying so, rather than silently join it.
  const orphan = findOrphan(root, pgDir);
  if (orphan) {
    options.notice?.(
      `embedded PostgreSQL (pid ${orphan.postmaster}) was left running by ` +
        `${orphan.owner ? `process ${orphan.owner}, which is gone` : 'a process that is gone'}; stopping it to start our own`,
    );
    if (!(await stopOrphan(orphan.postmaster))) {
      throw new DatabaseError(
        `the orphaned embedded PostgreSQL (pid ${orphan.postmaster}) in ${pgDir} did not stop; stop it by hand`,
        DatabaseErrorCode.EmbeddedStartFailed,
      );
    }
  }

  if (await canConnect(`${base}/postgres`)) {
    await ensureDatabase(`${base}/postgres`);
    return { url, owned: false, stop: async () => undefined };
  }

  const asRoot = process.getuid?.() === 0;
  if (closedParent) {
    // Said every time this process starts the server, so nobody looks for it in the wrong place.
    options.notice?.(
      `embedded PostgreSQL data in ${pgDir}: its user postgres cannot enter ${closedParent}` +
        ` (set DATABASE_URL, or SHAKEDOWN_DATA_DIR to a folder it can reach, to choose)`,
    );
    mkdirSync(dirname(pgDir), { recursive: true, mode: 0o755 });
    writeFileSync(join(root, 'pg-location'), `${pgDir}\n`);
  } else if (asRoot) {
    // The data folder is ours: let the postgres user enter it (its parents were checked, not changed).
    chmodSync(root, 0o755);
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: options.port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (m: string) => options.log?.(String(m).trim()),
    onError: (m: unknown) => options.log?.(String(m).trim()),
  });
  try {
    if (!existsSync(join(pgDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (err) {
    // Another process may have won the race to start it: join it if so.
    if (await canConnect(`${base}/postgres`)) {
      await ensureDatabase(`${base}/postgres`);
      return { url, owned: false, stop: async () => undefined };
    }
    throw new DatabaseError(
      `the embedded PostgreSQL in ${pgDir} did not start on port ${options.port}: ${(err as Error).message ?? err}`,
      DatabaseErrorCode.EmbeddedStartFailed,
    );
  }
  await ensureDatabase(`${base}/postgres`);
  claimOwnership(root);
  const unsupervise = supervise(server, {
    notice: (line) => (options.notice ?? options.log)?.(line),
    onRestarted: options.onRestarted,
  });
  return {
    url,
    owned: true,
    stop: async () => {
      unsupervise();
      // A server that already died (and was not restarted) has nothing to stop: the library would
      // wait forever for the exit of a process that has exited.
      if (running(server)) await server.stop();
      releaseOwnership(root);
    },
  };
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!found.rowCount) {
      await client.query(`CREATE DATABASE ${DATABASE}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created meanwhile by a sibling process
      });
    }
  } finally {
    await client.end();
  }
}

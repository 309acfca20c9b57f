import { DataSource } from 'typeorm';

/**
 * Runs `fn` while holding a PostgreSQL session advisory lock named `name`, shared by every process
 * on the database (workers on several machines): a second caller with the same name waits until the
 * first is done, on the lock itself, not by polling. Aborting `signal` while waiting cancels the
 * wait (pg_cancel_backend from another connection) and rejects with the signal's reason.
 */
export async function withNamedLock<T>(
  db: DataSource,
  name: string,
  fn: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    const rows = (await runner.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
    const pid = rows[0]?.pid;
    const cancel = (): void => void db.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    signal?.throwIfAborted();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      await runner.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [name]);
    } catch (err) {
      throw signal?.aborted ? signal.reason : err;
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
    try {
      return await fn();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]);
    }
  } finally {
    await runner.release();
  }
}

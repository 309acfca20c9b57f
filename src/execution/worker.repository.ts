import { DataSource } from 'typeorm';
import { queryRows } from 'src/database/sql';

/** The workers table: each worker's heartbeat, and who is alive. */
export class WorkerRepository {
  constructor(private readonly db: DataSource) {}

  async beat(w: { name: string; hostname: string; pid: number; concurrency: number }): Promise<void> {
    await queryRows(
      this.db,
      `INSERT INTO workers (name, hostname, pid, concurrency) VALUES ($1,$2,$3,$4)
       ON CONFLICT (name) DO UPDATE SET heartbeat_at = now(), stopped_at = NULL, hostname = EXCLUDED.hostname,
         pid = EXCLUDED.pid, concurrency = EXCLUDED.concurrency`,
      [w.name, w.hostname, w.pid, w.concurrency],
    );
  }

  async stopped(name: string): Promise<void> {
    await queryRows(this.db, `UPDATE workers SET stopped_at = now() WHERE name = $1`, [name]);
  }

  /** How many workers beat within `aliveWithinMs` and did not stop. */
  async liveCount(aliveWithinMs: number): Promise<number> {
    const [row] = await queryRows<{ n: number }>(
      this.db,
      `SELECT count(*)::int AS n FROM workers
        WHERE stopped_at IS NULL AND heartbeat_at >= now() - make_interval(secs => $1 / 1000.0)`,
      [aliveWithinMs],
    );
    return row?.n ?? 0;
  }

  /** Which of these workers beat within `aliveWithinMs` and did not stop. */
  async liveAmong(names: readonly string[], aliveWithinMs: number): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows = await queryRows<{ name: string }>(
      this.db,
      `SELECT name FROM workers
        WHERE name = ANY($1::text[]) AND stopped_at IS NULL AND heartbeat_at >= now() - make_interval(secs => $2 / 1000.0)`,
      [names, aliveWithinMs],
    );
    return new Set(rows.map((r) => r.name));
  }
}

import { DataSource } from 'typeorm';
import { queryRows } from 'src/database/sql';

/** Every SQL statement of notifications (table run_notifications). */
export class NotifyRepository {
  constructor(private readonly db: DataSource) {}

  /** True for the one process that gets to send this run's message to this target. */
  async claim(runId: string, target: string): Promise<boolean> {
    const rows = await queryRows(
      this.db,
      `INSERT INTO run_notifications (run_id, target) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING target`,
      [runId, target],
    );
    return rows.length === 1;
  }

  async record(runId: string, target: string, r: { status: 'sent' | 'failed'; attempts: number; error?: string }) {
    await queryRows(
      this.db,
      `UPDATE run_notifications SET status = $3, attempts = $4, error = $5, finished_at = now()
        WHERE run_id = $1 AND target = $2`,
      [runId, target, r.status, r.attempts, r.error ?? null],
    );
  }
}

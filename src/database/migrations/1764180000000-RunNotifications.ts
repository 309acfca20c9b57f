import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per run and notification target (owned by src/notify): the primary key lets exactly one
 * of the workers that see a run end send its message; the row says whether it went through.
 * Targets are labels (`webhook NAME_OF_ENV`, `email a@b`), never a URL or a secret.
 */
export class RunNotifications1764180000000 implements MigrationInterface {
  name = 'RunNotifications1764180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE run_notifications (
      run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      target text NOT NULL,
      status text NOT NULL DEFAULT 'sending',
      attempts int NOT NULL DEFAULT 0,
      error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      PRIMARY KEY (run_id, target)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE run_notifications`);
  }
}

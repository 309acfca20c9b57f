import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case is dispatched through a queue job; `dispatch_id` names the one job allowed to run it, so a
 * stale job (its worker died, the case was re-queued elsewhere) can never run the case a second time.
 * `lease_id` ties a running case to the hosts it holds, for the reaper that cleans up after a crash.
 */
export class CaseDispatch1764100000000 implements MigrationInterface {
  name = 'CaseDispatch1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases ADD COLUMN dispatch_id uuid`);
    await q.query(`ALTER TABLE cases ADD COLUMN lease_id uuid`);
    await q.query(`ALTER TABLE cases ADD COLUMN priority integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE cases ADD COLUMN needs jsonb`);
    await q.query(`ALTER TABLE cases ADD COLUMN manual_result jsonb`);
    await q.query(`CREATE INDEX ix_cases_run_status ON cases(run_id, status)`);
    await q.query(`ALTER TABLE attempts ADD COLUMN hosts text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE attempts DROP COLUMN hosts`);
    await q.query(`DROP INDEX ix_cases_run_status`);
    for (const c of ['manual_result', 'needs', 'priority', 'lease_id', 'dispatch_id']) {
      await q.query(`ALTER TABLE cases DROP COLUMN ${c}`);
    }
  }
}

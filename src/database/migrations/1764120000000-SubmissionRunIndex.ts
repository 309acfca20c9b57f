import { MigrationInterface, QueryRunner } from 'typeorm';

/** Public views hide runs of unaccepted submissions by joining on run_id: index it. */
export class SubmissionRunIndex1764120000000 implements MigrationInterface {
  name = 'SubmissionRunIndex1764120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_submissions_run_id ON submissions(run_id) WHERE run_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_submissions_run_id`);
  }
}

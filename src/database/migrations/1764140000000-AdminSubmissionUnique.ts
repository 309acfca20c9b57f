import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Submissions are idempotent per (token, file): the unique (token_id, sha256) index says so for
 * token holders, but NULLs never collide, so the configured admin (no token row) needs its own.
 */
export class AdminSubmissionUnique1764140000000 implements MigrationInterface {
  name = 'AdminSubmissionUnique1764140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX uq_submissions_admin_sha ON submissions(sha256) WHERE token_id IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX uq_submissions_admin_sha`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a run's update preparation did (the campaign's `updates:`): per host of the candidate pools,
 * the package diff (name, old → new), restarts and reboots, yum's output when it failed. Written by
 * the execution domain's RunRepository, like the rest of `runs`.
 */
export class RunUpdates1764160000000 implements MigrationInterface {
  name = 'RunUpdates1764160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN updates jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs DROP COLUMN updates`);
  }
}

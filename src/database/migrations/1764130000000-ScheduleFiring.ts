import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tick a schedule last fired for: with several workers, exactly one starts each scheduled run. */
export class ScheduleFiring1764130000000 implements MigrationInterface {
  name = 'ScheduleFiring1764130000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE schedules ADD COLUMN last_fired_at timestamptz`);
    await q.query(`ALTER TABLE schedules ADD COLUMN last_run_id uuid`);
    await q.query(`ALTER TABLE schedules ADD COLUMN last_error text`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['last_error', 'last_run_id', 'last_fired_at']) {
      await q.query(`ALTER TABLE schedules DROP COLUMN ${c}`);
    }
  }
}

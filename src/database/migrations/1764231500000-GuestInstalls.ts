import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Software a run installed into guests (fio, iperf3, stress…), one row per install: a prepared
 * template's build, or a case's own guest. A run's count shows that preparation happened once per
 * pool and template, not once per case.
 */
export class GuestInstalls1764231500000 implements MigrationInterface {
  name = 'GuestInstalls1764231500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE guest_installs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        case_id uuid REFERENCES cases(id) ON DELETE CASCADE,
        pool text NOT NULL,
        template text,
        software text[] NOT NULL,
        manager text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_guest_installs_run ON guest_installs(run_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE guest_installs`);
  }
}

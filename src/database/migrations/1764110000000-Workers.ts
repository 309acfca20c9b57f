import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Workers announce themselves and beat a heart here. A case a worker holds while it waits for free
 * hosts has no lease yet; when that worker dies, its stale heartbeat is how the reaper finds the case.
 */
export class Workers1764110000000 implements MigrationInterface {
  name = 'Workers1764110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE workers (
        name text PRIMARY KEY,
        hostname text NOT NULL,
        pid integer NOT NULL,
        concurrency integer NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        stopped_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE workers`);
  }
}

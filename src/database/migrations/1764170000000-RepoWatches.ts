import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The repository watcher's memory (`shakedown watch`, owned by src/watch): per watch (campaign,
 * repository, filter) the package versions already known and a new set waiting out its cool-down;
 * per new set, the run it started — the primary key is what makes one run per set, even with two
 * watchers polling at once.
 */
export class RepoWatches1764170000000 implements MigrationInterface {
  name = 'RepoWatches1764170000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE repo_watches (
      key text PRIMARY KEY,
      campaign_name text NOT NULL,
      repository text NOT NULL,
      seen jsonb NOT NULL,
      pending jsonb,
      pending_since timestamptz,
      polled_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE repo_watch_sets (
      watch_key text NOT NULL REFERENCES repo_watches(key) ON DELETE CASCADE,
      set_hash text NOT NULL,
      packages jsonb NOT NULL,
      run_id uuid REFERENCES runs(id) ON DELETE SET NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (watch_key, set_hash)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE repo_watch_sets`);
    await q.query(`DROP TABLE repo_watches`);
  }
}

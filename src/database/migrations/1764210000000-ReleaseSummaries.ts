import { MigrationInterface, QueryRunner } from 'typeorm';

// Outcomes that say something about the product: the release page's latest result per case ignores the rest.
const tells = (c: string): string => `(${c}.outcome IS NOT NULL AND ${c}.outcome NOT IN ('skipped', 'cancelled'))`;

/**
 * Stored summaries for the release page, so that a page view reads about a thousand rows instead of
 * aggregating every case of a hundred runs:
 * - `run_release_counts`: per run and release, its cases by outcome (the trend per build);
 * - `release_case_latest`: per release, simulated or real, and case key, the case holding the latest result.
 * Both are owned by ReleaseReadRepository, which brings them up to date before it reads them.
 *
 * They stay exact through a change log rather than through each writer: statement-level triggers on
 * cases (any insert, delete, or change of outcome, release or key, from the engine, a cancel, a retry,
 * a manual check or a submission) and on submissions (moderation decides whether a run counts) append
 * what changed to `release_summary_changes`, in the writer's own transaction. A reader takes the log
 * under a lock and recomputes only the runs and case keys named there. A run's release, number, origin
 * and simulated flag never change once written, so changes to runs need no entry.
 */
export class ReleaseSummaries1764210000000 implements MigrationInterface {
  name = 'ReleaseSummaries1764210000000';

  async up(q: QueryRunner): Promise<void> {
    // (Transition tables rule out a column list on the update trigger: it filters the changed rows itself.)
    await q.query(`
      CREATE TABLE run_release_counts (
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        release text NOT NULL,
        passed integer NOT NULL,
        failed integer NOT NULL,
        errored integer NOT NULL,
        total integer NOT NULL,
        PRIMARY KEY (release, run_id)
      )`);
    await q.query(`CREATE INDEX ix_run_release_counts_run_id ON run_release_counts(run_id)`);
    await q.query(`
      CREATE TABLE release_case_latest (
        release text NOT NULL,
        simulated boolean NOT NULL,
        case_key text NOT NULL,
        case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        PRIMARY KEY (release, simulated, case_key)
      )`);
    await q.query(`CREATE INDEX ix_release_case_latest_case_id ON release_case_latest(case_id)`);
    await q.query(`CREATE INDEX ix_release_case_latest_case_key ON release_case_latest(case_key)`);
    // run_id: recount that run. case_key: recompute that key's latest result, in release (NULL: in every release).
    await q.query(`
      CREATE TABLE release_summary_changes (
        id bigserial PRIMARY KEY,
        run_id uuid,
        release text,
        case_key text,
        CONSTRAINT ck_release_summary_changes_what CHECK (run_id IS NOT NULL OR case_key IS NOT NULL)
      )`);

    await q.query(`
      CREATE FUNCTION note_case_summary_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO release_summary_changes (run_id) SELECT DISTINCT run_id FROM new_cases;
          INSERT INTO release_summary_changes (release, case_key)
            SELECT DISTINCT COALESCE(n.release, r.release), n.case_key
              FROM new_cases n JOIN runs r ON r.id = n.run_id WHERE ${tells('n')};
        ELSIF TG_OP = 'DELETE' THEN
          -- The run may be gone already (a cascade): recompute the keys in every release.
          INSERT INTO release_summary_changes (run_id) SELECT DISTINCT run_id FROM old_cases;
          INSERT INTO release_summary_changes (case_key) SELECT DISTINCT case_key FROM old_cases o WHERE ${tells('o')};
        ELSE
          WITH moved AS (
            SELECT o.run_id AS old_run, o.release AS old_release, o.case_key AS old_key, ${tells('o')} AS old_tells,
                   n.run_id AS new_run, n.release AS new_release, n.case_key AS new_key, ${tells('n')} AS new_tells
              FROM old_cases o JOIN new_cases n ON n.id = o.id
             WHERE (o.outcome, o.release, o.case_key, o.run_id) IS DISTINCT FROM (n.outcome, n.release, n.case_key, n.run_id))
          INSERT INTO release_summary_changes (run_id, release, case_key)
            SELECT DISTINCT old_run, NULL::text, NULL::text FROM moved
            UNION SELECT DISTINCT new_run, NULL, NULL FROM moved
            UNION SELECT DISTINCT NULL::uuid, COALESCE(m.old_release, r.release), m.old_key
                    FROM moved m JOIN runs r ON r.id = m.old_run WHERE m.old_tells
            UNION SELECT DISTINCT NULL::uuid, COALESCE(m.new_release, r.release), m.new_key
                    FROM moved m JOIN runs r ON r.id = m.new_run WHERE m.new_tells;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_cases_summary_insert AFTER INSERT ON cases
        REFERENCING NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION note_case_summary_changes()`);
    await q.query(`
      CREATE TRIGGER tr_cases_summary_update AFTER UPDATE ON cases
        REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases
        FOR EACH STATEMENT EXECUTE FUNCTION note_case_summary_changes()`);
    await q.query(`
      CREATE TRIGGER tr_cases_summary_delete AFTER DELETE ON cases
        REFERENCING OLD TABLE AS old_cases FOR EACH STATEMENT EXECUTE FUNCTION note_case_summary_changes()`);

    // Accepting or rejecting a submission puts its run's results on the release page or takes them off.
    await q.query(`
      CREATE FUNCTION note_submission_summary_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO release_summary_changes (release, case_key)
          SELECT DISTINCT COALESCE(c.release, r.release), c.case_key
            FROM cases c JOIN runs r ON r.id = c.run_id
           WHERE c.run_id IN (NEW.run_id, OLD.run_id) AND ${tells('c')};
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_submissions_summary AFTER UPDATE OF status, run_id ON submissions FOR EACH ROW
        WHEN ((OLD.status, OLD.run_id) IS DISTINCT FROM (NEW.status, NEW.run_id))
        EXECUTE FUNCTION note_submission_summary_changes()`);

    // What is already recorded: every run to count, every key to pick, on the first read.
    await q.query(`INSERT INTO release_summary_changes (run_id) SELECT id FROM runs`);
    await q.query(
      `INSERT INTO release_summary_changes (case_key) SELECT DISTINCT case_key FROM cases c WHERE ${tells('c')}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_submissions_summary ON submissions`);
    await q.query(`DROP TRIGGER tr_cases_summary_delete ON cases`);
    await q.query(`DROP TRIGGER tr_cases_summary_update ON cases`);
    await q.query(`DROP TRIGGER tr_cases_summary_insert ON cases`);
    await q.query(`DROP FUNCTION note_submission_summary_changes()`);
    await q.query(`DROP FUNCTION note_case_summary_changes()`);
    await q.query(`DROP TABLE release_summary_changes`);
    await q.query(`DROP TABLE release_case_latest`);
    await q.query(`DROP TABLE run_release_counts`);
  }
}

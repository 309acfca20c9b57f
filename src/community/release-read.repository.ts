import type { Queryable } from 'src/common/sql/queryable';
import { visibleRunCondition } from 'src/results/run-visibility';

/** The latest result of one case of a release, from real or from simulated runs (never mixed). */
export interface LatestCaseResult {
  simulated: boolean;
  origin: 'lab' | 'submission';
  suite: string;
  caseKey: string;
  caseHash: string;
  manual: boolean;
  outcome: string;
  signature: string | null;
  errorCode: string | null;
  reason: string | null;
  runNumber: number;
}

/** One run of a release with the build it ran on (from its software snapshot) and its outcome counts. */
export interface BuildRun {
  runNumber: number;
  simulated: boolean;
  origin: 'lab' | 'submission';
  createdAt: Date;
  xapi: string | null;
  xen: string | null;
  kernel: string | null;
  passed: number;
  failed: number;
  errored: number;
  total: number;
}

/** A run that tested update candidates: its `updates:` and trigger as stored, what its preparation recorded. */
export interface CandidateRun {
  runNumber: number;
  simulated: boolean;
  status: string;
  createdAt: Date;
  createdBy: string | null;
  updates: unknown;
  trigger: unknown;
  record: unknown;
  passed: number;
  failed: number;
  errored: number;
  total: number;
}

// Runs that hold cases of a release: run for it, or carrying it as the baseline half of a two-release run.
// Community runs count once accepted; pending and rejected submissions never reach a release page.
// A case belongs to its run's release unless it names its own (the baseline half of a two-release run).
const RELEASE_RUNS = (release: string): string => `(r.release = ${release} OR r.baseline_release = ${release})
  AND ${visibleRunCondition('r', 'accepted')}`;

// One lock for bringing the summaries up to date: two readers never recompute the same rows at once.
const SUMMARY_LOCK = `pg_advisory_xact_lock(hashtext('shakedown.release-summaries'))`;

/** What `Queryable` does, plus a transaction (bringing the summaries up to date is one). */
interface SummaryDb extends Queryable {
  transaction<T>(work: (db: Queryable) => Promise<T>): Promise<T>;
}

/**
 * Reads for the release page, from stored summaries (see the ReleaseSummaries migration): the latest
 * result of each case and each run's counts per release. This repository owns those tables: before a
 * page reads them, `catchUp` recomputes what the change log names (the runs and case keys that
 * changed since the last page), so a page view reads about a thousand rows instead of aggregating
 * every case of a hundred runs, and the numbers stay those of the aggregate.
 */
export class ReleaseReadRepository {
  constructor(private readonly db: SummaryDb) {}

  /** Applies the change log to the summaries; returns how many runs and case keys it recomputed. */
  async catchUp(): Promise<{ runs: number; keys: number }> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT ${SUMMARY_LOCK}`);
      // Taken and emptied in one statement: entries written after it stay for the next reader, and the
      // statements below see at least everything these entries describe.
      const changes = (await tx.query(
        `WITH d AS (DELETE FROM release_summary_changes RETURNING run_id, release, case_key)
         SELECT array_agg(DISTINCT run_id) FILTER (WHERE run_id IS NOT NULL) AS runs,
                COALESCE(jsonb_agg(DISTINCT jsonb_build_array(release, case_key)) FILTER (WHERE case_key IS NOT NULL),
                         '[]') AS keys
           FROM d`,
      )) as Array<{ runs: string[] | null; keys: Array<[string | null, string]> }>;
      const runs = changes[0]?.runs ?? [];
      const keys = changes[0]?.keys ?? [];
      if (runs.length) await this.recount(tx, runs);
      if (keys.length) await this.repick(tx, keys);
      return { runs: runs.length, keys: keys.length };
    });
  }

  /** Each run's cases by outcome, per release its cases belong to. */
  private async recount(tx: Queryable, runs: string[]): Promise<void> {
    await tx.query(`DELETE FROM run_release_counts WHERE run_id = ANY($1::uuid[])`, [runs]);
    await tx.query(
      `INSERT INTO run_release_counts (run_id, release, passed, failed, errored, total)
       SELECT c.run_id, COALESCE(c.release, r.release),
              count(*) FILTER (WHERE c.outcome IN ('passed', 'xfailed'))::int,
              count(*) FILTER (WHERE c.outcome IN ('failed', 'xpassed'))::int,
              count(*) FILTER (WHERE c.outcome = 'infra-error')::int,
              count(*)::int
         FROM cases c JOIN runs r ON r.id = c.run_id
        WHERE c.run_id = ANY($1::uuid[])
        GROUP BY 1, 2`,
      [runs],
    );
  }

  /**
   * Per case key (in one release, or in all when the release is null), the latest result that says
   * something about the product (skipped and cancelled say nothing), real and simulated apart.
   * A recorded manual check outranks a later run's pending one.
   */
  private async repick(tx: Queryable, keys: Array<[string | null, string]>): Promise<void> {
    const params = [keys.map((k) => k[0]), keys.map((k) => k[1])];
    await tx.query(
      `DELETE FROM release_case_latest l USING unnest($1::text[], $2::text[]) AS k(release, case_key)
        WHERE l.case_key = k.case_key AND (k.release IS NULL OR l.release = k.release)`,
      params,
    );
    await tx.query(
      `INSERT INTO release_case_latest (release, simulated, case_key, case_id)
       SELECT DISTINCT ON (x.release, r.simulated, c.case_key) x.release, r.simulated, c.case_key, c.id
         FROM (SELECT DISTINCT release, case_key FROM unnest($1::text[], $2::text[]) AS k(release, case_key)) k
         JOIN cases c ON c.case_key = k.case_key
         JOIN runs r ON r.id = c.run_id
         CROSS JOIN LATERAL (SELECT COALESCE(c.release, r.release) AS release) x
        WHERE (k.release IS NULL OR x.release = k.release) AND ${RELEASE_RUNS('x.release')}
          AND c.outcome IS NOT NULL AND c.outcome NOT IN ('skipped', 'cancelled')
        ORDER BY x.release, r.simulated, c.case_key, (c.outcome <> 'manual-pending') DESC, r.number DESC
       ON CONFLICT DO NOTHING`,
      params,
    );
  }

  /** The latest result of each case of the release (from the summary; call `catchUp` first). */
  async latestResults(release: string): Promise<LatestCaseResult[]> {
    return (await this.db.query(
      `SELECT r.simulated, r.origin, c.suite, c.case_key AS "caseKey", c.case_hash AS "caseHash", c.manual, c.outcome,
              c.signature, c.error_code AS "errorCode", c.reason, r.number AS "runNumber"
         FROM release_case_latest l JOIN cases c ON c.id = l.case_id JOIN runs r ON r.id = c.run_id
        WHERE l.release = $1
        ORDER BY c.suite, c.case_key`,
      [release],
    )) as LatestCaseResult[];
  }

  /**
   * Every run of the release, oldest first, with its counts (from the summary; call `catchUp` first)
   * and xapi, Xen and kernel versions of a host on the release (`runs.build`, kept with the snapshot).
   */
  async buildRuns(release: string): Promise<BuildRun[]> {
    return (await this.db.query(
      `SELECT r.number AS "runNumber", r.simulated, r.origin, r.created_at AS "createdAt",
              b.build->>'xapi' AS xapi, b.build->>'xen' AS xen, b.build->>'kernel' AS kernel,
              k.passed, k.failed, k.errored, k.total
         FROM run_release_counts k JOIN runs r ON r.id = k.run_id
         -- runs.build (generated from the snapshot): a host on the release, else the first host.
         CROSS JOIN LATERAL (SELECT COALESCE(r.build->'byVersion'->$1, r.build->'first') AS build) b
        WHERE k.release = $1 AND ${RELEASE_RUNS('$1')}
        ORDER BY r.number`,
      [release],
    )) as BuildRun[];
  }

  /**
   * Lab runs of the release that applied update candidates (`updates:`), oldest first, with what they
   * found (all their cases, from the summary; call `catchUp` first).
   */
  async candidateRuns(release: string): Promise<CandidateRun[]> {
    return (await this.db.query(
      `SELECT r.number AS "runNumber", r.simulated, r.status, r.created_at AS "createdAt", r.created_by AS "createdBy",
              r.options->'updates' AS updates, r.options->'trigger' AS trigger, r.updates AS record,
              COALESCE(sum(k.passed), 0)::int AS passed, COALESCE(sum(k.failed), 0)::int AS failed,
              COALESCE(sum(k.errored), 0)::int AS errored, COALESCE(sum(k.total), 0)::int AS total
         FROM runs r LEFT JOIN run_release_counts k ON k.run_id = r.id
        WHERE r.release = $1 AND r.origin = 'lab' AND jsonb_typeof(r.options->'updates') = 'object'
        GROUP BY r.id
        ORDER BY r.number`,
      [release],
    )) as CandidateRun[];
  }

  /** Releases that have runs, newest run first. */
  async releases(limit = 20): Promise<string[]> {
    const rows = (await this.db.query(`SELECT release FROM runs GROUP BY release ORDER BY max(number) DESC LIMIT $1`, [
      limit,
    ])) as Array<{ release: string }>;
    return rows.map((r) => r.release);
  }
}

import type { SqlQueryable } from 'src/reports/read/results-read.repository';

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
// Written without coalesce() so PostgreSQL estimates it from column statistics and plans a hash aggregate.
const CASE_OF_RELEASE = `((c.release IS NULL AND r.release = $1) OR c.release = $1)`;

const RELEASE_RUNS = `(r.release = $1 OR r.baseline_release = $1)
  AND (r.origin = 'lab' OR EXISTS (SELECT 1 FROM submissions s WHERE s.run_id = r.id AND s.status = 'accepted'))`;

// Added to a run number to rank a recorded result above any pending manual check (run numbers stay far below).
const PENDING_LAST = 1_000_000_000;

/**
 * Reads for the release page: a few set-based statements over runs and cases, so a release with a
 * hundred runs of a thousand cases each answers in one pass over its cases.
 */
export class ReleaseReadRepository {
  constructor(private readonly db: SqlQueryable) {}

  /**
   * Per case, the latest result that says something about the product (skipped and cancelled say
   * nothing), real and simulated apart. A recorded manual check outranks a later run's pending one.
   */
  async latestResults(release: string): Promise<LatestCaseResult[]> {
    // A hash aggregate picks each case's run (cheaper than sorting 100,000 rows by text keys), then
    // the unique (run_id, case_key) index fetches just those results.
    return (await this.db.query(
      `WITH pick AS (
         SELECT r.simulated, c.case_key COLLATE "C" AS case_key,
                max(CASE WHEN c.outcome = 'manual-pending' THEN 0 ELSE ${PENDING_LAST} END + r.number) AS k
           FROM runs r JOIN cases c ON c.run_id = r.id
          WHERE ${RELEASE_RUNS} AND ${CASE_OF_RELEASE}
            AND c.outcome IS NOT NULL AND c.outcome NOT IN ('skipped', 'cancelled')
          GROUP BY 1, 2)
       SELECT r.simulated, r.origin, c.suite, c.case_key AS "caseKey", c.case_hash AS "caseHash", c.manual, c.outcome,
              c.signature, c.error_code AS "errorCode", c.reason, r.number AS "runNumber"
         FROM pick p JOIN runs r ON r.number = p.k % ${PENDING_LAST} JOIN cases c ON c.run_id = r.id AND c.case_key = p.case_key
        ORDER BY c.suite, c.case_key`,
      [release],
    )) as LatestCaseResult[];
  }

  /** Every run of the release, oldest first, with xapi, Xen and kernel versions of a host on the release. */
  async buildRuns(release: string): Promise<BuildRun[]> {
    return (await this.db.query(
      `WITH k AS (
         SELECT c.run_id,
                count(*) FILTER (WHERE c.outcome IN ('passed', 'xfailed'))::int AS passed,
                count(*) FILTER (WHERE c.outcome IN ('failed', 'xpassed'))::int AS failed,
                count(*) FILTER (WHERE c.outcome = 'infra-error')::int AS errored,
                count(*)::int AS total
           FROM runs r JOIN cases c ON c.run_id = r.id
          WHERE ${RELEASE_RUNS} AND ${CASE_OF_RELEASE}
          GROUP BY c.run_id)
       SELECT r.number AS "runNumber", r.simulated, r.origin, r.created_at AS "createdAt",
              p.pkgs->>'xapi-core' AS xapi, p.pkgs->>'xen-hypervisor' AS xen, p.pkgs->>'kernel' AS kernel,
              k.passed, k.failed, k.errored, k.total
         FROM k JOIN runs r ON r.id = k.run_id
         LEFT JOIN LATERAL (
           SELECT h->'packages' AS pkgs
             FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.lab_snapshot->'hosts') = 'array'
                                            THEN r.lab_snapshot->'hosts' ELSE '[]'::jsonb END) h
            ORDER BY (h->>'version' = $1) DESC NULLS LAST LIMIT 1) p ON true
        ORDER BY r.number`,
      [release],
    )) as BuildRun[];
  }

  /** Lab runs of the release that applied update candidates (`updates:`), oldest first, with what they found. */
  async candidateRuns(release: string): Promise<CandidateRun[]> {
    return (await this.db.query(
      `SELECT r.number AS "runNumber", r.simulated, r.status, r.created_at AS "createdAt", r.created_by AS "createdBy",
              r.options->'updates' AS updates, r.options->'trigger' AS trigger, r.updates AS record,
              count(*) FILTER (WHERE c.outcome IN ('passed', 'xfailed'))::int AS passed,
              count(*) FILTER (WHERE c.outcome IN ('failed', 'xpassed'))::int AS failed,
              count(*) FILTER (WHERE c.outcome = 'infra-error')::int AS errored,
              count(c.id)::int AS total
         FROM runs r LEFT JOIN cases c ON c.run_id = r.id
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

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WindowCounts } from 'src/metrics/window-histogram';
import { visibleRunCondition } from 'src/results/run-visibility';

/** What one scrape reads from PostgreSQL. Counts by label value; absent values mean zero. */
export interface MetricsSnapshot {
  runsByStatus: Record<string, number>;
  openCasesByStatus: Record<string, number>;
  busyWorkers: number;
  leaseWaits: WindowCounts;
  sshCommands: WindowCounts;
}

/** Finished cases of one origin (`lab`: run here; `submission`: imported) and outcome. */
export interface FinishedCount {
  origin: string;
  outcome: string;
  n: number;
}

interface SnapshotOptions {
  windowSeconds: number;
  leaseWaitBounds: readonly number[];
  sshCommandBounds: readonly number[];
}

// Every query starts from the runs table (small: one row per run) and reaches cases, attempts and
// steps through their indexes (cases(run_id, status), attempts(case_id, number), steps(attempt_id,
// seq)), so a scrape costs the same whatever the size of the history. Only runs still open or
// closed within the window can hold recent rows.
const OPEN_RUNS = `r.status IN ('queued', 'running', 'cancelling')`;
const RECENT_RUNS = `(${OPEN_RUNS} OR r.finished_at > now() - make_interval(secs => $1))`;

/**
 * Cumulative bucket counts, sum and count of the values `v` of a sub-query, in one pass: `$1` is
 * the window, bounds follow as `$2`, `$3`, ...
 */
function windowHistogramSql(values: string, bounds: readonly number[]): string {
  const buckets = bounds.map((_, i) => `count(*) FILTER (WHERE v <= $${i + 2})::int`).join(', ');
  return `SELECT count(*)::int AS count, COALESCE(sum(v), 0)::float8 AS sum, ARRAY[${buckets}]::int[] AS cumulative FROM (${values}) w`;
}

const LEASE_WAITS = `
  SELECT extract(epoch FROM c.started_at - c.queued_at)::float8 AS v
    FROM runs r JOIN cases c ON c.run_id = r.id
   WHERE ${RECENT_RUNS}
     AND c.status IN ('running', 'done')
     AND c.started_at > now() - make_interval(secs => $1)
     -- A case handed back after it started is queued again later than its first start.
     AND c.started_at >= c.queued_at`;

const SSH_COMMANDS = `
  SELECT s.duration_ms / 1000.0::float8 AS v
    FROM runs r
    JOIN cases c ON c.run_id = r.id
    JOIN attempts a ON a.case_id = c.id
    JOIN steps s ON s.attempt_id = a.id
   WHERE ${RECENT_RUNS}
     AND (c.status <> 'done' OR c.finished_at > now() - make_interval(secs => $1))
     AND (a.finished_at IS NULL OR a.finished_at > now() - make_interval(secs => $1))
     AND s.command IS NOT NULL
     AND s.started_at > now() - make_interval(secs => $1)`;

/**
 * Runs that count as results: a community submission's only once accepted (the same rule that
 * hides it from public pages), so a flood of pending or rejected submissions moves no metric.
 */
const COUNTED_RUNS = visibleRunCondition('r', 'accepted');

function countsByKey(rows: Array<{ k: string; n: number }>): Record<string, number> {
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

/** The SQL behind /metrics. */
@Injectable()
export class MetricsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async snapshot(options: SnapshotOptions): Promise<MetricsSnapshot> {
    const window = options.windowSeconds;
    const [runs, open, workers, leaseWaits, sshCommands] = await Promise.all([
      this.db.query(`SELECT r.status AS k, count(*)::int AS n FROM runs r WHERE ${COUNTED_RUNS} GROUP BY r.status`),
      this.db.query(
        `SELECT c.status AS k, count(*)::int AS n FROM runs r JOIN cases c ON c.run_id = r.id
          WHERE ${OPEN_RUNS} AND c.status <> 'done' GROUP BY c.status`,
      ),
      this.db.query(
        `SELECT count(DISTINCT c.worker)::int AS n FROM runs r JOIN cases c ON c.run_id = r.id
          WHERE ${OPEN_RUNS} AND c.status IN ('waiting', 'running') AND c.worker IS NOT NULL`,
      ),
      this.db.query(windowHistogramSql(LEASE_WAITS, options.leaseWaitBounds), [window, ...options.leaseWaitBounds]),
      this.db.query(windowHistogramSql(SSH_COMMANDS, options.sshCommandBounds), [window, ...options.sshCommandBounds]),
    ]);
    return {
      runsByStatus: countsByKey(runs),
      openCasesByStatus: countsByKey(open),
      busyWorkers: (workers as Array<{ n: number }>)[0]?.n ?? 0,
      leaseWaits: (leaseWaits as WindowCounts[])[0] ?? {
        count: 0,
        sum: 0,
        cumulative: options.leaseWaitBounds.map(() => 0),
      },
      sshCommands: (sshCommands as WindowCounts[])[0] ?? {
        count: 0,
        sum: 0,
        cumulative: options.sshCommandBounds.map(() => 0),
      },
    };
  }

  /**
   * Every finished case ever, by origin and outcome. The one query that reads the whole cases table
   * (no index covers it, and none should be kept just for this): call it sparingly.
   */
  async finishedCases(): Promise<FinishedCount[]> {
    return this.db.query(
      `WITH counted AS MATERIALIZED (SELECT r.id, r.origin FROM runs r WHERE ${COUNTED_RUNS})
       SELECT r.origin, c.outcome, count(*)::int AS n
         FROM cases c JOIN counted r ON r.id = c.run_id
        WHERE c.status = 'done' AND c.outcome IS NOT NULL
        GROUP BY r.origin, c.outcome`,
    );
  }
}

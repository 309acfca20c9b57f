import { isRunNumber } from 'src/common/input/run-number';
import type { Queryable } from 'src/common/sql/queryable';
import { isOutcome, OUTCOMES } from 'src/results/outcome';
import type { Outcome } from 'src/results/outcome';
import { currentVisibility, visibleRunCondition } from 'src/results/run-visibility';
import type { SubmissionVisibility } from 'src/results/run-visibility';
import type {
  ArtifactRow,
  AttemptRow,
  CaseDetail,
  CaseFilter,
  CaseHistoryEntry,
  CaseRow,
  ComparableMeasurement,
  FailedCaseRow,
  KnownIssue,
  LabSnapshot,
  MeasurementRow,
  RunCounts,
  RunSummary,
  StepRow,
} from 'src/reports/read/read-models';

type Row = Record<string, unknown>;

const CASE_COLUMNS = `c.id, c.run_id, c.case_key, c.case_hash, c.suite, c.scenario, c.params, c.release, c.manual, c.status,
  c.outcome, c.reason, c.error_code, c.signature, c.attempt_count, c.duration_ms, c.started_at, c.finished_at`;

const RUN_COLUMNS = `r.id, r.number, r.campaign_name, r.release, r.baseline_release, r.lab_name, r.origin, r.simulated,
  r.status, r.error, r.options, r.created_by, r.created_at, r.started_at, r.finished_at,
  (SELECT count(*)::int FROM guest_installs gi WHERE gi.run_id = r.id) AS guest_installs,
  CASE WHEN r.origin = 'submission' THEN (SELECT s.status FROM submissions s WHERE s.run_id = r.id LIMIT 1) END AS submission_status,
  (SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb)
     FROM (SELECT coalesce(outcome, status) AS k, count(*)::int AS n FROM cases WHERE run_id = r.id GROUP BY 1) x) AS counts`;

/**
 * Reads runs, cases, attempts, steps, artifacts and measurements with explicit SQL, so review sees
 * exactly what PostgreSQL gets and a 10,000-case run is read in a handful of queries.
 */
export class ResultsReadRepository {
  /** `fallback` applies outside asReader (the CLI, reports, tests): public unless said otherwise. */
  constructor(
    private readonly db: Queryable,
    private readonly fallback: SubmissionVisibility = 'accepted',
  ) {}

  /** The one visibility rule (src/results/run-visibility.ts), for the current reader. */
  private visible(alias: string): string {
    return visibleRunCondition(alias, currentVisibility(this.fallback));
  }

  private async rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.db.query(sql, params)) as Row[];
  }

  async listRuns(limit = 50): Promise<RunSummary[]> {
    const rows = await this.rows(`SELECT ${RUN_COLUMNS} FROM runs r WHERE ${this.visible('r')} ORDER BY r.number DESC LIMIT $1`, [limit]);
    return rows.map(mapRun);
  }

  async findRun(number: number): Promise<RunSummary | null> {
    if (!isRunNumber(number)) return null;
    const [row] = await this.rows(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.number = $1 AND ${this.visible('r')}`, [number]);
    return row ? mapRun(row) : null;
  }

  /**
   * The run a report compares against by default: the newest earlier finished run of the same
   * campaign, preferring one of the run's baseline release when it names one.
   */
  async findBaselineRun(run: RunSummary): Promise<RunSummary | null> {
    const [row] = await this.rows(
      `SELECT ${RUN_COLUMNS} FROM runs r
        WHERE r.campaign_name = $1 AND r.number < $2 AND r.status = 'finished' AND ${this.visible('r')}
        ORDER BY (r.release = $3) DESC, r.number DESC LIMIT 1`,
      [run.campaignName, run.number, run.baselineRelease ?? ''],
    );
    return row ? mapRun(row) : null;
  }

  /** The hardware classes a run ran on: its community submission's, or its lab hosts' `hw:` tags. */
  async hardwareClassesOfRun(runId: string): Promise<string[]> {
    const rows = await this.rows(
      `SELECT s.hardware_class AS cls FROM submissions s WHERE s.run_id = $1
        UNION
       SELECT h->>'hardwareClass' FROM runs r, jsonb_array_elements(
              CASE WHEN jsonb_typeof(r.lab_snapshot->'hosts') = 'array' THEN r.lab_snapshot->'hosts' ELSE '[]'::jsonb END) h
        WHERE r.id = $1 AND h->>'hardwareClass' IS NOT NULL`,
      [runId],
    );
    return rows.map((r) => String(r.cls)).sort();
  }

  async labSnapshot(runId: string): Promise<LabSnapshot> {
    const [row] = await this.rows(`SELECT lab_snapshot FROM runs WHERE id = $1`, [runId]);
    return parseLabSnapshot(row?.lab_snapshot);
  }

  /** What the run's update preparation recorded (`runs.updates`), as stored; null when it had none. */
  async runUpdates(runId: string): Promise<unknown> {
    const [row] = await this.rows(`SELECT updates FROM runs WHERE id = $1`, [runId]);
    return row?.updates ?? null;
  }

  async listCases(runId: string, filter: CaseFilter = {}): Promise<CaseRow[]> {
    const where = ['c.run_id = $1'];
    const params: unknown[] = [runId];
    if (filter.outcomes?.length) {
      params.push(filter.outcomes);
      where.push(`c.outcome = ANY($${params.length}::text[])`);
    }
    if (filter.suites?.length) {
      params.push(filter.suites);
      where.push(`c.suite = ANY($${params.length}::text[])`);
    }
    const rows = await this.rows(
      `SELECT ${CASE_COLUMNS} FROM cases c WHERE ${where.join(' AND ')} ORDER BY c.suite, c.case_key`,
      params,
    );
    return rows.map(mapCase);
  }

  async listSuites(runId: string): Promise<string[]> {
    const rows = await this.rows(`SELECT DISTINCT suite FROM cases WHERE run_id = $1 ORDER BY suite`, [runId]);
    return rows.map((r) => String(r.suite));
  }

  /** Failed, xpassed and infra-error cases with their last attempt's message (and output tail). */
  async listFailedCases(runId: string, opts: { withOutput?: boolean; outputChars?: number } = {}): Promise<FailedCaseRow[]> {
    const chars = opts.outputChars ?? 2000;
    const output = opts.withOutput
      ? `, s.name AS failed_step,
         right(coalesce(nullif(s.stderr, ''), s.stdout), ${Math.max(0, Math.floor(chars))}) AS output_excerpt`
      : '';
    const stepJoin = opts.withOutput
      ? `LEFT JOIN LATERAL (SELECT name, stdout, stderr FROM steps
            WHERE attempt_id = a.id AND status IN ('failed','error') ORDER BY seq DESC LIMIT 1) s ON true`
      : '';
    const rows = await this.rows(
      `SELECT ${CASE_COLUMNS}, a.error_message AS message${output}
         FROM cases c
         LEFT JOIN LATERAL (SELECT id, error_message FROM attempts WHERE case_id = c.id ORDER BY number DESC LIMIT 1) a ON true
         ${stepJoin}
        WHERE c.run_id = $1 AND c.outcome IN ('failed','xpassed','infra-error')
        ORDER BY c.suite, c.case_key`,
      [runId],
    );
    return rows.map((r) => ({
      ...mapCase(r),
      message: str(r.message),
      ...(opts.withOutput ? { outputExcerpt: str(r.output_excerpt), failedStep: str(r.failed_step) } : {}),
    }));
  }

  /** Distinct failure signatures of a run's cases (for "new since the baseline"). */
  async failureSignatures(runId: string): Promise<Set<string>> {
    const rows = await this.rows(
      `SELECT DISTINCT coalesce(signature, error_code, outcome) AS s FROM cases
        WHERE run_id = $1 AND outcome IN ('failed','xpassed','infra-error')`,
      [runId],
    );
    return new Set(rows.map((r) => String(r.s)));
  }

  async knownIssues(signatures: readonly string[]): Promise<Map<string, KnownIssue>> {
    if (signatures.length === 0) return new Map();
    const rows = await this.rows(
      `SELECT signature, url, note, created_by, created_at FROM known_issues WHERE signature = ANY($1::text[])`,
      [signatures],
    );
    return new Map(rows.map((r) => [String(r.signature), mapKnownIssue(r)]));
  }

  /** Links a failure signature to a known issue; a later link for the same signature replaces it. */
  async upsertKnownIssue(input: { signature: string; url: string; note: string | null; createdBy: string | null }): Promise<KnownIssue> {
    const [row] = await this.rows(
      `INSERT INTO known_issues (signature, url, note, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (signature) DO UPDATE SET url = EXCLUDED.url, note = EXCLUDED.note,
         created_by = EXCLUDED.created_by, created_at = now()
       RETURNING signature, url, note, created_by, created_at`,
      [input.signature, input.url, input.note, input.createdBy],
    );
    return mapKnownIssue(row!);
  }

  async findCase(runId: string, caseHash: string): Promise<CaseRow | null> {
    const [row] = await this.rows(`SELECT ${CASE_COLUMNS} FROM cases c WHERE c.run_id = $1 AND c.case_hash = $2`, [runId, caseHash]);
    return row ? mapCase(row) : null;
  }

  async caseDetail(run: RunSummary, caseHash: string): Promise<CaseDetail | null> {
    const [row] = await this.rows(
      `SELECT ${CASE_COLUMNS}, c.expectation, c.settings, c.waiting_reason, c.worker
         FROM cases c WHERE c.run_id = $1 AND c.case_hash = $2`,
      [run.id, caseHash],
    );
    if (!row) return null;
    const base = mapCase(row);
    const [attemptRows, stepRows, artifacts, measurements] = await Promise.all([
      this.rows(
        `SELECT id, number, worker, outcome, error_code, error_message, infra, started_at, finished_at
           FROM attempts WHERE case_id = $1 ORDER BY number`,
        [base.id],
      ),
      this.rows(
        `SELECT s.attempt_id, s.id, s.seq, s.phase, s.name, s.host, s.command, s.stdout, s.stderr, s.exit_code, s.status,
                s.message, s.output_truncated, s.started_at, s.duration_ms
           FROM steps s JOIN attempts a ON a.id = s.attempt_id WHERE a.case_id = $1 ORDER BY s.seq`,
        [base.id],
      ),
      this.listArtifacts({ caseId: base.id }),
      this.measurementsOfCases([base.id]),
    ]);
    const stepsByAttempt = new Map<string, StepRow[]>();
    for (const s of stepRows) {
      const list = stepsByAttempt.get(String(s.attempt_id)) ?? [];
      list.push(mapStep(s));
      stepsByAttempt.set(String(s.attempt_id), list);
    }
    const attempts: AttemptRow[] = attemptRows.map((a) => ({
      id: String(a.id),
      number: Number(a.number),
      worker: String(a.worker),
      outcome: outcomeOf(a.outcome),
      errorCode: str(a.error_code),
      errorMessage: str(a.error_message),
      infra: Boolean(a.infra),
      startedAt: date(a.started_at)!,
      finishedAt: date(a.finished_at),
      steps: stepsByAttempt.get(String(a.id)) ?? [],
    }));
    const sig = base.signature ?? base.errorCode;
    const knownIssue = sig ? ((await this.knownIssues([sig])).get(sig) ?? null) : null;
    return {
      run,
      case: {
        ...base,
        expectation: row.expectation ?? null,
        settings: obj(row.settings),
        waitingReason: str(row.waiting_reason),
        worker: str(row.worker),
      },
      attempts,
      artifacts,
      measurements,
      knownIssue,
    };
  }

  /** Every attempt of a run's cases (without steps), in case then attempt order. */
  async attemptsOfRun(runId: string): Promise<Array<Omit<AttemptRow, 'steps' | 'id' | 'worker'> & { caseId: string }>> {
    const rows = await this.rows(
      `SELECT a.case_id, a.number, a.outcome, a.error_code, a.error_message, a.infra, a.started_at, a.finished_at
         FROM attempts a JOIN cases c ON c.id = a.case_id WHERE c.run_id = $1 ORDER BY a.case_id, a.number`,
      [runId],
    );
    return rows.map((a) => ({
      caseId: String(a.case_id),
      number: Number(a.number),
      outcome: outcomeOf(a.outcome),
      errorCode: str(a.error_code),
      errorMessage: str(a.error_message),
      infra: Boolean(a.infra),
      startedAt: date(a.started_at)!,
      finishedAt: date(a.finished_at),
    }));
  }

  async listArtifacts(where: { caseId?: string; runId?: string }): Promise<ArtifactRow[]> {
    const rows = where.caseId
      ? await this.rows(`SELECT * FROM artifacts WHERE case_id = $1 ORDER BY created_at, name`, [where.caseId])
      : await this.rows(`SELECT * FROM artifacts WHERE run_id = $1 ORDER BY created_at, name`, [where.runId]);
    return rows.map(mapArtifact);
  }

  async findArtifact(sha256: string): Promise<ArtifactRow | null> {
    const [row] = await this.rows(
      `SELECT a.* FROM artifacts a JOIN runs r ON r.id = a.run_id
        WHERE a.sha256 = $1 AND ${this.visible('r')} ORDER BY a.created_at LIMIT 1`,
      [sha256],
    );
    return row ? mapArtifact(row) : null;
  }

  async measurementsOfCases(caseIds: readonly string[]): Promise<MeasurementRow[]> {
    if (caseIds.length === 0) return [];
    const rows = await this.rows(
      `SELECT m.case_id, m.case_key, c.case_hash, m.metric, m.unit, m.direction, m.samples, m.value, m.release,
              m.simulated, m.context
         FROM measurements m JOIN cases c ON c.id = m.case_id
        WHERE m.case_id = ANY($1::uuid[]) ORDER BY m.case_key, m.metric`,
      [caseIds],
    );
    return rows.map(mapMeasurement);
  }

  async measurementsOfRun(runId: string): Promise<ComparableMeasurement[]> {
    const rows = await this.rows(
      `SELECT m.case_id, m.case_key, c.case_hash, m.metric, m.unit, m.direction, m.samples, m.value, m.release,
              m.simulated, m.context, r.number AS run_number, c.scenario, c.params, c.settings, c.outcome
         FROM measurements m JOIN cases c ON c.id = m.case_id JOIN runs r ON r.id = m.run_id
        WHERE m.run_id = $1 ORDER BY m.case_key, m.metric`,
      [runId],
    );
    return rows.map(mapComparable);
  }

  /**
   * For each of the given case keys, the measurements of the newest earlier run in which that case
   * passed: the "last good" baseline of a case.
   */
  async lastGoodMeasurements(caseKeys: readonly string[], beforeRunNumber: number): Promise<ComparableMeasurement[]> {
    if (caseKeys.length === 0) return [];
    const rows = await this.rows(
      `SELECT m.case_id, m.case_key, c.case_hash, m.metric, m.unit, m.direction, m.samples, m.value, m.release,
              m.simulated, m.context, x.number AS run_number, c.scenario, c.params, c.settings, c.outcome
         FROM (SELECT DISTINCT ON (c.case_key) c.id AS case_id, r.number
                 FROM cases c JOIN runs r ON r.id = c.run_id
                WHERE c.case_key = ANY($1::text[]) AND r.number < $2 AND c.outcome = 'passed' AND ${this.visible('r')}
                  AND EXISTS (SELECT 1 FROM measurements mm WHERE mm.case_id = c.id)
                ORDER BY c.case_key, r.number DESC) x
         JOIN measurements m ON m.case_id = x.case_id JOIN cases c ON c.id = m.case_id
        ORDER BY m.case_key, m.metric`,
      [caseKeys, beforeRunNumber],
    );
    return rows.map(mapComparable);
  }

  async caseHistory(caseHash: string, limit = 200): Promise<CaseHistoryEntry[]> {
    const rows = await this.rows(
      `SELECT ${CASE_COLUMNS}, r.number AS run_number, r.release AS run_release, r.campaign_name, r.simulated AS run_simulated,
              r.created_at AS run_created_at
         FROM cases c JOIN runs r ON r.id = c.run_id
        WHERE c.case_hash = $1 AND ${this.visible('r')} ORDER BY r.number DESC LIMIT $2`,
      [caseHash, limit],
    );
    rows.reverse();
    const measurements = await this.measurementsOfCases(rows.map((r) => String(r.id)));
    const byCase = new Map<string, MeasurementRow[]>();
    for (const m of measurements) byCase.set(m.caseId, [...(byCase.get(m.caseId) ?? []), m]);
    return rows.map((r) => ({
      runNumber: Number(r.run_number),
      runRelease: String(r.run_release),
      campaignName: String(r.campaign_name),
      simulated: Boolean(r.run_simulated),
      runCreatedAt: date(r.run_created_at)!,
      case: mapCase(r),
      measurements: byCase.get(String(r.id)) ?? [],
    }));
  }

  /**
   * Cases that succeeded in the previous finished run of the same campaign and fail in this one,
   * counted per run: the dashboard's "regressions" column.
   */
  async newFailureCounts(runIds: readonly string[]): Promise<Map<string, number>> {
    if (runIds.length === 0) return new Map();
    const rows = await this.rows(
      `SELECT r.id, count(c.id)::int AS n
         FROM runs r
         JOIN LATERAL (SELECT p.id FROM runs p WHERE p.campaign_name = r.campaign_name AND p.number < r.number
                        AND p.status = 'finished' AND ${this.visible('p')} ORDER BY p.number DESC LIMIT 1) prev ON true
         JOIN cases c ON c.run_id = r.id AND c.outcome IN ('failed','xpassed','infra-error')
         JOIN cases pc ON pc.run_id = prev.id AND pc.case_key = c.case_key AND pc.outcome IN ('passed','xfailed')
        WHERE r.id = ANY($1::uuid[])
        GROUP BY r.id`,
      [runIds],
    );
    return new Map(rows.map((r) => [String(r.id), Number(r.n)]));
  }
}

function parseLabSnapshot(value: unknown): LabSnapshot {
  const hosts = Array.isArray((value as { hosts?: unknown } | null)?.hosts) ? (value as { hosts: unknown[] }).hosts : [];
  return {
    hosts: hosts
      .filter((h): h is Row => typeof h === 'object' && h !== null)
      .map((h) => ({
        name: scalarText(h.name) ?? '?',
        version: scalarText(h.version),
        build: scalarText(h.build),
        packages: Object.fromEntries(
          Object.entries(obj(h.packages)).map(([name, version]) => [name, String(version as string)]),
        ),
      })),
  };
}

function mapRun(r: Row): RunSummary {
  return {
    id: String(r.id),
    number: Number(r.number),
    campaignName: String(r.campaign_name),
    release: String(r.release),
    baselineRelease: str(r.baseline_release),
    labName: str(r.lab_name),
    origin: r.origin === 'submission' ? 'submission' : 'lab',
    simulated: Boolean(r.simulated),
    status: String(r.status) as RunSummary['status'],
    error: str(r.error),
    options: obj(r.options),
    createdBy: str(r.created_by),
    createdAt: date(r.created_at)!,
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
    counts: countsOf(obj(r.counts)),
    guestInstalls: Number(r.guest_installs ?? 0),
    submissionStatus:
      r.submission_status === 'pending' || r.submission_status === 'accepted' || r.submission_status === 'rejected'
        ? r.submission_status
        : null,
  };
}

function countsOf(raw: Record<string, unknown>): RunCounts {
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  const byStatus: Record<string, number> = {};
  let total = 0;
  for (const [key, value] of Object.entries(raw)) {
    const n = Number(value);
    total += n;
    if (isOutcome(key)) byOutcome[key] += n;
    else byStatus[key] = n;
  }
  const done = OUTCOMES.reduce((sum, o) => sum + byOutcome[o], 0);
  const failures = byOutcome.failed + byOutcome.xpassed + byOutcome['infra-error'];
  const successes = byOutcome.passed + byOutcome.xfailed;
  return { total, byOutcome, byStatus, done, failures, passRate: successes + failures ? successes / (successes + failures) : null };
}

function mapCase(r: Row): CaseRow {
  return {
    id: String(r.id),
    runId: String(r.run_id),
    caseKey: String(r.case_key),
    caseHash: String(r.case_hash),
    suite: String(r.suite),
    scenario: String(r.scenario),
    params: obj(r.params),
    release: str(r.release),
    manual: Boolean(r.manual),
    status: String(r.status) as CaseRow['status'],
    outcome: outcomeOf(r.outcome),
    reason: str(r.reason),
    errorCode: str(r.error_code),
    signature: str(r.signature),
    attemptCount: Number(r.attempt_count ?? 0),
    durationMs: r.duration_ms == null ? null : Number(r.duration_ms),
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
  };
}

function mapStep(s: Row): StepRow {
  return {
    id: String(s.id),
    seq: Number(s.seq),
    phase: String(s.phase) as StepRow['phase'],
    name: String(s.name),
    host: str(s.host),
    command: str(s.command),
    stdout: str(s.stdout),
    stderr: str(s.stderr),
    exitCode: s.exit_code == null ? null : Number(s.exit_code),
    status: String(s.status) as StepRow['status'],
    message: str(s.message),
    outputTruncated: Boolean(s.output_truncated),
    startedAt: date(s.started_at)!,
    durationMs: Number(s.duration_ms ?? 0),
  };
}

function mapArtifact(a: Row): ArtifactRow {
  return {
    id: String(a.id),
    caseId: str(a.case_id),
    attemptId: str(a.attempt_id),
    name: String(a.name),
    mediaType: String(a.media_type),
    sha256: String(a.sha256),
    sizeBytes: Number(a.size_bytes),
    createdAt: date(a.created_at)!,
  };
}

function mapMeasurement(m: Row): MeasurementRow {
  return {
    caseId: String(m.case_id),
    caseKey: String(m.case_key),
    caseHash: String(m.case_hash),
    metric: String(m.metric),
    unit: String(m.unit),
    direction: m.direction === 'lower' ? 'lower' : 'higher',
    samples: Array.isArray(m.samples) ? m.samples.map(Number) : [],
    value: Number(m.value),
    release: str(m.release),
    simulated: Boolean(m.simulated),
    context: obj(m.context),
  };
}

function mapComparable(m: Row): ComparableMeasurement {
  return {
    ...mapMeasurement(m),
    runNumber: Number(m.run_number),
    scenario: String(m.scenario),
    params: obj(m.params),
    settings: obj(m.settings),
    outcome: outcomeOf(m.outcome),
  };
}

function mapKnownIssue(r: Row): KnownIssue {
  return {
    signature: String(r.signature),
    url: String(r.url),
    note: str(r.note),
    createdBy: str(r.created_by),
    createdAt: date(r.created_at)!,
  };
}

function scalarText(v: unknown): string | null {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

function str(v: unknown): string | null {
  return v == null ? null : typeof v === 'string' ? v : scalarText(v);
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function date(v: unknown): Date | null {
  if (v == null) return null;
  return v instanceof Date ? v : new Date(scalarText(v) ?? Number.NaN);
}

function outcomeOf(v: unknown): Outcome | null {
  return isOutcome(v) ? v : null;
}

import { isRunNumber, isUuid } from 'src/common/input/run-number';
import { queryRows } from 'src/database/sql';
import { DataSource, EntityManager } from 'typeorm';
import { RunnableCase, NewCase, RunRow, StepRecord } from 'src/execution/run.types';
import { LabView } from 'src/lab/lab-view';
import { Outcome } from 'src/results/outcome';
import { currentVisibility, visibleRunCondition } from 'src/results/run-visibility';

type Db = DataSource | EntityManager;

const RUN_COLUMNS = `id, number, campaign_name AS "campaignName", release, baseline_release AS "baselineRelease",
  lab_id AS "labId", lab_name AS "labName", simulated, status, priority, options, created_at AS "createdAt",
  started_at AS "startedAt", finished_at AS "finishedAt", cancel_requested_at AS "cancelRequestedAt"`;

const CASE_COLUMNS = `id, run_id AS "runId", case_key AS "caseKey", case_hash AS "caseHash", suite, scenario, params,
  expectation, settings, release, manual, status, outcome, attempt_count AS "attemptCount", priority, needs,
  dispatch_id AS "dispatchId", lease_id AS "leaseId"`;

/** Every SQL statement of the execution domain. Services decide; this only reads and writes. */
export class RunRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  // ---- runs ---------------------------------------------------------------------------------
  async upsertCampaign(
    c: { name: string; release: string; baseline: string | null; path: string | null; text: string; sha256: string },
    db: Db = this.db,
  ): Promise<string> {
    const [row] = await queryRows(
      db,
      `INSERT INTO campaigns (name, release, baseline_release, source_path, text, sha256) VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT (sha256) DO UPDATE SET source_path = COALESCE(EXCLUDED.source_path, campaigns.source_path)
       RETURNING id`,
      [c.name, c.release, c.baseline, c.path, c.text, c.sha256],
    );
    return row.id;
  }

  async insertRun(
    r: {
      campaignId: string;
      campaignName: string;
      release: string;
      baseline: string | null;
      lab: LabView;
      priority: number;
      options: Record<string, unknown>;
      createdBy?: string;
    },
    db: Db = this.db,
  ): Promise<RunRow> {
    const [row] = await queryRows(
      db,
      `INSERT INTO runs (campaign_id, campaign_name, release, baseline_release, lab_id, lab_name, simulated, priority, options, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING ${RUN_COLUMNS}`,
      [
        r.campaignId,
        r.campaignName,
        r.release,
        r.baseline,
        r.lab.id,
        r.lab.name,
        r.lab.simulated,
        r.priority,
        r.options,
        r.createdBy ?? null,
      ],
    );
    return row;
  }

  async insertCases(runId: string, priority: number, cases: NewCase[], db: Db = this.db): Promise<void> {
    // One statement per 500 cases: a release campaign has hundreds, a bench several thousands.
    for (let i = 0; i < cases.length; i += 500) {
      const chunk = cases.slice(i, i + 500);
      await queryRows(
        db,
        `INSERT INTO cases (run_id, case_key, case_hash, suite, scenario, params, expectation, settings, release, manual,
                            needs, priority, status, outcome, reason, finished_at)
         SELECT $1, x.case_key, x.case_hash, x.suite, x.scenario, x.params, x.expectation, x.settings, x.release, x.manual,
                x.needs, $2, CASE WHEN x.outcome IS NULL THEN 'pending' ELSE 'done' END, x.outcome, x.reason,
                CASE WHEN x.outcome IS NULL THEN NULL ELSE now() END
           FROM jsonb_to_recordset($3::jsonb) AS x(case_key text, case_hash text, suite text, scenario text, params jsonb,
                expectation jsonb, settings jsonb, release text, manual boolean, needs jsonb, outcome text, reason text)`,
        [
          runId,
          priority,
          JSON.stringify(
            chunk.map((c) => ({
              case_key: c.caseKey,
              case_hash: c.caseHash,
              suite: c.suite,
              scenario: c.scenario,
              params: c.params,
              expectation: c.expectation,
              settings: c.settings,
              release: c.release,
              manual: c.manual,
              needs: c.needs,
              outcome: c.outcome ?? null,
              reason: c.reason ?? null,
            })),
          ),
        ],
      );
    }
  }

  /** Any run, hidden or not: for the engine, workers and the operator's own tools. */
  findRun(idOrNumber: string | number): Promise<RunRow | null> {
    return this.findRunWhere(idOrNumber, 'true');
  }

  /**
   * A run as the current caller may address it (src/results/run-visibility.ts): a run they may not
   * see is no run at all, so cancel and manual checks answer 404 exactly like reads do. Outside an
   * HTTP request (the CLI) the operator sees everything.
   */
  findRunAsCaller(idOrNumber: string | number): Promise<RunRow | null> {
    return this.findRunWhere(idOrNumber, visibleRunCondition('runs', currentVisibility('all')));
  }

  private async findRunWhere(idOrNumber: string | number, visible: string): Promise<RunRow | null> {
    const byNumber = typeof idOrNumber === 'number' || /^\d+$/.test(idOrNumber);
    // Out of the integer column's range or not a uuid: no run has it, and SQL must not be asked.
    if (byNumber ? !isRunNumber(Number(idOrNumber)) : !isUuid(String(idOrNumber))) return null;
    const [row] = await queryRows(
      this.db,
      `SELECT ${RUN_COLUMNS} FROM runs WHERE ${byNumber ? 'number' : 'id'} = $1 AND ${visible}`,
      [byNumber ? Number(idOrNumber) : idOrNumber],
    );
    return row ?? null;
  }

  async setRunSnapshot(runId: string, snapshot: unknown): Promise<void> {
    await queryRows(this.db, `UPDATE runs SET lab_snapshot = $2 WHERE id = $1`, [runId, JSON.stringify(snapshot)]);
  }

  async setRunUpdates(runId: string, updates: unknown): Promise<void> {
    await queryRows(this.db, `UPDATE runs SET updates = $2 WHERE id = $1`, [runId, JSON.stringify(updates)]);
  }

  async markRunStarted(runId: string): Promise<void> {
    await queryRows(
      this.db,
      `UPDATE runs SET status = 'running', started_at = COALESCE(started_at, now()) WHERE id = $1 AND status = 'queued'`,
      [runId],
    );
  }

  async markRunError(runId: string, error: string): Promise<void> {
    await queryRows(this.db, `UPDATE runs SET status = 'error', error = $2, finished_at = now() WHERE id = $1`, [
      runId,
      error,
    ]);
  }

  /** Pending cases of a run get their dispatch ids and become queued; returns them for the queue. */
  async queuePendingCases(
    runId: string,
    db: Db = this.db,
  ): Promise<Array<{ caseId: string; dispatchId: string; priority: number }>> {
    return queryRows(
      db,
      `UPDATE cases SET status = 'queued', dispatch_id = gen_random_uuid(), queued_at = now()
        WHERE run_id = $1 AND status = 'pending'
        RETURNING id AS "caseId", dispatch_id AS "dispatchId", priority`,
      [runId],
    );
  }

  /** Pending cases with a role that needs the run's update candidates applied (`requires: { updated: true }`). */
  async pendingCasesNeedingUpdates(runId: string): Promise<Array<{ id: string; needs: unknown }>> {
    return queryRows(
      this.db,
      `SELECT id, needs FROM cases
        WHERE run_id = $1 AND status = 'pending'
          AND jsonb_path_exists(needs, '$.roles[*].need.updated ? (@ == true)')`,
      [runId],
    );
  }

  async setCaseNeeds(caseId: string, needs: unknown): Promise<void> {
    await queryRows(this.db, `UPDATE cases SET needs = $2 WHERE id = $1 AND status = 'pending'`, [
      caseId,
      JSON.stringify(needs),
    ]);
  }

  /** Counts by outcome; closes the run when nothing is left to do (idempotent, safe from any process). */
  async settleRun(runId: string): Promise<{ closed: boolean; status: string }> {
    const [row] = await queryRows(
      this.db,
      `WITH g AS (
         SELECT COALESCE(outcome, status) AS k, count(*)::int AS n, bool_or(status <> 'done') AS open
           FROM cases WHERE run_id = $1 GROUP BY 1
       ), agg AS (
         SELECT COALESCE(jsonb_object_agg(k, n), '{}'::jsonb) AS by_outcome, COALESCE(bool_or(open), false) AS open FROM g
       )
       UPDATE runs r SET
         summary = jsonb_build_object('outcomes', agg.by_outcome),
         status = CASE WHEN NOT agg.open AND r.status IN ('queued','running','cancelling')
                       THEN (CASE WHEN r.status = 'cancelling' THEN 'cancelled' ELSE 'finished' END)
                       ELSE r.status END,
         finished_at = CASE WHEN NOT agg.open AND r.finished_at IS NULL THEN now() ELSE r.finished_at END
       FROM agg WHERE r.id = $1
       RETURNING r.status, NOT agg.open AS closed`,
      [runId],
    );
    return { closed: !!row?.closed, status: row?.status ?? 'unknown' };
  }

  async requestCancel(runId: string): Promise<string[]> {
    return this.transaction(async (em) => {
      await queryRows(
        em,
        `UPDATE runs SET status = CASE WHEN status IN ('queued','running') THEN 'cancelling' ELSE status END,
                         cancel_requested_at = COALESCE(cancel_requested_at, now()) WHERE id = $1`,
        [runId],
      );
      // Cases no worker holds yet are cancelled at once; their queue jobs become stale no-ops.
      await queryRows(
        em,
        `UPDATE cases SET status = 'done', outcome = 'cancelled', reason = 'run cancelled before the case started',
                          dispatch_id = NULL, finished_at = now()
          WHERE run_id = $1 AND status IN ('pending','queued')`,
        [runId],
      );
      const running = await queryRows(
        em,
        `SELECT id FROM cases WHERE run_id = $1 AND status IN ('waiting','running')`,
        [runId],
      );
      return running.map((r: { id: string }) => r.id);
    });
  }

  /** Cancels a case no worker holds yet; false when a worker already has it (it must be told). */
  async cancelQueuedCase(caseId: string): Promise<boolean> {
    const rows = await queryRows(
      this.db,
      `UPDATE cases SET status = 'done', outcome = 'cancelled', reason = 'cancelled before it started', dispatch_id = NULL,
                        finished_at = now()
        WHERE id = $1 AND status IN ('pending','queued') RETURNING id`,
      [caseId],
    );
    return rows.length > 0;
  }

  async isCancelRequested(runId: string): Promise<boolean> {
    const [row] = await queryRows(this.db, `SELECT cancel_requested_at IS NOT NULL AS c FROM runs WHERE id = $1`, [
      runId,
    ]);
    return !!row?.c;
  }

  // ---- cases --------------------------------------------------------------------------------
  async findCase(caseId: string): Promise<RunnableCase | null> {
    const [row] = await queryRows(this.db, `SELECT ${CASE_COLUMNS} FROM cases WHERE id = $1`, [caseId]);
    return row ?? null;
  }

  /** Takes a queued case for this job; null when the job is stale (case re-dispatched, cancelled, done). */
  async claimCase(caseId: string, dispatchId: string, worker: string): Promise<RunnableCase | null> {
    const [row] = await queryRows(
      this.db,
      `UPDATE cases SET status = 'waiting', worker = $3, waiting_reason = 'looking for free hosts'
        WHERE id = $1 AND dispatch_id = $2
          AND (status = 'queued' OR (status = 'waiting' AND worker = $3))
        RETURNING ${CASE_COLUMNS}`,
      [caseId, dispatchId, worker],
    );
    return row ?? null;
  }

  async setWaiting(caseId: string, reason: string): Promise<void> {
    await queryRows(this.db, `UPDATE cases SET waiting_reason = $2 WHERE id = $1 AND status = 'waiting'`, [
      caseId,
      reason,
    ]);
  }

  /**
   * Turns this worker's waiting claim into a running attempt. Null when the claim was lost (the
   * reaper re-queued the case because this worker's heartbeat looked dead): the caller must back off.
   */
  async startAttempt(
    caseId: string,
    worker: string,
    leaseId: string | null,
    hosts: string[],
  ): Promise<{ attemptId: string; number: number } | null> {
    return this.transaction(async (em) => {
      const [c] = await queryRows(
        em,
        `UPDATE cases SET status = 'running', lease_id = $3, waiting_reason = NULL, attempt_count = attempt_count + 1,
                          started_at = COALESCE(started_at, now())
          WHERE id = $1 AND worker = $2 AND status = 'waiting' RETURNING attempt_count`,
        [caseId, worker, leaseId],
      );
      if (!c) return null;
      const [a] = await queryRows(
        em,
        `INSERT INTO attempts (case_id, number, worker, lease_id, hosts) VALUES ($1,$2,$3,$4,$5) RETURNING id`,
        [caseId, c.attempt_count, worker, leaseId, hosts],
      );
      return { attemptId: a.id, number: c.attempt_count };
    });
  }

  async recordStep(attemptId: string, s: StepRecord): Promise<void> {
    await queryRows(
      this.db,
      `INSERT INTO steps (attempt_id, seq, phase, name, host, command, stdout, stderr, exit_code, status, message,
                          output_truncated, started_at, duration_ms)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
      [
        attemptId,
        s.seq,
        s.phase,
        s.name,
        s.host ?? null,
        s.command ?? null,
        s.stdout ?? null,
        s.stderr ?? null,
        s.exitCode ?? null,
        s.status,
        s.message ?? null,
        s.outputTruncated ?? false,
        s.startedAt,
        Math.round(s.durationMs),
      ],
    );
  }

  async finishAttempt(
    attemptId: string,
    r: { outcome: Outcome; errorCode?: string | null; message?: string | null; infra: boolean },
  ): Promise<void> {
    await queryRows(
      this.db,
      `UPDATE attempts SET outcome = $2, error_code = $3, error_message = $4, infra = $5, finished_at = now() WHERE id = $1`,
      [attemptId, r.outcome, r.errorCode ?? null, r.message ?? null, r.infra],
    );
  }

  async finishCase(
    caseId: string,
    r: { outcome: Outcome; reason?: string | null; errorCode?: string | null; signature?: string | null },
  ): Promise<void> {
    await queryRows(
      this.db,
      `UPDATE cases SET status = 'done', outcome = $2, reason = $3, error_code = $4, signature = $5, lease_id = NULL,
                        dispatch_id = NULL, waiting_reason = NULL, finished_at = now(),
                        duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE (extract(epoch FROM now() - started_at) * 1000)::int END
        WHERE id = $1`,
      [caseId, r.outcome, r.reason ?? null, r.errorCode ?? null, r.signature ?? null],
    );
  }

  /** Back to the queue under a new dispatch id (an infra retry, or a case handed back). */
  async requeueCase(caseId: string, reason: string): Promise<{ dispatchId: string; priority: number } | null> {
    const [row] = await queryRows(
      this.db,
      `UPDATE cases SET status = 'queued', dispatch_id = gen_random_uuid(), lease_id = NULL, worker = NULL,
                        waiting_reason = $2, queued_at = now()
        WHERE id = $1 AND status <> 'done' RETURNING dispatch_id AS "dispatchId", priority`,
      [caseId, reason],
    );
    return row ?? null;
  }

  async abandonOpenAttempts(caseId: string, message: string): Promise<void> {
    await queryRows(
      this.db,
      `UPDATE attempts SET outcome = 'infra-error', error_code = 'WORKER_LOST', infra = true, finished_at = now(), error_message = $2
        WHERE case_id = $1 AND finished_at IS NULL`,
      [caseId, message],
    );
  }

  // ---- objects created on hosts ------------------------------------------------------------------
  async trackObject(o: {
    runId: string;
    caseId: string;
    attemptId: string;
    hostName: string;
    kind: string;
    ref: string;
    label?: string;
  }): Promise<void> {
    await queryRows(
      this.db,
      `INSERT INTO created_objects (run_id, case_id, attempt_id, host_name, kind, ref, label) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [o.runId, o.caseId, o.attemptId, o.hostName, o.kind, o.ref, o.label ?? null],
    );
  }

  /** One install of guest software during a run (a prepared template's build, or a case's own guest). */
  async recordGuestInstall(i: {
    runId: string;
    caseId: string;
    pool: string;
    template: string | null;
    software: string[];
    manager: string;
  }): Promise<void> {
    await queryRows(
      this.db,
      `INSERT INTO guest_installs (run_id, case_id, pool, template, software, manager) VALUES ($1,$2,$3,$4,$5,$6)`,
      [i.runId, i.caseId, i.pool, i.template, i.software, i.manager],
    );
  }

  /** How many times the run installed guest software, per pool and template. */
  async guestInstalls(
    runId: string,
  ): Promise<Array<{ pool: string; template: string | null; software: string[]; count: number }>> {
    const rows = await queryRows<{ pool: string; template: string | null; software: string[]; count: string }>(
      this.db,
      `SELECT pool, template, software, count(*) AS count FROM guest_installs WHERE run_id = $1
        GROUP BY pool, template, software ORDER BY pool, template, software`,
      [runId],
    );
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  async untrackObject(caseId: string, kind: string, ref: string): Promise<void> {
    await queryRows(
      this.db,
      `UPDATE created_objects SET removed_at = now() WHERE case_id = $1 AND kind = $2 AND ref = $3 AND removed_at IS NULL`,
      [caseId, kind, ref],
    );
  }

  async pendingObjects(
    caseId: string,
  ): Promise<Array<{ id: string; hostName: string; kind: string; ref: string; label: string | null }>> {
    return queryRows(
      this.db,
      `SELECT id, host_name AS "hostName", kind, ref, label FROM created_objects
        WHERE case_id = $1 AND removed_at IS NULL ORDER BY created_at DESC`,
      [caseId],
    );
  }

  async markObjectRemoved(id: string, error: string | null): Promise<void> {
    await queryRows(
      this.db,
      `UPDATE created_objects SET removed_at = CASE WHEN $2::text IS NULL THEN now() ELSE removed_at END, removal_error = $2 WHERE id = $1`,
      [id, error],
    );
  }

  // ---- results ------------------------------------------------------------------------------------
  async upsertMeasurement(m: {
    runId: string;
    caseId: string;
    attemptId: string;
    caseKey: string;
    metric: string;
    unit: string;
    direction: string;
    samples: number[];
    value: number;
    release: string | null;
    simulated: boolean;
    context: Record<string, unknown>;
  }): Promise<void> {
    await queryRows(
      this.db,
      `INSERT INTO measurements (run_id, case_id, attempt_id, case_key, metric, unit, direction, samples, value, release, simulated, context)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
       ON CONFLICT (case_id, metric) DO UPDATE SET attempt_id = EXCLUDED.attempt_id, samples = EXCLUDED.samples,
         value = EXCLUDED.value, context = EXCLUDED.context`,
      [
        m.runId,
        m.caseId,
        m.attemptId,
        m.caseKey,
        m.metric,
        m.unit,
        m.direction,
        m.samples,
        m.value,
        m.release,
        m.simulated,
        m.context,
      ],
    );
  }

  async insertArtifact(a: {
    runId: string;
    caseId: string;
    attemptId: string | null;
    name: string;
    mediaType: string;
    sha256: string;
    sizeBytes: number;
  }): Promise<void> {
    await queryRows(
      this.db,
      `INSERT INTO artifacts (run_id, case_id, attempt_id, name, media_type, sha256, size_bytes) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [a.runId, a.caseId, a.attemptId, a.name, a.mediaType, a.sha256, a.sizeBytes],
    );
  }

  async caseCounts(runId: string): Promise<Record<string, number>> {
    const rows = await queryRows(
      this.db,
      `SELECT COALESCE(outcome, status) AS k, count(*)::int AS n FROM cases WHERE run_id = $1 GROUP BY 1`,
      [runId],
    );
    return Object.fromEntries(rows.map((r: { k: string; n: number }) => [r.k, r.n]));
  }

  async findCaseInRun(runId: string, ref: string): Promise<RunnableCase | null> {
    const [row] = await queryRows(
      this.db,
      `SELECT ${CASE_COLUMNS} FROM cases WHERE run_id = $1 AND (case_hash = $2 OR case_key = $2 OR id::text = $2)`,
      [runId, ref],
    );
    return row ?? null;
  }

  /** A tester's verdict on a manual checklist case; the case keeps who, when and the notes. */
  async recordManual(
    caseId: string,
    r: { outcome: string; notes: string; by: string; evidence: string[] },
  ): Promise<void> {
    await queryRows(
      this.db,
      `UPDATE cases SET outcome = $2, reason = NULLIF($3, ''), status = 'done', finished_at = now(),
              manual_result = jsonb_build_object('by', $4::text, 'at', now(), 'notes', $3::text, 'evidence', $5::jsonb)
        WHERE id = $1 AND manual`,
      [caseId, r.outcome, r.notes, r.by, JSON.stringify(r.evidence)],
    );
  }

  /**
   * Cases an external suite reported during an attempt (one per test id), written as finished cases
   * of the run with one attempt and one step each; a retried parent replaces them.
   */
  async upsertReportedCases(
    parent: RunnableCase,
    worker: string,
    cases: Array<{
      caseKey: string;
      caseHash: string;
      scenario: string;
      params: Record<string, unknown>;
      outcome: string;
      message: string | null;
      durationMs: number | null;
      output: string | null;
      signature: string | null;
    }>,
  ): Promise<void> {
    for (const c of cases) {
      await this.transaction(async (em) => {
        const [row] = await queryRows(
          em,
          `INSERT INTO cases (run_id, case_key, case_hash, suite, scenario, params, settings, release, manual, status, outcome,
                              reason, signature, attempt_count, worker, duration_ms, priority, started_at, finished_at)
           VALUES ($1,$2,$3,$4,$5,$6,'{}'::jsonb,$7,false,'done',$8,$9,$10,1,$11,$12,$13,now(),now())
           ON CONFLICT (run_id, case_key) DO UPDATE SET outcome = EXCLUDED.outcome, reason = EXCLUDED.reason,
             signature = EXCLUDED.signature, duration_ms = EXCLUDED.duration_ms, worker = EXCLUDED.worker,
             attempt_count = cases.attempt_count + 1, finished_at = now()
           RETURNING id, attempt_count`,
          [
            parent.runId,
            c.caseKey,
            c.caseHash,
            `${parent.suite}/tests`,
            c.scenario,
            c.params,
            parent.release,
            c.outcome,
            c.message,
            c.signature,
            worker,
            c.durationMs,
            parent.priority,
          ],
        );
        const [a] = await queryRows(
          em,
          `INSERT INTO attempts (case_id, number, worker, outcome, error_message, finished_at) VALUES ($1,$2,$3,$4,$5,now())
           ON CONFLICT (case_id, number) DO NOTHING RETURNING id`,
          [row.id, row.attempt_count, worker, c.outcome, c.message],
        );
        if (a && c.output) {
          await queryRows(
            em,
            `INSERT INTO steps (attempt_id, seq, phase, name, stdout, status, started_at, duration_ms)
             VALUES ($1, 1, 'act', $2, $3, $4, now(), $5)`,
            [
              a.id,
              `reported by ${parent.caseKey}`,
              c.output,
              c.outcome === 'passed' ? 'ok' : 'failed',
              c.durationMs ?? 0,
            ],
          );
        }
      });
    }
  }

  // ---- waiting cases and their workers --------------------------------------------------------
  /** A run's status and how many of its cases still wait for a worker (not done, not running). */
  async waitingCaseCount(runId: string): Promise<{ status: string; waitingCases: number } | null> {
    const [row] = await queryRows<{ status: string; waitingCases: number }>(
      this.db,
      `SELECT r.status,
              (SELECT count(*)::int FROM cases c WHERE c.run_id = r.id AND c.status IN ('pending','queued','waiting')) AS "waitingCases"
         FROM runs r WHERE r.id = $1`,
      [runId],
    );
    return row ?? null;
  }

  /** Re-queues a waiting case only if the given (dead) worker still holds it. */
  async requeueAbandoned(
    caseId: string,
    worker: string | null,
    reason: string,
  ): Promise<{ dispatchId: string; priority: number } | null> {
    const [row] = await queryRows(
      this.db,
      `UPDATE cases SET status = 'queued', dispatch_id = gen_random_uuid(), worker = NULL, waiting_reason = $3, queued_at = now()
        WHERE id = $1 AND status = 'waiting' AND worker IS NOT DISTINCT FROM $2 RETURNING dispatch_id AS "dispatchId", priority`,
      [caseId, worker, reason],
    );
    return row ?? null;
  }

  /** Cases held by a worker while they wait for hosts, with that worker (null when none is recorded). */
  async waitingCasesByWorker(): Promise<Array<{ caseId: string; worker: string | null }>> {
    return queryRows(this.db, `SELECT id AS "caseId", worker FROM cases WHERE status = 'waiting'`);
  }

  /** Running cases whose lease expired: their worker is gone (crash, SIGKILL, lost network). */
  async orphanedCases(): Promise<
    Array<{ caseId: string; runId: string; leaseId: string | null; worker: string | null }>
  > {
    return queryRows(
      this.db,
      `SELECT c.id AS "caseId", c.run_id AS "runId", c.lease_id AS "leaseId", c.worker
         FROM cases c LEFT JOIN leases l ON l.id = c.lease_id
        WHERE c.status = 'running' AND (l.id IS NULL OR l.expires_at < now())
        ORDER BY c.started_at`,
    );
  }
}

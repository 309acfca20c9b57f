import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { HardwareProfile } from 'src/lab/hardware-profile';
import type { MappedSubmission, SubmissionKind } from 'src/community/submission-mapping';
import type { SubmissionRecord, SubmissionStatus } from 'src/community/submission.types';

/** What a new submission brings: the record's own fields, and the results it maps to. */
type NewSubmission = Pick<
  SubmissionRecord,
  'tokenId' | 'submitter' | 'kind' | 'release' | 'sha256' | 'sizeBytes' | 'status' | 'hardware' | 'hardwareClass'
> & { mapped: MappedSubmission };

interface Row {
  id: string;
  token_id: string | null;
  submitter: string;
  kind: SubmissionKind;
  release: string;
  sha256: string;
  size_bytes: number;
  status: SubmissionStatus;
  hardware: HardwareProfile;
  hardware_class: string;
  run_id: string | null;
  summary: Record<string, unknown>;
  moderation_note: string | null;
  created_at: Date;
  moderated_at: Date | null;
}

const COLUMNS =
  'id, token_id, submitter, kind, release, sha256, size_bytes, status, hardware, hardware_class, run_id, summary, moderation_note, created_at, moderated_at';

function toRecord(r: Row): SubmissionRecord {
  return {
    id: r.id,
    tokenId: r.token_id,
    submitter: r.submitter,
    kind: r.kind,
    release: r.release,
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    status: r.status,
    hardware: r.hardware,
    hardwareClass: r.hardware_class,
    runId: r.run_id,
    summary: r.summary,
    moderationNote: r.moderation_note,
    createdAt: r.created_at.toISOString(),
    moderatedAt: r.moderated_at?.toISOString() ?? null,
  };
}

const UNIQUE_VIOLATION = '23505';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Submissions and the run, cases and measurements they bring into the results store. */
@Injectable()
export class SubmissionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores a submission whole or not at all: the run, its cases and measurements and the submission
   * row are one statement (data-modifying CTEs, arrays unnested server-side), which PostgreSQL runs
   * atomically, so a new submission costs one round trip and one durable commit whatever its size.
   * The same file from the same submitter is stored once: the unique (token, sha256) index makes a
   * racing duplicate's statement fail whole, and that caller gets the first one's record.
   * The commit is durable (synchronous_commit stays on): a 201 means the results survive a crash
   * of PostgreSQL, which a faster asynchronous commit would not promise.
   */
  async store(input: NewSubmission): Promise<{ record: SubmissionRecord; created: boolean }> {
    try {
      const rows: Row[] = await this.insertAll(input);
      return { record: toRecord(rows[0]!), created: true };
    } catch (err) {
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
      const existing: Row[] = await this.db.query(
        `SELECT ${COLUMNS} FROM submissions WHERE token_id IS NOT DISTINCT FROM $1 AND sha256 = $2 ORDER BY created_at LIMIT 1`,
        [input.tokenId, input.sha256],
      );
      if (!existing[0]) throw err;
      return { record: toRecord(existing[0]), created: false };
    }
  }

  /**
   * A named statement: each pooled connection parses and plans it once, then only binds values.
   * Planning these four inserts cost PostgreSQL more CPU than running them (1.9 ms of a 9 ms
   * EXPLAIN ANALYZE on a loaded machine). TypeORM's query() cannot name a statement, so this goes
   * to the driver's pool, the same connections TypeORM uses.
   */
  private async insertAll(input: NewSubmission): Promise<Row[]> {
    const mapped = input.mapped;
    const cases = mapped.cases;
    const ms = cases.flatMap((c) => c.measurements.map((x) => ({ key: c.caseKey, ...x })));
    const simulated = mapped.simulated || input.hardware.simulated === true;
    const pool = (this.db.driver as PostgresDriver).master as Pool;
    const result = await pool.query<Row>({
      name: 'shakedown-store-submission',
      text: `WITH run AS (
         INSERT INTO runs (campaign_name, release, baseline_release, lab_name, origin, simulated, status, lab_snapshot, summary, created_by, started_at, finished_at)
         VALUES ($1, $2, $3, $4, 'submission', $5, 'finished', $6::jsonb, $7::jsonb, $8, now(), now())
         RETURNING id
       ), inserted_cases AS (
         INSERT INTO cases (run_id, case_key, case_hash, suite, scenario, params, release, status, outcome, reason, error_code, duration_ms, attempt_count, finished_at)
         SELECT run.id, t.k, t.h, t.s, t.sc, t.p::jsonb, $2, 'done', t.o, t.r, t.e, t.d, 1, now()
           FROM run, unnest($9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::int[])
                AS t(k, h, s, sc, p, o, r, e, d)
         RETURNING id, run_id, case_key
       ), inserted_measurements AS (
         INSERT INTO measurements (run_id, case_id, case_key, metric, unit, direction, samples, value, release, simulated, context)
         SELECT c.run_id, c.id, t.k, t.m, t.u, t.d, ARRAY(SELECT jsonb_array_elements_text(t.s::jsonb)::double precision), t.v, $2, $5, t.x::jsonb
           FROM unnest($18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::float8[], $24::text[]) AS t(k, m, u, d, s, v, x)
           JOIN inserted_cases c ON c.case_key = t.k
       )
       INSERT INTO submissions (token_id, submitter, kind, release, sha256, size_bytes, status, hardware, hardware_class, run_id, summary, moderated_at)
       SELECT $25, $8, $26, $2, $27, $28, $29, $30::jsonb, $31, run.id, $7::jsonb, CASE WHEN $29 = 'pending' THEN NULL ELSE now() END
         FROM run
       RETURNING ${COLUMNS}`,
      values: [
        mapped.campaign,
        input.release,
        mapped.baseline,
        `community: ${input.hardwareClass}`,
        simulated,
        JSON.stringify(mapped.labSnapshot),
        JSON.stringify(mapped.summary),
        input.submitter,
        cases.map((c) => c.caseKey),
        cases.map((c) => c.caseHash),
        cases.map((c) => c.suite),
        cases.map((c) => c.scenario),
        cases.map((c) => JSON.stringify(c.params)),
        cases.map((c) => c.outcome),
        cases.map((c) => c.reason),
        cases.map((c) => c.errorCode),
        cases.map((c) => c.durationMs),
        ms.map((x) => x.key),
        ms.map((x) => x.metric),
        ms.map((x) => x.unit),
        ms.map((x) => x.direction),
        ms.map((x) => JSON.stringify(x.samples)),
        ms.map((x) => x.value),
        ms.map((x) => JSON.stringify(x.context ?? {})),
        input.tokenId,
        input.kind,
        input.sha256,
        input.sizeBytes,
        input.status,
        JSON.stringify(input.hardware),
        input.hardwareClass,
      ],
    });
    return result.rows;
  }

  async findById(id: string): Promise<SubmissionRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows: Row[] = await this.db.query(`SELECT ${COLUMNS} FROM submissions WHERE id = $1`, [id]);
    return rows[0] && toRecord(rows[0]);
  }

  async list(filter: {
    status?: SubmissionStatus;
    release?: string;
    hardwareClass?: string;
    limit: number;
  }): Promise<SubmissionRecord[]> {
    const rows: Row[] = await this.db.query(
      `SELECT ${COLUMNS} FROM submissions
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR release = $2) AND ($3::text IS NULL OR hardware_class = $3)
       ORDER BY created_at DESC, id LIMIT $4`,
      [filter.status ?? null, filter.release ?? null, filter.hardwareClass ?? null, filter.limit],
    );
    return rows.map(toRecord);
  }

  /** Sets the moderation state; undefined when the submission does not exist. */
  async moderate(
    id: string,
    status: 'accepted' | 'rejected',
    note: string | null,
  ): Promise<SubmissionRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows: [Row[], number] = await this.db.query(
      `UPDATE submissions SET status = $2, moderation_note = $3, moderated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, status, note],
    );
    const row = rows[0]?.[0];
    return row && toRecord(row);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CoverageTimes } from 'src/community/coverage-page.model';
import { submissionTimeKey } from 'src/community/coverage-page.model';
import type { SubmissionStatus } from 'src/community/submission.types';
import { visibleRunCondition } from 'src/results/run-visibility';

interface ReleaseEntry {
  release: string;
  runs: number;
  lastAt: Date;
}

export interface HardwareClassEntry {
  hardwareClass: string;
  submissions: number;
  /** Pending or rejected submissions, counted only when the reader may see them (admins). */
  unmoderated: number;
  systems: number;
  releases: string[];
  lastAt: Date;
}

export interface SubmissionEntry {
  id: string;
  submitter: string;
  kind: string;
  release: string;
  status: SubmissionStatus;
  hardwareClass: string;
  name: string | null;
  serverModel: string | null;
  createdAt: Date;
  runNumber: number | null;
  simulated: boolean;
  counts: Record<string, number>;
  measurements: number;
}

/** A submission that can be picked on the hardware comparison form (accepted, with measurements). */
export interface SubmissionChoice {
  id: string;
  submitter: string;
  release: string;
  hardwareClass: string;
  name: string | null;
  serverModel: string | null;
  createdAt: Date;
}

/** Which runs count publicly: the core lab's, and submissions once accepted (the one rule, in results/run-visibility). */
const COUNTED = visibleRunCondition('r', 'accepted');

/** What the community pages read beyond the coverage API: result times, releases, submissions by class. */
@Injectable()
export class CommunityPagesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** When each case of a release last got a result, per submitter and class (submissions) or from the lab. */
  async coverageTimes(release: string): Promise<CoverageTimes> {
    const rows: Array<{
      case_key: string;
      origin: string;
      hardware_class: string | null;
      submitter: string | null;
      at: Date;
    }> = await this.db.query(
      `SELECT c.case_key, r.origin, s.hardware_class, s.submitter,
                max(coalesce(c.finished_at, r.finished_at, s.created_at, r.created_at)) AS at
           FROM cases c JOIN runs r ON r.id = c.run_id LEFT JOIN submissions s ON s.run_id = r.id
          WHERE r.release = $1 AND c.outcome IS NOT NULL AND ${COUNTED}
          GROUP BY 1, 2, 3, 4`,
      [release],
    );
    const submissions = new Map<string, Date>();
    const lab = new Map<string, Date>();
    for (const r of rows) {
      if (r.origin === 'submission' && r.hardware_class && r.submitter) {
        submissions.set(submissionTimeKey(r.case_key, r.hardware_class, r.submitter), r.at);
      } else if (r.origin === 'lab') {
        const seen = lab.get(r.case_key);
        if (!seen || r.at > seen) lab.set(r.case_key, r.at);
      }
    }
    return { submissions, lab };
  }

  /** Releases with counted results, newest activity first. */
  async releases(): Promise<ReleaseEntry[]> {
    const rows: Array<{ release: string; runs: number; last: Date }> = await this.db.query(
      `SELECT r.release, count(DISTINCT r.id)::int AS runs, max(r.created_at) AS last
         FROM runs r LEFT JOIN submissions s ON s.run_id = r.id
        WHERE ${COUNTED}
        GROUP BY r.release ORDER BY max(r.created_at) DESC LIMIT 200`,
    );
    return rows.map((r) => ({ release: r.release, runs: r.runs, lastAt: r.last }));
  }

  async hardwareClasses(includeUnmoderated: boolean): Promise<HardwareClassEntry[]> {
    const rows: Array<{
      hardware_class: string;
      submissions: number;
      unmoderated: number;
      systems: number;
      releases: string[];
      last: Date;
    }> = await this.db.query(
      `SELECT hardware_class, count(*)::int AS submissions,
              count(*) FILTER (WHERE status <> 'accepted')::int AS unmoderated,
              count(DISTINCT coalesce(hardware->>'name', '') || '|' || coalesce(hardware->'server'->>'model', '') || '|' || submitter)::int AS systems,
              array_agg(DISTINCT release ORDER BY release) AS releases, max(created_at) AS last
         FROM submissions WHERE status = 'accepted' OR $1
        GROUP BY hardware_class ORDER BY hardware_class`,
      [includeUnmoderated],
    );
    return rows.map((r) => ({
      hardwareClass: r.hardware_class,
      submissions: r.submissions,
      unmoderated: r.unmoderated,
      systems: r.systems,
      releases: r.releases,
      lastAt: r.last,
    }));
  }

  /** The newest submissions of each hardware class, with their run's outcome counts. */
  async latestSubmissions(includeUnmoderated: boolean, perClass: number): Promise<SubmissionEntry[]> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT x.*, r.number AS run_number, coalesce(r.simulated, false) AS simulated,
              (SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb)
                 FROM (SELECT coalesce(outcome, status) AS k, count(*)::int AS n FROM cases WHERE run_id = x.run_id GROUP BY 1) o) AS counts,
              (SELECT count(*)::int FROM measurements m WHERE m.run_id = x.run_id) AS measurements
         FROM (SELECT s.id, s.submitter, s.kind, s.release, s.status, s.hardware_class, s.run_id, s.created_at,
                      s.hardware->>'name' AS name, s.hardware->'server'->>'model' AS server_model,
                      row_number() OVER (PARTITION BY s.hardware_class ORDER BY s.created_at DESC, s.id) AS rank
                 FROM submissions s WHERE s.status = 'accepted' OR $1) x
         LEFT JOIN runs r ON r.id = x.run_id
        WHERE x.rank <= $2
        ORDER BY x.hardware_class, x.created_at DESC, x.id`,
      [includeUnmoderated, perClass],
    );
    return rows.map((r) => ({
      id: String(r.id),
      submitter: String(r.submitter),
      kind: String(r.kind),
      release: String(r.release),
      status: r.status as SubmissionStatus,
      hardwareClass: String(r.hardware_class),
      name: typeof r.name === 'string' ? r.name : null,
      serverModel: typeof r.server_model === 'string' ? r.server_model : null,
      createdAt: r.created_at as Date,
      runNumber: r.run_number == null ? null : Number(r.run_number),
      simulated: Boolean(r.simulated),
      counts: (r.counts ?? {}) as Record<string, number>,
      measurements: Number(r.measurements ?? 0),
    }));
  }

  /** Accepted submissions that carry measurements, newest first: what the comparison form offers. */
  async comparableSubmissions(limit = 300): Promise<SubmissionChoice[]> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT s.id, s.submitter, s.release, s.hardware_class, s.created_at,
              s.hardware->>'name' AS name, s.hardware->'server'->>'model' AS server_model
         FROM submissions s
        WHERE s.status = 'accepted' AND s.run_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM measurements m WHERE m.run_id = s.run_id)
        ORDER BY s.created_at DESC, s.id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      submitter: String(r.submitter),
      release: String(r.release),
      hardwareClass: String(r.hardware_class),
      name: typeof r.name === 'string' ? r.name : null,
      serverModel: typeof r.server_model === 'string' ? r.server_model : null,
      createdAt: r.created_at as Date,
    }));
  }
}

import type { Direction, Outcome } from 'src/results/outcome';

/** What the results store holds, as pages, reports and exports read it (never TypeORM entities). */

import type { CaseRecord, CaseStatus, RunStatus } from 'src/results/run-status';

export type { CaseStatus, RunStatus };

export interface RunCounts {
  total: number;
  /** Cases with an outcome, by outcome. */
  byOutcome: Record<Outcome, number>;
  /** Cases still without an outcome, by status (pending, queued, waiting, running). */
  byStatus: Record<string, number>;
  done: number;
  failures: number;
  /** Successes / (successes + failures); null while nothing has a verdict. */
  passRate: number | null;
}

export interface RunSummary {
  id: string;
  number: number;
  campaignName: string;
  release: string;
  baselineRelease: string | null;
  labName: string | null;
  origin: 'lab' | 'submission';
  simulated: boolean;
  status: RunStatus;
  error: string | null;
  options: Record<string, unknown>;
  /** Who started it: a token's name, `demo`, or `schedule NAME` for a scheduled run. */
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  counts: RunCounts;
  /** Installs of guest software the run made (fio, iperf3, stress…): once per pool and prepared template, plus cases' own guests. */
  guestInstalls: number;
  /** For a run of a community submission: its moderation state (readers other than admins only ever see accepted ones). */
  submissionStatus?: 'pending' | 'accepted' | 'rejected' | null;
}

interface LabHostSnapshot {
  name: string;
  version: string | null;
  build: string | null;
  packages: Record<string, string>;
}

export interface LabSnapshot {
  hosts: LabHostSnapshot[];
}

/** A case as the reports show it: its outcome with why, and when it ran. */
export interface CaseRow extends CaseRecord {
  reason: string | null;
  errorCode: string | null;
  signature: string | null;
  durationMs: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface CaseFilter {
  outcomes?: Outcome[];
  suites?: string[];
}

export interface FailedCaseRow extends CaseRow {
  /** The last attempt's error message. */
  message: string | null;
  /** Tail of the failing step's output (stderr, else stdout), when asked for. */
  outputExcerpt?: string | null;
  failedStep?: string | null;
}

export interface StepRow {
  id: string;
  seq: number;
  phase: 'prepare' | 'act' | 'verify' | 'cleanup';
  name: string;
  host: string | null;
  command: string | null;
  stdout: string | null;
  stderr: string | null;
  exitCode: number | null;
  status: 'ok' | 'failed' | 'error' | 'skipped';
  message: string | null;
  outputTruncated: boolean;
  startedAt: Date;
  durationMs: number;
}

export interface AttemptRow {
  id: string;
  number: number;
  worker: string;
  outcome: Outcome | null;
  errorCode: string | null;
  errorMessage: string | null;
  infra: boolean;
  startedAt: Date;
  finishedAt: Date | null;
  steps: StepRow[];
}

export interface ArtifactRow {
  id: string;
  caseId: string | null;
  attemptId: string | null;
  name: string;
  mediaType: string;
  sha256: string;
  sizeBytes: number;
  createdAt: Date;
}

export interface MeasurementRow {
  caseId: string;
  caseKey: string;
  caseHash: string;
  metric: string;
  unit: string;
  direction: Direction;
  samples: number[];
  value: number;
  release: string | null;
  simulated: boolean;
  context: Record<string, unknown>;
}

/** A measurement with what comparisons need to line it up and pick its thresholds. */
export interface ComparableMeasurement extends MeasurementRow {
  runNumber: number;
  scenario: string;
  params: Record<string, unknown>;
  settings: Record<string, unknown>;
  outcome: Outcome | null;
}

export interface KnownIssue {
  signature: string;
  url: string;
  note: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export interface CaseDetail {
  run: RunSummary;
  case: CaseRow & { expectation: unknown; settings: Record<string, unknown>; waitingReason: string | null; worker: string | null };
  attempts: AttemptRow[];
  artifacts: ArtifactRow[];
  measurements: MeasurementRow[];
  knownIssue: KnownIssue | null;
}

export interface CaseHistoryEntry {
  runNumber: number;
  runRelease: string;
  campaignName: string;
  simulated: boolean;
  runCreatedAt: Date;
  case: CaseRow;
  measurements: MeasurementRow[];
}

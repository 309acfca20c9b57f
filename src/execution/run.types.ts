import { Outcome } from 'src/results/outcome';

import type { CaseRecord, CaseStatus, RunStatus } from 'src/results/run-status';

export type { CaseStatus, RunStatus };

export interface RunRow {
  id: string;
  number: number;
  campaignName: string;
  release: string;
  baselineRelease: string | null;
  labId: string | null;
  labName: string | null;
  simulated: boolean;
  status: RunStatus;
  priority: number;
  options: Record<string, unknown>;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  cancelRequestedAt: Date | null;
}

/** A case as a worker runs it: what it expects, its settings, and where it is in the queue. */
export interface RunnableCase extends CaseRecord {
  expectation: { outcome: 'pass' } | { outcome: 'fail'; error?: string; reason?: string } | null;
  settings: Record<string, unknown>;
  priority: number;
  needs: unknown;
  dispatchId: string | null;
  leaseId: string | null;
}

export interface NewCase {
  caseKey: string;
  caseHash: string;
  suite: string;
  scenario: string;
  params: Record<string, unknown>;
  expectation: RunnableCase['expectation'];
  settings: Record<string, unknown>;
  release: string | null;
  manual: boolean;
  needs: unknown;
  /** Set when the planner already decided (skipped with reason, manual-pending). */
  outcome?: Outcome;
  reason?: string;
}

export interface StepRecord {
  seq: number;
  phase: 'prepare' | 'act' | 'verify' | 'cleanup';
  name: string;
  host?: string;
  command?: string;
  stdout?: string;
  stderr?: string;
  exitCode?: number | null;
  status: 'ok' | 'failed' | 'error' | 'skipped';
  message?: string;
  outputTruncated?: boolean;
  startedAt: Date;
  durationMs: number;
}

import type { Outcome } from 'src/results/outcome';

/** Where a run stands; the one definition, used by execution (which writes it) and reports (which read it). */
export type RunStatus = 'queued' | 'running' | 'finished' | 'cancelling' | 'cancelled' | 'error';

/** Where a case stands in its run (its outcome, once `done`, is a separate field). */
export type CaseStatus = 'pending' | 'queued' | 'waiting' | 'running' | 'done';

/** The columns of a case that every reader shares; execution and the reports each add what they need. */
export interface CaseRecord {
  id: string;
  runId: string;
  caseKey: string;
  caseHash: string;
  suite: string;
  scenario: string;
  params: Record<string, unknown>;
  release: string | null;
  manual: boolean;
  status: CaseStatus;
  outcome: Outcome | null;
  attemptCount: number;
}

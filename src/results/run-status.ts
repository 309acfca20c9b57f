/** Where a run stands; the one definition, used by execution (which writes it) and reports (which read it). */
export type RunStatus = 'queued' | 'running' | 'finished' | 'cancelling' | 'cancelled' | 'error';

/** Where a case stands in its run (its outcome, once `done`, is a separate field). */
export type CaseStatus = 'pending' | 'queued' | 'waiting' | 'running' | 'done';

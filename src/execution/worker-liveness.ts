import { RunRepository } from 'src/execution/run.repository';

const WAITING_STATUSES = ['pending', 'queued', 'waiting'];

export interface WorkerStall {
  /** Cases of the run that a worker still has to pick up (or the whole run, before preparation). */
  waitingCases: number;
  message: string;
}

/**
 * Says so when a run has work left and no worker is alive to do it: without this a run started
 * with no worker waits silently. Shared by `run start --wait`, `run watch` and the run page.
 * Null while a worker is alive or nothing waits.
 */
export async function workerStall(
  repo: RunRepository,
  runId: string,
  staleAfterMs: number,
): Promise<WorkerStall | null> {
  const run = await repo.findRun(runId);
  if (!run || !['queued', 'running'].includes(run.status)) return null;
  const counts = await repo.caseCounts(runId);
  const waitingCases = WAITING_STATUSES.reduce((n, s) => n + (counts[s] ?? 0), 0);
  if (waitingCases === 0 && run.status !== 'queued') return null;
  if ((await repo.liveWorkerCount(staleAfterMs)) > 0) return null;
  return {
    waitingCases,
    message:
      `no live worker: ${waitingCases} ${waitingCases === 1 ? 'case waits' : 'cases wait'} for one ` +
      `(none has sent a heartbeat in the last ${Math.round(staleAfterMs / 1000)} s); start one with \`shakedown worker\``,
  };
}

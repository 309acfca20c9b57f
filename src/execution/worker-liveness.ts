import { RunRepository } from 'src/execution/run.repository';
import { WorkerRepository } from 'src/execution/worker.repository';

/**
 * A worker beats at least every reaper interval (5 s by default) and a lease lives 30 s: a worker
 * silent for longer than a lease is not going to pick anything up.
 */
const WORKER_ALIVE_WITHIN_MS = 30_000;

interface NoWorkerNotice {
  waitingCases: number;
  /** One sentence for a page or a terminal: what is wrong and what to do. */
  message: string;
}

/**
 * Why a run does not move although nothing failed: its cases wait and no worker is alive to take
 * them. The run page and the CLI (`run watch`, `run start --wait`) say the same sentence, from here.
 */
export class WorkerLiveness {
  constructor(
    private readonly runs: Pick<RunRepository, 'waitingCaseCount'>,
    private readonly workers: Pick<WorkerRepository, 'liveCount'>,
  ) {}

  /** Null when the run is over, has nothing waiting, or some worker is alive. */
  async noLiveWorkerNotice(runId: string): Promise<NoWorkerNotice | null> {
    const row = await this.runs.waitingCaseCount(runId);
    if (!row || !['queued', 'running'].includes(row.status)) return null;
    if ((await this.workers.liveCount(WORKER_ALIVE_WITHIN_MS)) > 0) return null;
    // A queued run is not even prepared yet: that is a worker's job too.
    const waiting = row.status === 'queued' ? Math.max(row.waitingCases, 1) : row.waitingCases;
    if (waiting === 0) return null;
    const what =
      row.status === 'queued' ? 'this run waits to be prepared' : `${waiting} case${waiting === 1 ? '' : 's'} wait`;
    return {
      waitingCases: waiting,
      message: `${what} and no worker is alive (none beat in the last ${WORKER_ALIVE_WITHIN_MS / 1000} s): start one with \`shakedown worker\``,
    };
  }
}

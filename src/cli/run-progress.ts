import { SingleBar, Presets } from 'cli-progress';
import { DataSource } from 'typeorm';
import { RunRepository } from 'src/execution/run.repository';
import { subscribeEvents } from 'src/execution/run-events';
import { WorkerLiveness } from 'src/execution/worker-liveness';
import { WorkerRepository } from 'src/execution/worker.repository';

export interface FinalCounts {
  status: string;
  total: number;
  passed: number;
  failed: number;
  counts: Record<string, number>;
}

const FAILURES = ['failed', 'xpassed', 'infra-error'];
const OPEN = ['pending', 'queued', 'waiting', 'running'];

/**
 * Follows a run until it ends: a progress bar with passed/failed/running counts and an ETA on a
 * terminal, one line per change otherwise. Wakes on the run's events, polls as a fallback.
 */
export async function followRun(
  db: DataSource,
  runId: string,
  options: { json: boolean; databaseUrl: string },
): Promise<FinalCounts> {
  const repo = new RunRepository(db);
  const liveness = new WorkerLiveness(repo, new WorkerRepository(db));
  const tty = process.stderr.isTTY && !options.json;
  const bar = tty
    ? new SingleBar(
        {
          format:
            ' {bar} {value}/{total} cases | passed {passed} | failed {failed} | running {running} | ETA {eta_formatted}',
          hideCursor: true,
        },
        Presets.shades_classic,
      )
    : null;
  let wake: () => void = () => undefined;
  const sub = await subscribeEvents(options.databaseUrl, (e) => {
    if ('runId' in e && e.runId === runId) wake();
  }).catch(() => null);
  let last = '';
  let lastStall = '';
  try {
    for (;;) {
      const counts = await repo.caseCounts(runId);
      const run = await repo.findRun(runId);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const open = OPEN.reduce((a, k) => a + (counts[k] ?? 0), 0);
      const failed = FAILURES.reduce((a, k) => a + (counts[k] ?? 0), 0);
      const passed = (counts.passed ?? 0) + (counts.xfailed ?? 0);
      const payload = { passed, failed, running: (counts.running ?? 0) + (counts.waiting ?? 0) };
      if (bar) {
        if (!bar.getTotal()) bar.start(total, total - open, payload);
        bar.update(total - open, payload);
      } else {
        const line = `run ${run?.number}: ${total - open}/${total} done, passed ${passed}, failed ${failed}, running ${payload.running}`;
        if (line !== last && !options.json) process.stderr.write(`${line}\n`);
        last = line;
      }
      if (run && ['finished', 'cancelled', 'error'].includes(run.status)) {
        bar?.stop();
        const final = { status: run.status, total, passed, failed, counts };
        if (options.json) process.stdout.write(`${JSON.stringify({ run: run.number, ...final })}\n`);
        else {
          process.stderr.write(
            `run ${run.number} ${run.status}: ${Object.entries(counts)
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')}\n`,
          );
        }
        return final;
      }
      const stall = await liveness.noLiveWorkerNotice(runId);
      if (stall && stall.message !== lastStall) process.stderr.write(`run ${run?.number}: ${stall.message}\n`);
      lastStall = stall?.message ?? '';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        wake = () => (clearTimeout(timer), resolve());
      });
    }
  } finally {
    await sub?.close();
  }
}

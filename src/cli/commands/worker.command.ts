import { Command } from 'commander';
import { stopOnSignals } from 'src/app/stop-signals';
import { startWorkerProcess } from 'src/app/worker-process';
import { CliError } from 'src/common/errors/cli-error';

/** `shakedown worker`: takes cases from the queue and runs them on the lab. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'take cases from the queue and run them (any number of workers, on any machine that reaches the database)',
    )
    .option('-c, --concurrency <n>', 'cases run at the same time (default: SHAKEDOWN_WORKER_CONCURRENCY or 4)')
    .option('--name <name>', 'worker name shown on run pages (default: host:pid)')
    .action(async (opts: { concurrency?: string; name?: string }) => {
      const concurrency = opts.concurrency === undefined ? undefined : Number(opts.concurrency);
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
        throw new CliError(`--concurrency must be a whole number from 1 to 64, got ${opts.concurrency}`, 2);
      }
      const signals = stopOnSignals(
        (line) => process.stderr.write(`shakedown: ${line}\n`),
        'finishing or handing back running cases',
      );
      const running = await startWorkerProcess({ name: opts.name, concurrency });
      process.stderr.write(`shakedown: worker ${running.worker.name} started (concurrency ${running.concurrency})\n`);
      signals.closeWith(() => running.close());
    });
}

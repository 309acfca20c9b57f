import { Command } from 'commander';
import { CliError, ExitCode } from 'src/cli/cli-error';
import { openEngineForCli } from 'src/cli/engine-session';
import { followRun } from 'src/cli/run-progress';

interface StartOptions {
  lab: string;
  suite?: string;
  only?: string[];
  priority?: string;
  wait?: boolean;
  json?: boolean;
}

/** `shakedown run …`: start, follow and cancel runs. */
export function registerRunCommands(program: Command): void {
  const run = program.command('run').description('start, follow and cancel campaign runs');

  run
    .command('start')
    .description('plan a campaign against a lab and queue its cases for the workers')
    .argument('<campaign>', 'campaign file (campaigns/*.yaml)')
    .requiredOption('--lab <name>', 'lab to run on (as imported with `shakedown lab import`)')
    .option('--suite <id>', 'only this suite')
    .option('--only <keys...>', 'only these case keys or case hashes')
    .option('--priority <n>', 'queue priority (higher first)')
    .option('--wait', 'follow the run with a progress bar until it ends')
    .option('--json', 'print the run as JSON')
    .action(async (file: string, opts: StartOptions) => {
      const priority = opts.priority === undefined ? undefined : Number(opts.priority);
      if (priority !== undefined && !Number.isInteger(priority)) {
        throw new CliError(`--priority must be a whole number, not ${opts.priority}`, ExitCode.Usage);
      }
      const session = await openEngineForCli();
      try {
        const started = await session.engine.runs.start({
          campaign: file,
          lab: opts.lab,
          suite: opts.suite,
          only: opts.only,
          priority,
        });
        const { run: r, counts } = started;
        if (opts.json && !opts.wait) {
          process.stdout.write(
            `${JSON.stringify({ run: r.number, id: r.id, status: r.status, counts, url: `${session.publicUrl}/runs/${r.number}` })}\n`,
          );
        } else {
          process.stderr.write(
            `run ${r.number} queued: ${counts.total} cases (${counts.queued} to run, ${counts.skipped} skipped, ${counts.manual} manual)\n` +
              `  ${session.publicUrl}/runs/${r.number}\n`,
          );
        }
        if (opts.wait) {
          const final = await followRun(session.engine.db, r.id, {
            json: !!opts.json,
            databaseUrl: session.databaseUrl,
          });
          if (final.failed > 0 || final.status !== 'finished') process.exitCode = ExitCode.Failure;
        }
      } finally {
        await session.close();
      }
    });

  run
    .command('cancel')
    .description('cancel a run: queued cases are dropped, running ones stop within seconds and clean up')
    .argument('<run>', 'run number or id')
    .action(async (ref: string) => {
      const session = await openEngineForCli();
      try {
        const r = await session.engine.runs.cancel(ref);
        process.stderr.write(`run ${r.number}: ${r.status}\n`);
      } finally {
        await session.close();
      }
    });

  run
    .command('watch')
    .description('follow a run with a progress bar until it ends')
    .argument('<run>', 'run number or id')
    .option('--json', 'print the final counts as JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const session = await openEngineForCli();
      try {
        const found = await session.findRun(ref);
        const final = await followRun(session.engine.db, found.id, {
          json: !!opts.json,
          databaseUrl: session.databaseUrl,
        });
        if (final.failed > 0 || final.status !== 'finished') process.exitCode = ExitCode.Failure;
      } finally {
        await session.close();
      }
    });
}

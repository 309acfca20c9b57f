import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
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

  registerRecordCommand(run);

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

interface RecordOptions {
  outcome: string;
  notes?: string;
  evidence?: string[];
  by?: string;
}

/** `shakedown run record RUN CASE --outcome …`: the result of a manual check. */
export function registerRecordCommand(run: Command): void {
  run
    .command('record')
    .description('record the outcome of a manual check (installer checklists and other cases a person does)')
    .argument('<run>', 'run number or id')
    .argument('<case>', 'case hash or case key')
    .requiredOption('--outcome <outcome>', 'passed, failed or skipped')
    .option('--notes <text>', 'what was done and seen')
    .option('--evidence <files...>', 'files kept with the case (screenshots, logs)')
    .option('--by <name>', 'who did the check (default: $USER)')
    .action(async (runRef: string, caseRef: string, opts: RecordOptions) => {
      if (!['passed', 'failed', 'skipped'].includes(opts.outcome)) {
        throw new CliError(`--outcome must be passed, failed or skipped, not ${opts.outcome}`, ExitCode.Usage);
      }
      const evidence = (opts.evidence ?? []).map((file) => ({ name: basename(file), content: readFileSync(file) }));
      const session = await openEngineForCli();
      try {
        const r = await session.engine.runs.recordManual({
          run: runRef,
          case: caseRef,
          outcome: opts.outcome as 'passed' | 'failed' | 'skipped',
          notes: opts.notes,
          by: opts.by ?? process.env.USER ?? 'tester',
          evidence,
          artifacts: session.engine.artifacts,
        });
        process.stderr.write(
          `${r.caseKey}: ${r.outcome}${evidence.length ? ` (${evidence.length} evidence files)` : ''}\n`,
        );
      } finally {
        await session.close();
      }
    });
}

import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import { loadCampaign } from 'src/campaign/load-campaign';
import { CliError, ExitCode } from 'src/common/errors/cli-error';
import { ExecutionSession, openExecution } from 'src/cli/execution-session';
import { renderDoctorRows } from 'src/cli/commands/lab-doctor.command';
import { Campaign } from 'src/campaign/campaign.types';
import { CampaignReadiness, labGate } from 'src/execution/lab-readiness';
import { LabRepository } from 'src/lab/lab.repository';
import { StartRunInput } from 'src/execution/run.service';
import { FinalCounts, followRun } from 'src/cli/run-progress';
import { registerRunListCommand } from 'src/cli/commands/run-list.command';
import { prepareNestedLab, PreparedNestedLab } from 'src/execution/nested-preparation';

interface StartOptions {
  lab?: string;
  suite?: string;
  only?: string;
  case?: string[];
  priority?: string;
  wait?: boolean;
  json?: boolean;
  force?: boolean;
}

/**
 * The doctor's quick checks before queuing: a lab that fails them would fail case by case, hours in.
 * Refuses with the failing rows and their fixes unless --force, which the run then records.
 */
async function checkLab(
  session: ExecutionSession,
  campaign: Campaign,
  labName: string,
  opts: StartOptions,
): Promise<NonNullable<StartRunInput['labCheck']>> {
  const lab = await new LabRepository(session.db).findLab(labName);
  // An unknown lab is refused by runs.start with its own message.
  if (!lab) return { forced: false, failing: [] };
  const failing = await labGate(session.ssh, lab, new CampaignReadiness(campaign, session.registry, opts.suite));
  if (failing.length && !opts.force) {
    throw new CliError(
      `lab ${labName} is not ready for ${campaign.name} (run start --force to queue anyway):\n${renderDoctorRows(failing)}`,
      ExitCode.Failure,
    );
  }
  if (failing.length) process.stderr.write(`lab check failed on ${failing.length} rows; queued anyway (--force)\n`);
  return {
    forced: failing.length > 0,
    failing: failing.map((r) => ({ check: r.check, subject: r.subject, detail: r.detail })),
  };
}

/** `shakedown run …`: start, follow and cancel runs. */
export function registerRunCommands(program: Command): void {
  const run = program.command('run').description('start, list, follow and cancel campaign runs');

  run
    .command('start')
    .description('plan a campaign against a lab and queue its cases for the workers')
    .argument('<campaign>', 'campaign file (campaigns/*.yaml)')
    .option(
      '--lab <name>',
      'lab to run on (as imported with `shakedown lab import`); a campaign with nested_lab brings its own',
    )
    .option('--suite <id>', 'only this suite')
    .option('--only <expr>', 'only cases matching an expression, as in campaign expand, e.g. "scope == cross-pool"')
    .option('--case <keys...>', 'only these case keys or case hashes')
    .option('--priority <n>', 'queue priority (higher first)')
    .option('--wait', 'follow the run with a progress bar until it ends')
    .option('--json', 'print the run as JSON')
    .option('--force', 'queue even when the lab check fails (the run records it)')
    .action(async (file: string, opts: StartOptions) => {
      const priority = opts.priority === undefined ? undefined : Number(opts.priority);
      if (priority !== undefined && !Number.isInteger(priority)) {
        throw new CliError(`--priority must be a whole number, not ${opts.priority}`, ExitCode.Usage);
      }
      const campaign = loadCampaign(file);
      const nestedLab = campaign.nestedLab;
      if (!opts.lab && !nestedLab) {
        throw new CliError('--lab is required (the campaign has no nested_lab)', ExitCode.Usage);
      }
      const session = await openExecution();
      let nested: PreparedNestedLab | undefined;
      let final: FinalCounts | undefined;
      try {
        if (nestedLab) {
          process.stderr.write(`provisioning the nested lab of the campaign (${nestedLab})…\n`);
          nested = await prepareNestedLab(file, nestedLab, {
            db: session.db,
            ssh: session.ssh,
            progress: (line) => process.stderr.write(`  ${line}\n`),
          });
        }
        const labName = nested?.labName ?? opts.lab!;
        const labCheck = nested ? undefined : await checkLab(session, campaign, labName, opts);
        const started = await session.runs.start({
          campaign: file,
          lab: labName,
          suite: opts.suite,
          only: opts.only,
          cases: opts.case,
          priority,
          labCheck,
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
          final = await followRun(session.db, r.id, {
            json: !!opts.json,
            databaseUrl: session.databaseUrl,
          });
          if (nested) {
            const report = await nested.destroy();
            process.stderr.write(`nested lab ${nested.labName} destroyed (${report.vmsRemoved.length} VMs removed)\n`);
          }
        } else if (nested) {
          process.stderr.write(
            `nested lab ${nested.labName} stays up for the run; then: shakedown lab destroy ${nested.file}\n`,
          );
        }
      } finally {
        await session.close();
      }
      if (final) failOnUnsuccessfulRun(final);
    });

  run
    .command('cancel')
    .description('cancel a run: queued cases are dropped, running ones stop within seconds and clean up')
    .argument('<run>', 'run number or id')
    .option('--case <case>', 'cancel only this case (hash or key)')
    .action(async (ref: string, opts: { case?: string }) => {
      const session = await openExecution();
      try {
        if (opts.case) {
          const c = await session.runs.cancelCase(ref, opts.case);
          process.stderr.write(`${c.caseKey}: ${c.status}\n`);
          return;
        }
        const r = await session.runs.cancel(ref);
        process.stderr.write(`run ${r.number}: ${r.status}\n`);
      } finally {
        await session.close();
      }
    });

  registerRunListCommand(run);
  registerRecordCommand(run);
  registerScheduleCommands(run);

  run
    .command('watch')
    .description('follow a run with a progress bar until it ends')
    .argument('<run>', 'run number or id')
    .option('--json', 'print the final counts as JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const session = await openExecution();
      let final: FinalCounts;
      try {
        const found = await session.findRun(ref);
        final = await followRun(session.db, found.id, {
          json: !!opts.json,
          databaseUrl: session.databaseUrl,
        });
      } finally {
        await session.close();
      }
      failOnUnsuccessfulRun(final);
    });
}

/** CI gates on the exit code: 1 when any case failed or errored, or the run did not finish. */
function failOnUnsuccessfulRun(final: FinalCounts): void {
  if (final.failed > 0) throw new CliError(`${final.failed} of ${final.total} cases failed or errored`);
  if (final.status !== 'finished') throw new CliError(`the run ended ${final.status}`);
}

interface RecordOptions {
  outcome: string;
  notes?: string;
  evidence?: string[];
  by?: string;
}

/** `shakedown run record RUN CASE --outcome …`: the result of a manual check. */
function registerRecordCommand(run: Command): void {
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
      const session = await openExecution();
      try {
        const r = await session.runs.recordManual({
          run: runRef,
          case: caseRef,
          outcome: opts.outcome as 'passed' | 'failed' | 'skipped',
          notes: opts.notes,
          by: opts.by ?? process.env.USER ?? 'tester',
          evidence,
          artifacts: session.artifacts,
        });
        process.stderr.write(
          `${r.caseKey}: ${r.outcome}${evidence.length ? ` (${evidence.length} evidence files)` : ''}\n`,
        );
      } finally {
        await session.close();
      }
    });
}

/** `shakedown run schedule|schedules|unschedule`: campaigns on a cron schedule, fired by the workers. */
function registerScheduleCommands(run: Command): void {
  run
    .command('schedule')
    .description('run a campaign on a cron schedule (UTC); the workers start it at each tick')
    .argument('<campaign>', 'campaign file')
    .requiredOption('--lab <name>', 'lab to run on')
    .option('--cron <expr>', "5-field cron expression, e.g. '0 3 * * *' (default: the campaign's schedule.cron)")
    .option('--name <name>', 'schedule name (default: the campaign name)')
    .option('--priority <n>', 'queue priority (default: the campaign schedule priority or 0)')
    .action(async (file: string, opts: { lab: string; cron?: string; name?: string; priority?: string }) => {
      const campaign = loadCampaign(file);
      const cron = opts.cron ?? campaign.schedule?.cron;
      if (!cron) throw new CliError('no --cron given and the campaign has no schedule.cron', ExitCode.Usage);
      const priority = opts.priority === undefined ? campaign.schedule?.priority : Number(opts.priority);
      const session = await openExecution();
      try {
        const s = await session.scheduler.upsert({
          name: opts.name ?? campaign.name,
          campaignPath: resolve(file),
          labName: opts.lab,
          cron,
          priority,
        });
        process.stderr.write(`schedule ${s.name}: ${s.cron} (UTC) on lab ${s.labName}, priority ${s.priority}\n`);
      } finally {
        await session.close();
      }
    });

  run
    .command('schedules')
    .description('list the schedules')
    .action(async () => {
      const session = await openExecution();
      try {
        for (const s of await session.scheduler.list()) {
          process.stdout.write(
            `${s.name}\t${s.cron}\t${s.labName}\t${s.campaignPath}\tlast fired ${s.lastFiredAt?.toISOString() ?? 'never'}\n`,
          );
        }
      } finally {
        await session.close();
      }
    });

  run
    .command('unschedule')
    .description('remove a schedule')
    .argument('<name>', 'schedule name')
    .action(async (name: string) => {
      const session = await openExecution();
      try {
        if (!(await session.scheduler.remove(name))) throw new CliError(`no schedule named ${name}`);
        process.stderr.write(`schedule ${name} removed\n`);
      } finally {
        await session.close();
      }
    });
}

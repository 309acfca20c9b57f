import { Command } from 'commander';
import { columns } from 'src/cli/api-client';
import { CliError, ExitCode } from 'src/common/errors/cli-error';
import { AppConfig } from 'src/config/config';
import type { RunSummary } from 'src/reports/read/read-models';
import { withResultsStore } from 'src/reports/results-database';

/** A run as `run list --json` prints it: what CI needs to pick a run, no internals. */
function runView(r: RunSummary, publicUrl: string) {
  return {
    number: r.number,
    status: r.status,
    campaign: r.campaignName,
    release: r.release,
    baseline: r.baselineRelease,
    lab: r.labName,
    simulated: r.simulated,
    origin: r.origin,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    counts: { total: r.counts.total, ...r.counts.byOutcome, ...r.counts.byStatus },
    passRate: r.counts.passRate,
    guestInstalls: r.guestInstalls,
    url: `${publicUrl}/runs/${r.number}`,
  };
}

/** `shakedown run list [--limit N] [--json]`: the newest runs with their state and counts. */
export function registerRunListCommand(run: Command): void {
  run
    .command('list')
    .description('list the newest runs: status, campaign, release, lab, outcomes')
    .option('--limit <n>', 'how many runs (1 to 1000)', '20')
    .option('--json', 'print JSON (one array) instead of a table')
    .action(async (opts: { limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new CliError(`--limit must be a whole number from 1 to 1000, not ${opts.limit}`, ExitCode.Usage);
      }
      const config = AppConfig.fromEnv();
      const runs = await withResultsStore((read) => read.listRuns(limit), config);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(runs.map((r) => runView(r, config.publicUrl)))}\n`);
        return;
      }
      const rows = runs.map((r) => {
        const o = r.counts.byOutcome;
        return [
          String(r.number),
          r.status,
          r.campaignName,
          r.release,
          `${r.labName ?? (r.origin === 'submission' ? 'submission' : '—')}${r.simulated ? ' (simulated)' : ''}`,
          `${o.passed + o.xfailed}/${r.counts.total} passed, ${r.counts.failures} failed`,
          r.createdBy ?? '',
          r.createdAt.toISOString().slice(0, 16).replace('T', ' '),
        ];
      });
      process.stdout.write(
        `${columns([['run', 'status', 'campaign', 'release', 'lab', 'outcomes', 'started by', 'created (UTC)'], ...rows])}\n`,
      );
    });
}

import { Command, Option } from 'commander';
import { CliError, ExitCode } from 'src/common/errors/cli-error';
import { runNumberArg } from 'src/cli/commands/report.command';
import { ComparisonService } from 'src/comparison/comparison.service';
import type { ComparisonReport } from 'src/comparison/comparison.types';
import { formatNumber } from 'src/reports/render/template-helpers';
import { withResultsStore } from 'src/reports/results-database';

type FailOn = 'regressed' | 'inconclusive';

interface CompareOptions {
  json?: boolean;
  inRun?: boolean;
  lastGood?: boolean;
  failOn?: FailOn;
}

/**
 * `shakedown compare RUN1 RUN2`, `compare RUN --in-run`, `compare RUN --last-good`: verdicts per
 * case and metric plus the cases whose outcome changed; `--fail-on` turns them into an exit code for CI.
 */
export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description(
      'compare baseline and candidate: outcome changes, then median, Δ% with its 95 % interval, p-value and verdict per case and metric',
    )
    .argument('<baseline>', 'baseline run number (with --in-run or --last-good: the run)')
    .argument('[candidate]', 'candidate run number')
    .option('--in-run', "compare the two releases inside one run (cases with a 'release' parameter)")
    .option('--last-good', 'compare each case of the run with the last run in which it passed')
    .addOption(
      new Option(
        '--fail-on <what>',
        'exit 1 when any case or metric regressed (a passed case that now fails counts); inconclusive: also when any is inconclusive',
      ).choices(['regressed', 'inconclusive']),
    )
    .option('--json', 'print the comparison as JSON')
    .action(async (baseline: string, candidate: string | undefined, opts: CompareOptions) => {
      const report = await withResultsStore((read) => {
        const service = new ComparisonService(read);
        const run = runNumberArg(baseline, candidate === undefined ? 'RUN' : 'BASELINE');
        if (opts.inRun || opts.lastGood) {
          if (candidate !== undefined || (opts.inRun && opts.lastGood)) {
            throw new CliError('--in-run and --last-good take one run and exclude each other', ExitCode.Usage);
          }
          return opts.inRun ? service.compareReleasesInRun(run) : service.compareWithLastGood(run);
        }
        if (candidate === undefined) {
          throw new CliError('give two runs (baseline candidate), or one with --in-run or --last-good', ExitCode.Usage);
        }
        return service.compareRuns(run, runNumberArg(candidate, 'CANDIDATE'));
      });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : comparisonTable(report));
      const failing = gateFailures(report, opts.failOn);
      if (failing) throw new CliError(`--fail-on ${opts.failOn}: ${failing}`, ExitCode.Failure);
    });
}

/** What makes `--fail-on` fail, as a phrase ("2 regressed"), or null when the gate passes. */
function gateFailures(report: ComparisonReport, failOn: FailOn | undefined): string | null {
  if (!failOn) return null;
  const counts = report.verdictCounts;
  const parts = [
    counts.regressed > 0 ? `${counts.regressed} regressed` : '',
    failOn === 'inconclusive' && counts.inconclusive > 0 ? `${counts.inconclusive} inconclusive` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

/** The terminal output: warnings, new failures and other outcome changes, then one line per case and metric. */
function comparisonTable(report: ComparisonReport): string {
  const pct = (v: number | null): string => (v === null ? '—' : `${v > 0 ? '+' : ''}${v.toFixed(1)}%`);
  const header = ['verdict', 'case', 'metric', 'baseline', 'candidate', 'Δ%', '95% CI', 'p', 'n', 'note'];
  const outcomeLines = report.outcomeChanges.map((c) => [
    c.kind === 'new-failure' ? 'regressed' : c.kind === 'fixed' ? 'improved' : 'changed',
    c.key,
    '(outcome)',
    c.baseline ?? '—',
    c.candidate ?? '—',
    '',
    '',
    '',
    '',
    c.kind,
  ]);
  const metricLines = report.rows.map((r) => [
    r.verdict,
    r.key,
    `${r.metric} (${r.unit})`,
    formatNumber(r.baseline?.median),
    formatNumber(r.candidate?.median),
    pct(r.deltaPct),
    r.ciLow === null || r.ciHigh === null ? '—' : `${pct(r.ciLow)}…${pct(r.ciHigh)}`,
    r.pValue === null ? '—' : r.pValue < 0.001 ? '<0.001' : r.pValue.toFixed(3),
    `${r.baseline?.n ?? 0}/${r.candidate?.n ?? 0}`,
    [
      r.largeInconclusive ? 'LARGE' : '',
      r.samplesNeeded !== null ? `needs ${r.samplesNeeded}/side` : '',
      r.noisy ? 'noisy' : '',
    ]
      .filter(Boolean)
      .join(' '),
  ]);
  // New failures lead, then regressed metrics, then the rest (rows arrive sorted for attention).
  const newFailures = outcomeLines.filter((l) => l[0] === 'regressed');
  const otherOutcomes = outcomeLines.filter((l) => l[0] !== 'regressed');
  const lines = [...newFailures, ...metricLines.filter((l) => l[0] === 'regressed'), ...otherOutcomes];
  lines.push(...metricLines.filter((l) => l[0] !== 'regressed'));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const counts = Object.entries(report.verdictCounts)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  return [
    `${report.baseline.label} → ${report.candidate.label}${report.simulated ? '  [SIMULATED]' : ''}`,
    fmt(header),
    ...lines.map(fmt),
    `${report.rows.length} comparisons, ${report.outcomeChanges.length} outcome changes: ${counts || 'none'}`,
    ...report.warnings.map((w) => `warning: ${w}`),
    '',
  ].join('\n');
}

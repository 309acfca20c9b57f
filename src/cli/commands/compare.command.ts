import { Command } from 'commander';
import { runNumberArg } from 'src/cli/commands/report.command';
import { ComparisonService } from 'src/comparison/comparison.service';
import type { ComparisonReport } from 'src/comparison/comparison.types';
import { formatNumber } from 'src/reports/render/template-helpers';
import { withResultsStore } from 'src/reports/results-database';

/** `shakedown compare RUN1 RUN2 [--json]`: verdicts per case and metric, baseline RUN1, candidate RUN2. */
export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description(
      'compare two runs (baseline first): median, Δ% with its 95 % interval, p-value and verdict per case and metric',
    )
    .argument('<baseline>', 'baseline run number')
    .argument('<candidate>', 'candidate run number')
    .option('--json', 'print the comparison as JSON')
    .action(async (baseline: string, candidate: string, opts: { json?: boolean }) => {
      const b = runNumberArg(baseline, 'BASELINE');
      const c = runNumberArg(candidate, 'CANDIDATE');
      const report = await withResultsStore((read) => new ComparisonService(read).compareRuns(b, c));
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : comparisonTable(report));
    });
}

/** The terminal table: one line per case and metric, regressions first. */
export function comparisonTable(report: ComparisonReport): string {
  const order = { regressed: 0, improved: 1, inconclusive: 2, unchanged: 3, missing: 4 } as const;
  const rows = [...report.rows].sort((a, b) => order[a.verdict] - order[b.verdict] || a.key.localeCompare(b.key));
  const pct = (v: number | null): string => (v === null ? '—' : `${v > 0 ? '+' : ''}${v.toFixed(1)}%`);
  const header = ['verdict', 'case', 'metric', 'baseline', 'candidate', 'Δ%', '95% CI', 'p', 'noisy'];
  const lines = rows.map((r) => [
    r.verdict,
    r.key,
    `${r.metric} (${r.unit})`,
    formatNumber(r.baseline?.median),
    formatNumber(r.candidate?.median),
    pct(r.deltaPct),
    r.ciLow === null || r.ciHigh === null ? '—' : `${pct(r.ciLow)}…${pct(r.ciHigh)}`,
    r.pValue === null ? '—' : r.pValue < 0.001 ? '<0.001' : r.pValue.toFixed(3),
    r.noisy ? 'noisy' : '',
  ]);
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
    `${rows.length} comparisons: ${counts || 'none'}`,
    '',
  ].join('\n');
}

import type { ComparisonRow, ComparisonSide } from 'src/comparison/comparison.types';

/**
 * What a reader must know before trusting a comparison's verdicts: rows whose sample sizes can never
 * reach significance (and how many repetitions would), large changes left inconclusive, and sides
 * measured on different hardware classes.
 */
export function comparisonWarnings(
  rows: readonly ComparisonRow[],
  baseline: Pick<ComparisonSide, 'hardwareClasses'>,
  candidate: Pick<ComparisonSide, 'hardwareClasses'>,
): string[] {
  const warnings: string[] = [];
  const underpowered = rows.filter((r) => r.samplesNeeded !== null && r.status === 'compared');
  if (underpowered.length > 0) {
    const need = Math.max(...underpowered.map((r) => r.samplesNeeded!));
    const sizes = [...new Set(underpowered.map((r) => `${r.baseline?.n ?? 0} vs ${r.candidate?.n ?? 0}`))].join(', ');
    warnings.push(
      `${underpowered.length} ${underpowered.length === 1 ? 'comparison' : 'comparisons'} cannot reach significance ` +
        `with ${sizes} samples, whatever the numbers: repeat each case at least ${need} times per side ` +
        `(a suite's 'repeat: ${need}')`,
    );
  }
  const large = rows.filter((r) => r.largeInconclusive);
  if (large.length > 0) {
    const top = large.reduce((a, r) => (Math.abs(r.deltaPct ?? 0) > Math.abs(a.deltaPct ?? 0) ? r : a));
    warnings.push(
      `${large.length} inconclusive ${large.length === 1 ? 'change is' : 'changes are'} at least the minimum effect ` +
        `(largest ${signedPct(top.deltaPct ?? 0)}, ${top.key} ${top.metric}): listed first, worth more repetitions`,
    );
  }
  const b = baseline.hardwareClasses ?? [];
  const c = candidate.hardwareClasses ?? [];
  if (b.length > 0 && c.length > 0 && b.join('|') !== c.join('|')) {
    warnings.push(
      `different hardware: baseline on ${b.join(', ')}, candidate on ${c.join(', ')}; ` +
        'a change may come from the hardware rather than the release',
    );
  }
  return warnings;
}

function signedPct(v: number): string {
  return `${v > 0 ? '+' : ''}${v.toFixed(1)} %`;
}

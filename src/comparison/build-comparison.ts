import { comparableKey } from 'src/comparison/comparable-key';
import type { ComparisonRow, OutcomeChange, SideStats } from 'src/comparison/comparison.types';
import { policyRulesFromSettings } from 'src/comparison/thresholds';
import type { ComparableMeasurement } from 'src/reports/read/read-models';
import { compareSamples, policyFor } from 'src/results/stats/compare';
import type { ComparePolicy, Verdict } from 'src/results/stats/compare';
import { summarize } from 'src/results/stats/summary';

interface Pooled {
  key: string;
  caseHash: string;
  metric: string;
  unit: string;
  direction: ComparableMeasurement['direction'];
  samples: number[];
  settings: Record<string, unknown>;
  simulated: boolean;
}

/**
 * Lines baseline and candidate measurements up by case key (minus `release`) and metric and
 * compares each pair with the statistics of `src/results/stats`. The minimum effect of a metric
 * comes from the case's `thresholds` setting (default 10 %). Rows are sorted by key, then metric.
 */
export function buildComparisonRows(
  baseline: readonly ComparableMeasurement[],
  candidate: readonly ComparableMeasurement[],
  basePolicy: Partial<ComparePolicy> = {},
): ComparisonRow[] {
  const b = pool(baseline);
  const c = pool(candidate);
  const ids = [...new Set([...b.keys(), ...c.keys()])].sort();
  return ids.map((id) => {
    const bb = b.get(id);
    const cc = c.get(id);
    const ref = (cc ?? bb)!;
    const policy = policyFor(ref.metric, policyRulesFromSettings(ref.settings), basePolicy);
    const common = {
      key: ref.key,
      caseHash: ref.caseHash,
      baselineCaseHash: bb?.caseHash ?? null,
      metric: ref.metric,
      unit: ref.unit,
      direction: ref.direction,
      minEffectPct: policy.minEffectPct,
      simulated: Boolean(bb?.simulated || cc?.simulated),
    };
    if (!bb || !cc || bb.unit !== cc.unit || bb.direction !== cc.direction) {
      const mismatch = Boolean(bb && cc);
      return {
        ...common,
        status: mismatch ? 'incomparable' : bb ? 'only-baseline' : 'only-candidate',
        baseline: bb ? stats(bb.samples) : null,
        candidate: cc ? stats(cc.samples) : null,
        deltaPct: null,
        ciLow: null,
        ciHigh: null,
        ciLevel: null,
        pValue: null,
        verdict: mismatch ? 'inconclusive' : 'missing',
        reason: mismatch ? 'unit-mismatch' : 'one-side-only',
        noisy: false,
        samplesNeeded: null,
        largeInconclusive: false,
      };
    }
    const cmp = compareSamples(
      { metric: ref.metric, direction: ref.direction, baseline: bb.samples, candidate: cc.samples, seedKey: ref.key },
      policy,
    );
    return {
      ...common,
      status: 'compared',
      baseline: stats(bb.samples),
      candidate: stats(cc.samples),
      deltaPct: cmp.deltaPct,
      ciLow: cmp.interval?.low ?? null,
      ciHigh: cmp.interval?.high ?? null,
      ciLevel: cmp.interval?.level ?? null,
      pValue: cmp.pValue,
      verdict: cmp.verdict,
      reason: cmp.reason,
      noisy: cmp.noisy,
      samplesNeeded: cmp.samplesNeeded,
      largeInconclusive:
        cmp.verdict === 'inconclusive' && cmp.deltaPct !== null && Math.abs(cmp.deltaPct) >= policy.minEffectPct,
    };
  });
}

const ATTENTION = { regressed: 0, large: 1, improved: 2, inconclusive: 3, unchanged: 4, missing: 5 } as const;

/**
 * The order a reader should look at rows in: regressions, then inconclusive changes of at least the
 * minimum effect (more repetitions may turn them into regressions), improvements, the rest; the
 * largest change first within each group, then by key.
 */
export function byAttention(a: ComparisonRow, b: ComparisonRow): number {
  const rank = (r: ComparisonRow): number => (r.largeInconclusive ? ATTENTION.large : ATTENTION[r.verdict]);
  const size = (r: ComparisonRow): number => Math.abs(r.deltaPct ?? 0);
  return rank(a) - rank(b) || size(b) - size(a) || a.key.localeCompare(b.key) || a.metric.localeCompare(b.metric);
}

/** Verdicts per row, plus one per outcome change: a new failure is a regression, a fix an improvement. */
export function countVerdicts(
  rows: readonly ComparisonRow[],
  outcomeChanges: readonly Pick<OutcomeChange, 'kind'>[] = [],
): Record<Verdict | 'missing', number> {
  const counts: Record<Verdict | 'missing', number> = {
    improved: 0,
    regressed: 0,
    unchanged: 0,
    inconclusive: 0,
    missing: 0,
  };
  for (const r of rows) counts[r.verdict] += 1;
  for (const c of outcomeChanges) {
    if (c.kind === 'new-failure') counts.regressed += 1;
    else if (c.kind === 'fixed') counts.improved += 1;
  }
  return counts;
}

function pool(items: readonly ComparableMeasurement[]): Map<string, Pooled> {
  const out = new Map<string, Pooled>();
  for (const m of items) {
    const key = comparableKey(m.scenario, m.params);
    const id = `${key}\u0000${m.metric}`;
    const samples = m.samples.length > 0 ? m.samples : [m.value];
    const entry = out.get(id);
    if (entry) entry.samples.push(...samples);
    else {
      out.set(id, {
        key,
        caseHash: m.caseHash,
        metric: m.metric,
        unit: m.unit,
        direction: m.direction,
        samples: [...samples],
        settings: m.settings,
        simulated: m.simulated,
      });
    }
  }
  return out;
}

function stats(samples: number[]): SideStats | null {
  const finite = samples.filter(Number.isFinite);
  if (finite.length === 0) return null;
  const s = summarize(finite);
  return {
    n: s.n,
    median: s.median,
    mean: s.mean,
    stddev: s.stddev,
    cvPct: Number.isNaN(s.cv) ? null : s.cv * 100,
    min: s.min,
    max: s.max,
    samples,
  };
}

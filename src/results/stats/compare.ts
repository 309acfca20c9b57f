import { globRegExp } from 'src/common/glob';
import type { Direction } from 'src/results/outcome';
import { bootstrapDeltaPctInterval } from 'src/results/stats/bootstrap';
import type { Interval } from 'src/results/stats/bootstrap';
import { mannWhitneyU } from 'src/results/stats/mann-whitney';
import { samplesNeededPerSide, smallestPossibleP } from 'src/results/stats/power';
import { mulberry32, seedFromString } from 'src/common/random';
import { summarize } from 'src/results/stats/summary';
import type { SampleSummary } from 'src/results/stats/summary';

export type Verdict = 'improved' | 'regressed' | 'unchanged' | 'inconclusive';

/** Why a verdict came out as it did, for the report's tooltip and for tests. */
export type VerdictReason =
  | 'significant-change' // significant and at least the minimum effect
  | 'below-minimum-effect' // significant but smaller than the minimum effect: real, too small to matter
  | 'within-minimum-effect' // not significant, and the interval rules out a change of the minimum effect
  | 'too-few-samples'
  | 'too-noisy' // not significant, and the interval still allows a change of the minimum effect
  | 'underpowered' // not significant, and with these sample sizes the test could never be (see samplesNeeded)
  | 'zero-baseline'
  | 'non-finite-samples';

export interface ComparePolicy {
  /** Significance level of the two-sided test (default 0.05). */
  alpha: number;
  /** Smallest |Δ%| of medians that counts as a change (default 10, like the anchors' tools). */
  minEffectPct: number;
  /**
   * Coefficient of variation (percent) above which a side is flagged noisy (default 5). Between
   * Phoronix's re-run threshold (2.5–3.5 %) and its viewer's "noisy" mark (6 %); at 5 % a 10 %
   * change is still two standard deviations. The flag never hides a result.
   */
  noisyCvPct: number;
  /** Fewer samples than this on either side gives "inconclusive" (default 3). */
  minSamples: number;
  /** Bootstrap resamples (default 2000) and confidence level of the interval (default 0.95). */
  resamples: number;
  confidence: number;
}

const DEFAULT_POLICY: ComparePolicy = {
  alpha: 0.05,
  minEffectPct: 10,
  noisyCvPct: 5,
  minSamples: 3,
  resamples: 2000,
  confidence: 0.95,
};

export interface Comparison {
  metric: string;
  direction: Direction;
  baseline: SampleSummary & { samples: number[] };
  candidate: SampleSummary & { samples: number[] };
  /** 100 · (median(candidate) / median(baseline) − 1); null when the baseline median is 0. */
  deltaPct: number | null;
  /** Bootstrap interval of deltaPct; null when it cannot be computed (too few samples, zero baseline). */
  interval: Interval | null;
  /** Two-sided Mann-Whitney p-value; null with too few samples. */
  pValue: number | null;
  verdict: Verdict;
  reason: VerdictReason;
  /** Either side's CV is above the policy's threshold. */
  noisy: boolean;
  /**
   * Samples per side with which p < alpha becomes reachable, when these sample sizes cannot reach
   * it (3 vs 3 → 4 at alpha 0.05); null when they can.
   */
  samplesNeeded: number | null;
  policy: ComparePolicy;
}

interface CompareInput {
  metric: string;
  direction: Direction;
  baseline: readonly number[];
  candidate: readonly number[];
  /** Seed for the bootstrap; defaults to a hash of `seedKey` or the metric, so reruns agree. */
  seed?: number;
  seedKey?: string;
}

/** Compares one metric's baseline samples with its candidate samples. */
export function compareSamples(input: CompareInput, policy: Partial<ComparePolicy> = {}): Comparison {
  const p: ComparePolicy = { ...DEFAULT_POLICY, ...policy };
  const { baseline, candidate, metric, direction } = input;
  if (baseline.length === 0 || candidate.length === 0) {
    throw new RangeError(`compareSamples(${metric}): both sides need at least one sample`);
  }
  const base = { ...summarize(baseline), samples: [...baseline] };
  const cand = { ...summarize(candidate), samples: [...candidate] };
  const noisy = isNoisy(base, p) || isNoisy(cand, p);
  const deltaPct =
    base.median === 0 ? (cand.median === 0 ? 0 : null) : (100 * (cand.median - base.median)) / base.median;
  const reachable = smallestPossibleP(baseline.length, candidate.length) < p.alpha;
  const samplesNeeded = reachable
    ? null
    : samplesNeededPerSide(p.alpha, Math.max(p.minSamples, baseline.length, candidate.length));
  const result = (
    verdict: Verdict,
    reason: VerdictReason,
    pValue: number | null = null,
    interval: Interval | null = null,
  ): Comparison => ({
    metric,
    direction,
    baseline: base,
    candidate: cand,
    deltaPct,
    interval,
    pValue,
    verdict,
    reason,
    noisy,
    samplesNeeded,
    policy: p,
  });

  if (![...baseline, ...candidate].every(Number.isFinite)) return result('inconclusive', 'non-finite-samples');
  if (baseline.length < p.minSamples || candidate.length < p.minSamples) {
    return result('inconclusive', 'too-few-samples');
  }

  const pValue = mannWhitneyU(baseline, candidate).p;
  if (deltaPct === null) return result('inconclusive', 'zero-baseline', pValue);

  const seed = input.seed ?? seedFromString(`${input.seedKey ?? ''}\u0000${metric}`);
  const interval =
    bootstrapDeltaPctInterval(baseline, candidate, {
      resamples: p.resamples,
      level: p.confidence,
      random: mulberry32(seed),
    }) ?? null;

  if (pValue < p.alpha) {
    if (Math.abs(deltaPct) < p.minEffectPct) return result('unchanged', 'below-minimum-effect', pValue, interval);
    const better = direction === 'higher' ? deltaPct > 0 : deltaPct < 0;
    return result(better ? 'improved' : 'regressed', 'significant-change', pValue, interval);
  }
  // Not significant: "unchanged" only when the interval shows a change of the minimum effect is unlikely.
  if (interval && interval.low > -p.minEffectPct && interval.high < p.minEffectPct) {
    return result('unchanged', 'within-minimum-effect', pValue, interval);
  }
  if (!interval && base.median === 0 && cand.median === 0 && base.max === 0 && cand.max === 0) {
    return result('unchanged', 'within-minimum-effect', pValue, interval);
  }
  if (!reachable) return result('inconclusive', 'underpowered', pValue, interval);
  return result('inconclusive', interval ? 'too-noisy' : 'zero-baseline', pValue, interval);
}

function isNoisy(s: SampleSummary, p: ComparePolicy): boolean {
  return s.n > 1 && (Number.isNaN(s.cv) || s.cv * 100 > p.noisyCvPct);
}

/** Per-metric policy overrides; `*` matches any run of characters (`fio.*.clat_p99*_us`). */
export type PolicyRules = readonly { metric: string; policy: Partial<ComparePolicy> }[];

/** The policy for one metric: defaults, then every matching rule in order (later rules win). */
export function policyFor(metric: string, rules: PolicyRules = [], base: Partial<ComparePolicy> = {}): ComparePolicy {
  let p: ComparePolicy = { ...DEFAULT_POLICY, ...base };
  for (const rule of rules) if (globMatch(rule.metric, metric)) p = { ...p, ...rule.policy };
  return p;
}

function globMatch(pattern: string, text: string): boolean {
  return globRegExp(pattern).test(text);
}

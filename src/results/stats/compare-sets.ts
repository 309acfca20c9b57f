import type { Measurement } from 'src/results/outcome';
import { compareSamples, policyFor } from 'src/results/stats/compare';
import type { ComparePolicy, Comparison, PolicyRules } from 'src/results/stats/compare';

interface KeyedMeasurement {
  caseKey: string;
  measurement: Measurement;
}

type MetricComparison =
  | { caseKey: string; metric: string; status: 'compared'; comparison: Comparison }
  /** Present on one side only: shown as such, never silently dropped. */
  | { caseKey: string; metric: string; status: 'only-baseline' | 'only-candidate'; samples: number[] };

/**
 * Lines up baseline and candidate measurements by case key and metric (samples of repeated
 * entries are pooled) and compares each pair. Sorted by case key, then metric.
 */
export function compareMeasurementSets(
  baseline: readonly KeyedMeasurement[],
  candidate: readonly KeyedMeasurement[],
  rules: PolicyRules = [],
  basePolicy: Partial<ComparePolicy> = {},
): MetricComparison[] {
  const b = pool(baseline);
  const c = pool(candidate);
  const keys = [...new Set([...b.keys(), ...c.keys()])].sort();
  return keys.map((key): MetricComparison => {
    const bb = b.get(key);
    const cc = c.get(key);
    const ref = (bb ?? cc)!;
    if (!bb || !cc) {
      return {
        caseKey: ref.caseKey,
        metric: ref.metric,
        status: bb ? 'only-baseline' : 'only-candidate',
        samples: ref.samples,
      };
    }
    if (bb.direction !== cc.direction || bb.unit !== cc.unit) {
      throw new RangeError(
        `${ref.caseKey} ${ref.metric}: baseline is ${bb.unit}/${bb.direction} but candidate is ${cc.unit}/${cc.direction}`,
      );
    }
    const comparison = compareSamples(
      {
        metric: ref.metric,
        direction: bb.direction,
        baseline: bb.samples,
        candidate: cc.samples,
        seedKey: ref.caseKey,
      },
      policyFor(ref.metric, rules, basePolicy),
    );
    return { caseKey: ref.caseKey, metric: ref.metric, status: 'compared', comparison };
  });
}

interface Pooled {
  caseKey: string;
  metric: string;
  unit: string;
  direction: Measurement['direction'];
  samples: number[];
}

function pool(items: readonly KeyedMeasurement[]): Map<string, Pooled> {
  const out = new Map<string, Pooled>();
  for (const { caseKey, measurement: m } of items) {
    const key = `${caseKey}\u0000${m.metric}`;
    const samples = m.samples.length > 0 ? m.samples : [m.value];
    const entry = out.get(key);
    if (entry) entry.samples.push(...samples);
    else out.set(key, { caseKey, metric: m.metric, unit: m.unit, direction: m.direction, samples: [...samples] });
  }
  return out;
}

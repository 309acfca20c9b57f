import type { Random } from 'src/common/random';

// Aliased once: global `Math` lookups are slow inside vm contexts (Jest), and this loop is hot.
const floor = Math.floor;

export interface Interval {
  low: number;
  high: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
}

/**
 * Percentile bootstrap interval of the relative change of medians, in percent:
 * 100 · (median(candidate*) / median(baseline*) − 1), each side resampled on its own.
 * Returns undefined when the baseline median can be 0 in a resample (no relative change exists).
 */
export function bootstrapDeltaPctInterval(
  baseline: readonly number[],
  candidate: readonly number[],
  opts: { resamples: number; level: number; random: Random },
): Interval | undefined {
  const { resamples, level, random } = opts;
  const deltas = new Float64Array(resamples);
  const bufB = new Float64Array(baseline.length);
  const bufC = new Float64Array(candidate.length);
  for (let i = 0; i < resamples; i++) {
    const mb = resampledMedian(baseline, bufB, random);
    const mc = resampledMedian(candidate, bufC, random);
    if (mb === 0) return undefined;
    deltas[i] = (100 * (mc - mb)) / mb;
  }
  deltas.sort();
  const alpha = (1 - level) / 2;
  return { low: quantileOfSorted(deltas, alpha), high: quantileOfSorted(deltas, 1 - alpha), level };
}

function resampledMedian(values: readonly number[], buf: Float64Array, random: Random): number {
  const n = values.length;
  for (let i = 0; i < n; i++) buf[i] = values[floor(random() * n)]!;
  sortInPlace(buf);
  const mid = n >> 1;
  return n % 2 === 1 ? buf[mid]! : (buf[mid - 1]! + buf[mid]!) / 2;
}

// Samples per side are few (3–50 repetitions); insertion sort beats the typed-array builtin there.
function sortInPlace(buf: Float64Array): void {
  if (buf.length > 64) {
    buf.sort();
    return;
  }
  for (let i = 1; i < buf.length; i++) {
    const v = buf[i]!;
    let j = i - 1;
    while (j >= 0 && buf[j]! > v) {
      buf[j + 1] = buf[j]!;
      j--;
    }
    buf[j + 1] = v;
  }
}

/** Linear interpolation between order statistics (type 7, as R and numpy default). */
function quantileOfSorted(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

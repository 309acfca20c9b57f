import { errorFunction } from 'simple-statistics';

interface MannWhitneyResult {
  /** U statistic of the first sample. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  method: 'exact' | 'normal';
}

/** Above this many samples in total, the normal approximation is used (it is good there). */
const EXACT_LIMIT = 50;

/**
 * Two-sided Mann-Whitney U test. Exact for small samples, ties included: the permutation
 * distribution of the rank sum is counted over the actual mid-ranks. Rank-based, so it agrees with
 * a comparison of medians and shrugs off the odd outlier run.
 */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  method: 'auto' | 'exact' | 'normal' = 'auto',
): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('mannWhitneyU: both samples need at least one value');
  const { ranks, tieTerm } = midRanks([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  if (method === 'exact' || (method === 'auto' && n <= EXACT_LIMIT)) {
    return { u, p: exactP(ranks, n1, r1, tieTerm === 0), method: 'exact' };
  }

  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, method: 'normal' };
  const z = (Math.abs(u - mu) - 0.5) / Math.sqrt(variance);
  const p = 2 * (1 - normalCdf(Math.max(z, 0)));
  return { u, p: Math.min(1, p), method: 'normal' };
}

function midRanks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { ranks, tieTerm };
}

/**
 * P(|R − E[R]| ≥ |r1 − E[R]|) over all ways of choosing n1 of the ranks, by dynamic programming on
 * (items chosen, doubled rank sum); doubled so mid-ranks (k + 0.5) stay integers.
 */
function exactP(ranks: readonly number[], n1: number, r1: number, noTies: boolean): number {
  const doubled = ranks.map((r) => Math.round(r * 2));
  const maxSum = doubled.reduce((a, b) => a + b, 0);
  // Without ties the ranks are 1..n whatever the data, so the distribution depends on (n1, n) only.
  const cacheKey = `${n1}/${ranks.length}`;
  let dist = noTies ? tieFreeCache.get(cacheKey) : undefined;
  if (!dist) {
    dist = rankSumDistribution(doubled, n1, maxSum);
    if (noTies) tieFreeCache.set(cacheKey, dist);
  }
  const expected2 = (n1 * maxSum) / ranks.length;
  const observed = Math.abs(Math.round(r1 * 2) - expected2);
  let extreme = 0;
  let total = 0;
  for (let s = 0; s <= maxSum; s++) {
    const c = dist[s]!;
    if (c === 0) continue;
    total += c;
    // A small epsilon so sums equally far from the centre count as "as extreme".
    if (Math.abs(s - expected2) >= observed - 1e-9) extreme += c;
  }
  return Math.min(1, extreme / total);
}

const tieFreeCache = new Map<string, Float64Array>();

function rankSumDistribution(doubled: readonly number[], n1: number, maxSum: number): Float64Array {
  // counts[k][s]: number of subsets of size k with doubled sum s (C(50,25) ≈ 1.3e14 fits a double exactly).
  const counts: Float64Array[] = Array.from({ length: n1 + 1 }, () => new Float64Array(maxSum + 1));
  counts[0]![0] = 1;
  let reach = 0;
  let seen = 0;
  for (const r of doubled) {
    reach += r;
    seen++;
    for (let k = Math.min(n1, seen); k >= 1; k--) {
      const from = counts[k - 1]!;
      const to = counts[k]!;
      for (let s = reach; s >= r; s--) {
        const c = from[s - r]!;
        if (c !== 0) to[s] = to[s]! + c;
      }
    }
  }
  return counts[n1]!;
}

function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/**
 * What a sample size allows the two-sided Mann-Whitney test to conclude at all. With n1 vs n2
 * samples and no ties, the most extreme arrangement (every candidate sample above every baseline
 * one) has probability 2 / C(n1 + n2, n1): no data, however clear, gives a smaller p-value. With
 * 3 vs 3 that is 2/20 = 0.1, so p < 0.05 is out of reach and a +12.8 % change stays inconclusive.
 */

/** Smallest two-sided p-value the exact test can return for these sample sizes (ties only raise it). */
export function smallestPossibleP(n1: number, n2: number): number {
  if (n1 < 1 || n2 < 1) return 1;
  return Math.min(1, 2 / binomial(n1 + n2, Math.min(n1, n2)));
}

/**
 * The fewest samples per side, at least `atLeast`, with which p < alpha is reachable when both
 * sides have that many: 4 for alpha 0.05, 5 for 0.01.
 */
export function samplesNeededPerSide(alpha: number, atLeast = 1): number {
  let n = Math.max(1, atLeast);
  while (smallestPossibleP(n, n) >= alpha) n++;
  return n;
}

/** C(n, k) as a double: exact up to C(56, 28), then close enough for comparing with alpha. */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

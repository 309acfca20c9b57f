/**
 * Algebraic covering arrays of strength 2 that greedy search cannot match:
 * - binary columns (levels ≤ 2): Kleitman–Spencer/Katona. With N rows, k columns fit iff
 *   k ≤ C(N-1, ⌈N/2⌉): row 0 is all zeros, each column is a distinct ⌈N/2⌉-subset of the other N-1
 *   rows. Two equal-size distinct subsets each have a row the other lacks (1/0 and 0/1), and two
 *   subsets larger than half of N-1 rows intersect (1/1). This size is optimal.
 * - orthogonal arrays for a prime q ≥ every level and k ≤ q+1 columns: row (a, b) holds a + i·b mod q
 *   in column i < q and b in column q; every pair of columns sees each value pair exactly once.
 *   Smaller levels take the value mod their level, which keeps every pair.
 */
export function constructCoveringArray(levels: readonly number[], t: number): Int32Array[] | null {
  if (t !== 2 || levels.length < 3) return null;
  const candidates = [binaryArray(levels), orthogonalArray(levels)].filter((r): r is Int32Array[] => r !== null);
  if (candidates.length === 0) return null;
  return candidates.reduce((a, b) => (b.length < a.length ? b : a));
}

function binomial(n: number, r: number): number {
  if (r < 0 || r > n) return 0;
  let result = 1;
  for (let i = 1; i <= r; i++) result = (result * (n - r + i)) / i;
  return Math.round(result);
}

function binaryArray(levels: readonly number[]): Int32Array[] | null {
  if (levels.some((l) => l > 2)) return null;
  const k = levels.length;
  let n = 4;
  while (binomial(n - 1, Math.ceil(n / 2)) < k) n++;
  const weight = Math.ceil(n / 2);
  const subsets: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number): void => {
    if (subsets.length >= k) return;
    if (cur.length === weight) {
      subsets.push([...cur]);
      return;
    }
    for (let r = start; r < n - 1 && subsets.length < k; r++) {
      cur.push(r);
      rec(r + 1);
      cur.pop();
    }
  };
  rec(0);
  const rows = Array.from({ length: n }, () => new Int32Array(k));
  subsets.forEach((subset, c) => {
    for (const r of subset) (rows[r + 1] as Int32Array)[c] = 1 % (levels[c] as number);
  });
  return rows;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

function orthogonalArray(levels: readonly number[]): Int32Array[] | null {
  let q = Math.max(2, ...levels);
  while (!isPrime(q)) q++;
  const k = levels.length;
  if (k > q + 1) return null;
  const rows: Int32Array[] = [];
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      const row = new Int32Array(k);
      for (let c = 0; c < k; c++) {
        const value = c < q ? (a + c * b) % q : b;
        row[c] = value % (levels[c] as number);
      }
      rows.push(row);
    }
  }
  return rows;
}

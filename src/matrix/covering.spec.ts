import fc from 'fast-check';
import { verifyCoverage } from 'src/matrix/coverage';
import { generateCovering } from 'src/matrix/covering';
import { type IndexedModel, compileRule } from 'src/matrix/indexed-model';

function uniform(groups: Array<[number, number]>, rules: string[] = []): IndexedModel {
  const levels = groups.flatMap(([l, n]) => Array.from({ length: n }, () => l));
  const base = {
    names: levels.map((_, i) => `p${i}`),
    values: levels.map((l) => Array.from({ length: l }, (_, v) => `v${v}`)),
    levels,
  };
  return { ...base, constraints: rules.map((r, i) => compileRule(r, base, `c${i}`)) };
}

/** Independent check by brute force: valid rows enumerated, valid tuples read off them. */
function bruteForce(model: IndexedModel, rows: Int32Array[], t: number): { missing: number; invalid: number } {
  const k = model.levels.length;
  const validRows: number[][] = [];
  const row = new Array<number>(k).fill(0);
  const isValid = (r: ArrayLike<number>) => model.constraints.every((c) => c.test(Int32Array.from(r)) === true);
  for (;;) {
    if (isValid(row)) validRows.push([...row]);
    let c = k - 1;
    while (c >= 0 && ++row[c]! >= model.levels[c]!) row[c--] = 0;
    if (c < 0) break;
  }
  const subsets: number[][] = [];
  const rec = (start: number, cur: number[]) => {
    if (cur.length === t) return void subsets.push(cur);
    for (let c = start; c < k; c++) rec(c + 1, [...cur, c]);
  };
  rec(0, []);
  const key = (r: ArrayLike<number>, cols: number[]) => cols.map((c) => `${c}:${r[c]}`).join(',');
  const needed = new Set(validRows.flatMap((r) => subsets.map((s) => key(r, s))));
  for (const r of rows) for (const s of subsets) needed.delete(key(r, s));
  return { missing: needed.size, invalid: rows.filter((r) => !isValid(r)).length };
}

describe('generateCovering', () => {
  it.each([
    ['3^4', [[3, 4]], 9],
    ['3^13', [[3, 13]], 19],
    ['4^15', [[4, 15]], 37],
    ['5^10', [[5, 10]], 45],
    ['10^20', [[10, 20]], 213],
    ['2^100', [[2, 100]], 16],
    [
      '4^15 3^17 2^29',
      [
        [4, 15],
        [3, 17],
        [2, 29],
      ],
      38,
    ],
    [
      '4^1 3^39 2^35',
      [
        [4, 1],
        [3, 39],
        [2, 35],
      ],
      28,
    ],
  ] as Array<[string, Array<[number, number]>, number]>)(
    'covers every pair of %s in no more rows than PICT',
    (_name, groups, pict) => {
      const model = uniform(groups);
      const { rows } = generateCovering(model, { strength: 2, seed: 1 });
      const report = verifyCoverage(model, rows, 2);
      expect(report.invalidRows).toEqual([]);
      expect(report.covered).toBe(report.required);
      expect(report.required).toBeGreaterThan(0);
      expect(rows.length).toBeLessThanOrEqual(pict);
    },
  );

  it('gives the same rows for the same seed', () => {
    const model = uniform([[3, 6]], ['IF p0 == v0 THEN p1 <> v1']);
    const a = generateCovering(model, { strength: 2, seed: 3 }).rows;
    expect(generateCovering(model, { strength: 2, seed: 3 }).rows).toEqual(a);
  });

  it('covers every valid t-tuple of random constrained models and produces no invalid row (property)', () => {
    const modelArb = fc
      .record({
        levels: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 }),
        t: fc.integer({ min: 1, max: 3 }),
        seed: fc.integer({ min: 0, max: 1000 }),
        rules: fc.array(
          fc.record({ a: fc.nat(), av: fc.nat(), b: fc.nat(), bv: fc.nat(), kind: fc.constantFrom('if', 'not', 'or') }),
          { maxLength: 3 },
        ),
        seedRow: fc.option(fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 6, maxLength: 6 })),
      })
      .map(({ levels, t, seed, rules, seedRow }) => {
        const k = levels.length;
        const text = rules.map(({ a, av, b, bv, kind }) => {
          const pa = a % k;
          const pb = b % k;
          const va = `v${av % levels[pa]!}`;
          const vb = `v${bv % levels[pb]!}`;
          if (kind === 'if') return `IF p${pa} == ${va} THEN p${pb} <> ${vb}`;
          if (kind === 'not') return `NOT (p${pa} == ${va} AND p${pb} == ${vb})`;
          return `p${pa} <> ${va} OR p${pb} IN [${vb}]`;
        });
        const row = seedRow ? Int32Array.from(levels, (l, c) => Math.min(seedRow[c]!, l - 1)) : null;
        return {
          model: uniform(
            levels.map((l) => [l, 1] as [number, number]),
            text,
          ),
          t,
          seed,
          row,
        };
      });
    fc.assert(
      fc.property(modelArb, ({ model, t, seed, row }) => {
        let result;
        try {
          result = generateCovering(model, { strength: t, seed, seedRows: row ? [row] : [] });
        } catch (err) {
          // Only a seed row that breaks the constraints may be refused.
          expect((err as Error).message).toMatch(/seed row 1 breaks the constraints/);
          return;
        }
        const brute = bruteForce(model, result.rows, Math.min(t, model.levels.length));
        expect(brute).toEqual({ missing: 0, invalid: 0 });
        const report = verifyCoverage(model, result.rows, t);
        expect(report.covered).toBe(report.required);
        if (row) {
          const first = result.rows[0]!;
          row.forEach((v, c) => v >= 0 && expect(first[c]).toBe(v));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reports missing tuples and invalid rows', () => {
    const model = uniform([[2, 3]], ['p0 <> v1']);
    const report = verifyCoverage(model, [Int32Array.from([0, 0, 0]), Int32Array.from([1, 1, 1])], 2);
    expect(report.invalidRows).toEqual([1]);
    // p0 is pinned to v0: 2 + 2 pairs with p0, 4 between p1 and p2; the valid row covers 3.
    expect(report.required).toBe(8);
    expect(report.covered).toBe(3);
    expect(report.missing).toHaveLength(5);
  });
});

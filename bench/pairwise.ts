/**
 * Pairwise generator vs best-known covering arrays and PICT (orchestration-anchors §7.3).
 * Goal: at most PICT's size on every model, within 20% of the best known on average, < 2 s each.
 * The baseline measured in the same run is a one-candidate greedy (plain AETG-style, no search).
 */
import { generateCovering } from 'src/matrix/covering';
import { verifyCoverage } from 'src/matrix/coverage';
import type { IndexedModel } from 'src/matrix/indexed-model';

interface BenchModel {
  name: string;
  groups: Array<[levels: number, count: number]>;
  best: number;
  pict: number;
}

const MODELS: BenchModel[] = [
  { name: '3^4', groups: [[3, 4]], best: 9, pict: 12 },
  { name: '3^13', groups: [[3, 13]], best: 15, pict: 19 },
  { name: '4^15', groups: [[4, 15]], best: 26, pict: 37 },
  { name: '5^10', groups: [[5, 10]], best: 36, pict: 45 },
  { name: '10^20', groups: [[10, 20]], best: 155, pict: 213 },
  { name: '2^100', groups: [[2, 100]], best: 10, pict: 16 },
  {
    name: '4^15 3^17 2^29',
    groups: [
      [4, 15],
      [3, 17],
      [2, 29],
    ],
    best: 28,
    pict: 38,
  },
  {
    name: '4^1 3^39 2^35',
    groups: [
      [4, 1],
      [3, 39],
      [2, 35],
    ],
    best: 20,
    pict: 28,
  },
];

function modelOf(m: BenchModel): IndexedModel {
  const levels = m.groups.flatMap(([l, n]) => Array.from({ length: n }, () => l));
  return {
    names: levels.map((_, i) => `p${i}`),
    values: levels.map((l) => Array.from({ length: l }, (_, v) => v)),
    levels,
    constraints: [],
  };
}

function timed<T>(fn: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = fn();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

const rows: string[][] = [
  ['model', 'best known', 'PICT', 'baseline', 'ours', 'ours/best', 'ours/PICT', 'ms', 'covered'],
];
let ratioSum = 0;
let worstVsPict = 0;
let maxMs = 0;
let baselineSum = 0;
let allCovered = true;
for (const m of MODELS) {
  const model = modelOf(m);
  const [baseline] = timed(() => generateCovering(model, { strength: 2, seed: 1, candidates: 1, effort: 0 }));
  const [result, ms] = timed(() => generateCovering(model, { strength: 2, seed: 1 }));
  const check = verifyCoverage(model, result.rows, 2);
  const covered = check.covered === check.required && check.invalidRows.length === 0;
  allCovered &&= covered;
  const size = result.rows.length;
  ratioSum += size / m.best;
  baselineSum += baseline.rows.length / m.best;
  worstVsPict = Math.max(worstVsPict, size / m.pict);
  maxMs = Math.max(maxMs, ms);
  rows.push([
    m.name,
    String(m.best),
    String(m.pict),
    String(baseline.rows.length),
    String(size),
    (size / m.best).toFixed(2),
    (size / m.pict).toFixed(2),
    ms.toFixed(0),
    covered ? 'yes' : 'NO',
  ]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((cell, i) => cell.padStart(widths[i]!)).join('  '));
const avg = ratioSum / MODELS.length;
console.log(
  JSON.stringify({
    bench: 'pairwise',
    ratio_vs_floor: Number(avg.toFixed(3)),
    avg_ratio_vs_best: Number(avg.toFixed(3)),
    baseline_avg_ratio_vs_best: Number((baselineSum / MODELS.length).toFixed(3)),
    worst_ratio_vs_pict: Number(worstVsPict.toFixed(3)),
    max_ms: Math.round(maxMs),
    all_covered: allCovered,
    goal_met: allCovered && worstVsPict <= 1 && avg <= 1.2 && maxMs < 2000,
  }),
);

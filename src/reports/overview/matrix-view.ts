import { valueText } from 'src/matrix/canonical';
import type { Value } from 'src/matrix/matrix.types';
import { worstOutcome } from 'src/results/outcome';
import type { CaseRow } from 'src/reports/read/read-models';

interface MatrixAxisInfo {
  name: string;
  valueCount: number;
}

interface MatrixCaseRef {
  caseHash: string;
  caseKey: string;
  state: string;
}

interface MatrixCell {
  /** Outcome (or status while the case has none) that colours the cell: the worst of its cases. */
  state: string;
  total: number;
  ok: number;
  bad: number;
  /** Up to a few cases, for the tooltip and the link of a one-case cell. */
  sample: MatrixCaseRef[];
}

interface MatrixRow {
  value: string;
  cells: Array<MatrixCell | null>;
}

export interface MatrixView {
  axes: MatrixAxisInfo[];
  x: string | null;
  y: string | null;
  xValues: string[];
  rows: MatrixRow[];
}

const MISSING = '—';
const SAMPLE_SIZE = 8;
// A case still without an outcome colours its cell over any success, under any failure.
const PENDING_RANK: Record<string, number> = { running: 3, waiting: 2, queued: 1, pending: 0 };

/** The axes found in the cases' parameters, with the most-valued first (ties by name). */
export function matrixAxes(cases: readonly CaseRow[]): MatrixAxisInfo[] {
  const values = new Map<string, Set<string>>();
  for (const c of cases) {
    for (const [k, v] of Object.entries(c.params)) {
      let set = values.get(k);
      if (!set) values.set(k, (set = new Set()));
      set.add(textOf(v));
    }
  }
  return [...values.entries()]
    .map(([name, set]) => ({ name, valueCount: set.size }))
    .sort((a, b) => b.valueCount - a.valueCount || a.name.localeCompare(b.name));
}

/**
 * The overview matrix: cases placed by two parameter axes (by default the two with the most
 * values), each cell coloured by the worst outcome of its cases.
 */
export function buildMatrix(cases: readonly CaseRow[], choice: { x?: string; y?: string } = {}): MatrixView {
  const axes = matrixAxes(cases);
  const names = axes.map((a) => a.name);
  const x = choice.x && names.includes(choice.x) ? choice.x : (names.find((n) => n !== choice.y) ?? null);
  const y = choice.y && names.includes(choice.y) && choice.y !== x ? choice.y : (names.find((n) => n !== x) ?? null);
  const xOf = (c: CaseRow): string => (x ? axisValue(c, x) : 'all');
  const yOf = (c: CaseRow): string => (y ? axisValue(c, y) : 'all');
  const xValues = sortValues(new Set(cases.map(xOf)));
  const yValues = sortValues(new Set(cases.map(yOf)));
  const xIndex = new Map(xValues.map((v, i) => [v, i]));
  const grid = new Map<string, Array<{ cases: CaseRow[] } | null>>(yValues.map((v) => [v, xValues.map(() => null)]));
  for (const c of cases) {
    const row = grid.get(yOf(c))!;
    const i = xIndex.get(xOf(c))!;
    (row[i] ??= { cases: [] }).cases.push(c);
  }
  return {
    axes,
    x,
    y,
    xValues,
    rows: yValues.map((value) => ({ value, cells: grid.get(value)!.map((cell) => (cell ? summarizeCell(cell.cases) : null)) })),
  };
}

function summarizeCell(cases: CaseRow[]): MatrixCell {
  const outcomes = cases.flatMap((c) => (c.outcome ? [c.outcome] : []));
  const pending = cases.filter((c) => !c.outcome).map((c) => c.status);
  const worst = worstOutcome(outcomes);
  const bad = outcomes.filter((o) => o === 'failed' || o === 'xpassed' || o === 'infra-error').length;
  const ok = outcomes.filter((o) => o === 'passed' || o === 'xfailed').length;
  let state: string = worst ?? 'pending';
  if (pending.length && bad === 0) {
    state = pending.reduce((a, b) => ((PENDING_RANK[b] ?? 0) > (PENDING_RANK[a] ?? 0) ? b : a));
  }
  return {
    state,
    total: cases.length,
    ok,
    bad,
    sample: cases.slice(0, SAMPLE_SIZE).map((c) => ({ caseHash: c.caseHash, caseKey: c.caseKey, state: c.outcome ?? c.status })),
  };
}

function axisValue(c: CaseRow, axis: string): string {
  return axis in c.params ? textOf(c.params[axis]) : MISSING;
}

function textOf(v: unknown): string {
  return valueText((v ?? null) as Value);
}

/** Numbers in numeric order, then text; the "missing" mark last. */
function sortValues(values: Set<string>): string[] {
  return [...values].sort((a, b) => {
    if (a === MISSING || b === MISSING) return a === MISSING ? (b === MISSING ? 0 : 1) : -1;
    const na = Number(a);
    const nb = Number(b);
    if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
    return a.localeCompare(b, 'en', { numeric: true });
  });
}

import { type IndexedModel, canComplete } from 'src/matrix/indexed-model';
import { MatrixError, MatrixErrorCode } from 'src/matrix/matrix.errors';
import { Rng } from 'src/common/random';
import { TupleSpace } from 'src/matrix/tuple-space';
import { constructCoveringArray } from 'src/matrix/constructions';
import { shrinkCovering } from 'src/matrix/shrink';

interface CoveringOptions {
  strength: number;
  /** Rows (value index per axis, -1 = free) that must appear; free cells are filled by the generator. */
  seedRows?: Int32Array[];
  seed?: number;
  /** Candidate rows tried per chosen row; more is slower and usually smaller. */
  candidates?: number;
  /** Work budget of the row-elimination search after the greedy pass (0 = none). */
  effort?: number;
}

interface CoveringResult {
  rows: Int32Array[];
  /** Valid t-tuples; every one of them is in some row. */
  required: number;
}

/** Search budget: enough for the benchmark models to land near the best known sizes well under 2 s. */
const MAX_EFFORT = 15_000_000;
const EFFORT_PER_TUPLE = 5_000;
const UNCOVERED = 0;
const COVERED = 1;
const IMPOSSIBLE = 2;

/**
 * Builds a small set of valid rows covering every valid t-tuple (a t-tuple is valid when some valid
 * complete row contains it). Greedy in the AETG family: each new row starts from an uncovered tuple,
 * the other columns are filled in random order with the value covering most new tuples, several
 * candidates are built and the best kept. Known algebraic constructions are used instead when they
 * are smaller (unconstrained, unseeded models only).
 */
export function generateCovering(model: IndexedModel, options: CoveringOptions): CoveringResult {
  const levels = model.levels;
  const k = levels.length;
  if (k === 0) return { rows: [new Int32Array(0)], required: 0 };
  if (levels.some((l) => l === 0)) return { rows: [], required: 0 };
  const space = new TupleSpace(levels, options.strength);
  const t = space.t;
  const constrained = model.constraints.length > 0;
  const state = new Uint8Array(space.total);
  const scratch = new Int32Array(k);
  let required = space.total;
  if (constrained) {
    for (let j = 0; j < space.comboCount; j++) {
      const end = space.comboOffsets[j + 1] as number;
      for (let idx = space.comboOffsets[j] as number; idx < end; idx++) {
        scratch.fill(-1);
        space.decode(j, idx, scratch);
        if (!canComplete(model, scratch)) {
          state[idx] = IMPOSSIBLE;
          required--;
        }
      }
    }
  }

  const rng = new Rng(options.seed ?? 1);
  const rows: Int32Array[] = [];
  let uncovered = required;

  const gain = (row: Int32Array, c: number, v: number): number => {
    const combos = space.combosByCol[c] as Int32Array;
    row[c] = v;
    let g = 0;
    for (let n = 0; n < combos.length; n++) {
      const idx = space.indexOf(combos[n] as number, row);
      if (idx >= 0 && state[idx] === UNCOVERED) g++;
    }
    row[c] = -1;
    return g;
  };

  const fill = (row: Int32Array, order: number[]): number => {
    let total = 0;
    const ties: number[] = [];
    for (const c of order) {
      if ((row[c] as number) >= 0) continue;
      let best = -1;
      ties.length = 0;
      for (let v = 0; v < (levels[c] as number); v++) {
        if (constrained) {
          row[c] = v;
          const ok = canComplete(model, row);
          row[c] = -1;
          if (!ok) continue;
        }
        const g = gain(row, c, v);
        if (g > best) {
          best = g;
          ties.length = 0;
          ties.push(v);
        } else if (g === best) {
          ties.push(v);
        }
      }
      if (ties.length === 0) throw new MatrixError('no valid value left for a column', MatrixErrorCode.InvalidSpec);
      row[c] = ties.length === 1 ? (ties[0] as number) : (ties[rng.int(ties.length)] as number);
      total += best;
    }
    return total;
  };

  const commit = (row: Int32Array): void => {
    for (let j = 0; j < space.comboCount; j++) {
      const idx = space.indexOf(j, row);
      if (state[idx] === UNCOVERED) {
        state[idx] = COVERED;
        uncovered--;
      }
    }
    rows.push(row);
  };

  const seedCount = (options.seedRows ?? []).length;
  for (const [i, seed] of (options.seedRows ?? []).entries()) {
    const row = Int32Array.from(seed);
    if (!canComplete(model, row)) {
      throw new MatrixError(
        `seed row ${i + 1} breaks the constraints`,
        MatrixErrorCode.SeedRowInvalid,
        `seed_rows[${i}]`,
      );
    }
    fill(
      row,
      levels.map((_, c) => c),
    );
    commit(row);
  }

  const perCandidate = levels.reduce((sum, l, c) => sum + l * (space.combosByCol[c] as Int32Array).length * t, 0);
  const candidates = options.candidates ?? Math.max(3, Math.min(40, Math.floor(400_000 / Math.max(1, perCandidate))));
  const order = levels.map((_, c) => c);
  let pointer = 0;
  const nextUncovered = (from: number): number => {
    for (let n = 0; n < space.total; n++) {
      const idx = (from + n) % space.total;
      if (state[idx] === UNCOVERED) return idx;
    }
    return -1;
  };

  while (uncovered > 0) {
    let best: Int32Array | null = null;
    let bestScore = -1;
    for (let m = 0; m < candidates; m++) {
      const start = m === 0 ? nextUncovered(pointer) : nextUncovered(rng.int(space.total));
      if (m === 0) pointer = start;
      const row = new Int32Array(k).fill(-1);
      space.decode(space.comboOf(start), start, row);
      const score = fill(row, rng.shuffle(order)) + 1;
      if (score > bestScore) {
        bestScore = score;
        best = row;
      }
    }
    commit(best as Int32Array);
  }
  if (!constrained && (options.seedRows ?? []).length === 0) {
    const built = constructCoveringArray(levels, t);
    if (built && built.length <= rows.length) return { rows: built, required };
  }
  const requiredMask = Uint8Array.from(state, (s) => (s === IMPOSSIBLE ? 0 : 1));
  const effort = options.effort ?? Math.min(MAX_EFFORT, EFFORT_PER_TUPLE * required);
  const shrunk = shrinkCovering(
    model,
    space,
    requiredMask,
    rows,
    seedCount,
    rng,
    effort,
    constrained ? 1 : lowerBound(levels, t),
  );
  return { rows: shrunk, required };
}

/** No strength-t array has fewer rows than the product of the t largest levels. */
function lowerBound(levels: readonly number[], t: number): number {
  return [...levels]
    .sort((a, b) => b - a)
    .slice(0, t)
    .reduce((p, l) => p * l, 1);
}

import { type IndexedModel, rowValid } from 'src/matrix/indexed-model';
import type { Rng } from 'src/common/random';
import type { TupleSpace } from 'src/matrix/tuple-space';

const MAX_TUPLES_FOR_SEARCH = 4_000_000;

/**
 * Row elimination by local search, after the greedy pass: drop the row covering the fewest tuples
 * alone, then repeatedly take an uncovered tuple and write it into the row where that costs the
 * fewest other tuples (sometimes a random row, to leave plateaus), until everything is covered
 * again; repeat while the move budget lasts. The budget counts work, not time, so a seed always
 * gives the same rows. Rows below `fixed` (seed rows) are never changed; constraints are checked on
 * every changed row.
 */
export function shrinkCovering(
  model: IndexedModel,
  space: TupleSpace,
  required: Uint8Array,
  start: Int32Array[],
  fixed: number,
  rng: Rng,
  budget: number,
  lowerBound: number,
): Int32Array[] {
  if (space.total > MAX_TUPLES_FOR_SEARCH || start.length <= fixed + 1 || space.t === 0) return start;
  const t = space.t;
  const k = model.levels.length;
  const constrained = model.constraints.length > 0;
  const rows = start.map((r) => Int32Array.from(r));
  let best = start;
  const cnt = new Int32Array(space.total);
  for (const row of rows) for (let j = 0; j < space.comboCount; j++) cnt[space.indexOf(j, row)]!++;

  const list = new Int32Array(space.total);
  const pos = new Int32Array(space.total).fill(-1);
  let listLen = 0;
  const addUncovered = (idx: number): void => {
    pos[idx] = listLen;
    list[listLen++] = idx;
  };
  const removeUncovered = (idx: number): void => {
    const p = pos[idx] as number;
    const last = list[--listLen] as number;
    list[p] = last;
    pos[last] = p;
    pos[idx] = -1;
  };

  const stamp = new Int32Array(space.comboCount);
  let epoch = 0;
  const scratch = new Int32Array(k);
  const tupleCols = new Int32Array(t);
  const tupleVals = new Int32Array(t);
  let ops = 0;

  /** Net change in uncovered tuples if row r took the tuple's values (scratch holds the new row). */
  const delta = (row: Int32Array): number => {
    epoch++;
    let d = 0;
    for (let i = 0; i < t; i++) {
      const c = tupleCols[i] as number;
      if (row[c] === scratch[c]) continue;
      const combos = space.combosByCol[c] as Int32Array;
      ops += combos.length;
      for (let n = 0; n < combos.length; n++) {
        const j = combos[n] as number;
        if (stamp[j] === epoch) continue;
        stamp[j] = epoch;
        const oldIdx = space.indexOf(j, row);
        const newIdx = space.indexOf(j, scratch);
        if (cnt[oldIdx] === 1 && required[oldIdx] === 1) d++;
        if (cnt[newIdx] === 0 && required[newIdx] === 1) d--;
      }
    }
    return d;
  };

  const apply = (row: Int32Array): void => {
    epoch++;
    for (let i = 0; i < t; i++) {
      const c = tupleCols[i] as number;
      if (row[c] === scratch[c]) continue;
      const combos = space.combosByCol[c] as Int32Array;
      for (let n = 0; n < combos.length; n++) {
        const j = combos[n] as number;
        if (stamp[j] === epoch) continue;
        stamp[j] = epoch;
        const oldIdx = space.indexOf(j, row);
        const newIdx = space.indexOf(j, scratch);
        if (--cnt[oldIdx]! === 0 && required[oldIdx] === 1) addUncovered(oldIdx);
        if (cnt[newIdx]!++ === 0 && required[newIdx] === 1) removeUncovered(newIdx);
      }
    }
    row.set(scratch);
  };

  const candidates: number[] = [];
  while (ops < budget && rows.length > fixed + 1 && rows.length > lowerBound) {
    // Remove the mutable row that alone covers the fewest tuples.
    let victim = -1;
    let fewest = Infinity;
    for (let r = fixed; r < rows.length; r++) {
      const row = rows[r] as Int32Array;
      let unique = 0;
      for (let j = 0; j < space.comboCount; j++) {
        const idx = space.indexOf(j, row);
        if (cnt[idx] === 1 && required[idx] === 1) unique++;
      }
      ops += space.comboCount;
      if (unique < fewest) {
        fewest = unique;
        victim = r;
      }
    }
    const removed = rows.splice(victim, 1)[0] as Int32Array;
    for (let j = 0; j < space.comboCount; j++) {
      const idx = space.indexOf(j, removed);
      if (--cnt[idx]! === 0 && required[idx] === 1) addUncovered(idx);
    }
    while (listLen > 0 && ops < budget) {
      const target = list[rng.int(listLen)] as number;
      const j = space.comboOf(target);
      for (let i = 0; i < t; i++) tupleCols[i] = space.comboCols[j * t + i] as number;
      scratch.fill(-1);
      space.decode(j, target, scratch);
      for (let i = 0; i < t; i++) tupleVals[i] = scratch[tupleCols[i] as number] as number;
      let bestDelta = Infinity;
      candidates.length = 0;
      const randomMove = rng.next() < 0.1;
      for (let r = fixed; r < rows.length; r++) {
        const row = rows[r] as Int32Array;
        scratch.set(row);
        for (let i = 0; i < t; i++) scratch[tupleCols[i] as number] = tupleVals[i] as number;
        if (constrained && !rowValid(model, scratch)) continue;
        if (randomMove) {
          candidates.push(r);
          continue;
        }
        const d = delta(row);
        if (d < bestDelta) {
          bestDelta = d;
          candidates.length = 0;
          candidates.push(r);
        } else if (d === bestDelta) {
          candidates.push(r);
        }
      }
      ops += rows.length;
      if (candidates.length === 0) continue;
      const row = rows[candidates[rng.int(candidates.length)] as number] as Int32Array;
      scratch.set(row);
      for (let i = 0; i < t; i++) scratch[tupleCols[i] as number] = tupleVals[i] as number;
      apply(row);
    }
    if (listLen > 0) break;
    best = rows.map((r) => Int32Array.from(r));
  }
  return best;
}

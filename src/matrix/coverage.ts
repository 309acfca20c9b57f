import { type IndexedModel, canComplete, rowValid } from 'src/matrix/indexed-model';
import type { Coverage } from 'src/matrix/matrix.types';
import { TupleSpace } from 'src/matrix/tuple-space';

interface CoverageReport extends Coverage {
  /** Up to 20 valid tuples no row contains, as axis → value index maps. */
  missing: Array<Record<string, number>>;
  /** Indexes of rows that break a constraint (or hold an out-of-range value). */
  invalidRows: number[];
}

/**
 * Checks a row set against a model: which valid t-tuples it covers and which rows are invalid.
 * Used by the tests on every generated set and by `campaign expand` to print the coverage.
 */
export function verifyCoverage(model: IndexedModel, rows: readonly Int32Array[], strength: number): CoverageReport {
  const space = new TupleSpace(model.levels, strength);
  const seen = new Uint8Array(space.total);
  const invalidRows: number[] = [];
  rows.forEach((row, r) => {
    const inRange =
      row.length === model.levels.length && row.every((v, c) => v >= 0 && v < (model.levels[c] as number));
    if (!inRange || !rowValid(model, row)) {
      invalidRows.push(r);
      return;
    }
    for (let j = 0; j < space.comboCount; j++) seen[space.indexOf(j, row)] = 1;
  });
  let required = 0;
  let covered = 0;
  const missing: Array<Record<string, number>> = [];
  const scratch = new Int32Array(model.levels.length);
  const constrained = model.constraints.length > 0;
  for (let j = 0; j < space.comboCount; j++) {
    const end = space.comboOffsets[j + 1] as number;
    for (let idx = space.comboOffsets[j] as number; idx < end; idx++) {
      if (seen[idx] === 1) {
        required++;
        covered++;
        continue;
      }
      scratch.fill(-1);
      space.decode(j, idx, scratch);
      if (constrained && !canComplete(model, scratch)) continue;
      required++;
      if (missing.length < 20) {
        const tuple: Record<string, number> = {};
        scratch.forEach((v, c) => {
          if (v >= 0) tuple[model.names[c] as string] = v;
        });
        missing.push(tuple);
      }
    }
  }
  const t = space.t;
  return { strength: t, required, covered, ratio: required === 0 ? 1 : covered / required, missing, invalidRows };
}

/**
 * Number of valid t-tuples of a model (contained in some valid row), from the tuple space alone:
 * a full expansion covers all of them by definition, so it needs no pass over its rows.
 */
export function countValidTuples(model: IndexedModel, strength: number): { strength: number; required: number } {
  const space = new TupleSpace(model.levels, strength);
  if (model.constraints.length === 0) return { strength: space.t, required: space.total };
  const scratch = new Int32Array(model.levels.length);
  let required = 0;
  for (let j = 0; j < space.comboCount; j++) {
    const end = space.comboOffsets[j + 1] as number;
    for (let idx = space.comboOffsets[j] as number; idx < end; idx++) {
      scratch.fill(-1);
      space.decode(j, idx, scratch);
      if (canComplete(model, scratch)) required++;
    }
  }
  return { strength: space.t, required };
}

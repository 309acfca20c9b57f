import { MatrixError, MatrixErrorCode } from 'src/matrix/matrix.errors';

const MAX_TUPLES = 50_000_000;

/**
 * All t-tuples of a model laid out flat: one block per t-subset of columns ("combo"), one slot per
 * value tuple in mixed radix. Generator and verifier both index tuples through it.
 */
export class TupleSpace {
  readonly t: number;
  readonly comboCount: number;
  /** comboCols[j*t + i]: the i-th column of combo j (ascending). */
  readonly comboCols: Int32Array;
  readonly comboStrides: Int32Array;
  readonly comboOffsets: Float64Array;
  readonly total: number;
  /** For each column, the combos containing it. */
  readonly combosByCol: Int32Array[];

  constructor(
    readonly levels: readonly number[],
    strength: number,
  ) {
    const k = levels.length;
    this.t = Math.max(0, Math.min(strength, k));
    const t = this.t;
    const combos: number[][] = [];
    if (t > 0) {
      const cur: number[] = [];
      const rec = (start: number): void => {
        if (cur.length === t) {
          combos.push([...cur]);
          if (combos.length > MAX_TUPLES) {
            throw new MatrixError('too many column combinations', MatrixErrorCode.TooLarge);
          }
          return;
        }
        for (let c = start; c <= k - (t - cur.length); c++) {
          cur.push(c);
          rec(c + 1);
          cur.pop();
        }
      };
      rec(0);
    }
    this.comboCount = combos.length;
    this.comboCols = new Int32Array(combos.length * t);
    this.comboStrides = new Int32Array(combos.length * t);
    this.comboOffsets = new Float64Array(combos.length + 1);
    const byCol: number[][] = levels.map(() => []);
    let offset = 0;
    combos.forEach((cols, j) => {
      let stride = 1;
      for (let i = t - 1; i >= 0; i--) {
        const c = cols[i] as number;
        this.comboCols[j * t + i] = c;
        this.comboStrides[j * t + i] = stride;
        stride *= levels[c] as number;
        (byCol[c] as number[]).push(j);
      }
      this.comboOffsets[j] = offset;
      offset += stride;
      if (offset > MAX_TUPLES) {
        throw new MatrixError(
          `more than ${MAX_TUPLES} ${t}-tuples to cover: lower the strength`,
          MatrixErrorCode.TooLarge,
        );
      }
    });
    this.comboOffsets[combos.length] = offset;
    this.total = offset;
    this.combosByCol = byCol.map((l) => Int32Array.from(l));
  }

  /** Slot of combo j's tuple in a complete (or sufficiently assigned) row; -1 if a column is unassigned. */
  indexOf(j: number, row: Int32Array): number {
    const t = this.t;
    let idx = this.comboOffsets[j] as number;
    for (let i = 0; i < t; i++) {
      const v = row[this.comboCols[j * t + i] as number] as number;
      if (v < 0) return -1;
      idx += v * (this.comboStrides[j * t + i] as number);
    }
    return idx;
  }

  /** Writes the values of tuple slot `idx` of combo j into row. */
  decode(j: number, idx: number, row: Int32Array): void {
    const t = this.t;
    let rest = idx - (this.comboOffsets[j] as number);
    for (let i = 0; i < t; i++) {
      const stride = this.comboStrides[j * t + i] as number;
      row[this.comboCols[j * t + i] as number] = Math.floor(rest / stride);
      rest %= stride;
    }
  }

  /** Combo that owns tuple slot idx (binary search on offsets). */
  comboOf(idx: number): number {
    let lo = 0;
    let hi = this.comboCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.comboOffsets[mid] as number) <= idx) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

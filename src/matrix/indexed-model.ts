import { valueEquals, valueText } from 'src/matrix/canonical';
import { type Expr, leafHolds, lookup, parseExpression } from 'src/matrix/expression';
import { MatrixError, MatrixErrorCode } from 'src/matrix/matrix.errors';
import type { Params, Value } from 'src/matrix/matrix.types';

/** Kleene three-valued test on a partial row (-1 = not assigned yet): undefined means "cannot tell yet". */
type RowTest = (row: Int32Array) => boolean | undefined;

interface CompiledConstraint {
  /** Axis indexes the constraint reads: the search only branches on these. */
  columns: number[];
  test: RowTest;
  where: string;
}

/**
 * The matrix in index form: axis i has values[i], a row holds one value index per axis. Exclude
 * entries become constraints too, so reductions honour them like any other rule.
 */
export interface IndexedModel {
  names: string[];
  values: Value[][];
  levels: number[];
  constraints: CompiledConstraint[];
}

/** Splits `name` into an axis index and a field path inside that axis's object values. */
function resolveName(names: string[], name: string, offset: number, where: string): { axis: number; path: string[] } {
  const direct = names.indexOf(name);
  if (direct >= 0) return { axis: direct, path: [] };
  const parts = name.split('.');
  for (let split = parts.length - 1; split >= 1; split--) {
    const axis = names.indexOf(parts.slice(0, split).join('.'));
    if (axis >= 0) return { axis, path: parts.slice(split) };
  }
  throw new MatrixError(
    `unknown parameter '${name}' (axes: ${names.join(', ') || 'none'})`,
    MatrixErrorCode.UnknownParameter,
    where,
    offset,
  );
}

function compileExpr(
  expr: Expr,
  model: Omit<IndexedModel, 'constraints'>,
  where: string,
  columns: Set<number>,
): RowTest {
  switch (expr.kind) {
    case 'const': {
      const v = expr.value;
      return () => v;
    }
    case 'not': {
      const arg = compileExpr(expr.arg, model, where, columns);
      return (row) => {
        const r = arg(row);
        return r === undefined ? undefined : !r;
      };
    }
    case 'and':
    case 'or': {
      const args = expr.args.map((a) => compileExpr(a, model, where, columns));
      const stopOn = expr.kind === 'or';
      return (row) => {
        let unknown = false;
        for (const a of args) {
          const r = a(row);
          if (r === stopOn) return stopOn;
          if (r === undefined) unknown = true;
        }
        return unknown ? undefined : !stopOn;
      };
    }
    case 'if': {
      const cond = compileExpr(expr.cond, model, where, columns);
      const then = compileExpr(expr.then, model, where, columns);
      const otherwise = expr.else ? compileExpr(expr.else, model, where, columns) : (): boolean => true;
      return (row) => {
        const c = cond(row);
        if (c === true) return then(row);
        if (c === false) return otherwise(row);
        const a = then(row);
        const b = otherwise(row);
        return a === b ? a : undefined;
      };
    }
    case 'cmp':
    case 'in': {
      const { axis, path } = resolveName(model.names, expr.name, expr.offset, where);
      const values = model.values[axis] as Value[];
      if (path.length === 0 && (expr.kind === 'in' || expr.op === '==' || expr.op === '!=')) {
        // A literal that no value has is almost always a typo, and would silently make the rule vacuous.
        const texts = new Set(values.map(valueText));
        for (const lit of expr.kind === 'in' ? expr.literals : [expr.literal]) {
          if (!texts.has(valueText(lit))) {
            throw new MatrixError(
              `'${lit}' is not a value of ${expr.name} (values: ${[...texts].join(', ')})`,
              MatrixErrorCode.UnknownValue,
              where,
              expr.offset,
            );
          }
        }
      }
      const truth = new Uint8Array(values.length);
      values.forEach((v, i) => {
        const field = path.length === 0 ? v : lookup({ v }, ['v', ...path].join('.'));
        truth[i] = leafHolds(expr, field) ? 1 : 0;
      });
      columns.add(axis);
      return (row) => {
        const x = row[axis] as number;
        return x < 0 ? undefined : truth[x] === 1;
      };
    }
  }
}

export function compileRule(
  source: string,
  model: Omit<IndexedModel, 'constraints'>,
  where: string,
): CompiledConstraint {
  let expr: Expr;
  try {
    expr = parseExpression(source);
  } catch (err) {
    if (err instanceof MatrixError) throw new MatrixError(err.message, err.code, where, err.offset);
    throw err;
  }
  const columns = new Set<number>();
  const test = compileExpr(expr, model, where, columns);
  return { columns: [...columns].sort((a, b) => a - b), test, where };
}

/** GitHub Actions: an exclude key must be a matrix key; the entry removes rows matching all its pairs. */
export function compileExclude(
  entry: Params,
  model: Omit<IndexedModel, 'constraints'>,
  where: string,
  warnings: string[],
): CompiledConstraint {
  const tables: Array<{ axis: number; match: Uint8Array }> = [];
  for (const [key, wanted] of Object.entries(entry)) {
    const axis = model.names.indexOf(key);
    if (axis < 0) {
      throw new MatrixError(
        `Matrix exclude key '${key}' does not match any key within the matrix`,
        MatrixErrorCode.ExcludeKey,
        where,
      );
    }
    const values = model.values[axis] as Value[];
    const match = Uint8Array.from(values, (v) => (valueEquals(v, wanted) ? 1 : 0));
    if (!match.includes(1)) {
      warnings.push(
        `${where}: ${key}=${valueText(wanted)} is not a value of the matrix, so this exclude removes nothing`,
      );
    }
    tables.push({ axis, match });
  }
  const test: RowTest = (row) => {
    let unknown = false;
    for (const { axis, match } of tables) {
      const x = row[axis] as number;
      if (x < 0) unknown = true;
      else if (match[x] !== 1) return true;
    }
    return unknown ? undefined : tables.length === 0;
  };
  return { columns: tables.map((t) => t.axis).sort((a, b) => a - b), test, where };
}

/** True when every constraint holds on a complete row. */
export function rowValid(model: IndexedModel, row: Int32Array): boolean {
  for (const c of model.constraints) if (c.test(row) !== true) return false;
  return true;
}

/**
 * Can this partial row be completed into a valid one? Branches only on columns of undecided
 * constraints, so free columns cost nothing and the search stays small for practical rules.
 */
export function canComplete(model: IndexedModel, row: Int32Array): boolean {
  let branch = -1;
  for (const c of model.constraints) {
    const r = c.test(row);
    if (r === false) return false;
    if (r === undefined && branch < 0) {
      for (const col of c.columns) {
        if ((row[col] as number) < 0) {
          branch = col;
          break;
        }
      }
    }
  }
  if (branch < 0) return true;
  const levels = model.levels[branch] as number;
  for (let v = 0; v < levels; v++) {
    row[branch] = v;
    if (canComplete(model, row)) {
      row[branch] = -1;
      return true;
    }
  }
  row[branch] = -1;
  return false;
}

import { valueEquals, valueText } from 'src/matrix/canonical';
import { countValidTuples, verifyCoverage } from 'src/matrix/coverage';
import { generateCovering } from 'src/matrix/covering';
import { type Expr, evaluate, parseExpression, referencedNames } from 'src/matrix/expression';
import { applyIncludes } from 'src/matrix/ga-include';
import { type IndexedModel, canComplete, compileExclude, compileRule, rowValid } from 'src/matrix/indexed-model';
import { MatrixError, MatrixErrorCode } from 'src/matrix/matrix.errors';
import type {
  Coverage,
  ExpandedCombination,
  Expectation,
  MatrixExpansion,
  MatrixSpec,
  Params,
  Strategy,
  Value,
} from 'src/matrix/matrix.types';

/** Beyond this a full expansion is refused: a campaign that large is a mistake, use pairwise. */
const MAX_FULL_COMBINATIONS = 5_000_000;
/** Valid combinations are counted by enumeration up to this product size. */
const MAX_COUNTED = 2_000_000;

function strengthOf(strategy: Strategy | undefined): number | 'full' {
  if (strategy === undefined || strategy === 'full') return 'full';
  if (strategy === 'pairwise') return 2;
  return strategy.nwise;
}

/** Builds the index form of a matrix: axes, constraints and excludes compiled. */
function buildIndexedModel(spec: MatrixSpec, warnings: string[] = []): IndexedModel {
  const names = Object.keys(spec.axes);
  const values = names.map((n) => spec.axes[n] as Value[]);
  names.forEach((name, i) => {
    const axis = values[i] as Value[];
    if (axis.length === 0) {
      throw new MatrixError(`axis '${name}' has no values`, MatrixErrorCode.InvalidSpec, `axes.${name}`);
    }
    const seen = new Set<string>();
    for (const v of axis) {
      const text = valueText(v);
      if (seen.has(text)) {
        throw new MatrixError(`axis '${name}' lists ${text} twice`, MatrixErrorCode.InvalidSpec, `axes.${name}`);
      }
      seen.add(text);
    }
  });
  const base = { names, values, levels: values.map((v) => v.length) };
  const constraints = [
    ...(spec.constraints ?? []).map((rule, i) => compileRule(rule, base, `constraints[${i}]`)),
    ...(spec.exclude ?? []).map((entry, i) => compileExclude(entry, base, `exclude[${i}]`, warnings)),
  ];
  return { ...base, constraints };
}

/** Maps a (possibly partial) combination to value indexes, -1 for absent axes. */
function rowOf(model: IndexedModel, params: Params, where: string): Int32Array {
  const row = new Int32Array(model.names.length).fill(-1);
  for (const [key, value] of Object.entries(params)) {
    const axis = model.names.indexOf(key);
    if (axis < 0) {
      throw new MatrixError(
        `'${key}' is not an axis of the matrix (axes: ${model.names.join(', ')})`,
        MatrixErrorCode.UnknownParameter,
        where,
      );
    }
    const index = (model.values[axis] as Value[]).findIndex((v) => valueEquals(v, value));
    if (index < 0) {
      throw new MatrixError(`${valueText(value)} is not a value of ${key}`, MatrixErrorCode.UnknownValue, where);
    }
    row[axis] = index;
  }
  return row;
}

function product(levels: readonly number[]): number {
  return levels.reduce((p, l) => p * l, 1);
}

/**
 * Every valid combination of the full product, in GitHub Actions order (first axis varies
 * slowest), built straight into parameter objects: at 10^6 rows, per-row typed arrays cost more
 * than the expansion itself.
 */
function enumerateValid(model: IndexedModel, limit: number): Params[] {
  const k = model.levels.length;
  const out: Params[] = [];
  const row = new Int32Array(k);
  if (model.levels.some((l) => l === 0)) return out;
  const checkEach = model.constraints.length > 0;
  const names = model.names;
  const values = model.values;
  for (;;) {
    if (!checkEach || rowValid(model, row)) {
      if (out.length >= limit) {
        throw new MatrixError(
          `more than ${limit} combinations: use strategy pairwise or nwise`,
          MatrixErrorCode.TooLarge,
          'strategy',
        );
      }
      const params: Params = {};
      for (let c = 0; c < k; c++) params[names[c] as string] = (values[c] as Value[])[row[c] as number] as Value;
      out.push(params);
    }
    let c = k - 1;
    while (c >= 0) {
      if (++row[c]! < (model.levels[c] as number)) break;
      row[c] = 0;
      c--;
    }
    if (c < 0) return out;
  }
}

function countValid(model: IndexedModel): number | null {
  const full = product(model.levels);
  if (model.constraints.length === 0) return full;
  if (full > MAX_COUNTED) return null;
  const k = model.levels.length;
  const row = new Int32Array(k);
  let count = 0;
  for (;;) {
    if (rowValid(model, row)) count++;
    let c = k - 1;
    while (c >= 0) {
      if (++row[c]! < (model.levels[c] as number)) break;
      row[c] = 0;
      c--;
    }
    if (c < 0) return count;
  }
}

interface CompiledExpectation {
  when?: Expr;
  expectation: Expectation;
}

function compileExpectations(spec: MatrixSpec, known: ReadonlySet<string>): CompiledExpectation[] {
  return (spec.expect ?? []).map((rule, i) => {
    const where = `expect[${i}]`;
    let when: Expr | undefined;
    if (rule.when !== undefined) {
      try {
        when = parseExpression(rule.when);
      } catch (err) {
        if (err instanceof MatrixError) throw new MatrixError(err.message, err.code, where, err.offset);
        throw err;
      }
      for (const name of referencedNames(when)) {
        const head = name.split('.')[0] as string;
        if (!known.has(name) && !known.has(head)) {
          throw new MatrixError(
            `unknown parameter '${name}' (known: ${[...known].join(', ') || 'none'})`,
            MatrixErrorCode.UnknownParameter,
            where,
          );
        }
      }
    }
    const expectation: Expectation = { outcome: 'fail' };
    if (rule.error !== undefined) expectation.error = rule.error;
    if (rule.reason !== undefined) expectation.reason = rule.reason;
    return { when, expectation };
  });
}

interface ExpandOptions {
  /** Refuse full expansions beyond this many valid combinations. */
  maxCombinations?: number;
}

interface PreparedMatrix {
  model: IndexedModel;
  strength: number | 'full';
  seedRows: Int32Array[];
  expectations: CompiledExpectation[];
  warnings: string[];
}

function prepare(spec: MatrixSpec): PreparedMatrix {
  const warnings: string[] = [];
  const model = buildIndexedModel(spec, warnings);
  const strength = strengthOf(spec.strategy);
  if (strength !== 'full' && (!Number.isInteger(strength) || strength < 1)) {
    throw new MatrixError(
      `nwise strength must be a whole number ≥ 1, got ${strength}`,
      MatrixErrorCode.InvalidSpec,
      'strategy',
    );
  }
  const seedRows = (spec.seed_rows ?? []).map((r, i) => rowOf(model, r, `seed_rows[${i}]`));
  seedRows.forEach((row, i) => {
    if (!canComplete(model, Int32Array.from(row))) {
      throw new MatrixError(
        `seed row ${i + 1} breaks the constraints or an exclude`,
        MatrixErrorCode.SeedRowInvalid,
        `seed_rows[${i}]`,
      );
    }
  });
  const known = new Set([...model.names, ...(spec.include ?? []).flatMap((e) => Object.keys(e))]);
  const expectations = compileExpectations(spec, known);
  return { model, strength, seedRows, expectations, warnings };
}

/**
 * Checks a matrix without expanding it: axes, constraints, excludes, seed rows and expectations.
 * Returns the warnings; throws MatrixError (with `where`/`offset`) on the first error.
 */
export function checkMatrix(spec: MatrixSpec): string[] {
  return prepare(spec).warnings;
}

/**
 * Expands a matrix: Cartesian product of the axes, exclude and constraints, the strategy (every
 * valid combination, or a covering set of valid ones containing the seed rows), then GitHub
 * Actions' include, then expectations (the first rule that matches a combination wins).
 */
export function expandMatrix(spec: MatrixSpec, options: ExpandOptions = {}): MatrixExpansion {
  const { model, strength, seedRows, expectations, warnings } = prepare(spec);
  const k = model.names.length;

  let base: Params[];
  let valid: number | null;
  let coverage: Coverage;
  if (k === 0) {
    base = (spec.include ?? []).length > 0 ? [] : [{}];
    valid = base.length;
    coverage = { strength: 0, required: 0, covered: 0, ratio: 1 };
  } else if (strength === 'full') {
    base = enumerateValid(model, options.maxCombinations ?? MAX_FULL_COMBINATIONS);
    valid = base.length;
    const { strength: t, required } = countValidTuples(model, 2);
    coverage = { strength: t, required, covered: required, ratio: 1 };
  } else {
    const rows = generateCovering(model, { strength, seedRows, seed: spec.seed ?? 1 }).rows;
    valid = countValid(model);
    const report = verifyCoverage(model, rows, strength);
    coverage = { strength: report.strength, required: report.required, covered: report.covered, ratio: report.ratio };
    base = rows.map((row) => {
      const params: Params = {};
      for (let c = 0; c < k; c++) {
        params[model.names[c] as string] = (model.values[c] as Value[])[row[c] as number] as Value;
      }
      return params;
    });
  }
  if (k > 0 && base.length === 0) warnings.push('exclude and constraints leave no combination of the axes');

  const includes = spec.include ?? [];
  const combos =
    includes.length > 0
      ? applyIncludes(base, new Set(model.names), includes)
      : base.map((params) => ({ params, origin: 'base' as const }));
  const pass: Expectation = { outcome: 'pass' };
  const combinations = combos.map(({ params, origin }): ExpandedCombination => {
    if (expectations.length === 0) return { params, origin, expectation: pass };
    const rule = expectations.find((e) => e.when === undefined || evaluate(e.when, params));
    const expectation: Expectation = rule ? { ...rule.expectation } : pass;
    return { params, origin, expectation };
  });
  return {
    full: k === 0 ? 1 : product(model.levels),
    valid,
    selected: combinations.length,
    coverage,
    combinations,
    warnings,
  };
}

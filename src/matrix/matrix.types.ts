/** A value of a matrix axis or parameter: a scalar or a JSON-like object (GitHub Actions allows objects). */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** One concrete combination: parameter name → value. */
export type Params = Record<string, Value>;

/** What a case is expected to do. `fail` cases pass when they fail (xfailed), ideally with `error`. */
export type Expectation = { outcome: 'pass' } | { outcome: 'fail'; error?: string; reason?: string };

interface ExpectationRule {
  /** Expression (see expression.ts); absent means every combination. */
  when?: string;
  outcome: 'fail';
  error?: string;
  reason?: string;
}

/** `full`: every valid combination; `pairwise` = `nwise: 2`; `nwise: t`: every valid t-tuple at least once. */
export type Strategy = 'full' | 'pairwise' | { nwise: number };

export interface MatrixSpec {
  /** Axis name → values, in declared order (the first axis varies slowest, as in GitHub Actions). */
  axes: Record<string, Value[]>;
  exclude?: Params[];
  include?: Params[];
  /** Constraint rules, `IF <pred> THEN <pred> [ELSE <pred>]` or a bare `<pred>` that must hold. */
  constraints?: string[];
  expect?: ExpectationRule[];
  strategy?: Strategy;
  /** Partial or complete combinations that a reduced set must contain. */
  seed_rows?: Params[];
  /** Random seed of the reduction: the same spec and seed give the same cases. */
  seed?: number;
}

export interface Coverage {
  strength: number;
  /** Valid t-tuples (contained in at least one valid combination). */
  required: number;
  covered: number;
  /** covered / required, 1 when nothing is required. */
  ratio: number;
}

export interface ExpandedCombination {
  params: Params;
  expectation: Expectation;
  /** `base`: from the axes (and strategy); `include`: a job of its own added by an include entry. */
  origin: 'base' | 'include';
}

export interface MatrixExpansion {
  /** Size of the Cartesian product of the axes. */
  full: number;
  /** Combinations left after exclude and constraints; null when too many to count. */
  valid: number | null;
  /** Combinations produced (strategy applied, then include). */
  selected: number;
  coverage: Coverage;
  combinations: ExpandedCombination[];
  /** Things that are legal but probably not meant (an exclude matching nothing, ...). */
  warnings: string[];
}

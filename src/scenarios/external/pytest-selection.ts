/**
 * What a campaign may say about which tests of an external pytest suite run: test ids, a `-k`
 * expression and a `-m` expression, each checked against an allow-list grammar. Nothing else a
 * campaign writes reaches pytest's command line: no option (nothing may start with `-`), no path
 * outside the suite (no absolute path, no `.` or `..` segment), no plugin, no ini override.
 * Every check is a single left-to-right pass over a bounded string.
 */

export interface PytestSelection {
  /** Node ids relative to the suite folder: `tests/migration/test_x.py::TestX::test_y[param]`. */
  tests?: string[];
  /** pytest `-k`: keywords joined by and / or / not and parentheses. */
  keyword?: string;
  /** pytest `-m`: marker names joined by and / or / not and parentheses. */
  markers?: string;
}

/** The keys a campaign may write under `with:` for an external suite; anything else is refused. */
export const EXTERNAL_WITH_KEYS: readonly string[] = ['suite', 'tests', 'k', 'm', 'timeout_s', 'min_hosts'];

const MAX_SELECTION_LENGTH = 1000;
export const MAX_SELECTED_TESTS = 10_000;
const MAX_NESTING = 32;

/**
 * Path segments start with a letter, digit or underscore (so never `.`, `..` nor an option), then
 * `::Class::function` parts, then an optional parameter id in brackets.
 */
const TEST_ID =
  /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*(?:::[A-Za-z_][A-Za-z0-9_]*)*(?:\[[A-Za-z0-9_.,:=+ -]*\])?$/;

/** Why `id` is refused as a test id, or null when it is one. */
export function testIdProblem(id: string): string | null {
  if (id.length === 0 || id.length > MAX_SELECTION_LENGTH) {
    return `a test id has 1 to ${MAX_SELECTION_LENGTH} characters`;
  }
  if (!TEST_ID.test(id)) {
    return 'expected a pytest node id relative to the suite (path/to/test_x.py::TestClass::test_name[param]): letters, digits, _ . - in path segments, no option, no absolute path, no . or .. segment';
  }
  return null;
}

const KEYWORD_IDENT = /[A-Za-z0-9_.:+[\]/-]/;
const MARKER_IDENT = /[A-Za-z0-9_]/;

/**
 * Checks `expr` against the grammar pytest itself uses for `-k` and `-m`
 * (expr := and ('or' and)*; and := not ('and' not)*; not := 'not' not | '(' expr ')' | ident),
 * with identifiers restricted to `identChar` and never starting with `-`.
 * Returns why it is refused, or null.
 */
function expressionProblem(expr: string, identChar: RegExp, what: string): string | null {
  if (expr.trim().length === 0 || expr.length > MAX_SELECTION_LENGTH) {
    return `${what} has 1 to ${MAX_SELECTION_LENGTH} characters`;
  }
  const tokens: string[] = [];
  for (let i = 0; i < expr.length;) {
    const ch = expr[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push(ch);
      i++;
    } else if (identChar.test(ch)) {
      if (ch === '-') return `${what}: a name may not start with '-' (column ${i + 1})`;
      let j = i;
      while (j < expr.length && identChar.test(expr[j]!)) j++;
      tokens.push(expr.slice(i, j));
      i = j;
    } else {
      return `${what}: character ${JSON.stringify(ch)} at column ${i + 1} is not allowed (names, and, or, not, parentheses)`;
    }
  }
  let pos = 0;
  let depth = 0;
  const isOperator = (t: string | undefined): boolean => t === 'and' || t === 'or' || t === 'not';
  // Iterative descent over the token list: each token is looked at a bounded number of times.
  const parseNot = (): string | null => {
    while (tokens[pos] === 'not') pos++;
    const t = tokens[pos];
    if (t === '(') {
      if (++depth > MAX_NESTING) return `${what}: more than ${MAX_NESTING} nested parentheses`;
      pos++;
      const inner = parseOr();
      if (inner) return inner;
      if (tokens[pos] !== ')') return `${what}: a '(' is not closed`;
      pos++;
      depth--;
      return null;
    }
    if (t === undefined || t === ')' || isOperator(t)) {
      return `${what}: expected a name or '(' ${t === undefined ? 'at the end' : `before '${t}'`}`;
    }
    pos++;
    return null;
  };
  const parseAnd = (): string | null => {
    let problem = parseNot();
    while (!problem && tokens[pos] === 'and') {
      pos++;
      problem = parseNot();
    }
    return problem;
  };
  const parseOr = (): string | null => {
    let problem = parseAnd();
    while (!problem && tokens[pos] === 'or') {
      pos++;
      problem = parseAnd();
    }
    return problem;
  };
  const problem = parseOr();
  if (problem) return problem;
  if (pos < tokens.length) return `${what}: unexpected '${tokens[pos]}'`;
  return null;
}

export function keywordProblem(expr: string): string | null {
  return expressionProblem(expr, KEYWORD_IDENT, 'the -k expression');
}

export function markerProblem(expr: string): string | null {
  return expressionProblem(expr, MARKER_IDENT, 'the -m expression');
}

/** pytest arguments for a selection that passed the checks above (callers check first). */
export function selectionArgs(selection: PytestSelection): string[] {
  const args: string[] = [];
  if (selection.keyword !== undefined) args.push('-k', selection.keyword);
  if (selection.markers !== undefined) args.push('-m', selection.markers);
  // `--` ends the options: whatever follows is a test id, never an option.
  if (selection.tests && selection.tests.length > 0) args.push('--', ...selection.tests);
  return args;
}

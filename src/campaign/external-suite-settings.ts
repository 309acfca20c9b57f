import { isMap } from 'yaml';
import { BAD, documented, list, num, object, str, typeDocOf, type Validator } from 'src/campaign/yaml-schema';
import {
  keywordProblem,
  markerProblem,
  MAX_SELECTED_TESTS,
  testIdProblem,
} from 'src/scenarios/external/pytest-selection';

/** Keys that once let a campaign choose the folder and arguments of pytest, refused by name. */
const REFUSED: Record<string, string> = {
  suite_dir: 'a campaign cannot choose a folder on the worker; name a suite the operator declared (with.suite)',
  args: 'a campaign cannot pass arguments to pytest; select tests with with.tests, with.k or with.m',
};

const checked = (problem: (value: string) => string | null): Validator<string> =>
  documented(
    (raw, ctx, what) => {
      const value = str()(raw, ctx, what);
      if (value === BAD) return BAD;
      const why = problem(value);
      if (why) {
        ctx.error(raw, `${what}: ${why}`);
        return BAD;
      }
      return value;
    },
    { type: 'text (only the characters pytest selection allows)' },
  );

const shape = object({
  suite: {
    v: str({ pattern: /^[a-z0-9][a-z0-9._-]*$/, hint: 'the name of a suite declared in SHAKEDOWN_EXTERNAL_SUITES' }),
    required: true,
    doc: 'Which declared suite (its name in `SHAKEDOWN_EXTERNAL_SUITES`).',
  },
  tests: {
    v: list(checked(testIdProblem), { min: 1, max: MAX_SELECTED_TESTS }),
    doc: `Only these pytest node ids (at most ${MAX_SELECTED_TESTS}).`,
  },
  k: { v: checked(keywordProblem), doc: 'A pytest `-k` keyword expression (words, `and`, `or`, `not`, parentheses).' },
  m: { v: checked(markerProblem), doc: 'A pytest `-m` marker expression.' },
  timeout_s: { v: num({ min: 1, max: 7 * 24 * 3600 }), default: '7200', doc: 'Seconds pytest may run.' },
  min_hosts: {
    v: num({ integer: true, min: 1, max: 64 }),
    default: '1',
    doc: 'Hosts the pool must have for the selected tests.',
  },
});

/**
 * The `with:` of an external suite: which declared suite, which tests. Checked at load time so a
 * campaign that tries to choose folders or arguments is refused before anything is queued.
 */
export const externalSuiteSettings: Validator<unknown> = documented((raw, ctx, what) => {
  const node = ctx.deref(raw);
  if (node === BAD) return BAD;
  if (node && isMap(node)) {
    let refused = false;
    for (const pair of node.items) {
      const key = (pair.key as { value?: unknown } | null)?.value;
      if (typeof key === 'string' && Object.prototype.hasOwnProperty.call(REFUSED, key)) {
        ctx.error(pair.key as never, `${what}.${key}: refused: ${REFUSED[key]}`);
        refused = true;
      }
    }
    if (refused) return BAD;
  }
  return shape(node, ctx, what);
}, typeDocOf(shape));

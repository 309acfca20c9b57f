import { countOutcomes, worstOutcome } from 'src/results/outcome';
import type { Outcome } from 'src/results/outcome';
import { ResultsError, ResultsErrorCode } from 'src/results/results.errors';
import { pytestNodeId } from 'src/results/junit/pytest-ids';
import type { ErrorPhase, JunitCase, JunitReport, JunitSuite } from 'src/results/junit/junit-types';
import { parseXmlTree } from 'src/results/junit/xml-tree';
import type { ParseXmlOptions, XmlElement } from 'src/results/junit/xml-tree';

/**
 * Reads JUnit XML as pytest writes it (xunit1 and xunit2 families), and as Jenkins/GitLab-style
 * tools and Shakedown's own export write it. Outcome rules:
 * - `<failure>` → failed; pytest's strict xpass (`[XPASS(strict)] …`) or Shakedown's type="xpassed" → xpassed.
 * - `<error>` → infra-error. pytest writes it for errors in fixtures (setup/teardown) and collection:
 *   the test did not get to say anything about the product. It still counts as a failure
 *   (isFailure), so it is never hidden; `phase` tells setup, teardown or collection apart.
 * - `<skipped type="pytest.xfail">` (or type "xfailed") → xfailed; other skips → skipped
 *   (Shakedown's "cancelled" and "manual-pending" types come back as those outcomes).
 * - A non-strict xpass is an empty testcase in pytest's XML: it reads as passed (nothing tells them apart).
 * Testcases with the same id are folded into one case with the worst outcome.
 */
export function parseJunitXml(xml: string, opts: ParseXmlOptions = {}): JunitReport {
  const source = opts.source ?? 'JUnit XML';
  const root = parseXmlTree(xml, { ...opts, source });
  if (root.name !== 'testsuites' && root.name !== 'testsuite') {
    throw new ResultsError(
      `${source}: root element is <${root.name}>, expected <testsuites> or <testsuite>`,
      ResultsErrorCode.JunitBadShape,
      { source, path: root.path },
    );
  }
  const suites: JunitSuite[] = [];
  const byId = new Map<string, JunitCase>();
  const visit = (suite: XmlElement, suiteName: string) => {
    for (const child of suite.children) {
      if (child.name === 'testsuite') {
        const name = child.attrs['name'] ?? suiteName;
        suites.push(suiteInfo(child, name, source));
        visit(child, name);
      } else if (child.name === 'testcase') {
        const parsed = parseCase(child, suiteName, source);
        const prior = byId.get(parsed.id);
        byId.set(parsed.id, prior ? fold(prior, parsed) : parsed);
      }
    }
  };
  if (root.name === 'testsuite') {
    const name = root.attrs['name'] ?? '';
    suites.push(suiteInfo(root, name, source));
    visit(root, name);
  } else {
    visit(root, root.attrs['name'] ?? '');
  }
  const cases = [...byId.values()];
  return { suites, cases, counts: countOutcomes(cases.map((c) => c.outcome)) };
}

function suiteInfo(el: XmlElement, name: string, source: string): JunitSuite {
  const declared: JunitSuite['declared'] = {};
  for (const key of ['tests', 'failures', 'errors', 'skipped'] as const) {
    const v = optNumber(el, key, source);
    if (v !== undefined) declared[key] = v;
  }
  const timeS = optNumber(el, 'time', source);
  return {
    name,
    path: el.path,
    declared,
    ...(timeS !== undefined ? { timeS } : {}),
    ...(el.attrs['timestamp'] ? { timestamp: el.attrs['timestamp'] } : {}),
    ...(el.attrs['hostname'] ? { hostname: el.attrs['hostname'] } : {}),
  };
}

function parseCase(el: XmlElement, suite: string, source: string): JunitCase {
  const name = el.attrs['name'];
  if (name === undefined || name === '') {
    throw new ResultsError(`${source}: ${el.path}: <testcase> has no name attribute`, ResultsErrorCode.JunitBadShape, {
      source,
      path: el.path,
    });
  }
  const classname = el.attrs['classname'] ?? '';
  const file = el.attrs['file'];
  const lineNo = optNumber(el, 'line', source);
  const time = optNumber(el, 'time', source) ?? 0;
  const failure = el.children.find((c) => c.name === 'failure');
  const error = el.children.find((c) => c.name === 'error');
  const skipped = el.children.find((c) => c.name === 'skipped');
  const detailEl = failure ?? error ?? skipped;

  let outcome: Outcome = 'passed';
  let phase: ErrorPhase | undefined;
  if (failure) {
    const message = failure.attrs['message'] ?? '';
    outcome = failure.attrs['type'] === 'xpassed' || message.startsWith('[XPASS(strict)]') ? 'xpassed' : 'failed';
  } else if (error) {
    outcome = 'infra-error';
    phase = errorPhase(error.attrs['message'] ?? '', classname);
  } else if (skipped) {
    outcome = skipOutcome(skipped.attrs['type']);
  }

  const stdout = joinText(el, 'system-out');
  const stderr = joinText(el, 'system-err');
  const message = detailEl?.attrs['message'];
  const type = detailEl?.attrs['type'];
  const details = detailEl?.text;
  return {
    id: pytestNodeId(classname, name, file) ?? (classname ? `${classname}::${name}` : name),
    classname,
    name,
    ...(file !== undefined ? { file } : {}),
    ...(lineNo !== undefined ? { line: lineNo } : {}),
    suite,
    outcome,
    durationMs: Math.round(time * 1000),
    ...(message !== undefined ? { message } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(details ? { details } : {}),
    ...(stdout ? { stdout } : {}),
    ...(stderr ? { stderr } : {}),
    ...(phase ? { phase } : {}),
    reports: 1,
  };
}

function skipOutcome(type: string | undefined): Outcome {
  switch (type ?? '') {
    case 'pytest.xfail':
    case 'xfailed':
      return 'xfailed';
    case 'cancelled':
      return 'cancelled';
    case 'manual-pending':
      return 'manual-pending';
    default:
      return 'skipped';
  }
}

function errorPhase(message: string, classname: string): ErrorPhase | undefined {
  if (message.startsWith('failed on setup')) return 'setup';
  if (message.startsWith('failed on teardown')) return 'teardown';
  if (message === 'collection failure' || classname === '') return 'collection';
  return undefined;
}

/** pytest reports a failing test whose teardown also errors as two testcases; keep both stories. */
function fold(a: JunitCase, b: JunitCase): JunitCase {
  const outcome = worstOutcome([a.outcome, b.outcome])!;
  const [main, other] = outcome === a.outcome ? [a, b] : [b, a];
  const extra = [other.message, other.details].filter((s): s is string => !!s).join('\n');
  const details = [main.details, extra].filter((s): s is string => !!s).join('\n\n--- also reported ---\n');
  const stdout = [a.stdout, b.stdout].filter((s): s is string => !!s).join('\n');
  const stderr = [a.stderr, b.stderr].filter((s): s is string => !!s).join('\n');
  return {
    ...main,
    durationMs: Math.max(a.durationMs, b.durationMs),
    ...(details ? { details } : {}),
    ...(stdout ? { stdout } : {}),
    ...(stderr ? { stderr } : {}),
    reports: a.reports + b.reports,
  };
}

function joinText(el: XmlElement, childName: string): string {
  return el.children
    .filter((c) => c.name === childName)
    .map((c) => c.text)
    .join('\n');
}

function optNumber(el: XmlElement, attr: string, source: string): number | undefined {
  const raw = el.attrs[attr];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw.replace(/,/g, ''));
  if (!Number.isFinite(n)) {
    throw new ResultsError(
      `${source}: ${el.path}/@${attr}: expected a number, got ${JSON.stringify(raw)}`,
      ResultsErrorCode.JunitBadShape,
      {
        source,
        path: `${el.path}/@${attr}`,
      },
    );
  }
  return n;
}

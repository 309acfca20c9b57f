import { caseKey } from 'src/matrix/case-key';
import type { JunitCase } from 'src/results/junit/junit-types';

/** Scenario namespace of xcp-ng-tests results: their node ids are kept as their own case keys. */
export const XCP_NG_TESTS_SCENARIO = 'external.xcp-ng-tests';

// pytest's default python_files patterns: test_*.py and *_test.py.
const TEST_MODULE = /^(test_.*|.*_test)$/;

/**
 * Rebuilds a pytest node id (`tests/migration/test_host_evacuate.py::TestHostEvacuate::test_x`)
 * from JUnit's dotted classname (`tests.migration.test_host_evacuate.TestHostEvacuate`) and name.
 * Classes are the trailing capitalised segments; the module is the last segment before them that
 * looks like a pytest test module. xunit1's `file` attribute gives the module path exactly.
 * Returns undefined when the testcase does not look like pytest's (e.g. a Java class name).
 */
export function pytestNodeId(classname: string, name: string, file?: string): string | undefined {
  if (classname === '') {
    // pytest's collection errors: name is the dotted module path, there is no test yet.
    const parts = name.split('.');
    const last = parts[parts.length - 1];
    return last !== undefined && TEST_MODULE.test(last) ? `${parts.join('/')}.py` : undefined;
  }
  const parts = classname.split('.');
  let split = parts.length;
  while (split > 0 && /^[A-Z]/.test(parts[split - 1]!)) split--;
  const moduleParts = parts.slice(0, split);
  const classes = parts.slice(split);
  const moduleName = moduleParts[moduleParts.length - 1];
  if (moduleName === undefined || !TEST_MODULE.test(moduleName)) return undefined;
  const modulePath =
    file !== undefined && file.endsWith('.py') ? file.replace(/\\/g, '/') : `${moduleParts.join('/')}.py`;
  return [modulePath, ...classes, name].join('::');
}

/** `external.xcp-ng-tests[test=<node id>]`, through the matrix's canonical caseKey. */
export function xcpNgTestsCaseKey(nodeId: string): string {
  return caseKey(XCP_NG_TESTS_SCENARIO, { test: nodeId });
}

/**
 * The case key a JUnit testcase maps to: Shakedown's own export carries it as the testcase name
 * (classname = scenario, name = case key); anything else is an external test keyed by its id in
 * the given namespace (xcp-ng-tests by default).
 */
export function junitCaseKey(
  c: Pick<JunitCase, 'classname' | 'name' | 'id'>,
  scenario = XCP_NG_TESTS_SCENARIO,
): string {
  if (c.classname !== '' && (c.name === c.classname || c.name.startsWith(`${c.classname}[`))) return c.name;
  return caseKey(scenario, { test: c.id });
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJunitXml } from 'src/results/junit/junit-import';
import { junitCaseKey, pytestNodeId, xcpNgTestsCaseKey } from 'src/results/junit/pytest-ids';
import { ResultsError, ResultsErrorCode } from 'src/results/results.errors';

const fixture = (name: string) => readFileSync(join(process.cwd(), 'test/fixtures/junit', name), 'utf8');

describe('parseJunitXml on real pytest 9 output', () => {
  // pytest's own summary: 4 failed, 5 passed, 2 skipped, 2 xfailed, 1 xpassed, 3 errors (15 tests,
  // one of them both failed and errored in teardown).
  it.each(['pytest-default.xml', 'pytest-logging-all.xml', 'pytest-xunit1.xml'])(
    'gets the exact counts from %s',
    (file) => {
      const r = parseJunitXml(fixture(file), { source: file });
      expect(r.cases).toHaveLength(15);
      expect(r.counts).toMatchObject({
        total: 15,
        passed: 5, // includes the non-strict xpass: pytest's XML cannot tell it from a pass
        failed: 3,
        xpassed: 1,
        'infra-error': 2,
        skipped: 2,
        xfailed: 2,
        failures: 6,
      });
      expect(r.suites).toEqual([
        expect.objectContaining({ name: 'pytest', declared: { tests: 16, failures: 4, errors: 3, skipped: 4 } }),
      ]);
    },
  );

  it('maps each pytest outcome and keeps messages, tracebacks and node ids', () => {
    const r = parseJunitXml(fixture('pytest-default.xml'));
    const byName = Object.fromEntries(r.cases.map((c) => [c.name, c]));
    expect(byName['test_host_evacuate']!.id).toBe(
      'tests/migration/test_host_evacuate.py::TestHostEvacuate::test_host_evacuate',
    );
    expect(byName['test_evacuate_sr[ext]']!.id).toBe(
      'tests/migration/test_host_evacuate.py::TestHostEvacuate::test_evacuate_sr[ext]',
    );
    expect(byName['test_passes']!.id).toBe('tests/test_outcomes.py::test_passes');

    const failed = byName['test_host_evacuate_with_network']!;
    expect(failed.outcome).toBe('failed');
    expect(failed.message).toBe(
      "AssertionError: VM ended in the wrong power state\nassert 'running' == 'halted'\n  \n  - halted\n  + running",
    );
    expect(failed.details).toContain('>       assert "running" == "halted", "VM ended in the wrong power state"');
    expect(failed.details).toContain('tests/migration/test_host_evacuate.py:12: AssertionError');

    expect(byName['test_error_in_setup']).toMatchObject({
      outcome: 'infra-error',
      phase: 'setup',
      message: 'failed on setup with "RuntimeError: could not reach pool master 10.0.0.1"',
    });
    expect(byName['test_error_in_teardown']).toMatchObject({
      outcome: 'infra-error',
      phase: 'teardown',
      message: 'failed on teardown with "RuntimeError: teardown left VM <special> & "quoted" behind"',
    });
    expect(byName['test_skipped']).toMatchObject({
      outcome: 'skipped',
      message: 'needs two pools',
      type: 'pytest.skip',
    });
    expect(byName['test_skipped_by_marker']).toMatchObject({ outcome: 'skipped', message: 'not on this hardware' });
    expect(byName['test_xfail']).toMatchObject({ outcome: 'xfailed', message: 'known bug XCPNG-1234' });
    expect(byName['test_xfail_imperative']).toMatchObject({ outcome: 'xfailed', message: 'imperative xfail' });
    expect(byName['test_xpass_strict']).toMatchObject({ outcome: 'xpassed', message: '[XPASS(strict)] must fail' });
    expect(byName['test_xpass_non_strict']!.outcome).toBe('passed');
  });

  it('folds the two testcases pytest writes for a failure followed by a teardown error', () => {
    const r = parseJunitXml(fixture('pytest-default.xml'));
    const c = r.cases.find((x) => x.name === 'test_fails_then_teardown_errors')!;
    expect(c).toMatchObject({ outcome: 'failed', reports: 2 });
    expect(c.message).toContain('assert 42 == 0');
    expect(c.details).toContain('--- also reported ---');
    expect(c.details).toContain('failed on teardown with');
  });

  it('reads captured output with junit_logging=all', () => {
    const r = parseJunitXml(fixture('pytest-logging-all.xml'));
    const c = r.cases.find((x) => x.name === 'test_fails_with_output')!;
    expect(c.stdout).toContain('stdout line with ]]> inside');
    expect(c.stderr).toContain('stderr line');
  });

  it('uses xunit1 file and line attributes', () => {
    const r = parseJunitXml(fixture('pytest-xunit1.xml'));
    expect(r.cases[0]).toMatchObject({ file: 'tests/migration/test_host_evacuate.py', line: 6 });
    expect(r.cases[0]!.id).toBe('tests/migration/test_host_evacuate.py::TestHostEvacuate::test_host_evacuate');
  });

  it('reports a collection error as an infra-error of the module', () => {
    const r = parseJunitXml(fixture('pytest-collect-error.xml'));
    expect(r.cases).toEqual([
      expect.objectContaining({
        id: 'collect-error/test_broken_import.py',
        outcome: 'infra-error',
        phase: 'collection',
        message: 'collection failure',
      }),
    ]);
    expect(r.cases[0]!.details).toContain("ModuleNotFoundError: No module named 'module_that_does_not_exist'");
  });
});

describe('case keys for xcp-ng-tests', () => {
  it('maps pytest node ids into the external.xcp-ng-tests namespace', () => {
    expect(xcpNgTestsCaseKey('tests/migration/test_host_evacuate.py::TestHostEvacuate::test_host_evacuate')).toBe(
      'external.xcp-ng-tests[test=tests/migration/test_host_evacuate.py::TestHostEvacuate::test_host_evacuate]',
    );
    // Brackets of parametrised ids are quoted so they cannot be confused with the key syntax.
    expect(xcpNgTestsCaseKey('tests/a/test_b.py::test_c[ext]')).toBe(
      'external.xcp-ng-tests[test="tests/a/test_b.py::test_c[ext]"]',
    );
    const r = parseJunitXml(fixture('pytest-default.xml'));
    expect(junitCaseKey(r.cases[0]!)).toBe(
      'external.xcp-ng-tests[test=tests/migration/test_host_evacuate.py::TestHostEvacuate::test_host_evacuate]',
    );
  });

  it('rebuilds node ids only for pytest-looking classnames', () => {
    expect(pytestNodeId('tests.storage.ext.test_ext_sr.TestExtSR.TestNested', 'test_x')).toBe(
      'tests/storage/ext/test_ext_sr.py::TestExtSR::TestNested::test_x',
    );
    expect(pytestNodeId('com.example.BarTest', 'testFoo')).toBeUndefined();
    expect(
      parseJunitXml('<testsuite name="s"><testcase classname="com.example.BarTest" name="testFoo"/></testsuite>')
        .cases[0]!.id,
    ).toBe('com.example.BarTest::testFoo');
  });
});

describe('parseJunitXml refuses bad input clearly', () => {
  const errorOf = (xml: string): ResultsError => {
    try {
      parseJunitXml(xml, { source: 'upload.xml' });
    } catch (e) {
      return e as ResultsError;
    }
    throw new Error('expected an error');
  };

  it('refuses a billion-laughs document at once, naming the DOCTYPE', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
      ']>',
      '<testsuites><testsuite name="&lol9;"><testcase name="x"/></testsuite></testsuites>',
    ].join('\n');
    // Refused before any entity is read, so nothing expands (no timed assertion needed).
    const e = errorOf(lol);
    expect(e.code).toBe(ResultsErrorCode.JunitUnsafe);
    expect(e.message).toBe(
      'upload.xml:2:1: DOCTYPE declarations are refused (they can define entities that expand without bound); JUnit XML never needs one',
    );
  });

  it('refuses external entities the same way', () => {
    expect(errorOf('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><testsuite name="&e;"/>').code).toBe(
      ResultsErrorCode.JunitUnsafe,
    );
  });

  it('names the element path of malformed XML', () => {
    const e = errorOf(
      '<testsuites>\n<testsuite name="a">\n<testcase name="ok"/>\n<testcase name="bad"><failure>oops</testcase>\n</testsuite></testsuites>',
    );
    expect(e.code).toBe(ResultsErrorCode.JunitMalformed);
    expect(e.message).toMatch(
      /^upload\.xml:4:\d+: malformed XML in testsuites\/testsuite\[1\]\/testcase\[2\]\/failure\[1\]: /,
    );
  });

  it('names the testcase without a name, and unknown entities', () => {
    expect(errorOf('<testsuite name="s"><testcase name="a"/><testcase classname="x"/></testsuite>').message).toBe(
      'upload.xml: testsuite/testcase[2]: <testcase> has no name attribute',
    );
    expect(errorOf('<testsuite name="s"><testcase name="a&nbsp;b"/></testsuite>').message).toMatch(
      /testcase\[1\]\/@name: unknown entity &nbsp;/,
    );
    expect(errorOf('<results/>').message).toBe(
      'upload.xml: root element is <results>, expected <testsuites> or <testsuite>',
    );
    expect(errorOf('not xml at all').code).toBe(ResultsErrorCode.JunitMalformed);
  });
});

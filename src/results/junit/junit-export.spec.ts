import { XMLValidator } from 'fast-xml-parser';
import { exportJunitSuites, exportJunitXml } from 'src/results/junit/junit-export';
import type { JunitExportCase } from 'src/results/junit/junit-export';
import { parseJunitXml } from 'src/results/junit/junit-import';
import { junitCaseKey } from 'src/results/junit/pytest-ids';
import { OUTCOMES } from 'src/results/outcome';

const nasty = 'log <script>alert(1)</script> & "quotes" \'apos\'\n]]> end ]]]]> \u001b[31mred\u001b[0m \u0000nul\ttab';

describe('exportJunitXml', () => {
  const cases: JunitExportCase[] = OUTCOMES.map((outcome, i) => ({
    caseKey: `vm-lifecycle[os=debian12,step=${outcome}]`,
    outcome,
    durationMs: 1000 + i,
    ...(outcome === 'passed' ? {} : { message: `${outcome}: VM_BAD_POWER_STATE\nexpected: halted`, details: nasty }),
    ...(outcome === 'failed' ? { stdout: 'out ]]> here', stderr: 'err <b>' } : {}),
  }));
  const xml = exportJunitXml(cases, {
    name: 'run 42 <8.3>',
    timestamp: new Date('2026-01-02T03:04:05.678Z'),
    hostname: 'ci',
  });

  it('writes well-formed XML with counts Jenkins and GitLab read', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<testsuites name="run 42 &lt;8.3&gt;" tests="8" failures="2" errors="1" skipped="4" time="');
    expect(xml).toContain(
      '<testsuite name="run 42 &lt;8.3&gt;" tests="8" failures="2" errors="1" skipped="4" time="8.028" timestamp="2026-01-02T03:04:05" hostname="ci">',
    );
    expect(xml).toContain(
      '<testcase classname="vm-lifecycle" name="vm-lifecycle[os=debian12,step=passed]" time="1.000"/>',
    );
    expect(xml).not.toContain('\u001b');
  });

  it('round-trips: importing the export gives the same keys, outcomes, messages and logs', () => {
    const back = parseJunitXml(xml);
    expect(back.cases.map((c) => [junitCaseKey(c), c.outcome])).toEqual(cases.map((c) => [c.caseKey, c.outcome]));
    const failed = back.cases.find((c) => c.outcome === 'failed')!;
    expect(failed.message).toBe('failed: VM_BAD_POWER_STATE\nexpected: halted');
    expect(failed.details).toBe(nasty.replace('\u001b', '\\x1b').replace('\u001b', '\\x1b').replace('\u0000', '\\x00'));
    expect(failed.stdout).toBe('out ]]> here');
    expect(failed.stderr).toBe('err <b>');
    expect(failed.durationMs).toBe(1001);
    expect(back.counts.total).toBe(8);
  });

  it('writes one testsuite per suite with its properties, totals on testsuites, and imports back', () => {
    const two = exportJunitSuites(
      [
        {
          name: 'migration',
          cases: [
            { caseKey: 'migration.live[scope=intra-pool]', outcome: 'passed', durationMs: 2000 },
            {
              caseKey: 'migration.live[scope=cross-pool]',
              outcome: 'failed',
              message: 'VM_MIGRATE_FAILED',
              stdout: 'case page: /runs/3/cases/abc',
            },
          ],
          properties: [
            ['release', '8.3.0'],
            ['lab', 'lab "a" <b>'],
          ],
        },
        { name: 'storage', cases: [{ caseKey: 'perf.fio[rw=read]', outcome: 'infra-error' }] },
      ],
      'release 8.3.0 run 3',
    );
    expect(XMLValidator.validate(two)).toBe(true);
    expect(two).toContain(
      '<testsuites name="release 8.3.0 run 3" tests="3" failures="1" errors="1" skipped="0" time="2.000">',
    );
    expect(two).toContain('<testsuite name="migration" tests="2" failures="1" errors="0" skipped="0" time="2.000">');
    expect(two).toContain(
      '    <properties>\n      <property name="release" value="8.3.0"/>\n      <property name="lab" value="lab &quot;a&quot; &lt;b&gt;"/>\n    </properties>',
    );
    expect(two).toContain('<testsuite name="storage" tests="1" failures="0" errors="1" skipped="0" time="0.000">');
    const back = parseJunitXml(two);
    expect(back.cases.map((c) => [junitCaseKey(c), c.outcome])).toEqual([
      ['migration.live[scope=intra-pool]', 'passed'],
      ['migration.live[scope=cross-pool]', 'failed'],
      ['perf.fio[rw=read]', 'infra-error'],
    ]);
    expect(back.cases[1]!.stdout).toBe('case page: /runs/3/cases/abc');
  });
});

import type { PlanSuite } from 'src/community/campaign-catalog';
import type { LatestCaseResult } from 'src/community/release-read.repository';
import { releaseReadiness } from 'src/community/release-readiness';

const suites: PlanSuite[] = [
  { id: 'install', title: 'Install', covers: ['verify installation'], manual: false, cases: 1 },
  { id: 'migrate', title: 'Migrate', covers: ['verify migration'], manual: false, cases: 4 },
  { id: 'installer', title: 'Installer', covers: ['verify the installer'], manual: true, cases: 1 },
  { id: 'fio', title: 'Storage perf', covers: ['compare storage performance'], manual: false, cases: 2 },
];

function result(over: Partial<LatestCaseResult>): LatestCaseResult {
  return {
    simulated: false,
    origin: 'lab',
    suite: 'install',
    caseKey: 'k',
    caseHash: 'h',
    manual: false,
    outcome: 'passed',
    signature: null,
    errorCode: null,
    reason: null,
    runNumber: 1,
    ...over,
  };
}

describe('releaseReadiness', () => {
  it('blocks on real failures, lists pending manual checks, and never counts simulated passes', () => {
    const r = releaseReadiness({
      release: '8.3.0',
      campaign: 'xcp-ng-release',
      suites,
      latest: [
        result({ suite: 'install', caseKey: 'i' }),
        result({ suite: 'migrate', caseKey: 'm1' }),
        result({
          suite: 'migrate',
          caseKey: 'm2',
          outcome: 'failed',
          signature: 'SIG',
          errorCode: 'VM_BAD_POWER_STATE',
        }),
        result({ suite: 'installer', caseKey: 'x', manual: true, outcome: 'manual-pending', runNumber: 3 }),
        // Simulated only: the bullet stays untested for readiness.
        result({ suite: 'fio', caseKey: 'f', simulated: true }),
      ],
      knownIssues: new Map([
        ['SIG', { signature: 'SIG', url: 'https://x/1', note: null, createdBy: null, createdAt: new Date() }],
      ]),
      builds: [],
    });
    expect(r.rows.map((row) => [row.bullet, row.real.status, row.simulated.status])).toEqual([
      ['verify installation', 'passed', 'untested'],
      ['verify migration', 'failing', 'untested'],
      ['verify the installer', 'manual-pending', 'untested'],
      ['compare storage performance', 'untested', 'passed'],
    ]);
    expect(r.verdict).toMatchObject({ ready: false, blocking: 1, untested: 1, pendingManual: 1 });
    expect(r.verdict.line).toBe('not ready: 1 blocking, 1 untested, 1 manual check pending');
    expect(r.blocking).toEqual([
      expect.objectContaining({
        bullet: 'verify migration',
        signature: 'SIG',
        knownIssue: expect.objectContaining({ url: 'https://x/1' }),
      }),
    ]);
    expect(r.pendingManual).toEqual([{ bullet: 'verify the installer', caseKey: 'x', caseHash: 'h', runNumber: 3 }]);
    expect(r.hasSimulated).toBe(true);
  });

  it('is ready when every bullet passed on real hardware, community and manual evidence included', () => {
    const r = releaseReadiness({
      release: '8.3.0',
      campaign: 'p',
      suites: suites.slice(0, 3),
      latest: [
        result({ suite: 'install' }),
        result({ suite: 'migrate', origin: 'submission' }),
        result({ suite: 'installer', manual: true }),
      ],
      knownIssues: new Map(),
      builds: [],
    });
    expect(r.verdict).toMatchObject({ ready: true, line: 'ready: 3 of 3 bullets passed on real hardware' });
    expect(r.rows[1]!.real.community).toBe(1);
    expect(r.rows[2]!.real.manual).toBe(1);
  });

  it('groups runs by build, real and simulated apart, with a pass rate over decided cases', () => {
    const run = (n: number, xapi: string, simulated: boolean, passed: number, failed: number) => ({
      runNumber: n,
      simulated,
      origin: 'lab' as const,
      createdAt: new Date(),
      xapi,
      xen: '4.17',
      kernel: '4.19',
      passed,
      failed,
      errored: 0,
      total: passed + failed + 1,
    });
    const r = releaseReadiness({
      release: '8.3.0',
      campaign: null,
      suites: [],
      latest: [],
      knownIssues: new Map(),
      builds: [
        run(1, '24.1', false, 8, 2),
        run(2, '24.1', false, 10, 0),
        run(3, '24.2', false, 5, 5),
        run(4, '24.2', true, 9, 0),
      ],
    });
    expect(r.trend.map((b) => [b.xapi, b.simulated, b.runs, b.passRate])).toEqual([
      ['24.1', false, [1, 2], 0.9],
      ['24.2', false, [3], 0.5],
      ['24.2', true, [4], 1],
    ]);
    expect(r.verdict.line).toBe('not ready: no test plan names this release');
  });
});

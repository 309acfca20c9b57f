import { buildMatrix, matrixAxes } from 'src/reports/overview/matrix-view';
import { failureKey, groupFailures } from 'src/reports/overview/failure-groups';
import { diffLabs } from 'src/reports/overview/lab-diff';
import type { CaseRow, FailedCaseRow } from 'src/reports/read/read-models';

const row = (over: Partial<CaseRow>): CaseRow => ({
  id: Math.random().toString(36),
  runId: 'r',
  caseKey: 'k',
  caseHash: 'h',
  suite: 's',
  scenario: 'sc',
  params: {},
  release: null,
  manual: false,
  status: 'done',
  outcome: 'passed',
  reason: null,
  errorCode: null,
  signature: null,
  attemptCount: 1,
  durationMs: 1,
  startedAt: null,
  finishedAt: null,
  ...over,
});

describe('buildMatrix', () => {
  const cases = [
    row({ caseKey: 'a', params: { vm: 'linux', sr: 'nfs', mem: 2 }, outcome: 'passed' }),
    row({ caseKey: 'b', params: { vm: 'linux', sr: 'local', mem: 2 }, outcome: 'failed' }),
    row({ caseKey: 'c', params: { vm: 'windows', sr: 'iscsi', mem: 4 }, outcome: 'xfailed' }),
    row({ caseKey: 'd', params: { vm: 'windows', sr: 'iscsi', mem: 10 }, outcome: null, status: 'running' }),
  ];

  it('defaults to the two axes with the most values, ties broken by name', () => {
    expect(matrixAxes(cases).map((a) => [a.name, a.valueCount])).toEqual([
      ['mem', 3],
      ['sr', 3],
      ['vm', 2],
    ]);
    const m = buildMatrix(cases);
    expect([m.x, m.y]).toEqual(['mem', 'sr']);
    // Numbers sort numerically, not as text.
    expect(m.xValues).toEqual(['2', '4', '10']);
  });

  it('colours a cell by its worst outcome, and a running case over successes only', () => {
    const m = buildMatrix(cases, { x: 'vm', y: 'sr' });
    const cell = (y: string, x: string) => m.rows.find((r) => r.value === y)!.cells[m.xValues.indexOf(x)];
    expect(cell('local', 'linux')).toMatchObject({ state: 'failed', total: 1, bad: 1 });
    expect(cell('iscsi', 'windows')).toMatchObject({ state: 'running', total: 2, ok: 1, bad: 0 });
    expect(cell('nfs', 'windows')).toBeNull();
  });

  it('ignores an unknown axis and copes with cases without parameters', () => {
    const m = buildMatrix([row({ params: {} })], { x: 'nope' });
    expect(m).toMatchObject({ x: null, y: null, xValues: ['all'] });
    expect(m.rows[0]!.cells[0]).toMatchObject({ total: 1, state: 'passed' });
  });
});

describe('groupFailures', () => {
  const failed = (over: Partial<FailedCaseRow>): FailedCaseRow => ({ ...row({ outcome: 'failed' }), message: null, ...over });

  it('groups by signature (else error code, else outcome), biggest first, marks new ones and known issues', () => {
    const groups = groupFailures(
      [
        failed({ signature: 'A:1', message: 'first' }),
        failed({ signature: 'B:2' }),
        failed({ signature: 'B:2', suite: 'other' }),
        failed({ errorCode: 'VM_LACKS_FEATURE', outcome: 'infra-error' }),
      ],
      new Set(['A:1']),
      new Map([['B:2', { signature: 'B:2', url: 'https://x/1', note: null, createdBy: null, createdAt: new Date() }]]),
    );
    expect(groups.map((g) => [g.signature, g.cases.length, g.isNew])).toEqual([
      ['B:2', 2, true],
      ['A:1', 1, false],
      ['VM_LACKS_FEATURE', 1, true],
    ]);
    expect(groups[0]!.suites).toEqual(['s', 'other']);
    expect(groups[0]!.knownIssue?.url).toBe('https://x/1');
    expect(groups[1]!.message).toBe('first');
  });

  it('marks nothing new without a baseline', () => {
    expect(groupFailures([failed({ signature: 'A' })], null, new Map())[0]!.isNew).toBe(false);
    expect(failureKey({ signature: null, errorCode: null, outcome: 'xpassed' })).toBe('xpassed');
  });
});

describe('diffLabs', () => {
  it('lists changed, added and removed packages across hosts, and host versions', () => {
    const diff = diffLabs(
      { hosts: [{ name: 'h1', version: '8.2.1', build: 'a', packages: { xen: '4.17.3', xapi: '1.249', gone: '1' } }] },
      {
        hosts: [
          { name: 'h1', version: '8.3.0', build: 'b', packages: { xen: '4.17.5', xapi: '1.249', added: '2' } },
          { name: 'h2', version: '8.3.0', build: null, packages: { xen: '4.17.6' } },
        ],
      },
    );
    expect(diff.packages).toEqual([
      { name: 'added', baseline: null, candidate: '2', change: 'added' },
      { name: 'gone', baseline: '1', candidate: null, change: 'removed' },
      { name: 'xen', baseline: '4.17.3', candidate: '4.17.5, 4.17.6', change: 'changed' },
    ]);
    expect(diff.unchangedPackages).toBe(1);
    expect(diff.hosts).toEqual([
      { name: 'h1', baseline: '8.2.1 build a', candidate: '8.3.0 build b' },
      { name: 'h2', baseline: null, candidate: '8.3.0' },
    ]);
  });
});

import { candidateSets } from 'src/community/candidate-sets';
import type { CandidateRun } from 'src/community/release-read.repository';

const XAPI = { name: 'xapi-core', evr: '24.19.2-1.12' };
const run = (n: number, over: Partial<CandidateRun> = {}): CandidateRun => ({
  runNumber: n,
  simulated: false,
  status: 'finished',
  createdAt: new Date(0),
  createdBy: 'watch',
  updates: { enablerepo: 'xcp-ng-testing', packages: ['xapi-core'] },
  trigger: { kind: 'repository-watch', packages: [XAPI] },
  record: null,
  passed: 3,
  failed: 0,
  errored: 0,
  total: 3,
  ...over,
});

describe(candidateSets.name, () => {
  it('should group runs by the packages and versions they tested, newest set first, the newest decided run deciding', () => {
    const sets = candidateSets([
      run(1, { failed: 1 }),
      run(2),
      run(3, { trigger: { kind: 'repository-watch', packages: [{ ...XAPI, evr: '24.19.2-1.13' }] }, failed: 2 }),
      run(4, { status: 'running', passed: 0 }),
    ]);
    expect(sets.map((s) => [s.packages, s.runs.map((r) => [r.runNumber, r.verdict]), s.verdict, s.line])).toEqual([
      [
        [{ name: 'xapi-core', version: '24.19.2-1.12' }],
        [
          [1, 'failed'],
          [2, 'passed'],
          [4, 'pending'],
        ],
        'ready',
        'passed in run #2: ready to move to updates',
      ],
      [
        [{ name: 'xapi-core', version: '24.19.2-1.13' }],
        [[3, 'failed']],
        'failed',
        'failed in run #3: keep it out of updates',
      ],
    ]);
  });

  it('should not call a set ready on simulated evidence, nor when its preparation failed', () => {
    expect(candidateSets([run(1, { simulated: true })])[0]).toMatchObject({
      verdict: 'passed-simulated',
      line: 'passed in run #1 on a simulated lab only: not evidence for moving it to updates',
    });
    expect(candidateSets([run(1, { status: 'error', passed: 0 })])[0]!.verdict).toBe('failed');
    expect(candidateSets([run(1, { status: 'queued', passed: 0 })])[0]).toMatchObject({
      verdict: 'pending',
      line: 'run #1 is testing it',
    });
  });

  it('should take the versions a run installed when nothing names them (a campaign-started run, or all updates)', () => {
    const record = {
      hosts: [{ changes: [{ name: 'sm', from: '3.2.3-1.10', to: '3.2.3-1.12' }] }, { changes: 'damaged' }],
    };
    const [byName] = candidateSets([run(1, { trigger: null, updates: { enablerepo: 'r', packages: ['sm'] }, record })]);
    expect(byName!.packages).toEqual([{ name: 'sm', version: '3.2.3-1.12' }]);
    const [all] = candidateSets([run(2, { trigger: null, updates: { enablerepo: 'r', packages: 'all' }, record })]);
    expect(all!.packages).toEqual([{ name: 'sm', version: '3.2.3-1.12' }]);
    const [unprepared] = candidateSets([run(3, { trigger: null, updates: { enablerepo: 'r', packages: 'all' } })]);
    expect(unprepared!.packages).toBe('all');
  });
});

import type { RunSummary } from 'src/reports/read/read-models';
import { runCandidates } from 'src/reports/overview/run-candidates';

const run = (createdBy: string | null, options: Record<string, unknown>) => ({ createdBy, options }) as RunSummary;

describe(runCandidates.name, () => {
  it('should name the watcher, its set and the versions it found beside the per-host diff', () => {
    const view = runCandidates(
      run('watch', {
        updates: { enablerepo: 'xcp-ng-testing', packages: ['xapi-core'], reboot: 'auto', restartToolstack: 'auto' },
        trigger: {
          kind: 'repository-watch',
          repository: 'http://127.0.0.1:9/repo/',
          set: 'abc123',
          packages: [{ name: 'xapi-core', evr: '24.19.2-1.12' }],
        },
      }),
      {
        status: 'applied',
        pools: [{ name: 'pool-830', updated: true }],
        hosts: [
          {
            host: 'a',
            pool: 'pool-830',
            master: true,
            status: 'updated',
            rebooted: false,
            restarted: ['toolstack'],
            changes: [{ name: 'xapi-core', from: '24.19.2-1.10', to: '24.19.2-1.12' }],
          },
        ],
      },
    );
    expect(view).toEqual({
      startedBy: { kind: 'watch', name: 'watch', repository: 'http://127.0.0.1:9/repo/', set: 'abc123' },
      candidates: { repository: 'xcp-ng-testing', packages: [{ name: 'xapi-core', version: '24.19.2-1.12' }] },
      updates: {
        status: 'applied',
        error: null,
        pools: [{ name: 'pool-830', updated: true, reason: null }],
        hosts: [
          {
            host: 'a',
            pool: 'pool-830',
            master: true,
            status: 'updated',
            rebooted: false,
            restarted: ['toolstack'],
            changes: [{ name: 'xapi-core', from: '24.19.2-1.10', to: '24.19.2-1.12' }],
            error: null,
          },
        ],
      },
    });
  });

  it('should tell a schedule from a person, and a run without candidates from one not prepared yet', () => {
    expect(runCandidates(run('schedule nightly', {}), null)).toEqual({
      startedBy: { kind: 'schedule', name: 'nightly' },
      candidates: null,
      updates: null,
    });
    expect(runCandidates(run('alice', { updates: { enablerepo: 'xcp-ng-testing', packages: 'all' } }), null)).toEqual({
      startedBy: { kind: 'user', name: 'alice' },
      candidates: { repository: 'xcp-ng-testing', packages: 'all' },
      updates: null,
    });
  });

  it('should keep what is stored in shape when a record is damaged', () => {
    const view = runCandidates(run(null, { updates: { enablerepo: 'r', packages: [1, 'sm'] } }), {
      status: 'failed',
      hosts: [{ changes: 'nope' }, 'junk'],
    });
    expect(view.candidates).toEqual({ repository: 'r', packages: [{ name: 'sm', version: null }] });
    expect(view.updates?.hosts.map((h) => [h.host, h.changes])).toEqual([
      ['?', []],
      ['?', []],
    ]);
  });
});

import { ScenarioError } from 'src/scenarios/scenario.errors';
import { migrationNeeds } from 'src/scenarios/support/migration-plan';

const CAMPAIGN = { release: '8.3.0', baseline: '8.2.1' };

describe('migration SR kinds per end', () => {
  it('asks each pool for the SR kind of its own end, NFS for a shared end left to storage', () => {
    const pools = migrationNeeds(
      'cross-pool',
      { storage: 'shared-to-local', srFrom: 'lvmoiscsi', srTo: 'lvm' },
      CAMPAIGN,
    );
    expect(pools.map((p) => [p.role, p.srKinds])).toEqual([
      ['source', ['lvmoiscsi']],
      ['destination', ['lvm']],
    ]);
    const any = migrationNeeds('cross-pool', { storage: 'shared-to-local', srFrom: 'any', srTo: 'any' }, CAMPAIGN);
    expect(any.map((p) => p.srKinds)).toEqual([['nfs'], undefined]);
  });

  it('asks one pool for both kinds within a pool (NFS to iSCSI storage motion)', () => {
    const [pool] = migrationNeeds(
      'intra-pool',
      { storage: 'shared-to-shared', srFrom: 'nfs', srTo: 'lvmoiscsi' },
      CAMPAIGN,
    );
    expect(pool?.srKinds).toEqual(['nfs', 'lvmoiscsi']);
  });

  it('refuses a kind that contradicts storage at that end, naming the parameter', () => {
    const needs = (
      srFrom: 'ext' | 'nfs' | 'any',
      srTo: 'ext' | 'nfs' | 'lvmoiscsi' | 'any',
      storage = 'local-to-shared',
    ) => migrationNeeds('intra-pool', { storage: storage as 'local-to-shared', srFrom, srTo }, CAMPAIGN);
    expect(() => needs('nfs', 'any')).toThrow(/sr_from=nfs is a shared SR kind, but storage=local-to-shared/);
    expect(() => needs('any', 'ext')).toThrow(/sr_to=ext is a local SR kind, but storage=local-to-shared/);
    expect(() => needs('nfs', 'lvmoiscsi', 'shared')).toThrow(ScenarioError);
    expect(() => needs('nfs', 'lvmoiscsi', 'shared')).toThrow(/storage=shared keeps the disks/);
    expect(needs('ext', 'nfs')[0]?.srKinds).toEqual(['ext', 'nfs']);
  });
});

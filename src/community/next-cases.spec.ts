import type { CampaignCase } from 'src/campaign/campaign.types';
import type { CoverageReport } from 'src/community/coverage';
import { nextCases, TestbedCapability } from 'src/community/next-cases';

function migration(key: string, params: Record<string, string>): CampaignCase {
  return {
    caseKey: key,
    caseHash: key.padEnd(12, '0').slice(0, 12),
    suite: 'cold-migration',
    scenario: 'migration.cold',
    params,
    expectation: { outcome: 'pass' },
    settings: { requires: { hosts_per_pool: 2 } },
    manual: false,
  } as unknown as CampaignCase;
}

function uncovered(cases: CampaignCase[]): CoverageReport {
  return {
    release: '8.3.0',
    campaign: 'xcp-ng-release',
    hardwareClasses: [],
    cases: cases.map((c) => ({ ...c, cells: {}, coveredOn: [] })),
    totals: { cases: cases.length, covered: 0, uncovered: cases.length, failing: 0 },
    outsideCampaign: 0,
  };
}

describe('nextCases', () => {
  const testbed: TestbedCapability = {
    hardwareClass: 'x',
    pools: 1,
    hostsPerPool: 2,
    srKinds: ['ext', 'nfs'],
    tags: [],
  };

  it('offers a migration only when the testbed has the SR kinds of both ends (sr_from, sr_to)', () => {
    const cases = [
      migration('nfs-to-ext', { storage: 'shared-to-local', sr_from: 'nfs', sr_to: 'ext' }),
      migration('nfs-to-iscsi', { storage: 'shared-to-shared', sr_from: 'nfs', sr_to: 'lvmoiscsi' }),
      migration('lvm-to-ext', { storage: 'local-to-local', sr_from: 'lvm', sr_to: 'ext' }),
      migration('any-to-any', { storage: 'shared', sr_from: 'any', sr_to: 'any' }),
    ];
    expect(nextCases(uncovered(cases), cases, testbed).map((n) => n.caseKey)).toEqual(['nfs-to-ext', 'any-to-any']);
  });
});

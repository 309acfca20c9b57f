import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandCampaign } from 'src/campaign/expand-campaign';
import { loadCampaign } from 'src/campaign/load-campaign';
import { SCENARIOS } from 'src/campaign/scenario-catalog';

const root = join(__dirname, '..', '..');

/** The release plan's facts: its sections' bullets and its fio commands (test/fixtures/release-plan/README.md). */
interface ReleasePlan {
  sections: Record<string, string[]>;
  fioCommands: string[];
}
const plan = JSON.parse(
  readFileSync(join(root, 'test', 'fixtures', 'release-plan', 'release-plan.json'), 'utf8'),
) as ReleasePlan;

describe('campaigns/xcp-ng-release.yaml', () => {
  const campaign = loadCampaign(join(root, 'campaigns', 'xcp-ng-release.yaml'));
  const expansion = expandCampaign(campaign);
  const text = readFileSync(join(root, 'campaigns', 'xcp-ng-release.yaml'), 'utf8');

  it('is release 8.3.0 against baseline 8.2.1', () => {
    expect(campaign).toMatchObject({ release: '8.3.0', baseline: '8.2.1' });
  });

  it.each(['Basic tests', 'Installer', 'Performance Tests', 'VM Export / Import', 'Guest tools and drivers'])(
    'covers every bullet of "%s", cited in a comment and in covers:',
    (section) => {
      const list = plan.sections[section] ?? [];
      expect(list.length).toBeGreaterThan(1);
      const covered = new Set(campaign.suites.flatMap((s) => s.covers));
      for (const bullet of list) {
        expect(covered).toContain(bullet);
        expect(text).toContain(bullet);
      }
    },
  );

  it('carries the four fio commands of the release plan exactly as written at the default size', () => {
    const fio = expansion.suites.find((s) => s.scenario === 'perf.fio')!;
    const commands = Object.values(fio.cases[0]!.settings.with.fio_commands as Record<string, string>);
    expect(plan.fioCommands).toHaveLength(4);
    expect(commands.sort()).toEqual([...plan.fioCommands].sort());
    expect(fio.cases.map((c) => c.params.release)).toContain('baseline');
    expect(fio.cases[0]!.settings.repeat).toBeGreaterThan(1);
  });

  it('uses every automated scenario of the contract and the installer ones as manual checklists', () => {
    const used = new Set(campaign.suites.map((s) => s.scenario));
    for (const [id, contract] of Object.entries(SCENARIOS)) {
      if (id.startsWith('updates.') || id.startsWith('kmod.') || id.startsWith('external.')) continue;
      expect(used).toContain(id);
      if (contract.manual) {
        expect(
          expansion.suites
            .find((s) => s.scenario === id)!
            .cases.every((c) => c.manual && c.settings.checklist!.length > 0),
        ).toBe(true);
      }
    }
  });

  it('reduces live migration pairwise with full pair coverage, every VM kind during a pool upgrade, no invalid case', () => {
    const live = expansion.suites.find((s) => s.scenario === 'migration.live')!;
    // 3 VM kinds × 3 origins × 2 sizes × 4 loads × 4 storages × 5 × 5 SR kinds × 4 scopes; valid:
    // 8 kind/origin pairs × 2 × 4 = 64, times 42 storage/SR-kind/scope combinations (intra-pool 14,
    // each cross-pool scope 12, pool-upgrade 4, its SRs the lab's).
    expect(live.full).toBe(28_800);
    expect(live.valid).toBe(2_688);
    expect(live.coverage.ratio).toBe(1);
    expect(live.selected).toBeLessThan(40);
    for (const kind of ['pvhvm-linux', 'pv-linux', 'hvm-windows']) {
      expect(live.cases.some((c) => c.params.scope === 'pool-upgrade' && c.params.vm_kind === kind)).toBe(true);
      expect(live.cases.some((c) => c.params.scope === 'cross-pool-from-older' && c.params.vm_kind === kind)).toBe(
        true,
      );
    }
    for (const c of live.cases) {
      if (c.params.scope === 'cross-pool' || c.params.scope === 'cross-pool-from-older') {
        expect(c.params.storage).not.toBe('shared');
        expect(c.settings.requires.pools).toBe(2);
      }
    }
  });

  it('chooses the SR kind of each migration end to match its storage, NFS and iSCSI both ways', () => {
    const shared = ['nfs', 'lvmoiscsi'];
    const local = ['ext', 'lvm'];
    const migrations = expansion.suites.filter((s) => s.scenario.startsWith('migration.')).flatMap((s) => s.cases);
    for (const c of migrations) {
      const { storage, sr_from: from, sr_to: to, scope } = c.params as Record<string, string>;
      if (scope === 'pool-upgrade') {
        expect([from, to]).toEqual(['any', 'any']);
        continue;
      }
      expect(storage === 'shared' || storage!.startsWith('shared-') ? shared : local).toContain(from);
      if (storage === 'shared') expect(to).toBe('any');
      else expect(storage!.endsWith('-to-shared') ? shared : local).toContain(to);
      // SR kinds are asked of each end's own pool by the scenario, never of every pool by the suite.
      expect(c.settings.requires.sr_kinds).toBeUndefined();
    }
    const cold = expansion.suites.find((s) => s.scenario === 'migration.cold')!;
    expect(cold.full).toBe(3_456);
    expect(cold.coverage.ratio).toBe(1);
    const pairs = new Set(cold.cases.map((c) => JSON.stringify([c.params.sr_from, c.params.sr_to])));
    expect(pairs).toContain(JSON.stringify(['nfs', 'lvmoiscsi']));
    expect(pairs).toContain(JSON.stringify(['lvmoiscsi', 'nfs']));
    for (const kind of [...shared, ...local]) {
      expect(migrations.some((c) => c.params.sr_from === kind)).toBe(true);
      expect(migrations.some((c) => c.params.sr_to === kind)).toBe(true);
    }
  });

  it('expects the newer-to-older migration to fail with the code xapi raises', () => {
    const [c] = expansion.suites.find((s) => s.scenario === 'basic.migrate-new-to-old')!.cases;
    expect(c!.expectation).toMatchObject({ outcome: 'fail', error: 'VM_HOST_INCOMPATIBLE_VERSION_MIGRATE' });
  });

  it('filters cases with --only style expressions and single suites', () => {
    const only = expandCampaign(campaign, { suite: 'live-migration', only: "scope == 'pool-upgrade'" });
    expect(only.suites).toHaveLength(1);
    expect(only.total).toBeGreaterThanOrEqual(3);
    expect(only.suites[0]!.cases.every((c) => c.params.scope === 'pool-upgrade')).toBe(true);
  });

  it('expands to the same case keys every time', () => {
    expect(
      expandCampaign(loadCampaign(join(root, 'campaigns', 'xcp-ng-release.yaml'))).suites.flatMap((s) =>
        s.cases.map((c) => c.caseKey),
      ),
    ).toEqual(expansion.suites.flatMap((s) => s.cases.map((c) => c.caseKey)));
  });
});

describe('campaigns/demo.yaml', () => {
  const expansion = expandCampaign(loadCampaign(join(root, 'campaigns', 'demo.yaml')));
  const cases = expansion.suites.flatMap((s) => s.cases);

  it('is small: 15 to 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
    expect(cases.length).toBeLessThanOrEqual(30);
  });

  it('has basic checks, live migrations with one expected newer-to-older failure, fio repeated 3 times and a zstd export', () => {
    expect(cases.filter((c) => c.scenario.startsWith('basic.')).length).toBeGreaterThanOrEqual(4);
    expect(cases.filter((c) => c.scenario === 'migration.live').length).toBeGreaterThanOrEqual(3);
    expect(cases.filter((c) => c.expectation.outcome === 'fail').map((c) => c.caseKey)).toEqual([
      'basic.migrate-new-to-old',
    ]);
    const fio = cases.filter((c) => c.scenario === 'perf.fio');
    expect(new Set(fio.map((c) => c.params.release))).toEqual(new Set(['baseline', 'candidate']));
    expect(fio.every((c) => c.settings.repeat === 3)).toBe(true);
    expect(cases.some((c) => c.caseKey === 'export-import.roundtrip[compression=zstd,target=same-sr]')).toBe(true);
  });
});

describe('campaigns/candidates.yaml', () => {
  const campaign = loadCampaign(join(root, 'campaigns', 'candidates.yaml'));

  it('applies every update xcp-ng-testing offers, then runs only requires-updated suites citing the release plan', () => {
    expect(campaign.updates).toEqual({
      enablerepo: 'xcp-ng-testing',
      packages: 'all',
      restartToolstack: 'auto',
      reboot: 'auto',
    });
    expect(campaign.suites.every((s) => s.requires.updated === true)).toBe(true);
    const bullets = new Set(Object.values(plan.sections).flat());
    for (const bullet of campaign.suites.flatMap((s) => s.covers)) expect(bullets).toContain(bullet);
    expect(expandCampaign(campaign).total).toBe(3);
  });
});

import { CampaignCatalog } from 'src/community/campaign-catalog';

describe("the release plan's xcp_ng_tests table", () => {
  const plan = new CampaignCatalog().forRelease('8.3.0')!;

  it('maps a pytest node id to the campaign case it counts for, first matching rule and its params', () => {
    expect(plan.name).toBe('xcp-ng-release');
    expect(plan.caseForTest('tests/migration/test_host_evacuate.py::TestHostEvacuate::test_host_evacuate')?.suite).toBe(
      'basic-migrate-host-to-host',
    );
    const exported = plan.caseForTest('tests/misc/test_export.py::test_export_zstd')!;
    expect(exported).toMatchObject({ suite: 'export-import', params: { compression: 'zstd', target: 'same-sr' } });
    expect(
      plan.caseForTest('tests/guest-tools/win/test_guest_tools_win.py::TestInstall::test_x')?.params,
    ).toMatchObject({ os: 'windows', action: 'install' });
  });

  it('leaves tests that no rule names unmapped', () => {
    expect(plan.caseForTest('tests/unknown/test_nothing.py::test_x')).toBeUndefined();
    expect(plan.caseForTest('tests/misc/test_export.py')).toBeUndefined();
  });
});

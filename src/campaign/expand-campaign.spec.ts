import { CampaignError, formatDiagnostic } from 'src/campaign/campaign.errors';
import { expandCampaign, refuseRepeatedCases } from 'src/campaign/expand-campaign';
import { loadCampaign } from 'src/campaign/load-campaign';

const CAMPAIGN = loadCampaign({
  filename: 'c.yaml',
  text: `name: t
release: 8.3.0
baseline: 8.2.1
suites:
  - id: live
    scenario: migration.live
    title: live
    matrix:
      axes: { vm_kind: [pv-linux], origin: [recent], size: [tiny], load: [idle], storage: [shared, local-to-local], scope: [intra-pool, cross-pool] }
  - { id: logs, scenario: basic.log-check, title: logs }
`,
});

function onlyProblems(only: string): string[] {
  try {
    expandCampaign(CAMPAIGN, { only });
  } catch (err) {
    if (err instanceof CampaignError) return err.diagnostics.map(formatDiagnostic);
    throw err;
  }
  return [];
}

describe('expandCampaign --only', () => {
  it('keeps the cases whose parameters match the expression, in every suite', () => {
    const x = expandCampaign(CAMPAIGN, { only: "storage == shared AND scope != 'cross-pool'" });
    expect(x.suites.map((s) => s.cases.map((c) => c.params))).toEqual([
      [{ vm_kind: 'pv-linux', origin: 'recent', size: 'tiny', load: 'idle', storage: 'shared', scope: 'intra-pool' }],
      [],
    ]);
    expect(x.total).toBe(1);
  });

  it('refuses a syntax error at its column, a lone = with a hint', () => {
    expect(onlyProblems('storage = shared')).toEqual([
      "--only:1:9: '=' is not a comparison: write 'storage == …' to test equality",
    ]);
    expect(onlyProblems('storage ==')).toEqual(['--only:1:11: expected a value but found the end of the expression']);
  });

  it('refuses a name that is a parameter of no selected suite instead of selecting nothing', () => {
    expect(onlyProblems('storage == shared OR scoop == cross-pool')).toEqual([
      "--only:1:22: 'scoop' is a parameter of no selected suite (parameters: load, origin, scope, size, storage, vm_kind)",
    ]);
    expect(() => expandCampaign(CAMPAIGN, { suite: 'logs', only: 'storage == shared' })).toThrow(
      "'storage' is a parameter of no selected suite (parameters: none)",
    );
  });
});

describe('refuseRepeatedCases', () => {
  const twice = loadCampaign({
    filename: 'twice.yaml',
    text: `name: t
release: 8.3.0
baseline: 8.2.1
suites:
  - { id: logs, scenario: basic.log-check, title: logs }
  - id: logs-again
    scenario: basic.log-check
    title: the same case, with more repetitions
`,
  });

  it('should name the second suite making the same case at its line and column', () => {
    const cases = expandCampaign(twice).suites.flatMap((s) => s.cases);
    expect(() => refuseRepeatedCases(twice, cases)).toThrow(CampaignError);
    try {
      refuseRepeatedCases(twice, cases);
    } catch (err) {
      expect((err as CampaignError).diagnostics.map(formatDiagnostic)).toEqual([
        "twice.yaml:6:5: campaign.suites: suite 'logs-again' makes case basic.log-check, as suite 'logs' does; a run holds a case once: give one of them another parameter value or an only: filter",
      ]);
    }
  });

  it('should let distinct cases and one suite alone through', () => {
    const cases = expandCampaign(CAMPAIGN).suites.flatMap((s) => s.cases);
    expect(() => refuseRepeatedCases(CAMPAIGN, cases)).not.toThrow();
    const once = expandCampaign(twice, { suite: 'logs-again' }).suites.flatMap((s) => s.cases);
    expect(() => refuseRepeatedCases(twice, once)).not.toThrow();
  });
});

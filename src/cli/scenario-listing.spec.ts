import { SCENARIOS } from 'src/campaign/scenario-catalog';
import { listScenarios, needText, scenariosText } from 'src/cli/scenario-listing';
import { defaultScenarios } from 'src/scenarios/default-scenarios';

describe(listScenarios.name, () => {
  const list = listScenarios();
  const byId = new Map(list.map((s) => [s.id, s]));

  it('should list every scenario a campaign may name, each one the engine runs', () => {
    expect(list.map((s) => s.id)).toEqual(Object.keys(SCENARIOS));
    expect(new Set(defaultScenarios().map((d) => d.id))).toEqual(new Set(Object.keys(SCENARIOS)));
    expect(list.every((s) => s.title.length > 0)).toBe(true);
  });

  it('should work out what a lab needs from the scenario code, per parameter value', () => {
    const live = byId.get('migration.live')!.lab.map(needText);
    expect(live).toContain('an SR of type nfs when storage is shared, shared-to-local or local-to-shared');
    expect(live).toContain('2 pools when scope is cross-pool or cross-pool-from-older');
    // An optional parameter's values (default `any`) add their needs on top: NFS to iSCSI asks for iSCSI.
    expect(live).toContain('an SR of type lvmoiscsi when sr_from or sr_to is lvmoiscsi');
    expect(live).toContain('a pool mid-upgrade (hosts on different releases) when scope is pool-upgrade');
    expect(byId.get('perf.fio')!.lab.map(needText)).toContain('an SR of type lvm when sr_kind is lvm');
    expect(byId.get('basic.install-check')!.lab.map(needText)).toEqual(['1 pool', 'hosts on the candidate release']);
    expect(byId.get('installer.answer-file')).toMatchObject({ kind: 'manual', lab: [{ need: 'no pool' }] });
  });

  it('should print parameters with their values', () => {
    expect(scenariosText(list)).toContain('perf.fio: The seed');
    expect(scenariosText(list)).toContain(
      'parameters: workload = randwrite, randread, write, read; release = baseline, candidate; sr_kind = ext, lvm, nfs',
    );
  });
});

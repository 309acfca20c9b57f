import { LabView } from 'src/lab/lab-view';
import { assignPools, narrowToUpdatedPools, planCase } from 'src/execution/planner';
import { withRequirements } from 'src/execution/run.service';

const host = (name: string, version: string, tags: string[] = []) => ({
  id: name,
  name,
  address: '127.0.0.1',
  port: 22,
  username: 'root',
  credentialRef: {},
  version,
  tags,
  health: 'good',
});

const lab: LabView = {
  id: 'lab',
  name: 'test-lab',
  simulated: true,
  inventory: {},
  pools: [
    {
      id: 'p821',
      name: 'pool-821',
      tags: [],
      hosts: [host('a', '8.2.1', ['sr:nfs', 'sr:ext']), host('b', '8.2.1', ['sr:ext'])],
    },
    { id: 'p830', name: 'pool-830', tags: [], hosts: [host('c', '8.3.0', ['sr:nfs']), host('d', '8.3.0')] },
    { id: 'pmix', name: 'pool-mixed', tags: [], hosts: [host('e', '8.2.1'), host('f', '8.3.0')] },
  ],
};

describe(planCase.name, () => {
  it('should list every pool that can serve a role', () => {
    const result = planCase({ pools: [{ role: 'main', minHosts: 2, srKinds: ['nfs'] }] }, lab);
    expect(result).toEqual({
      ok: true,
      plan: { roles: [expect.objectContaining({ role: 'main', poolIds: ['p821', 'p830'] })] },
    });
  });

  it('should skip with the reason when no pool fits', () => {
    const result = planCase({ pools: [{ role: 'main', minHosts: 3, srKinds: ['lvmoiscsi'] }] }, lab);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(
      /no pool of lab test-lab can be the main pool \(needs 3\+ hosts, SR lvmoiscsi; pool-821: 2 usable host\(s\)/,
    );
  });

  it('should match versions and mid-upgrade pools', () => {
    const upgrade = planCase({ pools: [{ role: 'main', minHosts: 2, mixedVersions: true }] }, lab);
    expect(upgrade.ok && upgrade.plan.roles[0]!.poolIds).toEqual(['pmix']);
    const newer = planCase({ pools: [{ role: 'main', minHosts: 1, version: '8.3.0' }] }, lab);
    expect(newer.ok && newer.plan.roles[0]!.poolIds).toEqual(['p830']);
  });

  it('should need distinct pools for a cross-pool case', () => {
    const result = planCase(
      {
        pools: [
          { role: 'source', minHosts: 1, version: '8.2.1' },
          { role: 'destination', minHosts: 1, version: '8.2.1' },
        ],
      },
      lab,
    );
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/no 2 distinct pools/) });
  });
});

describe(assignPools.name, () => {
  it('should find an assignment that avoids busy pools', () => {
    const roles = [
      { role: 'source', need: { role: 'source', minHosts: 1 }, poolIds: ['a', 'b'] },
      { role: 'destination', need: { role: 'destination', minHosts: 1 }, poolIds: ['a', 'c'] },
    ];
    expect(assignPools(roles, (id) => id !== 'b')).toEqual(['a', 'c']);
    expect(assignPools(roles, (id) => id === 'a')).toBeNull();
  });
});

describe(withRequirements.name, () => {
  const facts = { release: '8.3.0', baseline: '8.2.1' };

  it('should put the roles of a requires-updated case on candidate pools, leaving the baseline role un-updated', () => {
    const needs = withRequirements(
      {
        pools: [
          { role: 'old', minHosts: 1, version: '8.2.1' },
          { role: 'new', minHosts: 1 },
        ],
      },
      { updated: true },
      facts,
    );
    expect(needs.pools).toEqual([
      { role: 'old', minHosts: 1, version: '8.2.1', srKinds: [], tags: [] },
      { role: 'new', minHosts: 1, version: '8.3.0', updated: true, srKinds: [], tags: [] },
    ]);
    const plan = planCase(needs, lab);
    expect(plan.ok && plan.plan.roles.map((r) => [r.role, r.poolIds])).toEqual([
      ['old', ['p821']],
      ['new', ['p830']],
    ]);
  });

  it('should say the update is needed when no candidate pool can serve the case', () => {
    const needs = withRequirements({ pools: [{ role: 'pool', minHosts: 3 }] }, { updated: true }, facts);
    expect(planCase(needs, lab)).toEqual({
      ok: false,
      reason:
        "no pool of lab test-lab can be the pool pool (needs 3+ hosts, version 8.3.0, the run's update candidates applied; pool-821: 2 usable host(s); pool-830: 2 usable host(s); pool-mixed: 2 usable host(s))",
    });
  });

  it('should leave the needs alone without updated', () => {
    expect(withRequirements({ pools: [{ role: 'pool', minHosts: 1 }] }, {}, facts).pools).toEqual([
      { role: 'pool', minHosts: 1, srKinds: [], tags: [] },
    ]);
  });
});

describe(narrowToUpdatedPools.name, () => {
  const updatedNeed = { role: 'new', minHosts: 1, version: '8.3.0', updated: true };
  const oldNeed = { role: 'old', minHosts: 1, version: '8.2.1' };
  const plan = {
    roles: [
      { role: 'old', need: oldNeed, poolIds: ['p821'] },
      { role: 'new', need: updatedNeed, poolIds: ['p830', 'pmix'] },
    ],
  };

  it('should keep only the updated pools for the updated role, the baseline role as planned', () => {
    expect(narrowToUpdatedPools(plan, lab, ['pool-830'])).toEqual({
      ok: true,
      changed: true,
      plan: {
        roles: [
          { role: 'old', need: oldNeed, poolIds: ['p821'] },
          { role: 'new', need: updatedNeed, poolIds: ['p830'] },
        ],
      },
    });
    expect(narrowToUpdatedPools({ roles: [plan.roles[1]!] }, lab, ['pool-830', 'pool-mixed'])).toMatchObject({
      ok: true,
      changed: false,
    });
  });

  it('should say why a case cannot run when the update step did not change its pools', () => {
    expect(narrowToUpdatedPools(plan, lab, ['pool-821'])).toEqual({
      ok: false,
      reason:
        'requires updated: none of its new pools (pool-830, pool-mixed) was updated by this run (updated: pool-821)',
    });
    expect(narrowToUpdatedPools(plan, lab, [])).toEqual({
      ok: false,
      reason: 'requires updated: this run applied no update candidates, so no pool can serve it',
    });
  });
});

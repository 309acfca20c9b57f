import { poolSrKinds, poolVersions } from 'src/execution/lab-view';
import { LabPoolView, LabView } from 'src/lab/lab-view';
import { PoolNeed, ScenarioNeeds } from 'src/scenarios/scenario.types';

/** For each role of a case, the pools that could serve it. Stored with the case for the dispatcher. */
export interface CasePlan {
  roles: Array<{ role: string; need: PoolNeed; poolIds: string[] }>;
}

type PlanResult = { ok: true; plan: CasePlan } | { ok: false; reason: string };

export function describeNeed(need: PoolNeed): string {
  const parts = [`${need.minHosts}+ host${need.minHosts === 1 ? '' : 's'}`];
  if (need.srKinds?.length) parts.push(`SR ${need.srKinds.join('+')}`);
  if (need.version) parts.push(`version ${need.version}`);
  if (need.mixedVersions) parts.push('mixed versions (mid-upgrade)');
  if (need.tags?.length) parts.push(`tags ${need.tags.join(',')}`);
  if (need.updated) parts.push("the run's update candidates applied");
  return parts.join(', ');
}

/** Why `pool` cannot serve `need`, or null when it can. */
function poolMismatch(pool: LabPoolView, need: PoolNeed): string | null {
  const usable = pool.hosts.filter((h) => h.health !== 'bad' && h.health !== 'maintenance');
  if (usable.length < need.minHosts) return `${usable.length} usable host(s)`;
  const kinds = poolSrKinds(pool);
  const missing = (need.srKinds ?? []).filter((k) => !kinds.has(k));
  if (missing.length) return `no ${missing.join('/')} SR`;
  const versions = poolVersions(pool);
  if (need.mixedVersions && versions.size < 2) return 'not mid-upgrade';
  if (!need.mixedVersions && need.version && (versions.size !== 1 || !versions.has(need.version))) {
    return `runs ${[...versions].join('+') || 'an unknown version'}`;
  }
  const missingTags = (need.tags ?? []).filter((t) => !pool.hosts.every((h) => h.tags.includes(t)));
  if (missingTags.length) return `hosts lack tag ${missingTags.join(',')}`;
  return null;
}

/** Can distinct pools be given to every role? Small search: cases need one or two pools. */
export function assignPools(
  roles: CasePlan['roles'],
  isFree: (poolId: string) => boolean = () => true,
): string[] | null {
  const chosen: string[] = [];
  const search = (i: number): boolean => {
    if (i === roles.length) return true;
    for (const id of roles[i]!.poolIds) {
      if (chosen.includes(id) || !isFree(id)) continue;
      chosen.push(id);
      if (search(i + 1)) return true;
      chosen.pop();
    }
    return false;
  };
  return search(0) ? [...chosen] : null;
}

/** Matches a case's needs to the lab; a case no part of the lab can serve is skipped with the reason. */
export function planCase(needs: ScenarioNeeds, lab: LabView): PlanResult {
  const roles: CasePlan['roles'] = [];
  for (const need of needs.pools) {
    const poolIds: string[] = [];
    const refusals: string[] = [];
    for (const pool of lab.pools) {
      const why = poolMismatch(pool, need);
      if (why) refusals.push(`${pool.name}: ${why}`);
      else poolIds.push(pool.id);
    }
    if (!poolIds.length) {
      return {
        ok: false,
        reason: `no pool of lab ${lab.name} can be the ${need.role} pool (needs ${describeNeed(need)}; ${refusals.join('; ') || 'the lab has no pools'})`,
      };
    }
    roles.push({ role: need.role, need, poolIds });
  }
  if (roles.length > 1 && !assignPools(roles)) {
    return {
      ok: false,
      reason: `lab ${lab.name} has no ${roles.length} distinct pools for roles ${roles.map((r) => r.role).join(', ')}`,
    };
  }
  return { ok: true, plan: { roles } };
}

/**
 * After the run's update step: a requires-updated case's roles narrowed to the pools it changed, or
 * why the case cannot run (none of its pools was updated, or the run applied no candidates).
 */
export function narrowToUpdatedPools(
  plan: CasePlan,
  lab: LabView,
  updatedPools: string[],
): { ok: true; plan: CasePlan; changed: boolean } | { ok: false; reason: string } {
  const updatedIds = new Set(lab.pools.filter((p) => updatedPools.includes(p.name)).map((p) => p.id));
  const roles = plan.roles.map((r) =>
    r.need.updated ? { ...r, poolIds: r.poolIds.filter((id) => updatedIds.has(id)) } : r,
  );
  const stuck = roles.find((r) => r.need.updated && !r.poolIds.length);
  if (!stuck && assignPools(roles)) {
    return {
      ok: true,
      plan: { ...plan, roles },
      changed: roles.some((r, i) => r.poolIds.length !== plan.roles[i]!.poolIds.length),
    };
  }
  if (!updatedPools.length) {
    return { ok: false, reason: 'requires updated: this run applied no update candidates, so no pool can serve it' };
  }
  if (!stuck) {
    return {
      ok: false,
      reason: `requires updated: the pools this run updated (${updatedPools.join(', ')}) cannot give roles ${roles.map((r) => r.role).join(', ')} distinct pools`,
    };
  }
  const role = stuck;
  const names = new Map(lab.pools.map((p) => [p.id, p.name]));
  const planned = plan.roles.find((r) => r.role === role.role)?.poolIds.map((id) => names.get(id) ?? id) ?? [];
  return {
    ok: false,
    reason: `requires updated: none of its ${role.role} pools (${planned.join(', ')}) was updated by this run (updated: ${updatedPools.join(', ')})`,
  };
}

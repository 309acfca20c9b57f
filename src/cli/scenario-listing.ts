import { SCENARIOS } from 'src/campaign/scenario-catalog';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import type { CaseParams, ScenarioDefinition, ScenarioNeeds } from 'src/scenarios/scenario.types';

/** One thing a lab must offer, and for which cases: all of them, some parameter values, or some cases. */
interface LabNeed {
  need: string;
  /** Absent: every case of the scenario needs it. */
  when?: { param: string; values: string[] } | 'some cases';
}

interface ScenarioListing {
  id: string;
  title: string;
  kind: 'automated' | 'manual';
  /** Parameter → the values a campaign may give it (null: any value). */
  params: Record<string, readonly string[] | null>;
  /** What the lab must offer, worked out from the scenario's own `needs` over every combination. */
  lab: LabNeed[];
  /** The metrics its cases record. */
  metrics: string[];
}

/** Combinations beyond this are not enumerated for the lab summary (none of the shipped scenarios comes close). */
const MAX_COMBINATIONS = 20_000;

/** The release and baseline as names, so that needs read "the candidate release", not a version number. */
const FACTS = { release: 'candidate', baseline: 'baseline' };

function combinations(params: Record<string, readonly string[] | null>): CaseParams[] {
  let out: CaseParams[] = [{}];
  for (const [name, values] of Object.entries(params)) {
    if (!values) continue;
    out = out.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
    if (out.length > MAX_COMBINATIONS) return out.slice(0, MAX_COMBINATIONS);
  }
  return out;
}

/** The needs of one case as short phrases, so that equal needs of different cases compare equal. */
function phrases(needs: ScenarioNeeds): string[] {
  const out = new Set<string>();
  out.add(needs.pools.length === 0 ? 'no pool' : needs.pools.length === 1 ? '1 pool' : `${needs.pools.length} pools`);
  for (const pool of needs.pools) {
    if (pool.minHosts > 1) out.add(`${pool.minHosts} hosts in a pool`);
    for (const kind of pool.srKinds ?? []) out.add(`an SR of type ${kind}`);
    if (pool.version) out.add(`hosts on the ${pool.version} release`);
    if (pool.mixedVersions) out.add('a pool mid-upgrade (hosts on different releases)');
    for (const tag of pool.tags ?? []) out.add(`hosts tagged ${tag}`);
  }
  return [...out];
}

/** Pools first, then hosts, releases, storage and tags, so that alternatives sit side by side. */
const ORDER = [/pools?$/, /hosts in a pool$/, /release/, /mid-upgrade/, /^an SR/, /tagged/];
const rank = (need: string): number => ORDER.findIndex((re) => re.test(need));

/** For which cases a need holds: all, exactly those with some values of one parameter, or some. */
function condition(cases: Array<{ params: CaseParams; needs: Set<string> }>, need: string): LabNeed['when'] {
  const having = cases.filter((c) => c.needs.has(need));
  if (having.length === cases.length) return undefined;
  const names = Object.keys(cases[0]?.params ?? {});
  for (const param of names) {
    const values = new Set(having.map((c) => String(c.params[param])));
    if (cases.every((c) => c.needs.has(need) === values.has(String(c.params[param])))) {
      return { param, values: [...values] };
    }
  }
  return 'some cases';
}

/** A parameter whose first value is this one is optional: its other values add needs to the default's. */
const DEFAULT_VALUE = 'any';

function labNeeds(definition: ScenarioDefinition, params: Record<string, readonly string[] | null>): LabNeed[] {
  const optional = Object.keys(params).filter((name) => params[name]?.[0] === DEFAULT_VALUE);
  const base = { ...params, ...Object.fromEntries(optional.map((name) => [name, [DEFAULT_VALUE]])) };
  const needs = needsOver(definition, base);
  // What naming a value of an optional parameter adds, e.g. "an SR of type lvmoiscsi when sr_from or sr_to is lvmoiscsi".
  const known = new Set(needs.map((n) => n.need));
  const added = new Map<string, Map<string, string[]>>();
  for (const name of optional) {
    for (const value of params[name]!.slice(1)) {
      for (const need of new Set(needsOf(definition, { ...base, [name]: [value] }).flatMap((c) => [...c.needs]))) {
        if (known.has(need)) continue;
        const byValue = added.get(need) ?? new Map<string, string[]>();
        byValue.set(value, [...(byValue.get(value) ?? []), name]);
        added.set(need, byValue);
      }
    }
  }
  for (const [need, byValue] of added) {
    const byParams = new Map<string, string[]>();
    for (const [value, names] of byValue) {
      byParams.set(names.join(' or '), [...(byParams.get(names.join(' or ')) ?? []), value]);
    }
    for (const [param, values] of byParams) needs.push({ need, when: { param, values } });
  }
  return needs.sort((a, b) => rank(a.need) - rank(b.need));
}

/** Each combination the scenario accepts, with what it needs. */
function needsOf(
  definition: ScenarioDefinition,
  params: Record<string, readonly string[] | null>,
): Array<{ params: CaseParams; needs: Set<string> }> {
  const cases: Array<{ params: CaseParams; needs: Set<string> }> = [];
  for (const p of combinations(params)) {
    try {
      cases.push({ params: p, needs: new Set(phrases(definition.needs(p, FACTS, {}))) });
    } catch {
      // A combination the scenario itself refuses needs nothing: it never reaches a lab.
    }
  }
  return cases;
}

function needsOver(definition: ScenarioDefinition, params: Record<string, readonly string[] | null>): LabNeed[] {
  const cases = needsOf(definition, params);
  const all = [...new Set(cases.flatMap((c) => [...c.needs]))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return all.map((need) => {
    const when = condition(cases, need);
    return when === undefined ? { need } : { need, when };
  });
}

/** Every scenario a campaign may name: its parameters and their values, and what it needs of a lab. */
export function listScenarios(): ScenarioListing[] {
  const definitions = new Map(defaultScenarios().map((d) => [d.id, d]));
  return Object.entries(SCENARIOS).map(([id, contract]) => {
    const definition = definitions.get(id);
    return {
      id,
      title: definition?.title ?? '',
      kind: contract.manual ? 'manual' : 'automated',
      params: contract.params,
      lab: definition ? labNeeds(definition, contract.params) : [],
      metrics: (definition?.metrics ?? []).map((m) => m.metric),
    };
  });
}

export function needText(n: LabNeed): string {
  if (n.when === undefined) return n.need;
  if (n.when === 'some cases') return `${n.need} (some cases)`;
  const values = n.when.values;
  const list = values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}` : values[0];
  return `${n.need} when ${n.when.param} is ${list}`;
}

function paramText(values: readonly string[] | null): string {
  return values ? values.join(', ') : 'any value';
}

/** `shakedown scenarios`: one block per scenario. */
export function scenariosText(list: readonly ScenarioListing[]): string {
  return list
    .map((s) => {
      const lines = [`${s.id}${s.kind === 'manual' ? ' (manual)' : ''}: ${s.title}`];
      const params = Object.entries(s.params);
      lines.push(
        params.length
          ? `  parameters: ${params.map(([name, values]) => `${name} = ${paramText(values)}`).join('; ')}`
          : '  parameters: none',
      );
      if (s.lab.length) lines.push(`  lab: ${s.lab.map(needText).join('; ')}`);
      if (s.metrics.length) lines.push(`  metrics: ${s.metrics.join(', ')}`);
      return lines.join('\n');
    })
    .join('\n\n');
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The scenarios as a Markdown table, for docs/campaigns.md. */
export function scenariosMarkdown(list: readonly ScenarioListing[]): string {
  const rows = list.map((s) => {
    const params = Object.entries(s.params)
      .map(([name, values]) => `\`${name}\`: ${paramText(values)}`)
      .join('<br>');
    const lab = s.lab.map(needText).join('<br>');
    const what = `${s.kind === 'manual' ? '(manual) ' : ''}${s.title}`;
    return `| \`${s.id}\` | ${cell(what)} | ${cell(params) || '—'} | ${cell(lab) || '—'} |`;
  });
  return [
    '| scenario | what it does | parameters and values | what it needs of a lab |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

import type {
  CampaignCase,
  Campaign,
  CampaignExpansion,
  CaseSettings,
  Requirements,
  Suite,
  SuiteExpansion,
} from 'src/campaign/campaign.types';
import { caseHash, caseKey } from 'src/matrix/case-key';
import { expandMatrix } from 'src/matrix/expand';
import { comparisonsOf, type Expr, evaluate, parseExpression } from 'src/matrix/expression';
import { MatrixError } from 'src/matrix/matrix.errors';
import type { Params, Value } from 'src/matrix/matrix.types';
import { valueText } from 'src/matrix/canonical';
import { type Diagnostic, CampaignError, CampaignErrorCode } from 'src/campaign/campaign.errors';

interface ExpandCampaignOptions {
  /** Only this suite (by id). */
  suite?: string;
  /** Only the cases whose parameters satisfy this expression (constraint language). */
  only?: string;
}

/** Problems of an `--only` expression are reported as diagnostics of this pseudo-file, column by column. */
const ONLY_SOURCE = '--only';

function onlyProblem(message: string, offset: number): CampaignError {
  return new CampaignError([{ file: ONLY_SOURCE, line: 1, col: offset + 1, message }]);
}

/**
 * The `--only` expression, the same language as constraints wherever a selection is taken (campaign
 * expand, run start, the API): a syntax error or a name no selected suite has is refused at its
 * column instead of quietly selecting nothing.
 */
function parseOnly(src: string, suites: readonly Suite[]): Expr {
  let expr: Expr;
  try {
    expr = parseExpression(src);
  } catch (err) {
    if (!(err instanceof MatrixError)) throw err;
    throw onlyProblem(err.message, err.offset ?? 0);
  }
  const known = new Set<string>();
  for (const s of suites) {
    for (const name of Object.keys(s.matrix.axes)) known.add(name);
    for (const entry of s.matrix.include ?? []) for (const name of Object.keys(entry)) known.add(name);
  }
  for (const leaf of comparisonsOf(expr)) {
    const param = leaf.name.split('.')[0] as string;
    if (!known.has(param)) {
      throw onlyProblem(
        `'${param}' is a parameter of no selected suite (parameters: ${[...known].sort().join(', ') || 'none'})`,
        leaf.offset,
      );
    }
  }
  return expr;
}

function mergeRequirements(a: Requirements, b: Requirements): Requirements {
  const out: Requirements = { ...a };
  if (b.pools !== undefined) out.pools = Math.max(out.pools ?? 0, b.pools);
  if (b.hosts_per_pool !== undefined) out.hosts_per_pool = Math.max(out.hosts_per_pool ?? 0, b.hosts_per_pool);
  for (const key of ['sr_kinds', 'versions', 'hardware'] as const) {
    const extra = b[key];
    if (extra) out[key] = [...new Set([...(out[key] ?? []), ...extra])];
  }
  if (b.updated) out.updated = true;
  return out;
}

/** Replaces ${name} in strings with a parameter, a scalar setting, or the campaign's release/baseline. */
function render(value: Value, scope: Record<string, Value>): Value {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z0-9_.-]+)\}/g, (whole, name: string) => {
      const v = scope[name];
      return v === undefined || (v !== null && typeof v === 'object')
        ? whole
        : typeof v === 'string'
          ? v
          : valueText(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => render(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, scope)]));
  }
  return value;
}

function caseSettings(
  campaign: Campaign,
  suite: Suite,
  params: Params,
  rules: Array<{ when: Expr; requires: Requirements }>,
): CaseSettings {
  let requires = { ...suite.requires };
  for (const rule of rules) if (evaluate(rule.when, params)) requires = mergeRequirements(requires, rule.requires);
  const scalars = Object.fromEntries(Object.entries(suite.with).filter(([, v]) => v === null || typeof v !== 'object'));
  const scope: Record<string, Value> = {
    campaign_release: campaign.release,
    campaign_baseline: campaign.baseline,
    ...scalars,
    ...params,
  };
  const settings: CaseSettings = {
    ...suite.settings,
    thresholds: { ...suite.settings.thresholds },
    requires,
    with: render(suite.with, scope) as Record<string, Value>,
  };
  if (suite.manual) settings.checklist = [...suite.checklist];
  return settings;
}

function expandSuite(campaign: Campaign, suite: Suite, only?: Expr): SuiteExpansion {
  const matrix = expandMatrix(suite.matrix);
  const rules = suite.requires_when.map((r) => ({ when: parseExpression(r.when), requires: r.requires }));
  const cases: CampaignCase[] = [];
  for (const combo of matrix.combinations) {
    if (only && !evaluate(only, combo.params)) continue;
    const key = caseKey(suite.scenario, combo.params);
    cases.push({
      caseKey: key,
      caseHash: caseHash(key),
      suite: suite.id,
      scenario: suite.scenario,
      params: combo.params,
      expectation: combo.expectation,
      settings: caseSettings(campaign, suite, combo.params, rules),
      manual: suite.manual,
    });
  }
  return {
    suite: suite.id,
    scenario: suite.scenario,
    title: suite.title,
    full: matrix.full,
    valid: matrix.valid,
    selected: cases.length,
    coverage: matrix.coverage,
    warnings: matrix.warnings,
    cases,
  };
}

/**
 * Expands every suite (or one) of a loaded campaign into cases with stable keys. Two suites that
 * produce the same case key are both kept: they may differ in settings (say, repetitions).
 */
export function expandCampaign(campaign: Campaign, options: ExpandCampaignOptions = {}): CampaignExpansion {
  const suites = options.suite === undefined ? campaign.suites : campaign.suites.filter((s) => s.id === options.suite);
  if (options.suite !== undefined && suites.length === 0) {
    const message = `no suite '${options.suite}' (suites: ${campaign.suites.map((s) => s.id).join(', ')})`;
    throw new CampaignError([{ file: campaign.file, line: 1, col: 1, message }], CampaignErrorCode.UnknownSuite);
  }
  const only = options.only === undefined ? undefined : parseOnly(options.only, suites);
  const expanded = suites.map((s) => expandSuite(campaign, s, only));
  return {
    campaign: campaign.name,
    release: campaign.release,
    baseline: campaign.baseline,
    suites: expanded,
    total: expanded.reduce((n, s) => n + s.cases.length, 0),
  };
}

/**
 * A run holds each case once, so two suites that make the same case (same scenario, same
 * parameters) cannot both run: the second one is named at its place in the file.
 */
export function refuseRepeatedCases(campaign: Campaign, cases: readonly CampaignCase[]): void {
  const first = new Map<string, string>();
  const reported = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const c of cases) {
    const earlier = first.get(c.caseKey);
    if (earlier === undefined) {
      first.set(c.caseKey, c.suite);
      continue;
    }
    if (reported.has(c.suite)) continue;
    reported.add(c.suite);
    const at = campaign.suites.find((s) => s.id === c.suite)?.at ?? { line: 1, col: 1 };
    diagnostics.push({
      file: campaign.file,
      ...at,
      message: `campaign.suites: suite '${c.suite}' makes case ${c.caseKey}, as suite '${earlier}' does; a run holds a case once: give one of them another parameter value or an only: filter`,
    });
  }
  if (diagnostics.length) throw new CampaignError(diagnostics);
}

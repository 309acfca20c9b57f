import type { CampaignCase } from 'src/campaign/campaign.types';
import type { CoverageReport, CoverageRow } from 'src/community/coverage';

/** What a submitter's setup offers: a profile says the hardware; the rest they tell us. */
export interface TestbedCapability {
  hardwareClass: string;
  pools: number;
  hostsPerPool: number;
  /** SR kinds they can create (a default install has local ext or lvm). */
  srKinds: string[];
  /** Hardware tags their hosts carry (the campaign's `requires.hardware`). */
  tags: string[];
}

export const DEFAULT_SR_KINDS = ['ext', 'lvm'];

/** Case parameters that name an SR kind. */
const SR_PARAMS = ['sr_kind', 'sr', 'sr_from', 'sr_to'];

export interface NextCase {
  caseKey: string;
  caseHash: string;
  suite: string;
  scenario: string;
  manual: boolean;
  /** 0 never covered anywhere, 1 covered elsewhere and failing there, 2 covered elsewhere and passing. */
  tier: 0 | 1 | 2;
  why: string;
  coveredOn: string[];
}

/**
 * The cases of a release's campaign worth running on this testbed next, most valuable first:
 * 1. never covered on any hardware (nobody knows whether it works at all);
 * 2. covered elsewhere but failing there (is the failure the product, or that hardware?);
 * 3. covered elsewhere and passing (one more hardware class for a case that works).
 * Within a tier: cases covered on fewer classes first, automated before manual, then campaign order.
 * Cases already covered on this class, and cases the testbed cannot serve (more pools or hosts than
 * it has, SR kinds or hardware tags it lacks), are left out. Release requirements (baseline and
 * candidate installed) are not checked: a submitter tests the candidate and says so.
 */
export function nextCases(
  report: CoverageReport,
  cases: readonly CampaignCase[],
  testbed: TestbedCapability,
  limit = 50,
): NextCase[] {
  const byKey = new Map(cases.map((c) => [c.caseKey, c]));
  const order = new Map(cases.map((c, i) => [c.caseKey, i]));
  const out: NextCase[] = [];
  for (const row of report.cases) {
    if (row.cells[testbed.hardwareClass]?.covered) continue;
    const c = byKey.get(row.caseKey);
    if (!c || !canServe(c, testbed)) continue;
    out.push(rank(row));
  }
  out.sort(
    (a, b) =>
      a.tier - b.tier ||
      a.coveredOn.length - b.coveredOn.length ||
      Number(a.manual) - Number(b.manual) ||
      (order.get(a.caseKey) ?? 0) - (order.get(b.caseKey) ?? 0),
  );
  return out.slice(0, limit);
}

function rank(row: CoverageRow): NextCase {
  const failingOn = Object.entries(row.cells)
    .filter(([, cell]) => cell.covered && (cell.outcome === 'failed' || cell.outcome === 'xpassed'))
    .map(([cls]) => cls);
  const tier: NextCase['tier'] = row.coveredOn.length === 0 ? 0 : failingOn.length ? 1 : 2;
  const why =
    tier === 0
      ? 'never covered on any hardware'
      : tier === 1
        ? `fails on ${failingOn.join(', ')}: another hardware class tells product from hardware`
        : `covered only on ${row.coveredOn.join(', ')}`;
  return {
    caseKey: row.caseKey,
    caseHash: row.caseHash,
    suite: row.suite,
    scenario: row.scenario,
    manual: row.manual,
    tier,
    why,
    coveredOn: row.coveredOn,
  };
}

function canServe(c: CampaignCase, testbed: TestbedCapability): boolean {
  const req = c.settings.requires;
  if ((req.pools ?? 1) > testbed.pools) return false;
  if ((req.hosts_per_pool ?? 1) > testbed.hostsPerPool) return false;
  // A case that names its SR kinds (fio's sr_kind, a migration's sr_from and sr_to) needs those;
  // otherwise what its suite requires. `any` names none.
  const named = SR_PARAMS.map((p) => c.params[p]).filter((v): v is string => typeof v === 'string' && v !== 'any');
  const kinds = named.length ? named : (req.sr_kinds ?? []);
  if (!kinds.every((k) => testbed.srKinds.includes(k))) return false;
  return (req.hardware ?? []).every((t) => testbed.tags.includes(t));
}

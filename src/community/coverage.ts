import type { CampaignCase } from 'src/campaign/campaign.types';
import { isOutcome, worstOutcome } from 'src/results/outcome';
import type { Outcome } from 'src/results/outcome';

/** One result of one case on one hardware class, from a lab run or an accepted submission. */
export interface CoverageObservation {
  caseKey: string;
  outcome: Outcome;
  hardwareClass: string;
  /** The submitter's name, or "core lab" for the team's own lab runs. */
  by: string;
}

interface CoverageCell {
  /** The worst outcome seen for this case on this class (a failure is never hidden by a later pass). */
  outcome: Outcome;
  /** The product was exercised: passed, failed, xfailed or xpassed (not skipped, cancelled, infra errors). */
  covered: boolean;
  by: string[];
  results: number;
}

export interface CoverageRow {
  caseKey: string;
  caseHash: string;
  suite: string;
  scenario: string;
  manual: boolean;
  cells: Record<string, CoverageCell>;
  /** Hardware classes on which the case is covered. */
  coveredOn: string[];
}

export interface CoverageReport {
  release: string;
  campaign: string | null;
  hardwareClasses: string[];
  cases: CoverageRow[];
  totals: { cases: number; covered: number; uncovered: number; failing: number };
  /** Results of the release for cases that are not in the campaign (xcp-ng-tests ids, other campaigns). */
  outsideCampaign: number;
}

const EXERCISED: ReadonlySet<Outcome> = new Set(['passed', 'failed', 'xfailed', 'xpassed']);
const FAILING: ReadonlySet<Outcome> = new Set(['failed', 'xpassed']);

function isExercised(outcome: Outcome): boolean {
  return EXERCISED.has(outcome);
}

/** Every campaign case × every hardware class that produced results for the release. */
export function computeCoverage(
  release: string,
  campaign: { name: string; cases: readonly CampaignCase[] } | undefined,
  observations: readonly CoverageObservation[],
): CoverageReport {
  const cases = campaign?.cases ?? [];
  const known = new Set(cases.map((c) => c.caseKey));
  const classes = [...new Set(observations.map((o) => o.hardwareClass))].sort();
  const byCase = new Map<string, CoverageObservation[]>();
  let outside = 0;
  for (const o of observations) {
    if (!isOutcome(o.outcome)) continue;
    if (!known.has(o.caseKey)) {
      outside++;
      continue;
    }
    const list = byCase.get(o.caseKey) ?? [];
    list.push(o);
    byCase.set(o.caseKey, list);
  }
  let covered = 0;
  let failing = 0;
  const rows = cases.map<CoverageRow>((c) => {
    const cells: Record<string, CoverageCell> = {};
    for (const o of byCase.get(c.caseKey) ?? []) {
      const cell = cells[o.hardwareClass];
      if (!cell) {
        cells[o.hardwareClass] = { outcome: o.outcome, covered: isExercised(o.outcome), by: [o.by], results: 1 };
        continue;
      }
      // Exercised outcomes outrank "did not run": a skip next to a pass does not make the cell grey.
      const exercised = [cell.outcome, o.outcome].filter(isExercised);
      cell.outcome = worstOutcome(exercised.length ? exercised : [cell.outcome, o.outcome]) ?? cell.outcome;
      cell.covered ||= isExercised(o.outcome);
      if (!cell.by.includes(o.by)) cell.by.push(o.by);
      cell.results++;
    }
    for (const cell of Object.values(cells)) cell.by.sort();
    const coveredOn = Object.keys(cells)
      .filter((k) => cells[k]!.covered)
      .sort();
    if (coveredOn.length) covered++;
    if (Object.values(cells).some((cell) => FAILING.has(cell.outcome))) failing++;
    return {
      caseKey: c.caseKey,
      caseHash: c.caseHash,
      suite: c.suite,
      scenario: c.scenario,
      manual: c.manual,
      cells,
      coveredOn,
    };
  });
  return {
    release,
    campaign: campaign?.name ?? null,
    hardwareClasses: classes,
    cases: rows,
    totals: { cases: rows.length, covered, uncovered: rows.length - covered, failing },
    outsideCampaign: outside,
  };
}

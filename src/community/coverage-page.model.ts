import type { ChartSpec } from 'src/reports/charts/chart-specs';
import { OUTCOME_COLORS } from 'src/reports/charts/chart-specs';
import { formatWhen } from 'src/community/page-format';
import type { CoverageReport, CoverageRow } from 'src/community/coverage';
import { CORE_LAB } from 'src/community/coverage.repository';
import type { Outcome } from 'src/results/outcome';

/** When each contributor last produced a result for a case on a hardware class. */
export interface CoverageTimes {
  /** Submissions: by case key, hardware class and submitter. */
  submissions: ReadonlyMap<string, Date>;
  /** Core-lab runs: by case key only (a lab run counts for every class of its lab). */
  lab: ReadonlyMap<string, Date>;
}

export const submissionTimeKey = (caseKey: string, hardwareClass: string, by: string): string =>
  `${caseKey}\u0000${hardwareClass}\u0000${by}`;

type HeatState = Outcome | 'uncovered';

interface HeatCell {
  hardwareClass: string;
  state: HeatState;
  /** Exercised the product (a skip or an infra error is a result, not coverage). */
  covered: boolean;
  /** Hover text: who covered it, when, with what outcome. */
  title: string;
}

interface HeatRow {
  caseKey: string;
  suite: string;
  manual: boolean;
  coveredOn: number;
  cells: HeatCell[];
}

interface ClassColumn {
  name: string;
  simulated: boolean;
  covered: number;
  failing: number;
}

interface CoveragePageModel {
  release: string;
  campaign: string | null;
  classes: ClassColumn[];
  rows: HeatRow[];
  suites: Array<{ name: string; cases: number; covered: number; selected: boolean }>;
  filter: { suites: string[] };
  totals: { cases: number; covered: number; uncovered: number; failing: number; pct: number | null };
  /** The totals of the whole campaign when a suite filter narrows the table. */
  allTotals: CoverageReport['totals'];
  outsideCampaign: number;
  simulated: boolean;
  legend: HeatState[];
  chart: ChartSpec | null;
}

/** Simulated hardware classes carry the `simulated` prefix (see hardwareClass) or are the simulated lab. */
export function isSimulatedClass(name: string): boolean {
  return name === 'simulated' || name.startsWith('simulated / ');
}

const LEGEND: HeatState[] = [
  'passed',
  'failed',
  'xfailed',
  'xpassed',
  'infra-error',
  'skipped',
  'manual-pending',
  'uncovered',
];

/** The coverage heatmap's data: campaign cases (optionally some suites) × hardware classes. */
export function coveragePageModel(
  report: CoverageReport,
  times: CoverageTimes,
  filter: { suites: readonly string[] },
): CoveragePageModel {
  const known = new Set(report.cases.map((c) => c.suite));
  const suites = filter.suites.filter((s) => known.has(s));
  const shown = suites.length ? report.cases.filter((c) => suites.includes(c.suite)) : report.cases;
  const rows = shown.map((c) => heatRow(c, report.hardwareClasses, times));
  const classes = report.hardwareClasses.map<ClassColumn>((name, i) => ({
    name,
    simulated: isSimulatedClass(name),
    covered: rows.filter((r) => r.cells[i]!.covered).length,
    failing: rows.filter((r) => r.cells[i]!.state === 'failed' || r.cells[i]!.state === 'xpassed').length,
  }));
  const covered = rows.filter((r) => r.coveredOn > 0).length;
  const failing = shown.filter((c) =>
    Object.values(c.cells).some((cell) => cell.outcome === 'failed' || cell.outcome === 'xpassed'),
  ).length;
  const bySuite = new Map<string, { cases: number; covered: number }>();
  for (const c of report.cases) {
    const s = bySuite.get(c.suite) ?? { cases: 0, covered: 0 };
    s.cases++;
    if (c.coveredOn.length) s.covered++;
    bySuite.set(c.suite, s);
  }
  return {
    release: report.release,
    campaign: report.campaign,
    classes,
    rows,
    suites: [...bySuite.entries()].map(([name, s]) => ({ name, ...s, selected: suites.includes(name) })),
    filter: { suites },
    totals: {
      cases: rows.length,
      covered,
      uncovered: rows.length - covered,
      failing,
      pct: rows.length ? covered / rows.length : null,
    },
    allTotals: report.totals,
    outsideCampaign: report.outsideCampaign,
    simulated: classes.some((c) => c.simulated),
    legend: LEGEND,
    chart: classes.length ? coverageChart(classes, rows.length) : null,
  };
}

function heatRow(row: CoverageRow, classes: readonly string[], times: CoverageTimes): HeatRow {
  return {
    caseKey: row.caseKey,
    suite: row.suite,
    manual: row.manual,
    coveredOn: row.coveredOn.length,
    cells: classes.map<HeatCell>((cls) => {
      const cell = row.cells[cls];
      if (!cell) return { hardwareClass: cls, state: 'uncovered', covered: false, title: `${cls}: not covered yet` };
      const last = latest(cell.by.map((by) => timeOf(times, row.caseKey, cls, by)));
      const what = cell.covered ? cell.outcome : `${cell.outcome} (did not exercise the product: not covered)`;
      const title = [
        `${cls}: ${what}`,
        `by ${cell.by.join(', ')}`,
        last ? `last result ${formatWhen(last)}` : null,
        `${cell.results} result(s)${isSimulatedClass(cls) ? ' · SIMULATED' : ''}`,
      ]
        .filter(Boolean)
        .join('\n');
      return { hardwareClass: cls, state: cell.outcome, covered: cell.covered, title };
    }),
  };
}

function timeOf(times: CoverageTimes, caseKey: string, cls: string, by: string): Date | undefined {
  return by === CORE_LAB ? times.lab.get(caseKey) : times.submissions.get(submissionTimeKey(caseKey, cls, by));
}

function latest(dates: Array<Date | undefined>): Date | undefined {
  let best: Date | undefined;
  for (const d of dates) if (d && (!best || d > best)) best = d;
  return best;
}

/** Per class: covered and passing, covered and failing, results that did not exercise, uncovered. */
function coverageChart(classes: readonly ClassColumn[], cases: number): ChartSpec {
  return {
    id: 'coverage-by-class',
    kind: 'stacked',
    title: 'Cases covered per hardware class',
    yLabel: 'cases',
    labels: classes.map((c) => (c.simulated && !c.name.startsWith('simulated') ? `${c.name} [SIMULATED]` : c.name)),
    series: [
      { name: 'covered, succeeding', color: OUTCOME_COLORS.passed, values: classes.map((c) => c.covered - c.failing) },
      { name: 'covered, failing', color: OUTCOME_COLORS.failed, values: classes.map((c) => c.failing) },
      { name: 'not covered', color: OUTCOME_COLORS.pending, values: classes.map((c) => cases - c.covered) },
    ],
  };
}

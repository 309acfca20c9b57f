import type { ComparisonReport } from 'src/comparison/comparison.types';
import { comparisonCharts, measurementCharts, outcomeChart, trendCharts } from 'src/reports/charts/chart-specs';
import type { CaseDetail, CaseHistoryEntry } from 'src/reports/read/read-models';
import type { LogExcerpt, RunOverview } from 'src/reports/report-views.service';
import { OUTCOMES } from 'src/results/outcome';

/** Template models: what each view receives, built from the services' view data. */

export function runPageModel(overview: RunOverview): Record<string, unknown> {
  return { ...overview, outcomeChart: outcomeChart(overview.outcomeBySuite), outcomes: OUTCOMES };
}

export function casePageModel(detail: CaseDetail & { logs: LogExcerpt[] }): Record<string, unknown> {
  return { ...detail, charts: measurementCharts(detail.measurements) };
}

export function comparePageModel(report: ComparisonReport, query: Record<string, unknown>): Record<string, unknown> {
  return { comparison: report, charts: comparisonCharts(report), query };
}

export function historyPageModel(entries: CaseHistoryEntry[]): Record<string, unknown> {
  const last = entries[entries.length - 1];
  return { entries, caseKey: last?.case.caseKey ?? '', simulated: entries.some((e) => e.simulated), charts: trendCharts(entries) };
}

import type { ComparisonReport, ComparisonRow } from 'src/comparison/comparison.types';
import type { CaseHistoryEntry, MeasurementRow } from 'src/reports/read/read-models';
import { OUTCOMES } from 'src/results/outcome';
import type { Outcome } from 'src/results/outcome';
import { summarize } from 'src/results/stats/summary';

/**
 * Chart descriptions as plain JSON for `public/js/charts.js`, which turns them into Chart.js
 * charts. Kept declarative so the same data serves the pages and the static report, and goes into
 * a JSON script tag (never into generated JavaScript).
 */
interface ChartSeries {
  name: string;
  color: string;
  values: Array<number | null>;
  /** Whiskers per point: [low, high]. */
  errors?: Array<[number, number] | null>;
  /** Raw samples per point, drawn as dots over the bar or line point. */
  samples?: number[][];
}

export interface ChartSpec {
  id: string;
  kind: 'bars' | 'stacked' | 'trend';
  title: string;
  yLabel?: string;
  labels: string[];
  series: ChartSeries[];
  /** How many items were left out to keep the chart readable (the tables have them all). */
  omitted?: number;
}

export const OUTCOME_COLORS: Record<Outcome | 'pending', string> = {
  passed: '#2e9d5b',
  failed: '#d64545',
  xfailed: '#6aa8a0',
  xpassed: '#e08a1e',
  'infra-error': '#8a5cc2',
  skipped: '#9aa3ad',
  cancelled: '#5f6770',
  'manual-pending': '#d8b531',
  pending: '#cfd6de',
};

const BASELINE_COLOR = '#8ea4bf';
const CANDIDATE_COLOR = '#3566a8';

export function outcomeChart(bySuite: Array<{ suite: string; counts: Record<Outcome | 'pending', number> }>): ChartSpec {
  const keys = [...OUTCOMES, 'pending'] as const;
  return {
    id: 'outcomes-by-suite',
    kind: 'stacked',
    title: 'Outcomes by suite',
    yLabel: 'cases',
    labels: bySuite.map((s) => s.suite),
    series: keys
      .filter((k) => bySuite.some((s) => s.counts[k] > 0))
      .map((k) => ({ name: k, color: OUTCOME_COLORS[k], values: bySuite.map((s) => s.counts[k]) })),
  };
}

/** One chart per metric: baseline and candidate medians, ±1 stddev whiskers, raw samples as dots. */
export function comparisonCharts(report: ComparisonReport, maxCases = 30, maxMetrics = 40): ChartSpec[] {
  const byMetric = new Map<string, ComparisonRow[]>();
  for (const r of report.rows) {
    if (!r.baseline && !r.candidate) continue;
    byMetric.set(r.metric, [...(byMetric.get(r.metric) ?? []), r]);
  }
  return [...byMetric.entries()].slice(0, maxMetrics).map(([metric, rows], i) => {
    // The biggest changes first, so a truncated chart still shows what matters.
    const shown = [...rows].sort((a, b) => Math.abs(b.deltaPct ?? 0) - Math.abs(a.deltaPct ?? 0)).slice(0, maxCases);
    const side = (pick: 'baseline' | 'candidate', name: string, color: string): ChartSeries => ({
      name,
      color,
      values: shown.map((r) => r[pick]?.median ?? null),
      errors: shown.map((r) => {
        const s = r[pick];
        return s ? [s.mean - s.stddev, s.mean + s.stddev] : null;
      }),
      samples: shown.map((r) => r[pick]?.samples ?? []),
    });
    return {
      id: `cmp-${i}`,
      kind: 'bars',
      title: metric,
      yLabel: rows[0]?.unit,
      labels: shown.map((r) => r.key),
      series: [side('baseline', report.baseline.label, BASELINE_COLOR), side('candidate', report.candidate.label, CANDIDATE_COLOR)],
      omitted: rows.length - shown.length,
    };
  });
}

/** One chart per metric of a single run: medians with whiskers and samples, per case. */
export function measurementCharts(measurements: readonly MeasurementRow[], maxCases = 30, maxMetrics = 24): ChartSpec[] {
  const byMetric = new Map<string, MeasurementRow[]>();
  for (const m of measurements) byMetric.set(m.metric, [...(byMetric.get(m.metric) ?? []), m]);
  return [...byMetric.entries()].slice(0, maxMetrics).map(([metric, rows], i) => {
    const shown = rows.slice(0, maxCases);
    return {
      id: `m-${i}`,
      kind: 'bars',
      title: metric,
      yLabel: rows[0]?.unit,
      labels: shown.map((m) => m.caseKey),
      series: [
        {
          name: 'median',
          color: CANDIDATE_COLOR,
          values: shown.map((m) => m.value),
          errors: shown.map((m) => spread(m.samples)),
          samples: shown.map((m) => m.samples),
        },
      ],
      omitted: rows.length - shown.length,
    };
  });
}

/** A case key's metrics across runs: one trend line per metric, with whiskers and samples. */
export function trendCharts(history: readonly CaseHistoryEntry[]): ChartSpec[] {
  const metrics = [...new Set(history.flatMap((h) => h.measurements.map((m) => m.metric)))].sort();
  const labels = history.map((h) => `#${h.runNumber} ${h.runRelease}${h.simulated ? ' (sim)' : ''}`);
  return metrics.map((metric, i) => {
    const points = history.map((h) => h.measurements.find((m) => m.metric === metric) ?? null);
    return {
      id: `trend-${i}`,
      kind: 'trend',
      title: metric,
      yLabel: points.find(Boolean)?.unit,
      labels,
      series: [
        {
          name: metric,
          color: CANDIDATE_COLOR,
          values: points.map((p) => p?.value ?? null),
          errors: points.map((p) => (p ? spread(p.samples) : null)),
          samples: points.map((p) => p?.samples ?? []),
        },
      ],
    };
  });
}

function spread(samples: readonly number[]): [number, number] | null {
  const finite = samples.filter(Number.isFinite);
  if (finite.length < 2) return null;
  const s = summarize(finite);
  return [s.mean - s.stddev, s.mean + s.stddev];
}

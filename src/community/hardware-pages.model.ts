import type { HardwareClassEntry, SubmissionChoice, SubmissionEntry } from 'src/community/community-pages.repository';
import type { ComparedMetric, SystemComparison, SystemSide } from 'src/community/community-read.service';
import { isSimulatedClass } from 'src/community/coverage-page.model';
import { formatWhen } from 'src/community/page-format';
import type { ChartSpec } from 'src/reports/charts/chart-specs';
import { OUTCOMES } from 'src/results/outcome';

interface HardwareClassView extends HardwareClassEntry {
  simulated: boolean;
  latest: Array<SubmissionEntry & { outcomes: Array<{ outcome: string; n: number }>; unmoderated: boolean }>;
}

/** The hardware page: every class with its newest submissions (admins also see unmoderated ones, marked). */
export function hardwarePageModel(
  classes: readonly HardwareClassEntry[],
  submissions: readonly SubmissionEntry[],
): { classes: HardwareClassView[]; simulated: boolean } {
  const byClass = new Map<string, SubmissionEntry[]>();
  for (const s of submissions) byClass.set(s.hardwareClass, [...(byClass.get(s.hardwareClass) ?? []), s]);
  const views = classes.map<HardwareClassView>((c) => ({
    ...c,
    simulated: isSimulatedClass(c.hardwareClass),
    latest: (byClass.get(c.hardwareClass) ?? []).map((s) => ({
      ...s,
      unmoderated: s.status !== 'accepted',
      outcomes: [...OUTCOMES, 'pending', 'queued', 'running']
        .filter((o) => (s.counts[o] ?? 0) > 0)
        .map((o) => ({ outcome: o, n: s.counts[o]! })),
    })),
  }));
  return { classes: views, simulated: views.some((v) => v.simulated || v.latest.some((s) => s.simulated)) };
}

interface SideView extends SystemSide {
  label: string;
  simulated: boolean;
}

interface ComparePageModel {
  choices: Array<SubmissionChoice & { label: string }>;
  picked: { a: string; b: string };
  error: string | null;
  comparison: { a: SideView; b: SideView; metrics: ComparedMetric[] } | null;
  charts: ChartSpec[];
  simulated: boolean;
}

const A_COLOR = '#8ea4bf';
const B_COLOR = '#3566a8';
const MAX_BARS = 30;

function choiceLabel(
  c: Pick<SubmissionChoice, 'name' | 'serverModel' | 'hardwareClass' | 'submitter' | 'release' | 'createdAt'>,
): string {
  const system = c.name ?? c.serverModel ?? 'unnamed system';
  return `${system} · ${c.hardwareClass} · ${c.submitter} · ${c.release} · ${formatWhen(new Date(c.createdAt))}`;
}

function sideView(side: SystemSide): SideView {
  return { ...side, label: side.name ?? side.serverModel, simulated: isSimulatedClass(side.hardwareClass) };
}

/** The comparison page: the pick form, and when two systems are picked their numbers and one chart per unit. */
export function hardwareComparePageModel(
  choices: readonly SubmissionChoice[],
  picked: { a: string; b: string },
  comparison: SystemComparison | null,
  error: string | null,
): ComparePageModel {
  const a = comparison ? sideView(comparison.a) : null;
  const b = comparison ? sideView(comparison.b) : null;
  return {
    choices: choices.map((c) => ({ ...c, label: choiceLabel(c) })),
    picked,
    error,
    comparison: comparison && a && b ? { a, b, metrics: comparison.metrics } : null,
    charts: comparison && a && b ? compareCharts(comparison.metrics, a, b) : [],
    simulated: Boolean(a?.simulated || b?.simulated),
  };
}

/** One bar chart per unit and direction: numbers in different units never share an axis. */
export function compareCharts(metrics: readonly ComparedMetric[], a: SideView, b: SideView): ChartSpec[] {
  const groups = new Map<string, ComparedMetric[]>();
  for (const m of metrics) {
    if (m.a === null && m.b === null) continue;
    const key = `${m.unit}\u0000${m.direction}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const name = (side: SideView, letter: string): string =>
    `${letter}: ${side.label}${side.simulated ? ' [SIMULATED]' : ''}`;
  return [...groups.values()].map((list, i) => {
    const shown = list.slice(0, MAX_BARS);
    const first = shown[0]!;
    return {
      id: `hw-compare-${i}`,
      kind: 'bars',
      title: `${first.unit}, ${first.direction} is better`,
      yLabel: first.unit,
      labels: shown.map((m) => `${m.metric} · ${m.caseKey}`),
      series: [
        { name: name(a, 'A'), color: A_COLOR, values: shown.map((m) => m.a) },
        { name: name(b, 'B'), color: B_COLOR, values: shown.map((m) => m.b) },
      ],
      omitted: list.length - shown.length,
    };
  });
}

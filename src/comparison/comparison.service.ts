import { buildComparisonRows, byAttention, countVerdicts } from 'src/comparison/build-comparison';
import { comparisonWarnings } from 'src/comparison/comparison-warnings';
import { comparableKey, RELEASE_PARAM } from 'src/comparison/comparable-key';
import type { ComparisonMode, ComparisonReport, ComparisonSide, OutcomeChange } from 'src/comparison/comparison.types';
import type { CaseRow, ComparableMeasurement, RunSummary } from 'src/reports/read/read-models';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { ReportsError, ReportsErrorCode, runNotFound } from 'src/reports/reports.errors';
import { isFailure, isSuccess } from 'src/results/outcome';
import type { ComparePolicy } from 'src/results/stats/compare';

interface CompareOptions {
  /** Overrides of the default policy (tests and the benchmark lower the bootstrap resamples). */
  policy?: Partial<ComparePolicy>;
}

/**
 * Baseline vs candidate, three ways: two runs; two releases in one run (cases whose `release`
 * parameter is the baseline or the candidate); or each case of a run against the last run in which
 * the same case passed.
 */
export class ComparisonService {
  constructor(private readonly read: ResultsReadRepository) {}

  async compareRuns(
    baselineNumber: number,
    candidateNumber: number,
    opts: CompareOptions = {},
  ): Promise<ComparisonReport> {
    if (baselineNumber === candidateNumber) {
      throw new ReportsError(
        `baseline and candidate are the same run (${baselineNumber}); to compare two releases inside one run use /runs/${baselineNumber}/compare`,
        ReportsErrorCode.CompareInvalid,
      );
    }
    const [base, cand] = await Promise.all([this.run(baselineNumber), this.run(candidateNumber)]);
    const [bm, cm, bc, cc, bhw, chw] = await Promise.all([
      this.read.measurementsOfRun(base.id),
      this.read.measurementsOfRun(cand.id),
      this.read.listCases(base.id),
      this.read.listCases(cand.id),
      this.read.hardwareClassesOfRun(base.id),
      this.read.hardwareClassesOfRun(cand.id),
    ]);
    return this.report(
      'runs',
      { ...side(base, `run ${base.number} (${base.release})`), hardwareClasses: bhw },
      { ...side(cand, `run ${cand.number} (${cand.release})`), hardwareClasses: chw },
      bm,
      cm,
      {
        baseline: bc,
        candidate: cc,
        policy: opts.policy,
      },
    );
  }

  async compareReleasesInRun(runNumber: number, opts: CompareOptions = {}): Promise<ComparisonReport> {
    const run = await this.run(runNumber);
    const [measurements, cases] = await Promise.all([this.read.measurementsOfRun(run.id), this.read.listCases(run.id)]);
    const sideOf = (params: Record<string, unknown>, release: string | null): 'baseline' | 'candidate' | null => {
      const value = params[RELEASE_PARAM] ?? release;
      if (value === 'baseline' || (run.baselineRelease !== null && value === run.baselineRelease)) return 'baseline';
      if (value === 'candidate' || value === run.release) return 'candidate';
      return null;
    };
    const bm = measurements.filter((m) => sideOf(m.params, m.release) === 'baseline');
    const cm = measurements.filter((m) => sideOf(m.params, m.release) === 'candidate');
    const bc = cases.filter((c) => sideOf(c.params, c.release) === 'baseline');
    const cc = cases.filter((c) => sideOf(c.params, c.release) === 'candidate');
    if (bc.length === 0 || cc.length === 0) {
      throw new ReportsError(
        `run ${run.number} has no cases with a '${RELEASE_PARAM}' parameter on both sides ` +
          `(baseline ${run.baselineRelease ?? '?'}: ${bc.length} cases, candidate ${run.release}: ${cc.length} cases)`,
        ReportsErrorCode.CompareInvalid,
      );
    }
    const label = (release: string | null, fallback: string): string => `run ${run.number}, ${release ?? fallback}`;
    return this.report(
      'releases',
      {
        label: label(run.baselineRelease, 'baseline'),
        runNumber: run.number,
        release: run.baselineRelease,
        simulated: run.simulated,
      },
      { label: label(run.release, 'candidate'), runNumber: run.number, release: run.release, simulated: run.simulated },
      bm,
      cm,
      { baseline: bc, candidate: cc, policy: opts.policy },
    );
  }

  async compareWithLastGood(runNumber: number, opts: CompareOptions = {}): Promise<ComparisonReport> {
    const run = await this.run(runNumber);
    const cm = await this.read.measurementsOfRun(run.id);
    const bm = await this.read.lastGoodMeasurements([...new Set(cm.map((m) => m.caseKey))], run.number);
    const runs = [...new Set(bm.map((m) => m.runNumber))].sort((a, b) => a - b);
    return this.report(
      'last-good',
      {
        label: runs.length
          ? `last good run of each case (runs ${runs.join(', ')})`
          : 'last good run of each case (none found)',
        runNumber: null,
        release: null,
        simulated: bm.some((m) => m.simulated),
      },
      side(run, `run ${run.number} (${run.release})`),
      bm,
      cm,
      { policy: opts.policy },
    );
  }

  private async run(number: number): Promise<RunSummary> {
    const run = await this.read.findRun(number);
    if (!run) throw runNotFound(number);
    return run;
  }

  private report(
    mode: ComparisonMode,
    baseline: ComparisonSide,
    candidate: ComparisonSide,
    bm: ComparableMeasurement[],
    cm: ComparableMeasurement[],
    extra: { baseline?: CaseRow[]; candidate?: CaseRow[]; policy?: Partial<ComparePolicy> },
  ): ComparisonReport {
    const rows = buildComparisonRows(bm, cm, extra.policy).sort(byAttention);
    const changes = extra.baseline && extra.candidate ? outcomeChanges(extra.baseline, extra.candidate) : [];
    return {
      mode,
      baseline,
      candidate,
      simulated: baseline.simulated || candidate.simulated || rows.some((r) => r.simulated),
      rows,
      verdictCounts: countVerdicts(rows, changes),
      warnings: comparisonWarnings(rows, baseline, candidate),
      metrics: [...new Set(rows.map((r) => r.metric))].sort(),
      outcomeChanges: changes,
    };
  }
}

function side(run: RunSummary, label: string): ComparisonSide {
  return { label, runNumber: run.number, release: run.release, simulated: run.simulated };
}

/** Cases whose outcome differs between the sides: new failures first. */
function outcomeChanges(baseline: CaseRow[], candidate: CaseRow[]): OutcomeChange[] {
  const before = new Map(baseline.map((c) => [comparableKey(c.scenario, c.params), c]));
  const changes: OutcomeChange[] = [];
  for (const c of candidate) {
    const key = comparableKey(c.scenario, c.params);
    const b = before.get(key);
    if (!b || b.outcome === c.outcome || !c.outcome) continue;
    const kind =
      (b.outcome === null || isSuccess(b.outcome)) && isFailure(c.outcome)
        ? 'new-failure'
        : b.outcome && isFailure(b.outcome) && isSuccess(c.outcome)
          ? 'fixed'
          : 'other';
    changes.push({ key, caseHash: c.caseHash, baseline: b.outcome, candidate: c.outcome, kind });
  }
  const rank = { 'new-failure': 0, fixed: 1, other: 2 } as const;
  return changes.sort((a, b) => rank[a.kind] - rank[b.kind] || a.key.localeCompare(b.key));
}

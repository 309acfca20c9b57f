import { runCandidates, type RunCandidates } from 'src/reports/overview/run-candidates';
import { open } from 'node:fs/promises';
import { buildMatrix } from 'src/reports/overview/matrix-view';
import type { MatrixView } from 'src/reports/overview/matrix-view';
import { groupFailures } from 'src/reports/overview/failure-groups';
import type { FailureGroup } from 'src/reports/overview/failure-groups';
import { diffLabs } from 'src/reports/overview/lab-diff';
import type { LabDiff } from 'src/reports/overview/lab-diff';
import type { CaseDetail, CaseFilter, CaseHistoryEntry, CaseRow, LabSnapshot, RunSummary } from 'src/reports/read/read-models';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { ReportsError, ReportsErrorCode, runNotFound } from 'src/reports/reports.errors';
import { ArtifactStore } from 'src/results/artifact-store';
import { isOutcome, OUTCOMES } from 'src/results/outcome';
import type { Outcome } from 'src/results/outcome';

interface RunOverviewOptions {
  x?: string;
  y?: string;
  outcomes?: string[];
  suites?: string[];
  /** Baseline run number; default: the previous finished run of the same campaign. */
  baseline?: number;
  /** Include each failure's output tail (the static report does; pages link to the case). */
  withOutput?: boolean;
}

export interface RunOverview {
  run: RunSummary;
  baseline: RunSummary | null;
  suites: string[];
  filter: { outcomes: Outcome[]; suites: string[] };
  /** Cases matching the filter (all when none). */
  cases: CaseRow[];
  matrix: MatrixView;
  failureGroups: FailureGroup[];
  newSignatures: number;
  lab: LabSnapshot;
  labDiff: LabDiff | null;
  outcomeBySuite: Array<{ suite: string; counts: Record<Outcome | 'pending', number> }>;
  /** Who started the run, its update candidates and the package diff their preparation recorded. */
  candidates: RunCandidates;
}

export interface DashboardRun extends RunSummary {
  newFailures: number;
}

export interface LogExcerpt {
  name: string;
  sha256: string;
  lines: string;
  truncated: boolean;
}

const EXCERPT_BYTES = 64 * 1024;
const EXCERPT_LINES = 80;

/** The view models behind the pages and the static report (plain data; templates only format). */
export class ReportViewsService {
  constructor(
    private readonly read: ResultsReadRepository,
    private readonly artifacts: ArtifactStore | null = null,
  ) {}

  async dashboard(limit = 30): Promise<DashboardRun[]> {
    const runs = await this.read.listRuns(limit);
    const fresh = await this.read.newFailureCounts(runs.map((r) => r.id));
    return runs.map((r) => ({ ...r, newFailures: fresh.get(r.id) ?? 0 }));
  }

  async run(number: number): Promise<RunSummary> {
    const run = await this.read.findRun(number);
    if (!run) throw runNotFound(number);
    return run;
  }

  async runOverview(number: number, opts: RunOverviewOptions = {}): Promise<RunOverview> {
    const run = await this.run(number);
    let baseline: RunSummary | null;
    if (opts.baseline !== undefined) {
      baseline = await this.read.findRun(opts.baseline);
      if (!baseline) throw runNotFound(opts.baseline);
    } else {
      const named = Number(run.options.baselineRun);
      baseline = Number.isInteger(named) && named > 0 ? await this.read.findRun(named) : await this.read.findBaselineRun(run);
    }
    const filter: CaseFilter = { outcomes: (opts.outcomes ?? []).filter(isOutcome), suites: opts.suites ?? [] };
    const [allCases, suites, failed, lab, baseLab, baseSignatures, updates] = await Promise.all([
      this.read.listCases(run.id),
      this.read.listSuites(run.id),
      this.read.listFailedCases(run.id, { withOutput: opts.withOutput }),
      this.read.labSnapshot(run.id),
      baseline ? this.read.labSnapshot(baseline.id) : Promise.resolve(null),
      baseline ? this.read.failureSignatures(baseline.id) : Promise.resolve(null),
      this.read.runUpdates(run.id),
    ]);
    const cases = allCases.filter((c) => filterMatches(c, filter));
    const signatures = [...new Set(failed.map((c) => c.signature ?? c.errorCode ?? c.outcome ?? 'unknown'))];
    const known = await this.read.knownIssues(signatures);
    const failureGroups = groupFailures(
      failed.filter((c) => filterMatches(c, filter)),
      baseSignatures,
      known,
    );
    return {
      run,
      baseline,
      suites,
      filter: { outcomes: filter.outcomes ?? [], suites: filter.suites ?? [] },
      cases,
      matrix: buildMatrix(cases, { x: opts.x, y: opts.y }),
      failureGroups,
      newSignatures: failureGroups.filter((g) => g.isNew).length,
      lab,
      labDiff: baseLab ? diffLabs(baseLab, lab) : null,
      outcomeBySuite: outcomeBySuite(allCases),
      candidates: runCandidates(run, updates),
    };
  }

  async casePage(number: number, caseHash: string): Promise<CaseDetail & { logs: LogExcerpt[] }> {
    const run = await this.run(number);
    const detail = await this.read.caseDetail(run, caseHash);
    if (!detail) {
      throw new ReportsError(`run ${number} has no case ${caseHash}`, ReportsErrorCode.CaseNotFound, { run: number, caseHash });
    }
    return { ...detail, logs: await this.logExcerpts(detail) };
  }

  async history(caseHash: string): Promise<CaseHistoryEntry[]> {
    const entries = await this.read.caseHistory(caseHash);
    if (entries.length === 0) {
      throw new ReportsError(`no run holds a case ${caseHash}`, ReportsErrorCode.CaseNotFound, { caseHash });
    }
    return entries;
  }

  /** The tail of each text artifact of a case (logs collected on failure), read from the artifact store. */
  private async logExcerpts(detail: CaseDetail): Promise<LogExcerpt[]> {
    if (!this.artifacts) return [];
    const out: LogExcerpt[] = [];
    for (const a of detail.artifacts) {
      if (!/^text\/|json|xml|log/.test(a.mediaType) && !/\.(log|txt)$/.test(a.name)) continue;
      if (!this.artifacts.has(a.sha256)) continue;
      const tail = await readTail(this.artifacts, a.sha256, a.sizeBytes);
      const lines = tail.split('\n');
      out.push({
        name: a.name,
        sha256: a.sha256,
        lines: lines.slice(-EXCERPT_LINES).join('\n'),
        truncated: a.sizeBytes > EXCERPT_BYTES || lines.length > EXCERPT_LINES,
      });
    }
    return out;
  }
}

function filterMatches(c: CaseRow, f: CaseFilter): boolean {
  return (
    (!f.outcomes?.length || (c.outcome !== null && f.outcomes.includes(c.outcome))) &&
    (!f.suites?.length || f.suites.includes(c.suite))
  );
}

function outcomeBySuite(cases: readonly CaseRow[]): RunOverview['outcomeBySuite'] {
  const bySuite = new Map<string, Record<Outcome | 'pending', number>>();
  for (const c of cases) {
    let counts = bySuite.get(c.suite);
    if (!counts) {
      counts = Object.fromEntries([...OUTCOMES, 'pending'].map((o) => [o, 0])) as Record<Outcome | 'pending', number>;
      bySuite.set(c.suite, counts);
    }
    counts[c.outcome ?? 'pending'] += 1;
  }
  return [...bySuite.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([suite, counts]) => ({ suite, counts }));
}

async function readTail(store: ArtifactStore, sha256: string, size: number): Promise<string> {
  const handle = await open(store.pathOf(sha256), 'r');
  try {
    const length = Math.min(size, EXCERPT_BYTES);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, Math.max(0, size - length));
    return buf.toString('utf8');
  } finally {
    await handle.close();
  }
}

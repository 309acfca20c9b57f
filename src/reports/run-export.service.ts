import { BUNDLE_FORMAT, BUNDLE_VERSION } from 'src/reports/bundle';
import type { BundleCase, ResultBundle } from 'src/reports/bundle';
import type { CaseRow, ComparableMeasurement, LabSnapshot, RunSummary } from 'src/reports/read/read-models';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { withoutServerPaths } from 'src/common/errors/server-paths';
import { ReportsError, ReportsErrorCode, runNotFound } from 'src/reports/reports.errors';
import { measurementsToCsv, measurementsToJson } from 'src/results/export/measurements-export';
import type { ExportedMeasurement } from 'src/results/export/measurements-export';
import { casesToCsv } from 'src/results/export/cases-export';
import { exportJunitSuites } from 'src/results/junit/junit-export';
import type { JunitExportCase, JunitExportSuite } from 'src/results/junit/junit-export';

export const EXPORT_FORMATS = ['junit', 'csv', 'cases', 'json', 'bundle'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

interface ExportedFile {
  content: string;
  mediaType: string;
  /** A file name for downloads and for `--out` when only a folder is given. */
  fileName: string;
}

const GENERATOR = `shakedown ${process.env.npm_package_version ?? '0.1.0'}`;

/** Packages whose versions identify a build of XCP-ng, as JUnit properties (from the run's lab snapshot). */
const BUILD_PACKAGES = ['xapi-core', 'xen-hypervisor', 'kernel'] as const;

/** One run's results as JUnit XML, cases or measurements as CSV, measurements as JSON, or the whole run as a bundle. */
export class RunExportService {
  /** `publicUrl`: where links to case pages point (relative links without it). */
  constructor(
    private readonly read: ResultsReadRepository,
    private readonly publicUrl = '',
  ) {}

  private caseUrl(run: RunSummary, c: CaseRow): string {
    return `${this.publicUrl}/runs/${run.number}/cases/${c.caseHash}`;
  }

  async export(runNumber: number, format: string): Promise<ExportedFile> {
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new ReportsError(
        `unknown export format '${format}' (one of: ${EXPORT_FORMATS.join(', ')})`,
        ReportsErrorCode.ExportFormatInvalid,
      );
    }
    const run = await this.read.findRun(runNumber);
    if (!run) throw runNotFound(runNumber);
    const file = await this.render(run, format as ExportFormat);
    // An export leaves the server: it must not say where the server keeps its files.
    return { ...file, content: withoutServerPaths(file.content) };
  }

  private async render(run: RunSummary, format: ExportFormat): Promise<ExportedFile> {
    const base = `run-${run.number}`;
    switch (format) {
      case 'junit':
        return { content: await this.junit(run), mediaType: 'application/xml', fileName: `${base}.junit.xml` };
      case 'cases':
        return { content: await this.casesCsv(run), mediaType: 'text/csv', fileName: `${base}.cases.csv` };
      case 'csv':
        return { content: measurementsToCsv(await this.measurements(run)), mediaType: 'text/csv', fileName: `${base}.measurements.csv` };
      case 'json':
        return {
          content: measurementsToJson(await this.measurements(run), true),
          mediaType: 'application/json',
          fileName: `${base}.measurements.json`,
        };
      case 'bundle':
        return {
          content: JSON.stringify(await this.bundle(run), null, 1),
          mediaType: 'application/json',
          fileName: `${base}.bundle.json`,
        };
    }
  }

  async bundle(run: RunSummary): Promise<ResultBundle> {
    const [cases, attempts, measurements, lab] = await Promise.all([
      this.read.listCases(run.id),
      this.read.attemptsOfRun(run.id),
      this.read.measurementsOfRun(run.id),
      this.read.labSnapshot(run.id),
    ]);
    const attemptsOf = groupBy(attempts, (a) => a.caseId);
    const measurementsOf = groupBy(measurements, (m) => m.caseId);
    return {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      generatedAt: new Date().toISOString(),
      generator: GENERATOR,
      run: {
        number: run.number,
        campaign: run.campaignName,
        release: run.release,
        baselineRelease: run.baselineRelease,
        lab: run.labName,
        simulated: run.simulated,
        status: run.status,
        startedAt: run.startedAt?.toISOString() ?? null,
        finishedAt: run.finishedAt?.toISOString() ?? null,
      },
      lab,
      cases: cases.map(
        (c): BundleCase => ({
          caseKey: c.caseKey,
          scenario: c.scenario,
          suite: c.suite,
          params: c.params,
          release: c.release,
          outcome: c.outcome,
          reason: c.reason,
          errorCode: c.errorCode,
          signature: c.signature,
          durationMs: c.durationMs,
          attempts: (attemptsOf.get(c.id) ?? []).map((a) => ({
            number: a.number,
            outcome: a.outcome,
            errorCode: a.errorCode,
            errorMessage: a.errorMessage,
            infra: a.infra,
            startedAt: a.startedAt.toISOString(),
            finishedAt: a.finishedAt?.toISOString() ?? null,
          })),
          measurements: (measurementsOf.get(c.id) ?? []).map((m) => ({
            metric: m.metric,
            unit: m.unit,
            direction: m.direction,
            samples: m.samples,
            value: m.value,
            context: m.context,
          })),
        }),
      ),
    };
  }

  /**
   * One `<testsuite>` per suite of the run, with the release, lab, hardware and build as properties;
   * each case links to its page, and a failure carries its step's log excerpt in `<system-out>`.
   */
  private async junit(run: RunSummary): Promise<string> {
    const [cases, failed, lab, hardware] = await Promise.all([
      this.read.listCases(run.id),
      this.read.listFailedCases(run.id, { withOutput: true, outputChars: 16_000 }),
      this.read.labSnapshot(run.id),
      this.read.hardwareClassesOfRun(run.id),
    ]);
    const failures = new Map(failed.map((f) => [f.id, f]));
    const properties = runProperties(run, lab, hardware);
    const suites = new Map<string, JunitExportSuite & { cases: JunitExportCase[] }>();
    for (const c of cases) {
      let suite = suites.get(c.suite);
      if (!suite) {
        suite = { name: c.suite, cases: [], properties, timestamp: run.startedAt ?? run.createdAt };
        suites.set(c.suite, suite);
      }
      const f = failures.get(c.id);
      const url = this.caseUrl(run, c);
      suite.cases.push({
        caseKey: c.caseKey,
        classname: c.scenario,
        // A case still without an outcome did not run to the end: a skip that says so.
        outcome: c.outcome ?? 'skipped',
        durationMs: c.durationMs ?? undefined,
        message: f?.message ?? c.reason ?? (c.outcome ? undefined : `not finished (${c.status})`),
        details: f?.failedStep ? `step ${f.failedStep} failed${c.errorCode ? ` (${c.errorCode})` : ''}` : undefined,
        stdout: f?.outputExcerpt ? `case page: ${url}\n\nstep ${f.failedStep ?? '?'}:\n${f.outputExcerpt}` : `case page: ${url}`,
      });
    }
    return exportJunitSuites(
      [...suites.values()],
      `${run.campaignName} ${run.release} run ${run.number}${run.simulated ? ' (simulated)' : ''}`,
    );
  }

  private async casesCsv(run: RunSummary): Promise<string> {
    const cases = await this.read.listCases(run.id);
    return casesToCsv(
      cases.map((c) => ({
        run: run.number,
        campaign: run.campaignName,
        release: c.release ?? run.release,
        simulated: run.simulated,
        suite: c.suite,
        scenario: c.scenario,
        caseKey: c.caseKey,
        caseHash: c.caseHash,
        params: c.params,
        outcome: c.outcome,
        status: c.status,
        reason: c.reason,
        errorCode: c.errorCode,
        attempts: c.attemptCount,
        durationMs: c.durationMs,
        url: this.caseUrl(run, c),
      })),
    );
  }

  private async measurements(run: RunSummary): Promise<ExportedMeasurement[]> {
    const rows: ComparableMeasurement[] = await this.read.measurementsOfRun(run.id);
    return rows.map((m) => ({
      caseKey: m.caseKey,
      run: run.number,
      runId: run.id,
      release: m.release ?? run.release,
      simulated: m.simulated || run.simulated,
      measurement: {
        metric: m.metric,
        unit: m.unit,
        direction: m.direction,
        samples: m.samples,
        value: m.value,
        context: m.context as Record<string, string | number | boolean>,
      },
    }));
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** The properties every suite of a run's JUnit carries: what was tested, where, on which build. */
function runProperties(run: RunSummary, lab: LabSnapshot, hardware: readonly string[]): Array<[string, string]> {
  const distinct = (values: Array<string | null | undefined>): string =>
    [...new Set(values.filter((v): v is string => !!v))].sort().join(', ');
  const props: Array<[string, string]> = [
    ['campaign', run.campaignName],
    ['run', String(run.number)],
    ['release', run.release],
    ['baseline', run.baselineRelease ?? ''],
    ['lab', run.labName ?? ''],
    ['simulated', String(run.simulated)],
    ['hardware_class', distinct([...hardware])],
    ['version', distinct(lab.hosts.map((h) => h.version))],
    ['build', distinct(lab.hosts.map((h) => h.build))],
    ...BUILD_PACKAGES.map((p): [string, string] => [p, distinct(lab.hosts.map((h) => h.packages[p]))]),
  ];
  return props.filter(([, v]) => v !== '');
}

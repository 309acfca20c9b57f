import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ComparisonService } from 'src/comparison/comparison.service';
import { comparisonCharts, measurementCharts } from 'src/reports/charts/chart-specs';
import { runPageModel } from 'src/reports/page-models';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { ViewRenderer } from 'src/reports/render/view-renderer';
import { ReportViewsService } from 'src/reports/report-views.service';
import type { ComparePolicy } from 'src/results/stats/compare';

interface StaticReportOptions {
  run: number;
  /** Compare with this run (the baseline), as `--compare` says. */
  compareWith?: number;
  /** Overrides of the comparison policy (the benchmark lowers the bootstrap resamples). */
  policy?: Partial<ComparePolicy>;
}

interface StaticReportResult {
  file: string;
  bytes: number;
  cases: number;
  failures: number;
  comparedMetrics: number;
}

/**
 * The self-contained HTML report: one `index.html` with styles, Chart.js, the chart script and
 * the data inlined, so it opens from disk, offline, years later. Same overview, failures and
 * charts as the run page.
 */
export class StaticReportBuilder {
  private readonly views: ReportViewsService;
  private readonly comparisons: ComparisonService;

  constructor(
    private readonly read: ResultsReadRepository,
    private readonly renderer: ViewRenderer = new ViewRenderer(),
  ) {
    this.views = new ReportViewsService(read);
    this.comparisons = new ComparisonService(read);
  }

  async render(opts: StaticReportOptions): Promise<{ html: string; cases: number; failures: number; comparedMetrics: number }> {
    const overview = await this.views.runOverview(opts.run, {
      withOutput: true,
      ...(opts.compareWith !== undefined ? { baseline: opts.compareWith } : {}),
    });
    // Without a second run, a campaign that measured both releases in this run (baseline vs
    // candidate cases) is compared within the run, so the report carries its old-vs-new verdicts.
    const comparison =
      opts.compareWith !== undefined
        ? await this.comparisons.compareRuns(opts.compareWith, opts.run, { policy: opts.policy })
        : await this.comparisons.compareReleasesInRun(opts.run, { policy: opts.policy }).catch(() => null);
    const measurements = comparison ? [] : await this.read.measurementsOfRun(overview.run.id);
    const model = {
      ...runPageModel(overview),
      generatedAt: new Date(),
      comparison,
      charts: comparison ? comparisonCharts(comparison) : [],
      measurementCharts: measurementCharts(measurements),
    };
    const html = this.renderer.render('report', model, {
      title: `Run #${overview.run.number} · ${overview.run.campaignName} ${overview.run.release}`,
      simulated: overview.run.simulated || Boolean(comparison?.simulated),
      charts: true,
      standalone: true,
    });
    return {
      html,
      cases: overview.run.counts.total,
      failures: overview.run.counts.failures,
      comparedMetrics: comparison?.rows.length ?? 0,
    };
  }

  async build(outDir: string, opts: StaticReportOptions): Promise<StaticReportResult> {
    const { html, ...counts } = await this.render(opts);
    await mkdir(outDir, { recursive: true });
    const file = join(outDir, 'index.html');
    await writeFile(file, html);
    return { file, bytes: Buffer.byteLength(html), ...counts };
  }
}

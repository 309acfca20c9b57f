import { Controller, Get, Inject, Optional, Param, ParseIntPipe, Query, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ComparisonService } from 'src/comparison/comparison.service';
import { WorkerLiveness } from 'src/execution/worker-liveness';
import { casePageModel, comparePageModel, historyPageModel, runPageModel } from 'src/reports/page-models';
import { ViewRenderer } from 'src/reports/render/view-renderer';
import { ReportViewsService } from 'src/reports/report-views.service';
import { ReportsError, ReportsErrorCode } from 'src/reports/reports.errors';
import { ArtifactStore } from 'src/results/artifact-store';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { intParam, listParam, sendHtml } from 'src/web/html';
import { PageErrorFilter } from 'src/web/page-error.filter';
import { RELEASE_VERDICTS } from 'src/web/release-verdicts';
import type { ReleaseVerdicts } from 'src/web/release-verdicts';

type QueryBag = Record<string, unknown>;

/** The web pages (HTML). Their data also answers under /api/v1 (ResultsApiController). */
@ApiExcludeController()
@UseFilters(PageErrorFilter)
@Controller()
export class PagesController {
  constructor(
    private readonly views: ReportViewsService,
    private readonly comparisons: ComparisonService,
    private readonly renderer: ViewRenderer,
    private readonly read: ResultsReadRepository,
    private readonly artifacts: ArtifactStore,
    private readonly liveness: WorkerLiveness,
    @Optional() @Inject(RELEASE_VERDICTS) private readonly releases?: ReleaseVerdicts,
  ) {}

  @Get()
  async dashboard(@Res() res: Response): Promise<void> {
    const [runs, releases] = await Promise.all([this.views.dashboard(), this.releases?.verdicts() ?? []]);
    // The home page answers "what broke lately?" before listing everything.
    const regressions = runs.filter((r) => r.newFailures > 0).slice(0, 10);
    sendHtml(
      res,
      this.renderer.render('dashboard', { runs, releases, regressions }, { title: 'Runs', simulated: false }),
    );
  }

  @Get('runs/:number')
  async run(@Param('number', ParseIntPipe) number: number, @Query() q: QueryBag, @Res() res: Response): Promise<void> {
    const overview = await this.views.runOverview(number, overviewOptions(q));
    const workerNotice = await this.liveness.noLiveWorkerNotice(overview.run.id);
    const html = this.renderer.render(
      'run',
      { ...runPageModel(overview), workerNotice },
      {
        title: `Run #${number}`,
        simulated: overview.run.simulated,
        charts: true,
        scripts: ['run-live.js'],
      },
    );
    sendHtml(res, html);
  }

  /** The part of the run page that live updates replace. */
  @Get('runs/:number/live')
  async live(@Param('number', ParseIntPipe) number: number, @Query() q: QueryBag, @Res() res: Response): Promise<void> {
    const overview = await this.views.runOverview(number, overviewOptions(q));
    const workerNotice = await this.liveness.noLiveWorkerNotice(overview.run.id);
    sendHtml(
      res,
      this.renderer.renderFragment('pages/live', { ...runPageModel(overview), workerNotice, standalone: false }),
    );
  }

  @Get('runs/:number/cases/:caseHash')
  async casePage(
    @Param('number', ParseIntPipe) number: number,
    @Param('caseHash') caseHash: string,
    @Res() res: Response,
  ): Promise<void> {
    const detail = await this.views.casePage(number, caseHash);
    const html = this.renderer.render('case', casePageModel(detail), {
      title: `${detail.case.caseKey} · run #${number}`,
      simulated: detail.run.simulated,
      charts: detail.measurements.length > 0,
    });
    sendHtml(res, html);
  }

  @Get('runs/:number/compare')
  async compareInRun(
    @Param('number', ParseIntPipe) number: number,
    @Query() q: QueryBag,
    @Res() res: Response,
  ): Promise<void> {
    const report =
      q.against === 'last-good'
        ? await this.comparisons.compareWithLastGood(number)
        : await this.comparisons.compareReleasesInRun(number);
    this.sendComparison(res, report, { run: number, against: q.against });
  }

  @Get('compare')
  async compare(@Query() q: QueryBag, @Res() res: Response): Promise<void> {
    const baseline = intParam(q.baseline);
    const candidate = intParam(q.candidate);
    if (!baseline || !candidate) {
      throw new ReportsError(
        'compare needs ?baseline=RUN&candidate=RUN (run numbers)',
        ReportsErrorCode.CompareInvalid,
      );
    }
    this.sendComparison(res, await this.comparisons.compareRuns(baseline, candidate), { baseline, candidate });
  }

  @Get('cases/:caseHash/history')
  async history(@Param('caseHash') caseHash: string, @Res() res: Response): Promise<void> {
    const model = historyPageModel(await this.views.history(caseHash));
    sendHtml(
      res,
      this.renderer.render('history', model, {
        title: `History of ${String(model.caseKey)}`,
        simulated: Boolean(model.simulated),
        charts: true,
      }),
    );
  }

  @Get('artifacts/:sha256')
  async artifact(@Param('sha256') sha256: string, @Res() res: Response): Promise<void> {
    const row = /^[0-9a-f]{64}$/.test(sha256) ? await this.read.findArtifact(sha256) : null;
    if (!row || !this.artifacts.has(sha256)) {
      throw new ReportsError(`no artifact ${sha256.slice(0, 64)}`, ReportsErrorCode.ArtifactNotFound, { sha256 });
    }
    // Always a download: an HTML or SVG artifact must never render in this origin.
    const filename = row.name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 200) || 'artifact';
    res.setHeader(
      'Content-Type',
      /^[\w.+-]+\/[\w.+-]+$/.test(row.mediaType) ? row.mediaType : 'application/octet-stream',
    );
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Length', String(row.sizeBytes));
    this.artifacts.open(sha256).pipe(res);
  }

  private sendComparison(
    res: Response,
    report: Awaited<ReturnType<ComparisonService['compareRuns']>>,
    query: QueryBag,
  ): void {
    const html = this.renderer.render('compare', comparePageModel(report, query), {
      title: `${report.baseline.label} → ${report.candidate.label}`,
      simulated: report.simulated,
      charts: true,
    });
    sendHtml(res, html);
  }
}

function overviewOptions(q: QueryBag): Parameters<ReportViewsService['runOverview']>[1] {
  return {
    x: typeof q.x === 'string' ? q.x : undefined,
    y: typeof q.y === 'string' ? q.y : undefined,
    outcomes: listParam(q.outcome),
    suites: listParam(q.suite),
    baseline: intParam(q.baseline),
  };
}

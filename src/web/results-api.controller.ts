import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Role } from 'src/auth/role';
import { Roles } from 'src/auth/roles.decorator';
import { CurrentPrincipal } from 'src/auth/principal.decorator';
import type { Principal } from 'src/auth/principal';
import { principalName } from 'src/auth/principal';
import { ComparisonService } from 'src/comparison/comparison.service';
import type { ComparisonReport } from 'src/comparison/comparison.types';
import type { CaseHistoryEntry, CaseRow, KnownIssue, RunSummary } from 'src/reports/read/read-models';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { ReportViewsService } from 'src/reports/report-views.service';
import type { DashboardRun } from 'src/reports/report-views.service';
import { ReportsError, ReportsErrorCode } from 'src/reports/reports.errors';
import { RunExportService } from 'src/reports/run-export.service';
import { isOutcome } from 'src/results/outcome';
import { intParam, listParam } from 'src/web/html';
import { parseKnownIssueInput } from 'src/web/known-issue.input';
import { RunEventsService } from 'src/web/run-events.service';

type QueryBag = Record<string, unknown>;

/** The JSON side of the result pages. */
@ApiTags('results')
@Controller('api/v1')
export class ResultsApiController {
  constructor(
    private readonly views: ReportViewsService,
    private readonly comparisons: ComparisonService,
    private readonly read: ResultsReadRepository,
    private readonly events: RunEventsService,
    private readonly exports: RunExportService,
  ) {}

  @Get('runs')
  @ApiOkResponse({ description: 'Recent runs, newest first, with counts by outcome.' })
  runs(@Query('limit') limit?: string): Promise<DashboardRun[]> {
    return this.views.dashboard(Math.min(intParam(limit) ?? 50, 500));
  }

  @Get('runs/:number')
  @ApiOkResponse({ description: 'A run with its counts, failure groups, baseline and lab changes.' })
  async run(@Param('number', ParseIntPipe) number: number, @Query() q: QueryBag): Promise<Record<string, unknown>> {
    const o = await this.views.runOverview(number, { baseline: intParam(q.baseline) });
    return {
      run: o.run,
      baseline: o.baseline ? { number: o.baseline.number, release: o.baseline.release } : null,
      suites: o.suites,
      failureGroups: o.failureGroups.map((g) => ({
        ...g,
        cases: g.cases.map((c) => ({ caseKey: c.caseKey, caseHash: c.caseHash, outcome: c.outcome })),
      })),
      newSignatures: o.newSignatures,
      labDiff: o.labDiff,
      startedBy: o.candidates.startedBy,
      candidates: o.candidates.candidates,
      updates: o.candidates.updates,
    };
  }

  @Get('runs/:number/cases')
  @ApiOkResponse({ description: 'The cases of a run (filters: outcome, suite).' })
  async cases(@Param('number', ParseIntPipe) number: number, @Query() q: QueryBag): Promise<CaseRow[]> {
    const run: RunSummary = await this.views.run(number);
    return this.read.listCases(run.id, {
      outcomes: listParam(q.outcome).filter(isOutcome),
      suites: listParam(q.suite),
    });
  }

  @Get('runs/:number/cases/:caseHash')
  caseDetail(@Param('number', ParseIntPipe) number: number, @Param('caseHash') caseHash: string): Promise<unknown> {
    return this.views.casePage(number, caseHash);
  }

  @Get('runs/:number/export')
  @ApiOkResponse({
    description: 'format=junit|csv|json|bundle: the run as JUnit XML, measurements, or a result bundle.',
  })
  async exportRun(
    @Param('number', ParseIntPipe) number: number,
    @Query('format') format: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.exports.export(number, format ?? 'bundle');
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.type(file.mediaType).send(file.content);
  }

  @Get('compare')
  @ApiOkResponse({
    description: 'baseline=N&candidate=M (two runs), or run=N (releases inside run N), or run=N&against=last-good.',
  })
  compare(@Query() q: QueryBag): Promise<ComparisonReport> {
    const run = intParam(q.run);
    if (run) {
      return q.against === 'last-good'
        ? this.comparisons.compareWithLastGood(run)
        : this.comparisons.compareReleasesInRun(run);
    }
    const baseline = intParam(q.baseline);
    const candidate = intParam(q.candidate);
    if (!baseline || !candidate) {
      throw new ReportsError('compare needs baseline=RUN&candidate=RUN, or run=RUN', ReportsErrorCode.CompareInvalid);
    }
    return this.comparisons.compareRuns(baseline, candidate);
  }

  @Get('cases/:caseHash/history')
  history(@Param('caseHash') caseHash: string): Promise<CaseHistoryEntry[]> {
    return this.views.history(caseHash);
  }

  /** Links a failure signature to a known issue; the link shows wherever the signature appears later. */
  @Post('known-issues')
  @Roles(Role.Tester)
  async linkKnownIssue(@Body() body: unknown, @CurrentPrincipal() who: Principal): Promise<KnownIssue> {
    const input = parseKnownIssueInput(body);
    return this.read.upsertKnownIssue({ ...input, createdBy: principalName(who) });
  }

  /** Server-sent events: one `message` per state change of the run's cases or of the run itself. */
  @Get('runs/:number/events')
  async runEvents(
    @Param('number', ParseIntPipe) number: number,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const run = await this.views.run(number);
    const unsubscribe = await this.events.subscribe(run.id, (event) => {
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    });
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 3000\n: run ${run.number} ${run.status}\n\n`);
    // Comments keep proxies from closing an idle stream.
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
  }
}

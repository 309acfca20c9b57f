import { Controller, Get, Param, Query, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainError } from 'src/common/errors/domain-error';
import { httpStatusOf } from 'src/common/errors/error-status';
import { CommunityPagesRepository } from 'src/community/community-pages.repository';
import { CommunityReadService } from 'src/community/community-read.service';
import { coveragePageModel } from 'src/community/coverage-page.model';
import { readNextForm } from 'src/community/next-form';
import { ViewRenderer } from 'src/reports/render/view-renderer';
import { listParam, sendHtml } from 'src/web/html';
import { PageErrorFilter } from 'src/web/page-error.filter';

type QueryBag = Record<string, unknown>;

const TIERS = ['never covered', 'failing elsewhere', 'one more class'] as const;

/** Community pages (HTML): release coverage with "what to test next", hardware classes, system comparison. */
@ApiExcludeController()
@UseFilters(PageErrorFilter)
@Controller()
export class CommunityPagesController {
  constructor(
    private readonly read: CommunityReadService,
    private readonly pages: CommunityPagesRepository,
    private readonly renderer: ViewRenderer,
  ) {}

  /** Where the nav's "Coverage" lands: the releases that have results. */
  @Get('coverage')
  async coverageIndex(@Res() res: Response): Promise<void> {
    const releases = (await this.pages.releases()).map((r) => ({ ...r, path: encodeURIComponent(r.release) }));
    sendHtml(res, this.renderer.render('community/coverage-index', { releases }, { title: 'Coverage' }));
  }

  @Get('releases/:release/coverage')
  async coverage(@Param('release') release: string, @Query() q: QueryBag, @Res() res: Response): Promise<void> {
    const [report, times, known] = await Promise.all([
      this.read.coverage(release),
      this.pages.coverageTimes(release),
      this.pages.hardwareClasses(false),
    ]);
    const model = coveragePageModel(report, times, { suites: listParam(q.suite) });
    const { form, testbed, error } = readNextForm(q);
    let next: Record<string, unknown> = { form, error };
    let status = error ? 400 : 200;
    if (testbed) {
      try {
        const answer = await this.read.next(release, testbed, 100);
        next = {
          form,
          error: null,
          hardwareClass: answer.hardwareClass,
          simulated: answer.hardwareClass.startsWith('simulated'),
          cases: answer.cases.map((c) => ({ ...c, tierName: TIERS[c.tier] })),
        };
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        status = httpStatusOf(err);
        next = { form, error: err.message };
      }
    }
    const knownClasses = [...new Set([...report.hardwareClasses, ...known.map((k) => k.hardwareClass)])].sort();
    const html = this.renderer.render(
      'community/coverage',
      { ...model, releasePath: encodeURIComponent(release), knownClasses, next },
      { title: `Coverage of ${release}`, simulated: model.simulated, charts: model.chart !== null },
    );
    res.status(status);
    sendHtml(res, html);
  }
}

import { Controller, Get, Param, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ViewRenderer } from 'src/reports/render/view-renderer';
import { ReleaseReadinessService } from 'src/community/release-readiness.service';
import { ReportsError, ReportsErrorCode } from 'src/reports/reports.errors';
import { sendHtml } from 'src/web/html';
import { PageErrorFilter } from 'src/web/page-error.filter';

const RELEASE = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** "Is R ready?" for the people who decide: the release pages. */
@ApiExcludeController()
@UseFilters(PageErrorFilter)
@Controller('releases')
export class ReleasePagesController {
  constructor(
    private readonly releases: ReleaseReadinessService,
    private readonly renderer: ViewRenderer,
  ) {}

  @Get()
  async list(@Res() res: Response): Promise<void> {
    const releases = await this.releases.verdicts(20);
    sendHtml(res, this.renderer.render('releases', { releases }, { title: 'Releases' }));
  }

  @Get(':release')
  async page(@Param('release') release: string, @Res() res: Response): Promise<void> {
    if (!RELEASE.test(release)) {
      throw new ReportsError(`no release ${release.slice(0, 64)}`, ReportsErrorCode.ReleaseInvalid, {
        release: release.slice(0, 64),
      });
    }
    const model = await this.releases.readiness(release);
    sendHtml(
      res,
      this.renderer.render('release', { ...model }, { title: `Release ${release}: ${model.verdict.line}` }),
    );
  }
}

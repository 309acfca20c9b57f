import { Controller, Get, Param, Query, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { principalRole } from 'src/auth/principal';
import type { Principal } from 'src/auth/principal';
import { CurrentPrincipal } from 'src/auth/principal.decorator';
import { Role, roleIncludes } from 'src/auth/role';
import { DomainError } from 'src/common/errors/domain-error';
import { httpStatusOf } from 'src/common/errors/error-status';
import { CommunityPagesRepository } from 'src/community/community-pages.repository';
import { CommunityReadService } from 'src/community/community-read.service';
import { coveragePageModel } from 'src/community/coverage-page.model';
import { hardwareComparePageModel, hardwarePageModel } from 'src/community/hardware-pages.model';
import type { SystemComparison } from 'src/community/community-read.service';
import { readNextForm } from 'src/community/next-form';
import { ViewRenderer } from 'src/reports/render/view-renderer';
import { listParam, sendHtml } from 'src/web/html';
import { PageErrorFilter } from 'src/web/page-error.filter';

type QueryBag = Record<string, unknown>;

/** Newest submissions shown per hardware class on the hardware page. */
const PER_CLASS = 10;

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

  /** Hardware classes of community results, newest submissions first (admins also see unmoderated ones). */
  @Get('hardware')
  async hardware(@CurrentPrincipal() who: Principal, @Res() res: Response): Promise<void> {
    const admin = isAdmin(who);
    const [classes, latest] = await Promise.all([
      this.pages.hardwareClasses(admin),
      this.pages.latestSubmissions(admin, PER_CLASS),
    ]);
    const model = hardwarePageModel(classes, latest);
    sendHtml(
      res,
      this.renderer.render(
        'community/hardware',
        { ...model, admin, perClass: PER_CLASS },
        { title: 'Hardware', simulated: model.simulated },
      ),
    );
  }

  /** Two systems' measurements side by side: `?a=<submission id>&b=<submission id>`, with a form to pick them. */
  @Get('hardware/compare')
  async compareSystems(@Query() q: QueryBag, @Res() res: Response): Promise<void> {
    const a = oneText(q.a);
    const b = oneText(q.b);
    let comparison: SystemComparison | null = null;
    let error: string | null = null;
    let status = 200;
    if (a || b) {
      if (!a || !b) {
        error = 'pick two systems: a and b';
        status = 400;
      } else {
        try {
          comparison = await this.read.compare(a, b);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          error = err.message;
          status = httpStatusOf(err);
        }
      }
    }
    const model = hardwareComparePageModel(await this.pages.comparableSubmissions(), { a, b }, comparison, error);
    const title = model.comparison ? `${model.comparison.a.label} vs ${model.comparison.b.label}` : 'Compare systems';
    res.status(status);
    sendHtml(
      res,
      this.renderer.render(
        'community/hardware-compare',
        { ...model },
        {
          title,
          simulated: model.simulated,
          charts: model.charts.length > 0,
        },
      ),
    );
  }
}

function isAdmin(who: Principal): boolean {
  const role = principalRole(who);
  return role !== undefined && roleIncludes(role, Role.Admin);
}

function oneText(v: unknown): string {
  const value = Array.isArray(v) ? v[0] : v;
  return typeof value === 'string' ? value.trim().slice(0, 64) : '';
}

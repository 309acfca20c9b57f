import { Body, Controller, Get, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Role } from 'src/auth/role';
import { Roles } from 'src/auth/roles.decorator';
import { TokenService } from 'src/auth/token.service';
import { SubmissionService } from 'src/community/submission.service';
import type { SubmissionStatus } from 'src/community/submission.types';
import { ViewRenderer } from 'src/reports/render/view-renderer';
import { sendHtml } from 'src/web/html';
import { PageErrorFilter } from 'src/web/page-error.filter';

const STATUSES: readonly SubmissionStatus[] = ['pending', 'accepted', 'rejected'];

/** Admin chores from the pages: approving or revoking tokens, and the submission moderation queue. */
@ApiExcludeController()
@UseFilters(PageErrorFilter)
@Roles(Role.Admin)
@Controller('admin')
export class AdminPagesController {
  constructor(
    private readonly tokens: TokenService,
    private readonly submissions: SubmissionService,
    private readonly renderer: ViewRenderer,
  ) {}

  @Get('tokens')
  async tokensPage(@Res() res: Response): Promise<void> {
    const all = await this.tokens.list();
    // Those waiting for a decision first, then the working ones; revoked ones last.
    const order = { pending: 0, active: 1, revoked: 2 } as const;
    const tokens = [...all].sort((a, b) => order[a.status] - order[b.status] || +b.createdAt - +a.createdAt);
    const pending = tokens.filter((t) => t.status === 'pending').length;
    sendHtml(res, this.renderer.render('admin-tokens', { tokens, pending }, { title: 'Tokens' }));
  }

  @Post('tokens/:id/approve')
  async approve(@Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.tokens.approve(id);
    res.redirect(303, '/admin/tokens');
  }

  @Post('tokens/:id/revoke')
  async revoke(@Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.tokens.revoke(id);
    res.redirect(303, '/admin/tokens');
  }

  @Get('submissions')
  async queue(@Query('status') status: unknown, @Res() res: Response): Promise<void> {
    const shown = STATUSES.find((s) => s === status) ?? 'pending';
    const submissions = await this.submissions.list({ status: shown, limit: 200 });
    sendHtml(
      res,
      this.renderer.render(
        'admin-submissions',
        { submissions, shown, statuses: STATUSES },
        { title: 'Moderation queue', scripts: [] },
      ),
    );
  }

  @Post('submissions/:id/moderate')
  async moderate(@Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const form = (body ?? {}) as Record<string, unknown>;
    const note = typeof form.note === 'string' && form.note.trim() !== '' ? form.note : undefined;
    await this.submissions.moderate(id, { status: form.status, note });
    res.redirect(303, '/admin/submissions');
  }
}

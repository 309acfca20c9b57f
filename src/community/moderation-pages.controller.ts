import { Body, Controller, Get, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Role } from 'src/auth/role';
import { Roles } from 'src/auth/roles.decorator';
import { SubmissionService } from 'src/community/submission.service';
import type { SubmissionStatus } from 'src/community/submission.types';
import { ViewRenderer } from 'src/reports/render/view-renderer';
import { sendHtml } from 'src/web/html';
import { PageErrorFilter } from 'src/web/page-error.filter';

const STATUSES: readonly SubmissionStatus[] = ['pending', 'accepted', 'rejected'];

/** The submission moderation queue, for admins, with plain forms (accept or reject, with a note). */
@ApiExcludeController()
@UseFilters(PageErrorFilter)
@Roles(Role.Admin)
@Controller('admin/submissions')
export class ModerationPagesController {
  constructor(
    private readonly submissions: SubmissionService,
    private readonly renderer: ViewRenderer,
  ) {}

  @Get()
  async queue(@Query('status') status: unknown, @Res() res: Response): Promise<void> {
    const shown = STATUSES.find((s) => s === status) ?? 'pending';
    const submissions = await this.submissions.list({ status: shown, limit: 200 });
    sendHtml(
      res,
      this.renderer.render(
        'admin-submissions',
        { submissions, shown, statuses: STATUSES },
        { title: 'Moderation queue' },
      ),
    );
  }

  @Post(':id/moderate')
  async moderate(@Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const form = (body ?? {}) as Record<string, unknown>;
    const note = typeof form.note === 'string' && form.note.trim() !== '' ? form.note : undefined;
    await this.submissions.moderate(id, { status: form.status, note });
    res.redirect(303, '/admin/submissions');
  }
}

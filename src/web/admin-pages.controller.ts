import { Controller, Get, Param, Post, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Role } from 'src/auth/role';
import { Roles } from 'src/auth/roles.decorator';
import { TokenService } from 'src/auth/token.service';
import { ViewRenderer } from 'src/reports/render/view-renderer';
import { sendHtml } from 'src/web/html';
import { PageErrorFilter } from 'src/web/page-error.filter';

/** Token approvals from the pages, for admins (the moderation queue is the community domain's). */
@ApiExcludeController()
@UseFilters(PageErrorFilter)
@Roles(Role.Admin)
@Controller('admin')
export class AdminPagesController {
  constructor(
    private readonly tokens: TokenService,
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
}

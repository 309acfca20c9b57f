import { Body, Controller, Get, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { parse } from 'cookie';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { Public } from 'src/auth/roles.decorator';
import { SESSION_COOKIE, SessionService } from 'src/auth/session.service';
import { ViewRenderer } from 'src/reports/render/view-renderer';
import { FormRefusal, parseForm, refusalOf, safeNext } from 'src/web/form-input';
import { sendHtml } from 'src/web/html';
import { PageErrorFilter } from 'src/web/page-error.filter';

const signInForm = z.object({
  token: z.string().max(500),
  next: z.string().max(500).optional(),
  _csrf: z.string().optional(),
});

/** Sign in once with a token (the page keeps a session cookie, never the token), and sign out. */
@ApiExcludeController()
@UseFilters(PageErrorFilter)
@Controller()
export class SessionPagesController {
  constructor(
    private readonly sessions: SessionService,
    private readonly renderer: ViewRenderer,
  ) {}

  @Get('sign-in')
  @Public()
  page(@Query('next') next: unknown, @Res() res: Response): void {
    this.show(res, safeNext(next), null);
  }

  @Post('sign-in')
  @Public()
  async signIn(@Body() body: unknown, @Res() res: Response): Promise<void> {
    const form = parseForm(signInForm, body);
    if (form instanceof FormRefusal) return this.show(res, '/', form);
    const next = safeNext(form.next);
    let secret: string;
    try {
      secret = (await this.sessions.signIn(form.token)).secret;
    } catch (err) {
      return this.show(res, next, refusalOf(err));
    }
    res.cookie(SESSION_COOKIE, secret, this.sessions.cookieOptions());
    res.redirect(303, next);
  }

  /** Public so that an expired session can still sign out; a live one must send its CSRF token (the guard checks). */
  @Post('sign-out')
  @Public()
  async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    const secret = req.headers.cookie ? parse(req.headers.cookie)[SESSION_COOKIE] : undefined;
    await this.sessions.signOut(secret);
    const { maxAge: _maxAge, ...options } = this.sessions.cookieOptions();
    res.clearCookie(SESSION_COOKIE, options);
    res.redirect(303, '/');
  }

  private show(res: Response, next: string, refusal: FormRefusal | null): void {
    res.status(refusal?.status ?? 200);
    sendHtml(
      res,
      this.renderer.render('sign-in', { next, error: refusal?.message }, { title: 'Sign in', scripts: ['sign-in.js'] }),
    );
  }
}

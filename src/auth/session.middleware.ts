import { Injectable, NestMiddleware } from '@nestjs/common';
import { parse } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import { SESSION_COOKIE, SessionService, viewerOf, WebSession } from 'src/auth/session.service';
import { runAsViewer } from 'src/common/request/viewer';

/** Where the middleware leaves the request's session for the guard. */
const SESSION_PROPERTY = 'shakedownSession';

export function sessionOf(request: object): WebSession | null {
  return (request as { [SESSION_PROPERTY]?: WebSession | null })[SESSION_PROPERTY] ?? null;
}

/**
 * Reads the session cookie once per request: the guard takes the caller from it (when no bearer
 * token is sent), and pages rendered for this request show who is signed in. A stale cookie is
 * simply no session: the visitor is signed out, not refused.
 */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  constructor(private readonly sessions: SessionService) {}

  use(req: Request, _res: Response, next: NextFunction): void {
    const secret = req.headers.cookie ? parse(req.headers.cookie)[SESSION_COOKIE] : undefined;
    if (!secret || req.headers.authorization !== undefined) {
      runAsViewer(null, next);
      return;
    }
    this.sessions.resolve(secret).then(
      (session) => {
        (req as unknown as Record<string, WebSession | null>)[SESSION_PROPERTY] = session;
        runAsViewer(session ? viewerOf(session) : null, next);
      },
      (err: unknown) => next(err),
    );
  }
}

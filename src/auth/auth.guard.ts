import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthError, AuthErrorCode } from 'src/auth/auth.errors';
import { bearerToken } from 'src/auth/bearer';
import { Principal, principalRole } from 'src/auth/principal';
import { PRINCIPAL_PROPERTY } from 'src/auth/principal.decorator';
import { Role, roleIncludes } from 'src/auth/role';
import { PUBLIC_KEY, ROLES_KEY } from 'src/auth/roles.decorator';
import { sessionOf } from 'src/auth/session.middleware';
import { SessionService } from 'src/auth/session.service';
import { TokenService } from 'src/auth/token.service';
import { AppConfig } from 'src/config/config';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route, every request. The rule, in order:
 * 1. a bearer token, when sent, must be valid (401 otherwise, even on public routes: a broken
 *    client should hear it); without one, a signed-in page session stands for its token, and every
 *    write it makes must carry the session's CSRF token (form field `_csrf` or header X-CSRF-Token);
 * 2. `@Public()` routes are open;
 * 3. `@Roles(...)` routes need one of those roles (or a role that includes it): 401 anonymous, 403 wrong role;
 * 4. reads (GET) are open to anonymous visitors unless SHAKEDOWN_PUBLIC_READ=false, then any valid token;
 * 5. any other route (a write nobody declared) is admin-only.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const bearer = bearerToken(request.headers.authorization);
    const session = bearer === undefined ? sessionOf(request) : null;
    const principal = session ? session.principal : await this.tokens.authenticate(bearer);
    if (session && !READ_METHODS.has(request.method)) {
      const given = request.headers['x-csrf-token'] ?? (request.body as Record<string, unknown> | undefined)?._csrf;
      if (!this.sessions.csrfValid(session, given)) {
        throw new AuthError(
          `${request.method} ${request.path}: a signed-in write must carry the page's CSRF token (form field _csrf or header X-CSRF-Token); reload the page and try again`,
          AuthErrorCode.CsrfForbidden,
        );
      }
    }
    (request as unknown as Record<string, Principal>)[PRINCIPAL_PROPERTY] = principal;

    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles) return demand(principal, roles, `${request.method} ${request.path}`);
    if (READ_METHODS.has(request.method)) {
      if (this.config.get('SHAKEDOWN_PUBLIC_READ') || principal.kind !== 'anonymous') return true;
      throw new AuthError('reading needs a token here (public read is turned off)', AuthErrorCode.Unauthorized);
    }
    return demand(principal, [Role.Admin], `${request.method} ${request.path}`);
  }
}

function demand(principal: Principal, roles: readonly Role[], what: string): true {
  const held = principalRole(principal);
  const wanted = roles.join(' or ');
  if (held === undefined) {
    throw new AuthError(`${what} needs a token with the ${wanted} role`, AuthErrorCode.Unauthorized, { roles });
  }
  if (!roles.some((r) => roleIncludes(held, r))) {
    throw new AuthError(`${what} needs the ${wanted} role; this token is ${held}`, AuthErrorCode.Forbidden, {
      roles,
      role: held,
    });
  }
  return true;
}

import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import type { CookieOptions } from 'express';
import { AuthError, AuthErrorCode } from 'src/auth/auth.errors';
import { Principal } from 'src/auth/principal';
import { Role, roleIncludes } from 'src/auth/role';
import { SessionRepository } from 'src/auth/session.repository';
import { generateToken, hashToken, secretsEqual } from 'src/auth/token-secret';
import { TokenService } from 'src/auth/token.service';
import type { Viewer } from 'src/common/request/viewer';
import { AppConfig } from 'src/config/config';

export const SESSION_COOKIE = 'shakedown_session';
/** A working day: long enough to follow a campaign, short enough that a forgotten browser signs out. */
const SESSION_TTL_MS = 12 * 3600_000;

export interface WebSession {
  principal: Exclude<Principal, { kind: 'anonymous' }>;
  /** The cookie's secret (never stored: the database keeps its hash). */
  secret: string;
  csrf: string;
}

/**
 * Sign-in for the web pages: a token is exchanged once for an HttpOnly, SameSite=Strict session
 * cookie; every form then carries a CSRF token derived from the session's secret (an HMAC), so
 * nothing but the cookie's hash needs storing and a token read from one page cannot serve another session.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionRepository,
    private readonly config: AppConfig,
  ) {}

  async signIn(token: string): Promise<WebSession> {
    const trimmed = token.trim();
    if (!trimmed) throw new AuthError('token: paste an API token to sign in', AuthErrorCode.SignInInvalid);
    const principal = await this.tokens.authenticate(trimmed);
    if (principal.kind === 'anonymous') throw new AuthError('the token is not known', AuthErrorCode.Unauthorized);
    const secret = generateToken();
    await this.sessions.insert({
      secretHash: hashToken(secret),
      tokenId: principal.kind === 'token' ? principal.tokenId : null,
      adminTokenHash: principal.kind === 'config-admin' ? hashToken(trimmed) : null,
      role: principal.role,
      name: principal.name,
      ttlMs: SESSION_TTL_MS,
    });
    return { principal, secret, csrf: this.csrfFor(secret) };
  }

  /** The live session of a cookie secret; null when unknown, expired, or its token no longer works. */
  async resolve(secret: string | undefined): Promise<WebSession | null> {
    if (!secret || secret.length > 200) return null;
    const row = await this.sessions.findLive(hashToken(secret));
    if (!row) return null;
    let principal: WebSession['principal'];
    if (row.tokenId) {
      principal = {
        kind: 'token',
        role: row.role,
        name: row.name,
        tokenId: row.tokenId,
        tokenPrefix: row.tokenPrefix ?? '',
      };
    } else {
      const admin = this.config.get('SHAKEDOWN_ADMIN_TOKEN');
      if (admin === undefined || !row.adminTokenHash || !secretsEqual(row.adminTokenHash, hashToken(admin))) {
        return null;
      }
      principal = { kind: 'config-admin', role: Role.Admin, name: row.name };
    }
    return { principal, secret, csrf: this.csrfFor(secret) };
  }

  async signOut(secret: string | undefined): Promise<void> {
    if (secret) await this.sessions.delete(hashToken(secret));
  }

  csrfValid(session: WebSession, given: unknown): boolean {
    return typeof given === 'string' && given.length > 0 && secretsEqual(given, session.csrf);
  }

  /** Secure whenever the service is published over https (PUBLIC_URL), so the cookie never travels in clear. */
  cookieOptions(): CookieOptions {
    const secure = (this.config.get('PUBLIC_URL') ?? '').startsWith('https:');
    return { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: SESSION_TTL_MS };
  }

  private csrfFor(secret: string): string {
    return createHmac('sha256', secret).update('shakedown csrf').digest('base64url');
  }
}

export function viewerOf(session: WebSession): Viewer {
  return {
    name: session.principal.name,
    role: session.principal.role,
    isAdmin: roleIncludes(session.principal.role, Role.Admin),
    isTester: roleIncludes(session.principal.role, Role.Tester),
    csrf: session.csrf,
  };
}

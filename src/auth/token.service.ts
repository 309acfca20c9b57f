import { Injectable, Logger } from '@nestjs/common';
import { AuthError, AuthErrorCode } from 'src/auth/auth.errors';
import { ANONYMOUS, Principal } from 'src/auth/principal';
import { Role } from 'src/auth/role';
import { generateToken, hashToken, secretsEqual, tokenPrefix } from 'src/auth/token-secret';
import { TokenRecord, TokenRepository, TokenStatus } from 'src/auth/token.repository';
import { nameKey } from 'src/common/input/name-key';
import { AppConfig } from 'src/config/config';

export interface IssuedToken {
  /** The token itself: shown once, at creation; only its hash is kept. */
  token: string;
  record: TokenRecord;
}

// A token seen recently is trusted for this long without asking the database again; revocation in
// this process takes effect at once, in other API processes within this delay.
const CACHE_MS = 5_000;
const TOUCH_EVERY_MS = 60_000;

@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly tokens: TokenRepository,
    private readonly config: AppConfig,
  ) {}

  /** Who holds this bearer token; anonymous without one. A token that is unknown, pending or revoked is refused. */
  async authenticate(bearer: string | undefined): Promise<Principal> {
    if (bearer === undefined) return ANONYMOUS;
    const admin = this.config.get('SHAKEDOWN_ADMIN_TOKEN');
    if (admin !== undefined && secretsEqual(bearer, admin)) {
      return { kind: 'config-admin', role: Role.Admin, name: 'admin' };
    }
    const hash = hashToken(bearer);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    const record = await this.tokens.findByHash(hash);
    if (!record) throw new AuthError('the bearer token is not known', AuthErrorCode.Unauthorized);
    if (record.status !== 'active') {
      const why = record.status === 'pending' ? 'is waiting for an admin to approve it' : 'was revoked';
      throw new AuthError(`the token ${record.tokenPrefix}… ${why}`, AuthErrorCode.Unauthorized, {
        tokenPrefix: record.tokenPrefix,
      });
    }
    const principal: Principal = {
      kind: 'token',
      role: record.role,
      name: record.name,
      tokenId: record.id,
      tokenPrefix: record.tokenPrefix,
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_MS });
    this.touch(record.id, now);
    return principal;
  }

  async create(input: { name: string; role: Role; email?: string }): Promise<IssuedToken> {
    return this.issue(input, 'active');
  }

  /** Self-registration: a submitter token that works once an admin approves it. */
  async register(input: { name: string; email?: string }): Promise<IssuedToken> {
    return this.issue({ ...input, role: Role.Submitter }, 'pending');
  }

  list(): Promise<TokenRecord[]> {
    return this.tokens.list();
  }

  async approve(id: string): Promise<TokenRecord> {
    return this.move(id, ['pending'], 'active', 'approve');
  }

  async revoke(id: string): Promise<TokenRecord> {
    const record = await this.move(id, ['pending', 'active'], 'revoked', 'revoke');
    // Drop every cached principal of this token (the cache is keyed by hash, which we do not have).
    for (const [hash, entry] of this.cache) {
      if (entry.principal.kind === 'token' && entry.principal.tokenId === id) this.cache.delete(hash);
    }
    return record;
  }

  /**
   * Names tell whose results these are: a token cannot take a live token's name (nor one that
   * differs only in case, accents or spacing), whether an admin makes it or a newcomer registers.
   */
  private async issue(input: { name: string; role: Role; email?: string }, status: TokenStatus): Promise<IssuedToken> {
    const token = generateToken();
    const record = await this.tokens.insert({
      ...input,
      nameKey: nameKey(input.name),
      hash: hashToken(token),
      prefix: tokenPrefix(token),
      status,
    });
    if (!record) {
      throw new AuthError(`name: "${input.name}" is taken; choose another`, AuthErrorCode.NameTaken, {
        problems: [{ path: 'name', message: 'is taken' }],
      });
    }
    return { token, record };
  }

  private async move(id: string, from: TokenStatus[], to: TokenStatus, verb: string): Promise<TokenRecord> {
    const moved = await this.tokens.transition(id, from, to);
    if (moved) return moved;
    const current = await this.tokens.findById(id);
    if (!current) throw new AuthError(`no token with id ${id}`, AuthErrorCode.TokenNotFound, { id });
    throw new AuthError(
      `cannot ${verb} token ${current.tokenPrefix}…: it is ${current.status}`,
      AuthErrorCode.TokenState,
      {
        id,
        status: current.status,
      },
    );
  }

  private touch(id: string, now: number): void {
    if ((this.touchedAt.get(id) ?? 0) + TOUCH_EVERY_MS > now) return;
    this.touchedAt.set(id, now);
    // Bookkeeping only: a failure here must not fail the request it rides on.
    this.tokens
      .touch(id)
      .catch((err: unknown) => this.logger.warn(`could not record token use: ${(err as Error).message}`));
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthError, AuthErrorCode } from 'src/auth/auth.errors';
import { parseInput } from 'src/common/input/check-input';
import { principalName, principalRole } from 'src/auth/principal';
import type { Principal } from 'src/auth/principal';
import { CurrentPrincipal } from 'src/auth/principal.decorator';
import { RateLimiter } from 'src/auth/rate-limiter';
import { Role } from 'src/auth/role';
import { Public, Roles } from 'src/auth/roles.decorator';
import { createTokenSchema, registrationSchema } from 'src/auth/token.schemas';
import { IssuedToken, TokenService } from 'src/auth/token.service';
import { TokenRecord } from 'src/auth/token.repository';

interface TokenView {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  status: string;
  tokenPrefix: string;
  createdAt: string;
  approvedAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function view(r: TokenRecord): TokenView {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role,
    status: r.status,
    tokenPrefix: r.tokenPrefix,
    createdAt: r.createdAt.toISOString(),
    approvedAt: r.approvedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  };
}

function issued(t: IssuedToken): TokenView & { token: string } {
  return { ...view(t.record), token: t.token };
}

// Self-registration is open to anyone: a few per address and minute keeps it from filling the table.
const REGISTRATIONS_PER_MINUTE = 5;

const refuseToken = (message: string, details: Record<string, unknown>) =>
  new AuthError(message, AuthErrorCode.TokenInvalid, details);

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/v1')
export class TokensController {
  private readonly registrations = new RateLimiter(REGISTRATIONS_PER_MINUTE);

  constructor(private readonly tokens: TokenService) {}

  /** Creates an active token; the response is the only time the token is shown. */
  @Post('tokens')
  @Roles(Role.Admin)
  async create(@Body() body: unknown): Promise<TokenView & { token: string }> {
    const input = parseInput(createTokenSchema, body ?? {}, refuseToken);
    return issued(await this.tokens.create(input));
  }

  @Get('tokens')
  @Roles(Role.Admin)
  async list(): Promise<TokenView[]> {
    return (await this.tokens.list()).map(view);
  }

  @Post('tokens/:id/approve')
  @Roles(Role.Admin)
  @HttpCode(200)
  async approve(@Param('id') id: string): Promise<TokenView> {
    return view(await this.tokens.approve(id));
  }

  @Post('tokens/:id/revoke')
  @Roles(Role.Admin)
  @HttpCode(200)
  async revoke(@Param('id') id: string): Promise<TokenView> {
    return view(await this.tokens.revoke(id));
  }

  /** Anyone may ask for a submitter token; it works once an admin approves it. */
  @Post('registrations')
  @Public()
  async register(
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenView & { token: string }> {
    const wait = this.registrations.take(req.ip ?? 'unknown');
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new AuthError(
        `too many registrations from this address; retry in ${wait} s`,
        AuthErrorCode.RegistrationRateLimited,
        {
          retryAfterSeconds: wait,
        },
      );
    }
    const input = parseInput(registrationSchema, body ?? {}, refuseToken);
    return issued(await this.tokens.register(input));
  }

  /** Who the caller is, as the server sees it (handy to check a token without side effects). */
  @Get('whoami')
  @Public()
  whoami(@CurrentPrincipal() principal: Principal): { kind: string; name: string; role: Role | null } {
    return { kind: principal.kind, name: principalName(principal), role: principalRole(principal) ?? null };
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { principalRole, principalTokenId } from 'src/auth/principal';
import type { Principal } from 'src/auth/principal';
import { CurrentPrincipal } from 'src/auth/principal.decorator';
import { Role, roleIncludes } from 'src/auth/role';
import { Roles } from 'src/auth/roles.decorator';
import { readBodyText } from 'src/community/body-reader';
import { CommunityError, CommunityErrorCode } from 'src/community/community.errors';
import { SubmissionService } from 'src/community/submission.service';
import type { SubmissionRecord, SubmissionStatus } from 'src/community/submission.types';

/** What anyone may see of a submission: never the token, not even its id. */
type SubmissionView = Omit<SubmissionRecord, 'tokenId'>;

function view(r: SubmissionRecord): SubmissionView {
  const { tokenId: _hidden, ...rest } = r;
  return rest;
}

function isAdmin(p: Principal): boolean {
  const role = principalRole(p);
  return role !== undefined && roleIncludes(role, Role.Admin);
}

const STATUSES: readonly SubmissionStatus[] = ['pending', 'accepted', 'rejected'];

@ApiTags('community')
@ApiBearerAuth()
@Controller('api/v1/submissions')
export class SubmissionsController {
  constructor(private readonly service: SubmissionService) {}

  /**
   * Body: JSON `{ kind, release, content, hardware, campaign?, params? }`, sent as
   * `application/vnd.shakedown.submission+json` (read here, up to SHAKEDOWN_SUBMISSION_MAX_BYTES)
   * or `application/json` (decoded by the framework's parser, which stops at 100 kB).
   * 201 for a new submission, 200 when the same file was already submitted by the same token.
   */
  @Post()
  @Roles(Role.Submitter)
  async submit(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SubmissionView> {
    const wait = this.service.takeRate(principal);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new CommunityError(
        `too many submissions from this token; retry in ${wait} s`,
        CommunityErrorCode.SubmissionRateLimited,
        {
          retryAfterSeconds: wait,
        },
      );
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    let body: unknown;
    if (type === 'application/json') {
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > this.service.maxBytes) {
        throw new CommunityError(
          `the body is larger than ${this.service.maxBytes} bytes`,
          CommunityErrorCode.SubmissionTooLarge,
        );
      }
      body = req.body as unknown;
    } else if (type === 'application/x-www-form-urlencoded' || type.startsWith('multipart/')) {
      throw new CommunityError(
        `send the submission as JSON (application/vnd.shakedown.submission+json), not ${type}`,
        CommunityErrorCode.SubmissionUnsupportedMedia,
      );
    } else {
      body = await readBodyText(req, this.service.maxBytes);
    }
    const result = await this.service.submit(principal, body);
    res.status(result.created ? 201 : 200);
    return view(result.record);
  }

  /** Accepted submissions for everyone; an admin may list any status. */
  @Get()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('status') status?: string,
    @Query('release') release?: string,
    @Query('hardware_class') hardwareClass?: string,
    @Query('limit') limit?: string,
  ): Promise<SubmissionView[]> {
    const wanted = status === undefined ? 'accepted' : (STATUSES.find((s) => s === status) ?? 'accepted');
    if (wanted !== 'accepted' && !isAdmin(principal)) {
      throw new CommunityError(
        'only an admin may list submissions that are not accepted',
        CommunityErrorCode.SubmissionInvalid,
      );
    }
    const rows = await this.service.list({
      status: wanted,
      ...(release ? { release } : {}),
      ...(hardwareClass ? { hardwareClass } : {}),
      ...(limit ? { limit: Number(limit) || 100 } : {}),
    });
    return rows.map(view);
  }

  /** One submission: accepted ones are public; others only for an admin and their own submitter. */
  @Get(':id')
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<SubmissionView> {
    const found = await this.service.get(id);
    const own = found.tokenId !== null && found.tokenId === principalTokenId(principal);
    if (found.status !== 'accepted' && !own && !isAdmin(principal)) {
      throw new CommunityError(`no submission with id ${id}`, CommunityErrorCode.SubmissionNotFound, { id });
    }
    return view(found);
  }

  @Post(':id/moderate')
  @Roles(Role.Admin)
  @HttpCode(200)
  async moderate(@Param('id') id: string, @Body() body: unknown): Promise<SubmissionView> {
    return view(await this.service.moderate(id, body));
  }
}

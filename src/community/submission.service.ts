import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { checkInput, describeProblems } from 'src/common/input/check-input';
import { Principal, principalName, principalRole, principalTokenId } from 'src/auth/principal';
import { RateLimiter } from 'src/auth/rate-limiter';
import { isTrustedRole } from 'src/auth/role';
import { CampaignCatalog } from 'src/community/campaign-catalog';
import { CommunityError, CommunityErrorCode } from 'src/community/community.errors';
import { hardwareClass } from 'src/lab/hardware-class';
import { validateHardwareProfile } from 'src/lab/hardware-profile';
import { parseJsonText } from 'src/community/json-text';
import { hostileValueProblem } from 'src/common/input/hostile-text';
import { mapSubmission } from 'src/community/submission-mapping';
import { moderationSchema, submissionBodySchema } from 'src/community/submission.schemas';
import { SubmissionRepository } from 'src/community/submission.repository';
import type { SubmissionRecord, SubmissionStatus } from 'src/community/submission.types';
import { AppConfig } from 'src/config/config';

interface SubmitResult {
  record: SubmissionRecord;
  /** False when the same file from the same submitter was already stored (the earlier record is returned). */
  created: boolean;
}

/**
 * Takes community results in. Moderation rule: submissions from trusted roles (tester, admin) are
 * accepted at once; a submitter's wait, pending, until an admin accepts or rejects them. Only
 * accepted submissions count in coverage and public hardware pages.
 */
@Injectable()
export class SubmissionService {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly submissions: SubmissionRepository,
    private readonly campaigns: CampaignCatalog,
    private readonly config: AppConfig,
  ) {
    this.limiter = new RateLimiter(config.get('SHAKEDOWN_SUBMISSION_RATE_PER_MINUTE'));
  }

  get maxBytes(): number {
    return this.config.get('SHAKEDOWN_SUBMISSION_MAX_BYTES');
  }

  /** 0 when the caller may submit now, else the seconds to wait (counted per token). */
  takeRate(principal: Principal): number {
    return this.limiter.take(principalTokenId(principal) ?? principal.kind);
  }

  /** Validates, maps and stores a submission body (JSON text or an already decoded object). */
  async submit(principal: Principal, body: unknown): Promise<SubmitResult> {
    const doc = typeof body === 'string' ? parseJsonText(body, 'body') : body;
    const hostile = hostileValueProblem(doc, 'body');
    if (hostile) throw new CommunityError(hostile, CommunityErrorCode.SubmissionInvalid);
    const checked = checkInput(submissionBodySchema, doc ?? {});
    if (!checked.ok) throw invalid(checked.problems);
    const input = checked.value;
    const hardware = validateHardwareProfile(input.hardware, 'hardware');
    if (!hardware.ok) {
      throw new CommunityError(describeProblems(hardware.problems), CommunityErrorCode.HardwareInvalid, {
        problems: hardware.problems,
      });
    }
    const campaign = this.campaigns.forRelease(input.release, input.campaign);
    if (input.campaign !== undefined && !campaign) {
      throw new CommunityError(
        `campaign: no campaign named ${input.campaign} in campaigns/`,
        CommunityErrorCode.SubmissionInvalid,
      );
    }
    const mapped = mapSubmission(input.kind, input.content, {
      release: input.release,
      campaignCases: campaign?.byKey ?? new Map(),
      ...(campaign ? { caseForTest: campaign.caseForTest } : {}),
      ...(input.campaign !== undefined ? { campaignName: input.campaign } : {}),
      ...(input.params !== undefined ? { params: input.params } : {}),
    });
    const role = principalRole(principal);
    const status: SubmissionStatus = role !== undefined && isTrustedRole(role) ? 'accepted' : 'pending';
    const sha256 = submissionIdentity(input.content, input.campaign, input.params);
    const hwClass = hardwareClass(hardware.value);
    const result = await this.submissions.store({
      tokenId: principalTokenId(principal),
      submitter: principalName(principal),
      kind: input.kind,
      release: input.release,
      sha256,
      sizeBytes: Buffer.byteLength(input.content, 'utf8'),
      status,
      hardware: hardware.value,
      hardwareClass: hwClass,
      mapped,
    });
    const r = result.record;
    if (!result.created && (r.kind !== input.kind || r.release !== input.release || r.hardwareClass !== hwClass)) {
      throw new CommunityError(
        `this file was already submitted (submission ${r.id}) as ${r.kind} for ${r.release} on ${r.hardwareClass}`,
        CommunityErrorCode.SubmissionConflict,
        { id: r.id },
      );
    }
    return result;
  }

  async get(id: string): Promise<SubmissionRecord> {
    const found = await this.submissions.findById(id);
    if (!found) throw new CommunityError(`no submission with id ${id}`, CommunityErrorCode.SubmissionNotFound, { id });
    return found;
  }

  list(filter: {
    status?: SubmissionStatus;
    release?: string;
    hardwareClass?: string;
    limit?: number;
  }): Promise<SubmissionRecord[]> {
    return this.submissions.list({ ...filter, limit: Math.min(Math.max(filter.limit ?? 100, 1), 1000) });
  }

  async moderate(id: string, body: unknown): Promise<SubmissionRecord> {
    const checked = checkInput(moderationSchema, body ?? {});
    if (!checked.ok) throw invalid(checked.problems);
    const moderated = await this.submissions.moderate(id, checked.value.status, checked.value.note ?? null);
    if (!moderated) {
      throw new CommunityError(`no submission with id ${id}`, CommunityErrorCode.SubmissionNotFound, { id });
    }
    return moderated;
  }
}

function invalid(problems: Array<{ path: string; message: string }>): CommunityError {
  return new CommunityError(describeProblems(problems), CommunityErrorCode.SubmissionInvalid, { problems });
}

/**
 * What makes a submission "the same" for deduplication: the file, and the campaign and parameters it
 * is mapped with, when given. The same file sent again with other mapping metadata (say, after
 * `--param sr_kind=ext`) is a new submission that maps differently, not "already submitted".
 */
function submissionIdentity(content: string, campaign?: string, params?: Record<string, unknown>): string {
  const hash = createHash('sha256').update(content, 'utf8');
  if (campaign !== undefined || (params !== undefined && Object.keys(params).length > 0)) {
    const sorted = Object.fromEntries(Object.entries(params ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
    hash.update(`\u0000${JSON.stringify({ campaign: campaign ?? null, params: sorted })}`, 'utf8');
  }
  return hash.digest('hex');
}

import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from 'src/auth/principal.decorator';
import { principalName } from 'src/auth/principal';
import type { Principal } from 'src/auth/principal';
import { Role } from 'src/auth/role';
import { Roles } from 'src/auth/roles.decorator';
import { parseInput } from 'src/common/input/check-input';
import { campaignFilePath } from 'src/execution/campaign-files';
import { CaseQueue } from 'src/execution/case-queue';
import { ExecutionError, ExecutionErrorCode } from 'src/execution/execution.errors';
import { RunService } from 'src/execution/run.service';
import { ArtifactStore } from 'src/results/artifact-store';

const startRunSchema = z
  .object({
    /** A campaign file under campaigns/ (e.g. "demo.yaml"), or the campaign text itself. */
    campaign: z.string().min(1).max(200).optional(),
    campaignText: z
      .string()
      .min(1)
      .max(1024 * 1024)
      .optional(),
    lab: z.string().min(1).max(200),
    suite: z.string().max(200).optional(),
    /** An expression over the case parameters, as `campaign expand --only`. */
    only: z.string().min(1).max(4000).optional(),
    /** Case keys or hashes. */
    cases: z.array(z.string().max(1000)).max(10000).optional(),
    priority: z.number().int().min(-100).max(100).optional(),
    /** Queue even when the lab's quick checks fail; the run records it and who did it. */
    force: z.boolean().optional(),
  })
  .strict()
  .refine((b) => !!b.campaign !== !!b.campaignText, { message: 'give exactly one of campaign and campaignText' });

/** Largest evidence (base64 characters, all files together) a manual check may carry. */
export const MANUAL_EVIDENCE_MAX_BASE64 = 24 * 1024 * 1024;

const manualSchema = z
  .object({
    outcome: z.enum(['passed', 'failed', 'skipped']),
    notes: z.string().max(20_000).optional(),
    evidence: z
      .array(
        z
          .object({
            name: z
              .string()
              .min(1)
              .max(200)
              .regex(/^[^/\\]+$/, 'a file name, not a path'),
            contentBase64: z
              .string()
              .max(10 * 1024 * 1024)
              .regex(/^[A-Za-z0-9+/=\s]*$/, 'base64'),
            mediaType: z.string().max(100).optional(),
          })
          .strict(),
      )
      .max(20)
      .refine((files) => files.reduce((n, f) => n + f.contentBase64.length, 0) <= MANUAL_EVIDENCE_MAX_BASE64, {
        message: `evidence files together hold at most ${MANUAL_EVIDENCE_MAX_BASE64} base64 characters`,
      })
      .optional(),
  })
  .strict();

type StartRunBody = z.infer<typeof startRunSchema>;

function parseBody(body: unknown): StartRunBody {
  return parseInput(
    startRunSchema,
    body ?? {},
    (message, details) => new ExecutionError(message, ExecutionErrorCode.RequestInvalid, details),
  );
}

@ApiTags('runs')
@ApiBearerAuth()
@Controller('api/v1/runs')
export class RunsController {
  constructor(
    private readonly runs: RunService,
    private readonly caseQueue: CaseQueue,
    private readonly artifacts: ArtifactStore,
  ) {}

  @Post()
  @Roles(Role.Tester)
  async start(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const input = parseBody(body);
    let campaign: string | { text: string; filename: string };
    if (input.campaign) {
      campaign = campaignFilePath(input.campaign);
    } else {
      campaign = { text: input.campaignText!, filename: 'campaign (posted)' };
    }
    const { run, counts } = await this.runs.start({
      campaign,
      lab: input.lab,
      suite: input.suite,
      only: input.only,
      cases: input.cases,
      priority: input.priority,
      createdBy: principalName(who),
      checkLab: { force: input.force ?? false },
    });
    const labCheck = run.options.labCheck as { forced?: boolean } | undefined;
    return { id: run.id, number: run.number, status: run.status, counts, forced: labCheck?.forced ?? false };
  }

  @Post(':ref/cancel')
  @HttpCode(202)
  @Roles(Role.Tester)
  async cancel(@Param('ref') ref: string) {
    const run = await this.runs.cancel(ref);
    return { id: run.id, number: run.number, status: run.status };
  }

  @Post(':ref/cases/:case/cancel')
  @HttpCode(202)
  @Roles(Role.Tester)
  cancelCase(@Param('ref') ref: string, @Param('case') caseRef: string) {
    return this.runs.cancelCase(ref, caseRef);
  }

  /** A tester records the outcome of a manual check, with notes and small evidence files (base64). */
  @Post(':ref/cases/:case/manual')
  @Roles(Role.Tester)
  async recordManual(
    @Param('ref') ref: string,
    @Param('case') caseRef: string,
    @Body() body: unknown,
    @CurrentPrincipal() who: Principal,
  ) {
    const manual = parseInput(
      manualSchema,
      body ?? {},
      (message, details) => new ExecutionError(message, ExecutionErrorCode.ManualInvalid, details),
    );
    return this.runs.recordManual({
      run: ref,
      case: caseRef,
      outcome: manual.outcome,
      notes: manual.notes,
      by: principalName(who),
      evidence: manual.evidence?.map((e) => ({
        name: e.name,
        content: Buffer.from(e.contentBase64, 'base64'),
        mediaType: e.mediaType,
      })),
      artifacts: this.artifacts,
    });
  }

  @Get('-/queue')
  async queue() {
    return this.caseQueue.depth();
  }
}

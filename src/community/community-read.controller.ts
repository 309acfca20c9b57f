import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Role } from 'src/auth/role';
import { Roles } from 'src/auth/roles.decorator';
import { CommunityError, CommunityErrorCode } from 'src/community/community.errors';
import { CommunityReadService } from 'src/community/community-read.service';
import type { SystemComparison } from 'src/community/community-read.service';
import type { CoverageReport } from 'src/community/coverage';
import type { HardwareClassSummary } from 'src/community/hardware.repository';
import type { NextCase, TestbedCapability } from 'src/community/next-cases';

type NextAnswer = { release: string; hardwareClass: string; testbed: TestbedCapability; cases: NextCase[] };

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

function count(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new CommunityError(`${name}: expected a whole number from 1 to 64`, CommunityErrorCode.SubmissionInvalid);
  }
  return n;
}

@ApiTags('community')
@ApiBearerAuth()
@Controller('api/v1')
export class CommunityReadController {
  constructor(private readonly read: CommunityReadService) {}

  /** Every case of the release's campaign × hardware class: covered or not, by whom, with what outcome. */
  @Get('releases/:release/coverage')
  coverage(@Param('release') release: string): Promise<CoverageReport> {
    return this.read.coverage(release);
  }

  /** Uncovered cases this hardware can serve, most valuable first (see nextCases for the rule). */
  @Get('releases/:release/next')
  next(
    @Param('release') release: string,
    @Query('hardware_class') hardwareClass?: string,
    @Query('pools') pools?: string,
    @Query('hosts_per_pool') hostsPerPool?: string,
    @Query('sr_kinds') srKinds?: string,
    @Query('tags') tags?: string,
    @Query('limit') limit?: string,
  ): Promise<NextAnswer> {
    return this.read.next(
      release,
      this.testbed({ hardwareClass, pools, hostsPerPool, srKinds: list(srKinds), tags: list(tags) }),
      Number(limit) || 50,
    );
  }

  /** The same with a hardware profile in the body: `{ hardware, pools?, hostsPerPool?, srKinds?, tags? }`. */
  @Post('releases/:release/next')
  @Roles(Role.Submitter)
  @HttpCode(200)
  nextForProfile(
    @Param('release') release: string,
    @Body() body: Record<string, unknown> | undefined,
  ): Promise<NextAnswer> {
    const b = body ?? {};
    const strings = (v: unknown): string[] | undefined =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
    return this.read.next(release, {
      hardware: b['hardware'],
      ...this.testbed({
        pools: b['pools'],
        hostsPerPool: b['hostsPerPool'],
        srKinds: strings(b['srKinds']),
        tags: strings(b['tags']),
      }),
    });
  }

  @Get('hardware')
  hardwareClasses(): Promise<HardwareClassSummary[]> {
    return this.read.hardwareClasses();
  }

  /** Two systems' (accepted submissions') measurements side by side: `?a=<submission id>&b=<submission id>`. */
  @Get('hardware/compare')
  compare(@Query('a') a?: string, @Query('b') b?: string): Promise<SystemComparison> {
    if (!a || !b) throw new CommunityError('a, b: give two submission ids', CommunityErrorCode.CompareInvalid);
    return this.read.compare(a, b);
  }

  private testbed(q: {
    hardwareClass?: string;
    pools?: unknown;
    hostsPerPool?: unknown;
    srKinds?: string[];
    tags?: string[];
  }) {
    const pools = count(q.pools, 'pools');
    const hostsPerPool = count(q.hostsPerPool, 'hosts_per_pool');
    return {
      ...(q.hardwareClass ? { hardwareClass: q.hardwareClass } : {}),
      ...(pools !== undefined ? { pools } : {}),
      ...(hostsPerPool !== undefined ? { hostsPerPool } : {}),
      ...(q.srKinds ? { srKinds: q.srKinds } : {}),
      ...(q.tags ? { tags: q.tags } : {}),
    };
  }
}

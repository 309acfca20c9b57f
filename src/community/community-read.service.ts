import { Injectable } from '@nestjs/common';
import { CampaignCatalog } from 'src/community/campaign-catalog';
import { CommunityError, CommunityErrorCode } from 'src/community/community.errors';
import { computeCoverage, CoverageReport } from 'src/community/coverage';
import { CoverageRepository } from 'src/community/coverage.repository';
import { hardwareClass } from 'src/lab/hardware-class';
import { validateHardwareProfile } from 'src/lab/hardware-profile';
import { HardwareClassSummary, HardwareRepository, SystemMeasurement } from 'src/community/hardware.repository';
import { DEFAULT_SR_KINDS, NextCase, nextCases, TestbedCapability } from 'src/community/next-cases';
import { describeProblems } from 'src/common/input/check-input';
import { SubmissionService } from 'src/community/submission.service';
import type { SubmissionRecord } from 'src/community/submission.types';

export interface SystemSide {
  submission: string;
  submitter: string;
  hardwareClass: string;
  name: string | null;
  serverModel: string;
  release: string;
}

export interface ComparedMetric {
  caseKey: string;
  metric: string;
  unit: string;
  direction: 'higher' | 'lower';
  a: number | null;
  b: number | null;
  /** b / a; for "lower is better" metrics as well (the direction says how to read it). */
  ratio: number | null;
  /** Which system did better on this metric, when both have it. */
  better: 'a' | 'b' | 'same' | null;
}

export interface SystemComparison {
  a: SystemSide;
  b: SystemSide;
  metrics: ComparedMetric[];
}

/** Read side of the community pages and API: coverage, what to test next, hardware results. */
@Injectable()
export class CommunityReadService {
  constructor(
    private readonly campaigns: CampaignCatalog,
    private readonly coverageRows: CoverageRepository,
    private readonly hardware: HardwareRepository,
    private readonly submissions: SubmissionService,
  ) {}

  async coverage(release: string): Promise<CoverageReport> {
    const campaign = this.campaigns.forRelease(release);
    return computeCoverage(release, campaign, await this.coverageRows.observations(release));
  }

  async next(
    release: string,
    testbed: Partial<Omit<TestbedCapability, 'hardwareClass'>> & { hardwareClass?: string; hardware?: unknown },
    limit?: number,
  ): Promise<{ release: string; hardwareClass: string; testbed: TestbedCapability; cases: NextCase[] }> {
    let cls = testbed.hardwareClass;
    if (testbed.hardware !== undefined) {
      const profile = validateHardwareProfile(testbed.hardware, 'hardware');
      if (!profile.ok) {
        throw new CommunityError(describeProblems(profile.problems), CommunityErrorCode.HardwareInvalid, {
          problems: profile.problems,
        });
      }
      cls = hardwareClass(profile.value);
    }
    if (!cls) {
      throw new CommunityError(
        'hardware_class: give a hardware class or a hardware profile',
        CommunityErrorCode.SubmissionInvalid,
      );
    }
    const campaign = this.campaigns.forRelease(release);
    if (!campaign) {
      throw new CommunityError(`no campaign in campaigns/ for release ${release}`, CommunityErrorCode.ReleaseUnknown);
    }
    const capability: TestbedCapability = {
      hardwareClass: cls,
      pools: testbed.pools ?? 1,
      hostsPerPool: testbed.hostsPerPool ?? 1,
      srKinds: testbed.srKinds ?? DEFAULT_SR_KINDS,
      tags: testbed.tags ?? [],
    };
    const report = computeCoverage(release, campaign, await this.coverageRows.observations(release));
    return {
      release,
      hardwareClass: cls,
      testbed: capability,
      cases: nextCases(report, campaign.cases, capability, limit),
    };
  }

  hardwareClasses(): Promise<HardwareClassSummary[]> {
    return this.hardware.classes();
  }

  /** Two accepted submissions' measurements side by side (fio numbers, by case key and metric). */
  async compare(aId: string, bId: string): Promise<SystemComparison> {
    const [a, b] = await Promise.all([this.accepted(aId, 'a'), this.accepted(bId, 'b')]);
    const [ma, mb] = await Promise.all([this.measurements(a), this.measurements(b)]);
    const index = (list: SystemMeasurement[]) => new Map(list.map((m) => [`${m.caseKey}\u0000${m.metric}`, m]));
    const ia = index(ma);
    const ib = index(mb);
    const keys = [...new Set([...ia.keys(), ...ib.keys()])].sort();
    const metrics = keys.map<ComparedMetric>((k) => {
      const x = ia.get(k);
      const y = ib.get(k);
      const any = (x ?? y)!;
      const ratio = x && y && x.value !== 0 ? y.value / x.value : null;
      const better =
        x && y ? (x.value === y.value ? 'same' : y.value > x.value === (any.direction === 'higher') ? 'b' : 'a') : null;
      return {
        caseKey: any.caseKey,
        metric: any.metric,
        unit: any.unit,
        direction: any.direction,
        a: x?.value ?? null,
        b: y?.value ?? null,
        ratio,
        better,
      };
    });
    return { a: side(a), b: side(b), metrics };
  }

  private async accepted(id: string, which: string): Promise<SubmissionRecord> {
    const found = await this.submissions.get(id).catch(() => undefined);
    if (!found || found.status !== 'accepted') {
      throw new CommunityError(
        `${which}: no accepted submission with id ${id}`,
        CommunityErrorCode.SubmissionNotFound,
        { id },
      );
    }
    return found;
  }

  private measurements(s: SubmissionRecord): Promise<SystemMeasurement[]> {
    return s.runId ? this.hardware.measurementsOf(s.runId) : Promise.resolve([]);
  }
}

function side(s: SubmissionRecord): SystemSide {
  return {
    submission: s.id,
    submitter: s.submitter,
    hardwareClass: s.hardwareClass,
    name: s.hardware.name ?? null,
    serverModel: s.hardware.server.model,
    release: s.release,
  };
}

import { Injectable } from '@nestjs/common';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { globRegExp } from 'src/common/glob';
import { expandCampaign } from 'src/campaign/expand-campaign';
import { loadCampaign } from 'src/campaign/load-campaign';
import type { CampaignCase, XcpNgTestRule } from 'src/campaign/campaign.types';

/** A suite of the plan as the release page needs it: the test-plan bullets it covers and its size. */
export interface PlanSuite {
  id: string;
  title: string;
  covers: string[];
  manual: boolean;
  /** Distinct cases the plan selects for it. */
  cases: number;
}

interface ReleaseCampaign {
  name: string;
  release: string;
  file: string;
  cases: CampaignCase[];
  byKey: ReadonlyMap<string, CampaignCase>;
  suites: PlanSuite[];
  /** The case an xcp-ng-tests result (by pytest node id) counts for, from the campaign's `xcp_ng_tests`. */
  caseForTest(nodeId: string): CampaignCase | undefined;
}

/** The release plan every release is held to when no campaign names the release itself. */
const LIST_TTL_MS = 5_000;

const DEFAULT_CAMPAIGN_FILE = 'xcp-ng-release.yaml';

function findCampaignsDir(): string | undefined {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'campaigns')) && existsSync(join(dir, 'package.json'))) return join(dir, 'campaigns');
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The campaigns of `campaigns/`, loaded and expanded once per file version (expansion may run a
 * covering-array search; coverage and submissions ask for it often).
 */
@Injectable()
export class CampaignCatalog {
  private readonly cache = new Map<
    string,
    { mtimeMs: number; checkedAt: number; campaign: ReleaseCampaign | undefined }
  >();
  private listed?: { files: string[]; until: number };

  constructor(private readonly dir: string | undefined = findCampaignsDir()) {}

  /**
   * The campaign for a release: the one named `name`; else the release plan if it is for this release,
   * else another campaign for this release; else the release plan (every release is held to it).
   */
  forRelease(release: string, name?: string): ReleaseCampaign | undefined {
    const all = this.files()
      .map((f) => this.load(f))
      .filter((c): c is ReleaseCampaign => c !== undefined);
    if (name !== undefined) return all.find((c) => c.name === name);
    const isPlan = (c: ReleaseCampaign): boolean => c.file.endsWith(`/${DEFAULT_CAMPAIGN_FILE}`);
    const matching = all.filter((c) => c.release === release);
    return matching.find(isPlan) ?? matching[0] ?? all.find(isPlan);
  }

  /** The releases the campaigns of campaigns/ are written for. */
  releases(): string[] {
    const all = this.files()
      .map((f) => this.load(f))
      .filter((c): c is ReleaseCampaign => c !== undefined);
    return [...new Set(all.map((c) => c.release))];
  }

  private files(): string[] {
    // Listing and stat-ing the folder on every submission would cost more than the rest of the
    // lookup: a changed campaign is noticed within a few seconds, which is soon enough.
    const now = Date.now();
    if (this.listed && this.listed.until > now) return this.listed.files;
    const files = this.listFiles();
    this.listed = { files, until: now + LIST_TTL_MS };
    return files;
  }

  private listFiles(): string[] {
    if (!this.dir || !existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(this.dir!, f));
  }

  private load(file: string): ReleaseCampaign | undefined {
    const now = Date.now();
    const cached = this.cache.get(file);
    if (cached && cached.checkedAt + LIST_TTL_MS > now) return cached.campaign;
    const mtimeMs = statSync(file).mtimeMs;
    if (cached && cached.mtimeMs === mtimeMs) {
      cached.checkedAt = now;
      return cached.campaign;
    }
    try {
      const campaign = loadCampaign(file);
      const expansion = expandCampaign(campaign);
      const cases = expansion.suites.flatMap((s) => s.cases);
      const byKey = new Map<string, CampaignCase>();
      for (const c of cases) if (!byKey.has(c.caseKey)) byKey.set(c.caseKey, c);
      const loaded: ReleaseCampaign = {
        name: campaign.name,
        release: campaign.release,
        file,
        cases: [...byKey.values()],
        byKey,
        suites: campaign.suites.map((suite) => ({
          id: suite.id,
          title: suite.title,
          covers: suite.covers,
          manual: suite.manual,
          cases: new Set(expansion.suites.find((e) => e.suite === suite.id)?.cases.map((c) => c.caseKey)).size,
        })),
        caseForTest: xcpNgTestsLookup(campaign.xcpNgTests, [...byKey.values()]),
      };
      this.cache.set(file, { mtimeMs, checkedAt: now, campaign: loaded });
      return loaded;
    } catch {
      // A broken campaign file is `shakedown campaign validate`'s to report; coverage skips it
      // (remembered, so a broken file is not parsed again on every request).
      this.cache.set(file, { mtimeMs, checkedAt: now, campaign: undefined });
      return undefined;
    }
  }
}

/**
 * Node id → campaign case through the campaign's `xcp_ng_tests` rules (first match wins): the rule's
 * suite, and of its cases the first whose parameters include the rule's. Remembered per node id.
 */
function xcpNgTestsLookup(
  rules: readonly XcpNgTestRule[],
  cases: readonly CampaignCase[],
): (nodeId: string) => CampaignCase | undefined {
  const compiled = rules.map((r) => {
    const pattern = globRegExp(r.test);
    const target = cases.find(
      (c) => c.suite === r.suite && Object.entries(r.params).every(([k, v]) => c.params[k] === v),
    );
    return { pattern, target };
  });
  const memo = new Map<string, CampaignCase | undefined>();
  return (nodeId) => {
    if (!memo.has(nodeId)) memo.set(nodeId, compiled.find((r) => r.pattern.test(nodeId))?.target);
    return memo.get(nodeId);
  };
}

import { Injectable } from '@nestjs/common';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expandCampaign } from 'src/campaign/expand-campaign';
import { loadCampaign } from 'src/campaign/load-campaign';
import type { CampaignCase } from 'src/campaign/campaign.types';

export interface ReleaseCampaign {
  name: string;
  release: string;
  file: string;
  cases: CampaignCase[];
  byKey: ReadonlyMap<string, CampaignCase>;
}

/** The release plan every release is held to when no campaign names the release itself. */
export const DEFAULT_CAMPAIGN_FILE = 'xcp-ng-release.yaml';

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
  private readonly cache = new Map<string, { mtimeMs: number; campaign: ReleaseCampaign }>();

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

  private files(): string[] {
    if (!this.dir || !existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(this.dir!, f));
  }

  private load(file: string): ReleaseCampaign | undefined {
    const mtimeMs = statSync(file).mtimeMs;
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.campaign;
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
      };
      this.cache.set(file, { mtimeMs, campaign: loaded });
      return loaded;
    } catch {
      // A broken campaign file is `shakedown campaign validate`'s to report; coverage skips it.
      return undefined;
    }
  }
}

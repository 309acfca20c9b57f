import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { REPO_ID } from 'src/campaign/campaign.schema';
import { CampaignUpdates } from 'src/campaign/campaign.types';
import { loadCampaign } from 'src/campaign/load-campaign';
import { globRegExp } from 'src/common/glob';
import { RunService } from 'src/execution/run.service';
import { compareRpm } from 'src/remote/dom0/package-output';
import { checkRepositoryUrl, readRepository, RepoPackage } from 'src/watch/repo-packages';
import { WatchError, WatchErrorCode } from 'src/watch/watch.errors';
import { WatchRepository } from 'src/watch/watch.repository';

export interface WatchSettings {
  /** campaign file to start */
  campaign: string;
  lab: string;
  /** base URL of the yum repository (the folder holding repodata/) */
  repository: string;
  /** the repository's id on the hosts, for `yum --enablerepo` */
  enablerepo: string;
  /** package name globs (`*` only); empty: every package */
  match: string[];
  cooldownMs: number;
}

export type PollResult =
  | { kind: 'baseline'; known: number }
  | { kind: 'nothing-new' }
  | { kind: 'cooling'; packages: RepoPackage[]; startsAfter: Date }
  | { kind: 'already-started'; packages: RepoPackage[] }
  | { kind: 'started'; runNumber: number; packages: RepoPackage[] };

const GLOB = /^[A-Za-z0-9_.+*-]{1,100}$/;

/**
 * Polls one yum repository for one campaign: packages matching the filter that are newer than the
 * ones it knows make a new set; once the set has stayed the same for the cool-down (a burst of
 * pushes makes one set), the campaign starts against the lab with the set as its `updates:`. A set
 * starts one run, ever (stored); the first poll only learns what the repository holds.
 */
export class RepoWatcher {
  private readonly repo: WatchRepository;
  private readonly url: URL;
  private readonly filters: RegExp[];

  constructor(
    db: DataSource,
    private readonly runs: Pick<RunService, 'start'>,
    private readonly settings: WatchSettings,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.repo = new WatchRepository(db);
    this.url = checkRepositoryUrl(settings.repository);
    if (!REPO_ID.test(settings.enablerepo)) {
      throw new WatchError(
        `--enablerepo ${JSON.stringify(settings.enablerepo)} is not a repository id`,
        WatchErrorCode.SettingInvalid,
      );
    }
    const bad = settings.match.find((m) => !GLOB.test(m));
    if (bad !== undefined) {
      throw new WatchError(
        `--match ${JSON.stringify(bad)}: package name characters and * only`,
        WatchErrorCode.SettingInvalid,
      );
    }
    this.filters = settings.match.map(globRegExp);
  }

  async poll(): Promise<PollResult> {
    const campaign = loadCampaign(this.settings.campaign);
    const key = `${campaign.name}|${this.url.href}|${[...this.settings.match].sort().join(',')}`;
    const offered = (await readRepository(this.url)).packages.filter(
      (p) => !this.filters.length || this.filters.some((f) => f.test(p.name)),
    );
    const state = await this.repo.find(key);
    if (!state) {
      await this.repo.createBaseline(
        key,
        campaign.name,
        this.url.href,
        Object.fromEntries(offered.map((p) => [p.name, p.evr])),
      );
      return { kind: 'baseline', known: offered.length };
    }
    const fresh = offered.filter((p) => !state.seen[p.name] || compareRpm(p.evr, state.seen[p.name]!) > 0);
    if (!fresh.length) {
      if (state.pending) await this.repo.setPending(key, null, null);
      return { kind: 'nothing-new' };
    }
    const hash = setHash(fresh);
    let since = state.pendingSince;
    if (!state.pending || setHash(state.pending) !== hash) {
      since = this.now();
      await this.repo.setPending(key, fresh, since);
    }
    const startsAfter = new Date(since!.getTime() + this.settings.cooldownMs);
    if (this.now() < startsAfter) return { kind: 'cooling', packages: fresh, startsAfter };
    if (!(await this.repo.claimSet(key, hash, fresh))) return { kind: 'already-started', packages: fresh };
    const updates: CampaignUpdates = {
      restartToolstack: campaign.updates?.restartToolstack ?? 'auto',
      reboot: campaign.updates?.reboot ?? 'auto',
      enablerepo: this.settings.enablerepo,
      packages: fresh.map((p) => p.name),
    };
    let runNumber: number;
    let runId: string;
    try {
      const { run } = await this.runs.start({
        campaign: this.settings.campaign,
        lab: this.settings.lab,
        updates,
        createdBy: 'watch',
        trigger: { kind: 'repository-watch', repository: this.url.href, packages: fresh, set: hash },
      });
      runNumber = run.number;
      runId = run.id;
    } catch (err) {
      // Not started: the set is free again for the next poll.
      await this.repo.releaseSet(key, hash);
      throw err;
    }
    await this.repo.setStarted(key, hash, runId, {
      ...state.seen,
      ...Object.fromEntries(fresh.map((p) => [p.name, p.evr])),
    });
    return { kind: 'started', runNumber, packages: fresh };
  }
}

/** Same packages at the same versions, same hash. */
function setHash(packages: RepoPackage[]): string {
  const text = [...packages]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => `${p.name}=${p.evr}`)
    .join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

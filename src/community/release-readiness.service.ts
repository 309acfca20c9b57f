import type { CampaignCatalog } from 'src/community/campaign-catalog';
import { ReleaseReadRepository } from 'src/community/release-read.repository';
import type { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { candidateSets, type CandidateSet } from 'src/community/candidate-sets';
import { releaseReadiness, ReleaseReadiness, Verdict } from 'src/community/release-readiness';

/** Is release R ready? The release plan's bullets against everything recorded for R. */
export class ReleaseReadinessService {
  constructor(
    private readonly releases: ReleaseReadRepository,
    private readonly results: Pick<ResultsReadRepository, 'knownIssues'>,
    private readonly catalog: Pick<CampaignCatalog, 'forRelease' | 'releases'>,
  ) {}

  async readiness(release: string): Promise<ReleaseReadiness & { candidates: CandidateSet[] }> {
    await this.releases.catchUp();
    const [readiness, candidateRuns] = await Promise.all([
      this.readinessOfSummaries(release),
      this.releases.candidateRuns(release),
    ]);
    return { ...readiness, candidates: candidateSets(candidateRuns) };
  }

  /** The releases worth a line on the home page (campaigns' and recent runs'), each with its verdict. */
  async verdicts(limit = 5): Promise<Array<{ release: string; verdict: Verdict }>> {
    await this.releases.catchUp();
    const seen = await this.releases.releases(limit);
    const names = [...new Set([...seen, ...this.catalog.releases()])].slice(0, limit);
    return Promise.all(
      names.map(async (release) => ({ release, verdict: (await this.readinessOfSummaries(release)).verdict })),
    );
  }

  private async readinessOfSummaries(release: string): Promise<ReleaseReadiness> {
    // Only a campaign written for this release defines its plan (the catalog falls back to the release plan).
    const plan = this.catalog.forRelease(release);
    const [latest, builds] = await Promise.all([
      this.releases.latestResults(release),
      this.releases.buildRuns(release),
    ]);
    const signatures = [...new Set(latest.map((r) => r.signature).filter((s): s is string => s !== null))];
    const knownIssues = signatures.length ? await this.results.knownIssues(signatures) : new Map();
    return releaseReadiness({
      release,
      campaign: plan?.name ?? null,
      suites: plan?.suites ?? [],
      latest,
      knownIssues,
      builds,
    });
  }
}

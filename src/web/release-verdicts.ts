/**
 * The home page shows each release's verdict, which the community domain computes (it owns the
 * release plan's catalog). The page asks through this token so that web needs nothing of community.
 */
export const RELEASE_VERDICTS = Symbol('ReleaseVerdicts');

export interface ReleaseVerdicts {
  verdicts(limit?: number): Promise<Array<{ release: string; verdict: { ready: boolean; line: string } }>>;
}

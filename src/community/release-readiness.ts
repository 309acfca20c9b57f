import type { PlanSuite } from 'src/community/campaign-catalog';
import type { BuildRun, LatestCaseResult } from 'src/community/release-read.repository';
import type { KnownIssue } from 'src/reports/read/read-models';

/** What a bullet's evidence says, worst first. */
type BulletStatus = 'failing' | 'errored' | 'manual-pending' | 'passed' | 'untested';

const FAILING = new Set(['failed', 'xpassed']);
const PASSING = new Set(['passed', 'xfailed']);

interface Evidence {
  status: BulletStatus;
  passed: number;
  failed: number;
  errored: number;
  pending: number;
  /** Of these, from accepted community submissions. */
  community: number;
  /** Of these, manual checks recorded by a tester. */
  manual: number;
}

interface BulletRow {
  bullet: string;
  suites: string[];
  planned: number;
  real: Evidence;
  /** Shown beside, never counted toward readiness. */
  simulated: Evidence;
}

interface BlockingFailure {
  bullet: string;
  signature: string;
  errorCode: string | null;
  message: string | null;
  knownIssue: KnownIssue | null;
  cases: Array<{ caseKey: string; caseHash: string; runNumber: number }>;
}

interface BuildTrend {
  simulated: boolean;
  xapi: string | null;
  xen: string | null;
  kernel: string | null;
  runs: number[];
  passed: number;
  failed: number;
  errored: number;
  total: number;
  passRate: number | null;
}

export interface Verdict {
  ready: boolean;
  blocking: number;
  untested: number;
  errored: number;
  pendingManual: number;
  /** "not ready: 3 blocking, 5 untested" or "ready: 12 of 12 bullets passed on real hardware". */
  line: string;
}

export interface ReleaseReadiness {
  release: string;
  campaign: string | null;
  rows: BulletRow[];
  blocking: BlockingFailure[];
  pendingManual: Array<{ bullet: string; caseKey: string; caseHash: string; runNumber: number }>;
  trend: BuildTrend[];
  verdict: Verdict;
  /** Whether any simulated result exists (they are shown apart and never count). */
  hasSimulated: boolean;
}

function emptyEvidence(): Evidence {
  return { status: 'untested', passed: 0, failed: 0, errored: 0, pending: 0, community: 0, manual: 0 };
}

function add(e: Evidence, r: LatestCaseResult): void {
  if (FAILING.has(r.outcome)) e.failed++;
  else if (PASSING.has(r.outcome)) e.passed++;
  else if (r.outcome === 'infra-error') e.errored++;
  else if (r.outcome === 'manual-pending') e.pending++;
  else return;
  if (r.origin === 'submission') e.community++;
  if (r.manual && r.outcome !== 'manual-pending') e.manual++;
}

function settle(e: Evidence): Evidence {
  e.status =
    e.failed > 0
      ? 'failing'
      : e.errored > 0
        ? 'errored'
        : e.pending > 0
          ? 'manual-pending'
          : e.passed > 0
            ? 'passed'
            : 'untested';
  return e;
}

/**
 * The release page's answer to "is it ready?": one row per test-plan bullet with the latest
 * evidence from real runs, manual checks and accepted community results; simulated evidence
 * beside it, never counted. Failing bullets block; bullets with no real evidence are untested.
 */
export function releaseReadiness(input: {
  release: string;
  campaign: string | null;
  suites: readonly PlanSuite[];
  latest: readonly LatestCaseResult[];
  knownIssues: ReadonlyMap<string, KnownIssue>;
  builds: readonly BuildRun[];
}): ReleaseReadiness {
  const bulletsOfSuite = new Map<string, string[]>();
  const rows = new Map<string, BulletRow>();
  for (const s of input.suites) {
    // A suite that names no bullet is its own line, so nothing it finds goes unseen.
    const bullets = s.covers.length ? s.covers : [s.title || s.id];
    bulletsOfSuite.set(s.id, bullets);
    for (const b of bullets) {
      const row = rows.get(b) ?? {
        bullet: b,
        suites: [],
        planned: 0,
        real: emptyEvidence(),
        simulated: emptyEvidence(),
      };
      row.suites.push(s.id);
      row.planned += s.cases;
      rows.set(b, row);
    }
  }

  const blocking = new Map<string, BlockingFailure>();
  const pendingManual: ReleaseReadiness['pendingManual'] = [];
  let hasSimulated = false;
  for (const r of input.latest) {
    const bullets = bulletsOfSuite.get(r.suite);
    if (!bullets) continue;
    hasSimulated ||= r.simulated;
    for (const b of bullets) add(r.simulated ? rows.get(b)!.simulated : rows.get(b)!.real, r);
    if (r.simulated) continue;
    if (FAILING.has(r.outcome)) {
      const signature = r.signature ?? r.errorCode ?? r.outcome;
      const key = `${bullets[0]}\u0000${signature}`;
      const group = blocking.get(key) ?? {
        bullet: bullets[0]!,
        signature,
        errorCode: r.errorCode,
        message: r.reason,
        knownIssue: (r.signature && input.knownIssues.get(r.signature)) || null,
        cases: [],
      };
      group.cases.push({ caseKey: r.caseKey, caseHash: r.caseHash, runNumber: r.runNumber });
      blocking.set(key, group);
    } else if (r.outcome === 'manual-pending') {
      pendingManual.push({ bullet: bullets[0]!, caseKey: r.caseKey, caseHash: r.caseHash, runNumber: r.runNumber });
    }
  }
  const bulletRows = [...rows.values()];
  for (const row of bulletRows) {
    settle(row.real);
    settle(row.simulated);
  }
  const count = (s: BulletStatus): number => bulletRows.filter((r) => r.real.status === s).length;
  const verdict = verdictOf(
    {
      blocking: count('failing'),
      untested: count('untested'),
      errored: count('errored'),
      pendingManual: pendingManual.length,
    },
    bulletRows.length,
  );
  return {
    release: input.release,
    campaign: input.campaign,
    rows: bulletRows,
    blocking: [...blocking.values()].sort((a, b) => b.cases.length - a.cases.length),
    pendingManual,
    trend: trendOf(input.builds),
    verdict,
    hasSimulated,
  };
}

function verdictOf(n: Omit<Verdict, 'ready' | 'line'>, bullets: number): Verdict {
  const parts = [
    n.blocking && `${n.blocking} blocking`,
    n.untested && `${n.untested} untested`,
    n.errored && `${n.errored} with infrastructure errors`,
    n.pendingManual && `${n.pendingManual} manual check${n.pendingManual === 1 ? '' : 's'} pending`,
  ].filter((p): p is string => Boolean(p));
  const ready = parts.length === 0 && bullets > 0;
  const line = ready
    ? `ready: ${bullets} of ${bullets} bullets passed on real hardware`
    : bullets === 0
      ? 'not ready: no test plan names this release'
      : `not ready: ${parts.join(', ')}`;
  return { ...n, ready, line };
}

/** Runs grouped by the build they ran on (xapi, Xen, kernel), in order of first appearance; real and simulated apart. */
function trendOf(runs: readonly BuildRun[]): BuildTrend[] {
  const builds = new Map<string, BuildTrend>();
  for (const r of runs) {
    const key = JSON.stringify([r.simulated, r.xapi, r.xen, r.kernel]);
    const b = builds.get(key) ?? {
      simulated: r.simulated,
      xapi: r.xapi,
      xen: r.xen,
      kernel: r.kernel,
      runs: [],
      passed: 0,
      failed: 0,
      errored: 0,
      total: 0,
      passRate: null,
    };
    b.runs.push(r.runNumber);
    b.passed += r.passed;
    b.failed += r.failed;
    b.errored += r.errored;
    b.total += r.total;
    builds.set(key, b);
  }
  return [...builds.values()].map((b) => {
    const decided = b.passed + b.failed + b.errored;
    return { ...b, passRate: decided ? b.passed / decided : null };
  });
}

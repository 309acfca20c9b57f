import { jsonArray, jsonObject, jsonText } from 'src/common/input/stored-json';
import type { CandidateRun } from 'src/community/release-read.repository';

type RunVerdict = 'passed' | 'failed' | 'pending' | 'cancelled' | 'inconclusive';

/** One set of update candidates (same packages at the same versions) and the runs that tested it. */
export interface CandidateSet {
  repository: string;
  /** 'all': every update the repository offered for the installed packages */
  packages: Array<{ name: string; version: string | null }> | 'all';
  runs: Array<{
    runNumber: number;
    simulated: boolean;
    status: string;
    verdict: RunVerdict;
    createdBy: string | null;
    passed: number;
    failed: number;
    errored: number;
    total: number;
  }>;
  /** ready: the newest decided run passed on a real lab, so the set may move to `updates` */
  verdict: 'ready' | 'passed-simulated' | 'failed' | 'pending' | 'inconclusive';
  line: string;
}

const obj = jsonObject;
const arr = jsonArray;
const text = jsonText;

function runVerdict(r: CandidateRun): RunVerdict {
  if (r.status === 'cancelled') return 'cancelled';
  if (r.status === 'error' || r.failed + r.errored > 0) return 'failed';
  if (r.status !== 'finished') return 'pending';
  return r.passed > 0 ? 'passed' : 'inconclusive';
}

/** The versions a run tested: what the watcher found, else what its preparation installed. */
function packagesOf(r: CandidateRun): CandidateSet['packages'] {
  const updates = obj(r.updates);
  const installed = new Map<string, string>();
  for (const h of arr(obj(r.record).hosts)) {
    for (const c of arr(obj(h).changes)) {
      const name = text(obj(c).name);
      const to = text(obj(c).to);
      if (name && to && !installed.has(name)) installed.set(name, to);
    }
  }
  const found = new Map(arr(obj(r.trigger).packages).map((p) => [text(obj(p).name), text(obj(p).evr)] as const));
  const names =
    updates.packages === 'all'
      ? [...installed.keys()]
      : arr(updates.packages)
          .map(text)
          .filter((n) => n !== null);
  if (updates.packages === 'all' && !names.length) return 'all';
  return names.sort().map((name) => ({ name, version: found.get(name) ?? installed.get(name) ?? null }));
}

function verdictOf(runs: CandidateSet['runs']): Pick<CandidateSet, 'verdict' | 'line'> {
  const decided = [...runs].reverse().find((r) => r.verdict === 'passed' || r.verdict === 'failed');
  if (decided?.verdict === 'failed') {
    return { verdict: 'failed', line: `failed in run #${decided.runNumber}: keep it out of updates` };
  }
  if (decided && !decided.simulated) {
    return { verdict: 'ready', line: `passed in run #${decided.runNumber}: ready to move to updates` };
  }
  if (decided) {
    return {
      verdict: 'passed-simulated',
      line: `passed in run #${decided.runNumber} on a simulated lab only: not evidence for moving it to updates`,
    };
  }
  const pending = runs.find((r) => r.verdict === 'pending');
  if (pending) return { verdict: 'pending', line: `run #${pending.runNumber} is testing it` };
  return { verdict: 'inconclusive', line: 'no run brought it to a verdict' };
}

/**
 * The release page's candidate sets: runs that applied update candidates, grouped by the packages
 * and versions they tested (a set tested twice shows both runs), newest set first; the newest run
 * with a verdict decides the set's.
 */
export function candidateSets(runs: CandidateRun[]): CandidateSet[] {
  const sets = new Map<string, CandidateSet>();
  for (const r of runs) {
    const repository = text(obj(r.updates).enablerepo) ?? '?';
    const packages = packagesOf(r);
    const key = `${repository}|${packages === 'all' ? 'all' : packages.map((p) => `${p.name}=${p.version ?? '?'}`).join(',')}`;
    const set = sets.get(key) ?? { repository, packages, runs: [], verdict: 'pending', line: '' };
    set.runs.push({
      runNumber: r.runNumber,
      simulated: r.simulated,
      status: r.status,
      verdict: runVerdict(r),
      createdBy: r.createdBy,
      passed: r.passed,
      failed: r.failed,
      errored: r.errored,
      total: r.total,
    });
    sets.set(key, set);
  }
  return [...sets.values()]
    .map((s) => ({ ...s, ...verdictOf(s.runs) }))
    .sort((a, b) => b.runs[b.runs.length - 1]!.runNumber - a.runs[a.runs.length - 1]!.runNumber);
}

import type { Outcome } from 'src/results/outcome';
import type { FailedCaseRow, KnownIssue } from 'src/reports/read/read-models';

export interface FailureGroup {
  signature: string;
  errorCode: string | null;
  outcomes: Outcome[];
  /** The message of the first case, as an example (all cases of a group share the normalised form). */
  message: string | null;
  suites: string[];
  cases: FailedCaseRow[];
  /** Not seen among the baseline run's failures (false when there is no baseline to tell). */
  isNew: boolean;
  knownIssue: KnownIssue | null;
}

/** The key failures are grouped by: the stored signature, else the error code, else the outcome. */
export function failureKey(c: { signature: string | null; errorCode: string | null; outcome: Outcome | null }): string {
  return c.signature ?? c.errorCode ?? c.outcome ?? 'unknown';
}

/**
 * One line per failure signature, largest first, so one regression that breaks forty cases reads
 * as one problem with forty cases.
 */
export function groupFailures(
  failed: readonly FailedCaseRow[],
  baselineSignatures: ReadonlySet<string> | null,
  knownIssues: ReadonlyMap<string, KnownIssue>,
): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const c of failed) {
    const signature = failureKey(c);
    let g = groups.get(signature);
    if (!g) {
      g = {
        signature,
        errorCode: c.errorCode,
        outcomes: [],
        message: c.message ?? c.reason,
        suites: [],
        cases: [],
        isNew: baselineSignatures ? !baselineSignatures.has(signature) : false,
        knownIssue: knownIssues.get(signature) ?? null,
      };
      groups.set(signature, g);
    }
    g.cases.push(c);
    if (c.outcome && !g.outcomes.includes(c.outcome)) g.outcomes.push(c.outcome);
    if (!g.suites.includes(c.suite)) g.suites.push(c.suite);
  }
  return [...groups.values()].sort((a, b) => b.cases.length - a.cases.length || a.signature.localeCompare(b.signature));
}

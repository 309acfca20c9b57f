import type { Outcome, OutcomeCounts } from 'src/results/outcome';

/** Where a pytest "error" happened: around the test (fixtures) or before any test ran. */
export type ErrorPhase = 'setup' | 'teardown' | 'collection';

export interface JunitCase {
  /** `classname::name`, or for pytest the node id when it can be rebuilt (see pytestNodeId). */
  id: string;
  classname: string;
  name: string;
  /** xunit1 `file` and `line` attributes when present. */
  file?: string;
  line?: number;
  suite: string;
  outcome: Outcome;
  durationMs: number;
  /** The failure/error/skip message attribute (one line for most tools, several for pytest asserts). */
  message?: string;
  /** The `type` attribute of the failure/error/skipped element. */
  type?: string;
  /** The element's text: the traceback or the skip location. */
  details?: string;
  stdout?: string;
  stderr?: string;
  phase?: ErrorPhase;
  /** How many `<testcase>` elements were folded into this case (pytest writes two for fail + teardown error). */
  reports: number;
}

export interface JunitSuite {
  name: string;
  path: string;
  /** The suite's own attributes as written (pytest counts a fail + teardown error twice in `tests`). */
  declared: { tests?: number; failures?: number; errors?: number; skipped?: number };
  timeS?: number;
  timestamp?: string;
  hostname?: string;
}

export interface JunitReport {
  suites: JunitSuite[];
  cases: JunitCase[];
  counts: OutcomeCounts;
}

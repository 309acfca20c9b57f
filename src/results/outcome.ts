/**
 * Outcomes and measurements shared by execution, results, reports and community submissions.
 * Pure types and helpers: no I/O.
 */

export const OUTCOMES = [
  'passed',
  'failed',
  'xfailed',
  'xpassed',
  'infra-error',
  'skipped',
  'cancelled',
  'manual-pending',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

export function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value);
}

/**
 * Failures are what a release tester must look at: product failures, tests that were expected to
 * fail and did not (the expectation is stale or the fix is unknown), and infrastructure errors
 * (retried already, and still hiding whether the product works).
 */
export function isFailure(outcome: Outcome): boolean {
  return outcome === 'failed' || outcome === 'xpassed' || outcome === 'infra-error';
}

/** The case ran and behaved as expected (an expected failure counts: the expectation held). */
export function isSuccess(outcome: Outcome): boolean {
  return outcome === 'passed' || outcome === 'xfailed';
}

/** The case did not produce a verdict about the product: nothing ran, or a person must still act. */
export function isNotRun(outcome: Outcome): boolean {
  return outcome === 'skipped' || outcome === 'cancelled' || outcome === 'manual-pending';
}

/** Only infrastructure errors are retried: a product failure repeated is still the same failure. */
export function isRetryable(outcome: Outcome): boolean {
  return outcome === 'infra-error';
}

// Higher is worse; used to fold attempts or duplicated reports into one outcome.
const SEVERITY: Record<Outcome, number> = {
  passed: 0,
  xfailed: 1,
  skipped: 2,
  'manual-pending': 3,
  cancelled: 4,
  'infra-error': 5,
  xpassed: 6,
  failed: 7,
};

/** The most severe of several outcomes (a product failure outranks an infrastructure error). */
export function worstOutcome(outcomes: Iterable<Outcome>): Outcome | undefined {
  let worst: Outcome | undefined;
  for (const o of outcomes) {
    if (worst === undefined || SEVERITY[o] > SEVERITY[worst]) worst = o;
  }
  return worst;
}

export type OutcomeCounts = Record<Outcome, number> & { total: number; failures: number };

export function countOutcomes(outcomes: Iterable<Outcome>): OutcomeCounts {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  let total = 0;
  let failures = 0;
  for (const o of outcomes) {
    counts[o] += 1;
    total += 1;
    if (isFailure(o)) failures += 1;
  }
  return { ...counts, total, failures };
}

/** Whether a larger value of a metric is better (IOPS, bandwidth) or worse (latency, duration). */
export type Direction = 'higher' | 'lower';

type MeasurementContext = Record<string, string | number | boolean>;

export interface Measurement {
  /** Stable dotted name, e.g. `fio.read.iops`, `migration.downtime_ms`. */
  metric: string;
  unit: string;
  direction: Direction;
  /** Every repetition's value, in the order measured. */
  samples: number[];
  /** The summary value shown when a single number is needed (the median of the samples). */
  value: number;
  context?: MeasurementContext;
}

/** One value as produced by a parser, before repetitions are gathered into a {@link Measurement}. */
export interface MeasuredValue {
  metric: string;
  unit: string;
  direction: Direction;
  value: number;
}

/**
 * Gathers single values of repeated runs into measurements (one per metric, samples in order).
 * Metrics must agree on unit and direction across repetitions; a mismatch is a programming error.
 */
export function gatherSamples(
  repetitions: readonly (readonly MeasuredValue[])[],
  context?: MeasurementContext,
): Measurement[] {
  const byMetric = new Map<string, { unit: string; direction: Direction; samples: number[] }>();
  for (const values of repetitions) {
    for (const v of values) {
      const entry = byMetric.get(v.metric);
      if (!entry) {
        byMetric.set(v.metric, { unit: v.unit, direction: v.direction, samples: [v.value] });
        continue;
      }
      if (entry.unit !== v.unit || entry.direction !== v.direction) {
        throw new Error(
          `metric ${v.metric}: unit/direction changed between repetitions (${entry.unit}/${entry.direction} vs ${v.unit}/${v.direction})`,
        );
      }
      entry.samples.push(v.value);
    }
  }
  return [...byMetric.entries()].map(([metric, e]) => ({
    metric,
    unit: e.unit,
    direction: e.direction,
    samples: e.samples,
    value: medianOf(e.samples),
    ...(context ? { context } : {}),
  }));
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

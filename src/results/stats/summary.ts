import { mean, medianSorted, quantileSorted, sampleStandardDeviation } from 'simple-statistics';

export interface SampleSummary {
  n: number;
  mean: number;
  median: number;
  /** Sample standard deviation (n − 1); 0 for a single sample. */
  stddev: number;
  /** Coefficient of variation, stddev / |mean|, as a fraction; NaN when the mean is 0. */
  cv: number;
  min: number;
  max: number;
  p95: number;
  p99: number;
}

/** Descriptive statistics of one side's samples. Requires at least one finite sample. */
export function summarize(samples: readonly number[]): SampleSummary {
  if (samples.length === 0) throw new RangeError('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const m = mean(sorted);
  const sd = sorted.length > 1 ? sampleStandardDeviation(sorted) : 0;
  return {
    n: sorted.length,
    mean: m,
    median: medianSorted(sorted),
    stddev: sd,
    cv: m === 0 ? (sd === 0 ? 0 : Number.NaN) : sd / Math.abs(m),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
  };
}

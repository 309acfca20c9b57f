import type { Direction, Outcome } from 'src/results/outcome';
import type { Verdict, VerdictReason } from 'src/results/stats/compare';

export type ComparisonMode = 'runs' | 'releases' | 'last-good';

export interface SideStats {
  n: number;
  median: number;
  mean: number;
  stddev: number;
  /** Coefficient of variation, in percent. */
  cvPct: number | null;
  min: number;
  max: number;
  samples: number[];
}

export interface ComparisonRow {
  /** Case key without the release parameter: what lines the two sides up. */
  key: string;
  /** Hash of the candidate's case (else the baseline's), for links to case pages. */
  caseHash: string;
  baselineCaseHash: string | null;
  metric: string;
  unit: string;
  direction: Direction;
  status: 'compared' | 'only-baseline' | 'only-candidate' | 'incomparable';
  baseline: SideStats | null;
  candidate: SideStats | null;
  deltaPct: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  ciLevel: number | null;
  pValue: number | null;
  /** `missing` when one side has no such metric, `incomparable` when units differ. */
  verdict: Verdict | 'missing';
  reason: VerdictReason | 'one-side-only' | 'unit-mismatch';
  noisy: boolean;
  /** Samples per side with which this comparison could reach significance, when it cannot now. */
  samplesNeeded: number | null;
  /** Inconclusive although the medians moved by at least the minimum effect: worth more repetitions. */
  largeInconclusive: boolean;
  minEffectPct: number;
  simulated: boolean;
}

export interface ComparisonSide {
  label: string;
  runNumber: number | null;
  release: string | null;
  simulated: boolean;
  /** Hardware classes the side ran on, when known (community submissions, `hw:` tags of lab hosts). */
  hardwareClasses?: string[];
}

export interface OutcomeChange {
  key: string;
  caseHash: string;
  baseline: Outcome | null;
  candidate: Outcome | null;
  kind: 'new-failure' | 'fixed' | 'other';
}

export interface ComparisonReport {
  mode: ComparisonMode;
  baseline: ComparisonSide;
  candidate: ComparisonSide;
  /** Either side holds simulated numbers: shown as such wherever the comparison appears. */
  simulated: boolean;
  /** Sorted for attention: regressions first, then large inconclusive changes, improvements, the rest. */
  rows: ComparisonRow[];
  /**
   * Per case and metric, plus one per case whose outcome changed: a new failure (passed → failed,
   * errored…) counts as regressed, a fix as improved. What the CLI, the page and `--fail-on` count.
   */
  verdictCounts: Record<Verdict | 'missing', number>;
  /** Things a reader must know before trusting the verdicts (sample sizes, hardware classes). */
  warnings: string[];
  metrics: string[];
  outcomeChanges: OutcomeChange[];
}

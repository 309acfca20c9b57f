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
  minEffectPct: number;
  simulated: boolean;
}

export interface ComparisonSide {
  label: string;
  runNumber: number | null;
  release: string | null;
  simulated: boolean;
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
  rows: ComparisonRow[];
  verdictCounts: Record<Verdict | 'missing', number>;
  metrics: string[];
  outcomeChanges: OutcomeChange[];
}

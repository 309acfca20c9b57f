import { toCsv } from 'src/results/export/csv';
import { sortedJson } from 'src/results/export/measurements-export';
import type { Outcome } from 'src/results/outcome';

/** One case of a run, as the cases CSV carries it. */
interface ExportedCase {
  run: number;
  campaign: string;
  release: string;
  /** Numbers and outcomes from the simulated lab are labelled as such, row by row. */
  simulated: boolean;
  suite: string;
  scenario: string;
  caseKey: string;
  caseHash: string;
  params: Record<string, unknown>;
  outcome: Outcome | null;
  status: string;
  reason: string | null;
  errorCode: string | null;
  attempts: number;
  durationMs: number | null;
  /** The case page. */
  url: string;
}

const CASE_CSV_HEADER = [
  'run',
  'campaign',
  'release',
  'simulated',
  'suite',
  'scenario',
  'case_key',
  'case_hash',
  'params',
  'outcome',
  'status',
  'reason',
  'error_code',
  'attempts',
  'duration_ms',
  'url',
] as const;

/** One row per case with its outcome and run number, for spreadsheets and CI dashboards. */
export function casesToCsv(cases: Iterable<ExportedCase>): string {
  const rows = [...cases].map((c) => [
    c.run,
    c.campaign,
    c.release,
    c.simulated,
    c.suite,
    c.scenario,
    c.caseKey,
    c.caseHash,
    sortedJson(c.params),
    c.outcome ?? '',
    c.status,
    c.reason,
    c.errorCode,
    c.attempts,
    c.durationMs,
    c.url,
  ]);
  return toCsv(CASE_CSV_HEADER, rows);
}

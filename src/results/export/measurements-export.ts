import type { Measurement } from 'src/results/outcome';
import { toCsv } from 'src/results/export/csv';

export interface ExportedMeasurement {
  caseKey: string;
  measurement: Measurement;
  /** The run's number, as pages, the CLI and the cases CSV name runs. */
  run?: number;
  runId?: string;
  release?: string;
  /** True for numbers from the simulated lab: labelled everywhere, never passed off as hardware results. */
  simulated?: boolean;
}

const MEASUREMENT_CSV_HEADER = [
  'run',
  'run_id',
  'release',
  'case_key',
  'metric',
  'unit',
  'direction',
  'value',
  'n',
  'samples',
  'simulated',
  'context',
] as const;

/**
 * One row per measurement. Samples are space-separated in one cell (their count varies by row);
 * context is compact JSON with sorted keys.
 */
export function measurementsToCsv(items: Iterable<ExportedMeasurement>): string {
  const rows = [...items].map((it) => {
    const m = it.measurement;
    return [
      it.run ?? '',
      it.runId ?? '',
      it.release ?? '',
      it.caseKey,
      m.metric,
      m.unit,
      m.direction,
      m.value,
      m.samples.length,
      m.samples.map(String).join(' '),
      it.simulated ?? false,
      m.context ? sortedJson(m.context) : '',
    ];
  });
  return toCsv(MEASUREMENT_CSV_HEADER, rows);
}

interface MeasurementsJson {
  format: 'shakedown.measurements';
  version: 1;
  measurements: {
    run: number | null;
    runId: string | null;
    release: string | null;
    caseKey: string;
    metric: string;
    unit: string;
    direction: Measurement['direction'];
    /** null where the number is not finite (JSON has no NaN or Infinity). */
    value: number | null;
    samples: (number | null)[];
    simulated: boolean;
    context: Measurement['context'] | null;
  }[];
}

/** A versioned JSON document of measurements, stable in field order. */
export function measurementsToJson(items: Iterable<ExportedMeasurement>, pretty = false): string {
  const doc: MeasurementsJson = {
    format: 'shakedown.measurements',
    version: 1,
    measurements: [...items].map((it) => ({
      run: it.run ?? null,
      runId: it.runId ?? null,
      release: it.release ?? null,
      caseKey: it.caseKey,
      metric: it.measurement.metric,
      unit: it.measurement.unit,
      direction: it.measurement.direction,
      value: finite(it.measurement.value),
      samples: it.measurement.samples.map(finite),
      simulated: it.simulated ?? false,
      context: it.measurement.context ?? null,
    })),
  };
  return JSON.stringify(doc, null, pretty ? 2 : undefined);
}

function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

export function sortedJson(obj: Record<string, unknown>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, obj[k]]),
    ),
  );
}

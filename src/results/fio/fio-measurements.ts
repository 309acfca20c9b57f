import type { MeasuredValue } from 'src/results/outcome';
import { FIO_DIRECTIONS, isActive } from 'src/results/fio/fio-types';
import type { FioDirectionStats, FioJob, FioLatency, FioResult } from 'src/results/fio/fio-types';

/** Percentiles turned into metrics, with the metric suffix each gets (`99.9` → `p99_9`). */
const PERCENTILES: readonly (readonly [string, string])[] = [
  ['50.000000', 'p50'],
  ['90.000000', 'p90'],
  ['95.000000', 'p95'],
  ['99.000000', 'p99'],
  ['99.900000', 'p99_9'],
  ['99.990000', 'p99_99'],
];

const LATENCY_KINDS = ['lat', 'clat', 'slat'] as const;

interface FioMeasurementOptions {
  /** With several jobs, also emit `fio.jobs.<name>.<dir>.*` per job (default true). */
  perJob?: boolean;
}

/**
 * Turns a fio report into single values with stable metric names:
 * - `fio.<dir>.iops` (IOPS, higher), `fio.<dir>.bw_bytes` (B/s, higher),
 * - `fio.<dir>.<lat|clat|slat>_mean_us` (µs, lower) when fio timed the I/Os (not with gtod_reduce),
 * - `fio.<dir>.<kind>_p99_us` etc. for the percentiles fio reported (clat by default).
 * Directions that moved no data are left out. One job (or group_reporting) maps directly; several
 * jobs are summed (IOPS, bandwidth) with count-weighted mean latencies and no percentiles, since
 * percentiles of separate jobs cannot be combined from their summaries.
 */
export function fioMeasurements(result: FioResult, opts: FioMeasurementOptions = {}): MeasuredValue[] {
  const out: MeasuredValue[] = [];
  const jobs = result.jobs;
  if (jobs.length === 1) {
    pushJob(out, 'fio', jobs[0]!);
    return out;
  }
  if (jobs.length === 0) return out;
  for (const dir of FIO_DIRECTIONS) {
    const active = jobs.map((j) => j[dir]).filter(isActive);
    if (active.length === 0) continue;
    out.push(metric(`fio.${dir}.iops`, 'IOPS', 'higher', sum(active.map((s) => s.iops))));
    out.push(metric(`fio.${dir}.bw_bytes`, 'B/s', 'higher', sum(active.map((s) => s.bwBytes))));
    for (const kind of LATENCY_KINDS) {
      const lats = active.map((s) => s[kind]).filter((l): l is FioLatency => l !== undefined && l.count > 0);
      const n = sum(lats.map((l) => l.count));
      if (lats.length === active.length && n > 0) {
        const mean = sum(lats.map((l) => l.meanNs * l.count)) / n;
        out.push(metric(`fio.${dir}.${kind}_mean_us`, 'us', 'lower', mean / 1000));
      }
    }
  }
  if (opts.perJob !== false) {
    const seen = new Map<string, number>();
    jobs.forEach((job) => {
      const base = sanitize(job.name) || 'job';
      const count = (seen.get(base) ?? 0) + 1;
      seen.set(base, count);
      pushJob(out, `fio.jobs.${count === 1 ? base : `${base}_${count}`}`, job);
    });
  }
  return out;
}

function pushJob(out: MeasuredValue[], prefix: string, job: FioJob): void {
  for (const dir of FIO_DIRECTIONS) {
    const stats = job[dir];
    if (!isActive(stats)) continue;
    pushDirection(out, `${prefix}.${dir}`, stats);
  }
}

function pushDirection(out: MeasuredValue[], prefix: string, s: FioDirectionStats): void {
  out.push(metric(`${prefix}.iops`, 'IOPS', 'higher', s.iops));
  out.push(metric(`${prefix}.bw_bytes`, 'B/s', 'higher', s.bwBytes));
  for (const kind of LATENCY_KINDS) {
    const l = s[kind];
    // N = 0 means fio did not time these I/Os (gtod_reduce, or slat on sync engines): no data, not zero latency.
    if (!l || l.count === 0) continue;
    out.push(metric(`${prefix}.${kind}_mean_us`, 'us', 'lower', l.meanNs / 1000));
    for (const [key, suffix] of PERCENTILES) {
      const v = l.percentilesNs[key];
      if (v !== undefined) out.push(metric(`${prefix}.${kind}_${suffix}_us`, 'us', 'lower', v / 1000));
    }
  }
}

function metric(name: string, unit: string, direction: 'higher' | 'lower', value: number): MeasuredValue {
  return { metric: name, unit, direction, value };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_');
}

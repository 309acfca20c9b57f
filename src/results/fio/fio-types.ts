/** Typed view of fio's JSON output (`--output-format=json` and `json+`), fio 3.x field names. */

export const FIO_DIRECTIONS = ['read', 'write', 'trim'] as const;
export type FioDirection = (typeof FIO_DIRECTIONS)[number];

export interface FioLatency {
  minNs: number;
  maxNs: number;
  meanNs: number;
  stddevNs: number;
  /** Number of I/Os measured; 0 when fio did not time them (e.g. `gtod_reduce=1`). */
  count: number;
  /** Percentile (fio's `%f` key such as `"99.000000"`) to latency in ns. Empty when not reported. */
  percentilesNs: Record<string, number>;
  /** json+ only: latency bucket (ns, as fio's key) to I/O count. */
  bins?: Record<string, number>;
}

export interface FioDirectionStats {
  ioBytes: number;
  ioKbytes: number;
  /** Bandwidth in bytes per second. */
  bwBytes: number;
  /** Bandwidth in KiB per second (fio's `bw`). */
  bwKib: number;
  iops: number;
  runtimeMs: number;
  totalIos: number;
  shortIos: number;
  dropIos: number;
  slat?: FioLatency;
  clat?: FioLatency;
  lat?: FioLatency;
  bwMinKib?: number;
  bwMaxKib?: number;
  bwMeanKib?: number;
  bwStddevKib?: number;
  bwSamples?: number;
  /** Share of the group's bandwidth, in percent. */
  bwAggPct?: number;
  iopsMin?: number;
  iopsMax?: number;
  iopsMean?: number;
  iopsStddev?: number;
  iopsSamples?: number;
}

export interface FioJob {
  name: string;
  groupId: number;
  /** fio's error number for the job; 0 when it ran cleanly. */
  error: number;
  elapsedS?: number;
  jobRuntimeMs?: number;
  /** Options given for this job only (global ones are on the result). */
  options: Record<string, string>;
  read: FioDirectionStats;
  write: FioDirectionStats;
  trim: FioDirectionStats;
  sync?: { totalIos: number; lat?: FioLatency };
  usrCpuPct?: number;
  sysCpuPct?: number;
  contextSwitches?: number;
  majorFaults?: number;
  minorFaults?: number;
}

export interface FioDiskUtil {
  name: string;
  readIos: number;
  writeIos: number;
  readMerges: number;
  writeMerges: number;
  readTicks: number;
  writeTicks: number;
  inQueue: number;
  utilPct: number;
}

export interface FioResult {
  /** e.g. `fio-3.33`. */
  fioVersion: string;
  timestamp?: number;
  timestampMs?: number;
  time?: string;
  globalOptions: Record<string, string>;
  jobs: FioJob[];
  /** Missing in some fio runs (fio issue #1627): then empty. */
  diskUtil: FioDiskUtil[];
}

/** A direction moved data in this job (fio always prints all three, zero-filled). */
export function isActive(stats: FioDirectionStats): boolean {
  return stats.totalIos > 0 || stats.ioBytes > 0;
}

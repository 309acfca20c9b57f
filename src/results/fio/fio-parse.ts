import { ResultsError, ResultsErrorCode } from 'src/results/results.errors';
import { extractFioDocuments } from 'src/results/fio/fio-json-extract';
import type {
  FioDirection,
  FioDirectionStats,
  FioDiskUtil,
  FioJob,
  FioLatency,
  FioResult,
} from 'src/results/fio/fio-types';

type Obj = Record<string, unknown>;

/**
 * Parses fio's JSON output as captured (junk lines around it are fine). With several documents
 * (`--status-interval`), the last one is the final report and is the one returned.
 */
export function parseFioOutput(text: string, source = 'fio output'): FioResult {
  const docs = extractFioDocuments(text);
  const last = docs[docs.length - 1];
  if (!last) {
    const hint =
      text.trim().length === 0 ? 'the output is empty' : `it starts with ${JSON.stringify(text.slice(0, 80))}`;
    throw new ResultsError(
      `${source}: no fio JSON document found (${hint}); was fio run with --output-format=json?`,
      ResultsErrorCode.FioNoJson,
      {
        source,
      },
    );
  }
  return parseFioDocument(last.value, source);
}

/** All reports in the output, e.g. each interval of `--status-interval`, in order. */
export function parseFioOutputAll(text: string, source = 'fio output'): FioResult[] {
  return extractFioDocuments(text).map((d, i) => parseFioDocument(d.value, `${source} (document ${i + 1})`));
}

/** Parses an already decoded fio JSON document. */
export function parseFioDocument(doc: unknown, source = 'fio JSON'): FioResult {
  const root = obj(doc, source, '$');
  const jobsRaw = root['jobs'];
  if (!Array.isArray(jobsRaw)) fail(source, 'jobs', 'expected an array of jobs');
  const diskRaw = root['disk_util'];
  return {
    fioVersion: str(root, 'fio version', source, '') ?? 'unknown',
    ...optional('timestamp', optNum(root, 'timestamp', source, '')),
    ...optional('timestampMs', optNum(root, 'timestamp_ms', source, '')),
    ...optional('time', str(root, 'time', source, '')),
    globalOptions: options(root['global options'], source, 'global options'),
    jobs: jobsRaw.map((j, i) => parseJob(j, source, `jobs[${i}]`)),
    diskUtil: Array.isArray(diskRaw) ? diskRaw.map((d, i) => parseDiskUtil(d, source, `disk_util[${i}]`)) : [],
  };
}

function parseJob(raw: unknown, source: string, path: string): FioJob {
  const j = obj(raw, source, path);
  const syncRaw = j['sync'];
  let sync: FioJob['sync'];
  if (syncRaw !== undefined) {
    const s = obj(syncRaw, source, `${path}.sync`);
    const lat = latency(s, 'lat', source, `${path}.sync`);
    sync = { totalIos: optNum(s, 'total_ios', source, `${path}.sync`) ?? 0, ...optional('lat', lat) };
  }
  return {
    name: str(j, 'jobname', source, path) ?? '',
    groupId: optNum(j, 'groupid', source, path) ?? 0,
    error: optNum(j, 'error', source, path) ?? 0,
    ...optional('elapsedS', optNum(j, 'elapsed', source, path)),
    ...optional('jobRuntimeMs', optNum(j, 'job_runtime', source, path)),
    options: options(j['job options'], source, `${path}.job options`),
    read: direction(j, 'read', source, path),
    write: direction(j, 'write', source, path),
    trim: direction(j, 'trim', source, path),
    ...optional('sync', sync),
    ...optional('usrCpuPct', optNum(j, 'usr_cpu', source, path)),
    ...optional('sysCpuPct', optNum(j, 'sys_cpu', source, path)),
    ...optional('contextSwitches', optNum(j, 'ctx', source, path)),
    ...optional('majorFaults', optNum(j, 'majf', source, path)),
    ...optional('minorFaults', optNum(j, 'minf', source, path)),
  };
}

function direction(job: Obj, dir: FioDirection, source: string, jobPath: string): FioDirectionStats {
  const path = `${jobPath}.${dir}`;
  const raw = job[dir];
  if (raw === undefined) return emptyDirection();
  const d = obj(raw, source, path);
  const bwKib = reqNum(d, 'bw', source, path);
  return {
    ioBytes: optNum(d, 'io_bytes', source, path) ?? (optNum(d, 'io_kbytes', source, path) ?? 0) * 1024,
    ioKbytes: optNum(d, 'io_kbytes', source, path) ?? 0,
    // fio < 3.3 had no bw_bytes; derive it from the KiB/s figure then.
    bwBytes: optNum(d, 'bw_bytes', source, path) ?? bwKib * 1024,
    bwKib,
    iops: reqNum(d, 'iops', source, path),
    runtimeMs: optNum(d, 'runtime', source, path) ?? 0,
    totalIos: optNum(d, 'total_ios', source, path) ?? 0,
    shortIos: optNum(d, 'short_ios', source, path) ?? 0,
    dropIos: optNum(d, 'drop_ios', source, path) ?? 0,
    ...optional('slat', latency(d, 'slat', source, path)),
    ...optional('clat', latency(d, 'clat', source, path)),
    ...optional('lat', latency(d, 'lat', source, path)),
    ...optional('bwMinKib', optNum(d, 'bw_min', source, path)),
    ...optional('bwMaxKib', optNum(d, 'bw_max', source, path)),
    ...optional('bwMeanKib', optNum(d, 'bw_mean', source, path)),
    ...optional('bwStddevKib', optNum(d, 'bw_dev', source, path)),
    ...optional('bwSamples', optNum(d, 'bw_samples', source, path)),
    ...optional('bwAggPct', optNum(d, 'bw_agg', source, path)),
    ...optional('iopsMin', optNum(d, 'iops_min', source, path)),
    ...optional('iopsMax', optNum(d, 'iops_max', source, path)),
    ...optional('iopsMean', optNum(d, 'iops_mean', source, path)),
    ...optional('iopsStddev', optNum(d, 'iops_stddev', source, path)),
    ...optional('iopsSamples', optNum(d, 'iops_samples', source, path)),
  };
}

/** fio 3 writes `<kind>_ns`; fio 2 wrote `<kind>` in microseconds, converted here to ns. */
function latency(
  parent: Obj,
  kind: 'slat' | 'clat' | 'lat',
  source: string,
  parentPath: string,
): FioLatency | undefined {
  let key = `${kind}_ns`;
  let scale = 1;
  if (parent[key] === undefined) {
    if (parent[kind] === undefined) return undefined;
    key = kind;
    scale = 1000;
  }
  const path = `${parentPath}.${key}`;
  const l = obj(parent[key], source, path);
  const percentiles: Record<string, number> = {};
  const pRaw = l['percentile'];
  if (pRaw !== undefined) {
    const p = obj(pRaw, source, `${path}.percentile`);
    for (const [k, v] of Object.entries(p)) percentiles[k] = numberAt(v, source, `${path}.percentile.${k}`) * scale;
  }
  let bins: Record<string, number> | undefined;
  if (l['bins'] !== undefined) {
    const b = obj(l['bins'], source, `${path}.bins`);
    bins = {};
    for (const [k, v] of Object.entries(b)) bins[k] = numberAt(v, source, `${path}.bins.${k}`);
  }
  return {
    minNs: (optNum(l, 'min', source, path) ?? 0) * scale,
    maxNs: (optNum(l, 'max', source, path) ?? 0) * scale,
    meanNs: (optNum(l, 'mean', source, path) ?? 0) * scale,
    stddevNs: (optNum(l, 'stddev', source, path) ?? 0) * scale,
    count: optNum(l, 'N', source, path) ?? 0,
    percentilesNs: percentiles,
    ...optional('bins', bins),
  };
}

function parseDiskUtil(raw: unknown, source: string, path: string): FioDiskUtil {
  const d = obj(raw, source, path);
  return {
    name: str(d, 'name', source, path) ?? '',
    readIos: optNum(d, 'read_ios', source, path) ?? 0,
    writeIos: optNum(d, 'write_ios', source, path) ?? 0,
    readMerges: optNum(d, 'read_merges', source, path) ?? 0,
    writeMerges: optNum(d, 'write_merges', source, path) ?? 0,
    readTicks: optNum(d, 'read_ticks', source, path) ?? 0,
    writeTicks: optNum(d, 'write_ticks', source, path) ?? 0,
    inQueue: optNum(d, 'in_queue', source, path) ?? 0,
    utilPct: optNum(d, 'util', source, path) ?? 0,
  };
}

function emptyDirection(): FioDirectionStats {
  return { ioBytes: 0, ioKbytes: 0, bwBytes: 0, bwKib: 0, iops: 0, runtimeMs: 0, totalIos: 0, shortIos: 0, dropIos: 0 };
}

function options(raw: unknown, source: string, path: string): Record<string, string> {
  if (raw === undefined) return {};
  const o = obj(raw, source, path);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) out[k] = String(v);
  return out;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function obj(value: unknown, source: string, path: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(source, path, 'expected an object');
  return value as Obj;
}

function numberAt(value: unknown, source: string, path: string): number {
  // fio prints some large counters as strings in old versions; accept numeric strings.
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    fail(source, path, `expected a number, got ${JSON.stringify(value)}`);
  }
  return n;
}

function optNum(o: Obj, key: string, source: string, path: string): number | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : numberAt(v, source, join(path, key));
}

function reqNum(o: Obj, key: string, source: string, path: string): number {
  const v = o[key];
  if (v === undefined || v === null) fail(source, join(path, key), 'missing');
  return numberAt(v, source, join(path, key));
}

function str(o: Obj, key: string, source: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(source, join(path, key), `expected a string, got ${JSON.stringify(v)}`);
  return v;
}

function join(path: string, key: string): string {
  return path === '' || path === '$' ? key : `${path}.${key}`;
}

function fail(source: string, path: string, what: string): never {
  throw new ResultsError(`${source}: ${path}: ${what}`, ResultsErrorCode.FioBadShape, { source, path });
}

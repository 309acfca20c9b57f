import { SeededRandom } from 'src/simulator/guest/seeded-random';

/** A float that fio prints with six decimals ("iops" : 1234.567890). */
class FioFloat {
  constructor(readonly value: number) {}
}

type FioValue = number | string | FioFloat | FioValue[] | { [k: string]: FioValue };

const f = (x: number): FioFloat => new FioFloat(x);

/** Serialises like fio's json output: `"key" : value`, two-space indent, floats as %f. */
function fioStringify(v: FioValue, indent = ''): string {
  const inner = `${indent}  `;
  if (v instanceof FioFloat) return v.value.toFixed(6);
  if (typeof v === 'number') return String(Math.round(v));
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[\n${v.map((x) => `${inner}${fioStringify(x, inner)}`).join(',\n')}\n${indent}]`;
  const entries = Object.entries(v);
  if (entries.length === 0) return '{\n' + `${indent}}`;
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)} : ${fioStringify(x, inner)}`).join(',\n')}\n${indent}}`;
}

const PERCENTILES = [
  '1',
  '5',
  '10',
  '20',
  '30',
  '40',
  '50',
  '60',
  '70',
  '80',
  '90',
  '95',
  '99',
  '99.5',
  '99.9',
  '99.95',
  '99.99',
];

function latStats(meanNs: number, n: number, rng: SeededRandom, withPercentiles: boolean): Record<string, FioValue> {
  if (n === 0 || meanNs === 0) return { min: 0, max: 0, mean: f(0), stddev: f(0), N: 0 };
  const stats: Record<string, FioValue> = {
    min: Math.round(meanNs * 0.35),
    max: Math.round(meanNs * (8 + 4 * rng.next())),
    mean: f(meanNs),
    stddev: f(meanNs * 0.25),
    N: n,
  };
  if (withPercentiles) {
    // Roughly log-normal tail around the mean.
    stats['percentile'] = Object.fromEntries(
      PERCENTILES.map((p) => {
        const q = parseFloat(p) / 100;
        const z = Math.sqrt(2) * inverseErf(2 * q - 1);
        return [Number(p).toFixed(6), Math.round(meanNs * Math.exp(0.25 * z - 0.03))];
      }),
    );
  }
  return stats;
}

function inverseErf(x: number): number {
  const a = 0.147;
  const ln = Math.log(1 - x * x);
  const t = 2 / (Math.PI * a) + ln / 2;
  return Math.sign(x) * Math.sqrt(Math.sqrt(t * t - ln / a) - t);
}

export interface FioJobOutcome {
  jobname: string;
  options: Record<string, string>;
  globalOptions: Record<string, string>;
  bs: number;
  runtimeMs: number;
  readIops: number;
  writeIops: number;
  readLatNs: number;
  writeLatNs: number;
  gtodReduce: boolean;
  iodepth: number;
  diskName: string;
}

function direction(
  iops: number,
  bs: number,
  runtimeMs: number,
  latNs: number,
  gtod: boolean,
  rng: SeededRandom,
): Record<string, FioValue> {
  const ios = Math.round((iops * runtimeMs) / 1000);
  const bytes = ios * bs;
  const bwBytes = runtimeMs > 0 ? Math.round((bytes * 1000) / runtimeMs) : 0;
  const bwK = Math.round(bwBytes / 1024);
  const samples = ios > 0 ? Math.max(1, Math.round(runtimeMs / 500)) : 0;
  return {
    io_bytes: bytes,
    io_kbytes: Math.round(bytes / 1024),
    bw_bytes: bwBytes,
    bw: bwK,
    iops: f(iops * (ios > 0 ? 1 : 0)),
    runtime: ios > 0 ? runtimeMs : 0,
    total_ios: ios,
    short_ios: 0,
    drop_ios: 0,
    slat_ns: latStats(0, 0, rng, false),
    clat_ns: latStats(gtod ? 0 : latNs * 0.97, gtod ? 0 : ios, rng, !gtod),
    lat_ns: latStats(gtod ? 0 : latNs, gtod ? 0 : ios, rng, false),
    bw_min: Math.round(bwK * 0.93),
    bw_max: Math.round(bwK * 1.06),
    bw_agg: f(ios > 0 ? 100 : 0),
    bw_mean: f(bwK),
    bw_dev: f(bwK * 0.03),
    bw_samples: samples,
    iops_min: Math.round(iops * 0.93),
    iops_max: Math.round(iops * 1.06),
    iops_mean: f(iops),
    iops_stddev: f(iops * 0.03),
    iops_samples: samples,
  };
}

const buckets = (keys: string[]): Record<string, FioValue> => Object.fromEntries(keys.map((k) => [k, f(0)]));

/** One fio 3.x JSON document for the given job results (one job per entry, or one grouped job). */
export function fioDocument(jobs: FioJobOutcome[], nowMs: number, rng: SeededRandom): string {
  const ts = Math.floor(nowMs / 1000);
  const doc: Record<string, FioValue> = {
    'fio version': 'fio-3.33',
    timestamp: ts,
    timestamp_ms: nowMs,
    time: new Date(nowMs).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 $4'),
  };
  const first = jobs[0];
  if (first && Object.keys(first.globalOptions).length > 0) doc['global options'] = first.globalOptions;
  doc['jobs'] = jobs.map((j) => ({
    jobname: j.jobname,
    groupid: 0,
    error: 0,
    eta: 0,
    elapsed: Math.ceil(j.runtimeMs / 1000) + 1,
    'job options': j.options,
    read: direction(j.readIops, j.bs, j.runtimeMs, j.readLatNs, j.gtodReduce, rng),
    write: direction(j.writeIops, j.bs, j.runtimeMs, j.writeLatNs, j.gtodReduce, rng),
    trim: direction(0, j.bs, j.runtimeMs, 0, j.gtodReduce, rng),
    sync: { total_ios: 0, lat_ns: latStats(0, 0, rng, false) },
    job_runtime: j.runtimeMs,
    usr_cpu: f(5 + 5 * rng.next()),
    sys_cpu: f(20 + 30 * rng.next()),
    ctx: Math.round(((j.readIops + j.writeIops) * j.runtimeMs) / 1000 / 50),
    majf: 0,
    minf: 37,
    iodepth_level: { ...buckets(['1', '2', '4', '8', '16', '32']), '>=64': f(j.iodepth >= 64 ? 100 : 0) },
    iodepth_submit: buckets(['0', '4', '8', '16', '32', '64', '>=64']),
    iodepth_complete: buckets(['0', '4', '8', '16', '32', '64', '>=64']),
    latency_ns: buckets(['2', '4', '10', '20', '50', '100', '250', '500', '750', '1000']),
    latency_us: buckets(['2', '4', '10', '20', '50', '100', '250', '500', '750', '1000']),
    latency_ms: buckets(['2', '4', '10', '20', '50', '100', '250', '500', '750', '1000', '2000', '>=2000']),
    latency_depth: j.iodepth,
    latency_target: 0,
    latency_percentile: f(100),
    latency_window: 0,
  }));
  const totalRead = jobs.reduce((a, j) => a + (j.readIops * j.runtimeMs) / 1000, 0);
  const totalWrite = jobs.reduce((a, j) => a + (j.writeIops * j.runtimeMs) / 1000, 0);
  doc['disk_util'] = [
    {
      name: first?.diskName ?? 'xvda',
      read_ios: Math.round(totalRead),
      write_ios: Math.round(totalWrite),
      read_merges: 0,
      write_merges: 0,
      read_ticks: Math.round(totalRead / 10),
      write_ticks: Math.round(totalWrite / 10),
      in_queue: Math.round((totalRead + totalWrite) / 10),
      util: f(90 + 8 * rng.next()),
    },
  ];
  return `${fioStringify(doc)}\n`;
}

/**
 * Sustained ingestion of community submissions: several clients POST small pytest JUnit files
 * (12 testcases each, every file different) over HTTP on loopback to a real service (startService:
 * embedded PostgreSQL in a temporary folder, or DATABASE_URL), each with its own token. Each
 * submission is one transaction (submission, run, cases). Goal: ≥ 500 submissions/s on 2 cores.
 * Baseline in the same run, same clients and concurrency: the health endpoint (one query a request).
 * Bounded: at most SUBMISSIONS submissions or MAX_SECONDS per phase. Also reported: this process's
 * CPU time per request (service and clients together, the same clients in both phases), and the
 * embedded PostgreSQL's (its server processes, read from /proc), which a machine shared with other
 * work disturbs far less than the rates.
 * Goal: ≥ GOAL_PER_SECOND submissions/s and ≥ GOAL_RATIO × the health endpoint's rate.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { startService } from 'src/app/start-service';

const CLIENTS = 8;
const SUBMISSIONS = 4000;
const MAX_SECONDS = 30;
const GOAL_PER_SECOND = 500;
const GOAL_RATIO = 0.8;
const ADMIN = 'bench-admin-token-0123456789abcdef';

const hardware = {
  server: { model: 'PowerEdge R630' },
  cpu: { model: 'Intel(R) Xeon(R) CPU E5-2630 v4 @ 2.20GHz', sockets: 2, coresPerSocket: 10 },
  memoryBytes: 128 * 2 ** 30,
  nics: [{ driver: 'ixgbe', driverVersion: '5.9.4' }],
  storageControllers: [{ driver: 'megaraid_sas' }],
};

const OUTCOMES = [
  '',
  '<failure message="assert 1 == 2">trace</failure>',
  '<skipped type="pytest.skip" message="no SR"/>',
  '<skipped type="pytest.xfail" message="known"/>',
];

function junit(n: number): string {
  const cases = Array.from(
    { length: 12 },
    (_, i) =>
      `<testcase classname="tests.storage.test_sr_${n % 50}.TestSr" name="test_case_${i}[${n}]" time="0.${i + 1}">${OUTCOMES[(n + i) % OUTCOMES.length]}</testcase>`,
  ).join('');
  return `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="12">${cases}</testsuite></testsuites>`;
}

/**
 * CPU time (ms) of the embedded PostgreSQL under `dataDir`: its postmaster and the processes it
 * started, from /proc. Undefined where that cannot be read (not Linux, DATABASE_URL).
 */
function postgresCpuMs(dataDir: string): number | undefined {
  try {
    const moved = join(dataDir, 'pg-location');
    const pgDir = existsSync(moved) ? readFileSync(moved, 'utf8').trim() : join(dataDir, 'pg');
    const postmaster = Number(readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const hz = 100; // USER_HZ: the unit of /proc/PID/stat times on Linux
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      // Fields after the command name (which may hold spaces): state, ppid, … utime (14th), stime (15th).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(entry) === postmaster || Number(fields[1]) === postmaster) {
        ticks += Number(fields[11]) + Number(fields[12]);
      }
    }
    return (ticks * 1000) / hz;
  } catch {
    return undefined;
  }
}

interface Phase {
  count: number;
  /** CPU time of this process (service and clients) per request: steadier than rates on a busy machine. */
  cpuMsPerRequest: number;
  /** CPU time of the embedded PostgreSQL per request, when it can be read. */
  pgCpuMsPerRequest: number | undefined;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function phase(
  dataDir: string,
  clients: number,
  limit: number,
  send: (i: number, client: number) => Promise<boolean>,
): Promise<Phase> {
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const pgCpu = postgresCpuMs(dataDir);
  let next = 0;
  let errors = 0;
  const start = performance.now();
  const deadline = start + MAX_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (next < limit && performance.now() < deadline) {
        const i = next++;
        const t0 = performance.now();
        const ok = await send(i, client);
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const pgUsed = postgresCpuMs(dataDir);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    count: latencies.length,
    cpuMsPerRequest: (used.user + used.system) / 1000 / Math.max(1, latencies.length),
    pgCpuMsPerRequest:
      pgCpu === undefined || pgUsed === undefined ? undefined : (pgUsed - pgCpu) / Math.max(1, latencies.length),
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    errors,
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shakedown-bench-ingestion-'));
  // Run as root, the embedded PostgreSQL server is the postgres user: it must be able to enter the folder.
  chmodSync(dataDir, 0o711);
  const service = await startService({
    port: '0',
    host: '127.0.0.1',
    env: {
      ...process.env,
      SHAKEDOWN_DATA_DIR: dataDir,
      SHAKEDOWN_EMBEDDED_PG_PORT: String(58000 + Math.floor(Math.random() * 2000)),
      SHAKEDOWN_ADMIN_TOKEN: ADMIN,
      SHAKEDOWN_SUBMISSION_RATE_PER_MINUTE: String(10_000_000),
      LOG_LEVEL: 'warn',
    },
  });
  const address = service.app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${address.port}`;
  try {
    const tokens: string[] = [];
    for (let c = 0; c < CLIENTS; c++) {
      const res = await fetch(`${base}/api/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `bench client ${c}`, role: 'submitter' }),
      });
      tokens.push(((await res.json()) as { token: string }).token);
    }
    const bodies = Array.from({ length: SUBMISSIONS }, (_, i) =>
      JSON.stringify({ kind: 'junit', release: '8.3.0', content: junit(i), hardware }),
    );
    const submit = async (i: number, client: number): Promise<boolean> => {
      const res = await fetch(`${base}/api/v1/submissions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens[client]}`,
          'content-type': 'application/vnd.shakedown.submission+json',
        },
        body: bodies[i]!,
      });
      await res.arrayBuffer();
      return res.status === 201;
    };
    const health = async (): Promise<boolean> => {
      const res = await fetch(`${base}/api/v1/health`);
      await res.arrayBuffer();
      return res.ok;
    };

    // Warm-up (JIT, connection pool, campaign expansion cache), not counted.
    await phase(dataDir, CLIENTS, 200, health);
    await phase(dataDir, CLIENTS, 1, (_i, c) => submit(SUBMISSIONS - 1, c));
    const baseline = await phase(dataDir, CLIENTS, SUBMISSIONS, health);
    const ingest = await phase(dataDir, CLIENTS, SUBMISSIONS - 1, submit);
    const stored: Array<{ n: number }> = await service.app
      .get<DataSource>(getDataSourceToken(), { strict: false })
      .query('SELECT count(*)::int AS n FROM submissions');

    const bytes = Buffer.byteLength(bodies[0]!);
    const ratio = ingest.perSecond / baseline.perSecond;
    const ms = (x: number | undefined): number | null => (x === undefined ? null : Number(x.toFixed(2)));
    console.log(`clients ${CLIENTS}, JUnit files of 12 testcases (${bytes} B a body)`);
    console.log(
      `health (baseline): ${baseline.perSecond.toFixed(0)}/s  p50 ${baseline.p50Ms.toFixed(1)} ms  p99 ${baseline.p99Ms.toFixed(1)} ms`,
    );
    console.log(
      `submissions:       ${ingest.perSecond.toFixed(0)}/s  p50 ${ingest.p50Ms.toFixed(1)} ms  p99 ${ingest.p99Ms.toFixed(1)} ms  (${ingest.count} in ${ingest.seconds.toFixed(1)} s, ${ingest.errors} errors, ${stored[0]?.n} stored)`,
    );
    console.log(
      JSON.stringify({
        bench: 'ingestion',
        submissions_per_second: Number(ingest.perSecond.toFixed(1)),
        p50_ms: Number(ingest.p50Ms.toFixed(2)),
        p99_ms: Number(ingest.p99Ms.toFixed(2)),
        submissions: ingest.count,
        errors: ingest.errors,
        baseline_health_per_second: Number(baseline.perSecond.toFixed(1)),
        ratio_vs_baseline: Number(ratio.toFixed(3)),
        cpu_ms_per_submission: ms(ingest.cpuMsPerRequest),
        baseline_cpu_ms_per_health: ms(baseline.cpuMsPerRequest),
        pg_cpu_ms_per_submission: ms(ingest.pgCpuMsPerRequest),
        baseline_pg_cpu_ms_per_health: ms(baseline.pgCpuMsPerRequest),
        clients: CLIENTS,
        goal_per_second: GOAL_PER_SECOND,
        goal_ratio: GOAL_RATIO,
        goal_met: ingest.perSecond >= GOAL_PER_SECOND && ratio >= GOAL_RATIO && ingest.errors === 0,
      }),
    );
  } finally {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

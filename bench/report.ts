/**
 * Static report build for a synthetic run of 10,000 cases and 100,000 samples (10 per case), 10 %
 * of them failed across 20 signatures with step output. Goal: under 3 s and under 10 MB.
 * Baseline in the same run: the time to only query the data the report shows.
 *
 * Database: DATABASE_URL when set, else an embedded PostgreSQL in a temporary folder.
 */
import { join } from 'node:path';
import { createDataSource } from 'src/database/data-source';
import { openBenchDatabase } from 'bench/bench-database';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { ViewRenderer } from 'src/reports/render/view-renderer';
import { StaticReportBuilder } from 'src/reports/static-report';

const CASES = 10_000;
const SAMPLES_PER_CASE = 10;
const GOAL_MS = 3000;
const GOAL_BYTES = 10 * 1024 * 1024;

async function main(): Promise<void> {
  const { ds, dataDir, close } = await openBenchDatabase('report');
  try {
    const t0 = performance.now();
    const runNumber = await seed(ds);
    const seedMs = performance.now() - t0;
    const read = new ResultsReadRepository(ds);
    const run = (await read.findRun(runNumber))!;

    // Warm up once (template compile, JIT, connection pool), then measure.
    const builder = new StaticReportBuilder(read, new ViewRenderer());
    await builder.render({ run: runNumber });

    const q0 = performance.now();
    await Promise.all([
      read.listCases(run.id),
      read.listFailedCases(run.id, { withOutput: true }),
      read.measurementsOfRun(run.id),
      read.labSnapshot(run.id),
    ]);
    const queryMs = performance.now() - q0;

    const b0 = performance.now();
    const out = await builder.build(join(dataDir, 'report'), { run: runNumber });
    const buildMs = performance.now() - b0;

    console.log(`seeded ${CASES} cases / ${CASES * SAMPLES_PER_CASE} samples in ${seedMs.toFixed(0)} ms`);
    console.log(`query only:   ${queryMs.toFixed(0)} ms`);
    console.log(
      `report build: ${buildMs.toFixed(0)} ms, ${(out.bytes / 1024 / 1024).toFixed(2)} MiB (${out.failures} failures)`,
    );
    console.log(
      JSON.stringify({
        bench: 'report',
        ratio_vs_floor: Number((buildMs / queryMs).toFixed(2)),
        build_ms: Math.round(buildMs),
        query_ms: Math.round(queryMs),
        bytes: out.bytes,
        cases: out.cases,
        samples: CASES * SAMPLES_PER_CASE,
        goal_ms: GOAL_MS,
        goal_bytes: GOAL_BYTES,
        goal_met: buildMs < GOAL_MS && out.bytes < GOAL_BYTES,
      }),
    );
  } finally {
    await close();
  }
}

/** One run, inserted with set-based SQL (seconds, not minutes). */
async function seed(ds: ReturnType<typeof createDataSource>): Promise<number> {
  const hosts = Array.from({ length: 4 }, (_, i) => ({
    name: `host-${i}`,
    version: '8.3.0',
    build: 'bench',
    packages: Object.fromEntries(Array.from({ length: 300 }, (_, p) => [`pkg-${p}`, `1.${p}.${i % 2}`])),
  }));
  const [run] = await ds.query(
    `INSERT INTO runs (campaign_name, release, baseline_release, lab_name, simulated, status, lab_snapshot, started_at, finished_at)
     VALUES ('bench', '8.3.0', '8.2.1', 'bench-lab', true, 'finished', $1, now() - interval '1 hour', now()) RETURNING id, number`,
    [JSON.stringify({ hosts })],
  );
  const runId = run.id as string;
  await ds.query(
    `INSERT INTO cases (run_id, case_key, case_hash, suite, scenario, params, status, outcome, error_code, signature, reason,
                        attempt_count, duration_ms, started_at, finished_at)
     SELECT $1, format('bench.scenario[a=%s,b=%s,c=%s]', i % 25, (i / 25) % 20, i / 500), substr(md5(i::text), 1, 12),
            'suite-' || (i % 5), 'bench.scenario', jsonb_build_object('a', i % 25, 'b', (i / 25) % 20, 'c', i / 500), 'done',
            CASE WHEN i % 10 = 0 THEN 'failed' WHEN i % 37 = 0 THEN 'skipped' ELSE 'passed' END,
            CASE WHEN i % 10 = 0 THEN 'VM_BAD_POWER_STATE' END,
            CASE WHEN i % 10 = 0 THEN 'VM_BAD_POWER_STATE:' || lpad((i % 20)::text, 10, '0') END,
            CASE WHEN i % 37 = 0 AND i % 10 <> 0 THEN 'not applicable on this hardware' END,
            1, 1000 + i % 5000, now() - interval '1 hour', now()
       FROM generate_series(0, $2 - 1) AS i`,
    [runId, CASES],
  );
  await ds.query(
    `INSERT INTO attempts (case_id, number, worker, outcome, error_code, error_message, finished_at)
     SELECT id, 1, 'bench-worker', outcome, error_code,
            CASE WHEN outcome = 'failed' THEN 'The VM must be 1 in state running (' || case_key || ')' END, now()
       FROM cases WHERE run_id = $1`,
    [runId],
  );
  await ds.query(
    `INSERT INTO steps (attempt_id, seq, name, command, stdout, stderr, exit_code, status, started_at, duration_ms)
     SELECT a.id, 1, 'migrate', 'xe vm-migrate live=true vm=' || c.case_hash, repeat('progress 0.5 ', 40),
            'The VM must be 1 in state running', 1, 'failed', now(), 321
       FROM attempts a JOIN cases c ON c.id = a.case_id WHERE c.run_id = $1 AND c.outcome = 'failed'`,
    [runId],
  );
  await ds.query(
    `INSERT INTO measurements (run_id, case_id, case_key, metric, unit, direction, samples, value, simulated)
     SELECT c.run_id, c.id, c.case_key, 'fio.read.iops', 'IOPS', 'higher',
            ARRAY(SELECT round((1000 + random() * 50 + c.duration_ms * 0)::numeric, 2)::float8 FROM generate_series(1, $2)),
            1025, true
       FROM cases c WHERE c.run_id = $1`,
    [runId, SAMPLES_PER_CASE],
  );
  return Number(run.number);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

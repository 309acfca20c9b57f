import { INestApplication } from '@nestjs/common';
import { Writable } from 'node:stream';
import { register as globalRegistry } from 'prom-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuthModule } from 'src/auth/auth.module';
import { Role } from 'src/auth/role';
import { TokenService } from 'src/auth/token.service';
import { createHttpApp } from 'src/app/create-http-app';
import { createRootLogger } from 'src/common/logging/logger';
import { AppConfig } from 'src/config/config';
import { MetricsModule } from 'src/metrics/metrics.module';
import { createTestDatabase, TestDatabase } from 'test/utils/database';

async function buildApp(db: TestDatabase, env: NodeJS.ProcessEnv = {}): Promise<INestApplication> {
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const app = await createHttpApp({
    config: AppConfig.fromEnv(env),
    databaseUrl: db.url,
    logger: createRootLogger('warn', sink),
    features: [AuthModule, MetricsModule],
  });
  await app.init();
  return app;
}

/** `name{labels}` → value, for every sample line of a Prometheus text exposition. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

interface CaseFixture {
  key: string;
  status: string;
  outcome?: string;
  worker?: string;
  /** Seconds before now. */
  queuedAgo?: number;
  startedAgo?: number;
  finishedAgo?: number;
  /** Steps of its one attempt: [seconds before now, duration ms, command or null]. */
  steps?: Array<[number, number, string | null]>;
}

async function insertRun(
  db: DataSource,
  status: string,
  finishedAgo: number | null,
  cases: CaseFixture[],
  origin: 'lab' | 'submission' = 'lab',
): Promise<string> {
  const [run] = await db.query(
    `INSERT INTO runs (campaign_name, release, status, origin, finished_at)
     VALUES ('metrics', '8.3.0', $1, $3, CASE WHEN $2::float8 IS NULL THEN NULL ELSE now() - make_interval(secs => $2) END)
     RETURNING id`,
    [status, finishedAgo, origin],
  );
  const ago = (s: number | undefined): string => (s === undefined ? 'NULL' : `now() - make_interval(secs => ${s})`);
  for (const c of cases) {
    const [row] = await db.query(
      `INSERT INTO cases (run_id, case_key, case_hash, suite, scenario, status, outcome, worker, queued_at, started_at, finished_at)
       VALUES ($1, $2, md5($2), 'suite', 'scenario', $3, $4, $5, ${ago(c.queuedAgo)}, ${ago(c.startedAgo)}, ${ago(c.finishedAgo)})
       RETURNING id`,
      [run.id, c.key, c.status, c.outcome ?? null, c.worker ?? null],
    );
    if (!c.steps) continue;
    const [attempt] = await db.query(
      `INSERT INTO attempts (case_id, number, worker, started_at, finished_at)
       VALUES ($1, 1, $2, ${ago(c.startedAgo)}, ${ago(c.finishedAgo)}) RETURNING id`,
      [row.id, c.worker ?? 'w-old'],
    );
    let seq = 0;
    for (const [startedAgo, durationMs, command] of c.steps) {
      await db.query(
        `INSERT INTO steps (attempt_id, seq, name, command, status, started_at, duration_ms)
         VALUES ($1, $2, 'step', $3, 'ok', now() - make_interval(secs => $4), $5)`,
        [attempt.id, ++seq, command, startedAgo, durationMs],
      );
    }
  }
  return run.id as string;
}

describe('GET /metrics', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    await insertRun(ds, 'running', null, [
      { key: 'a-pending', status: 'pending' },
      { key: 'a-queued-1', status: 'queued', queuedAgo: 5 },
      { key: 'a-queued-2', status: 'queued', queuedAgo: 5 },
      { key: 'a-waiting', status: 'waiting', worker: 'w1', queuedAgo: 20 },
      {
        key: 'a-running-1',
        status: 'running',
        worker: 'w1',
        queuedAgo: 100,
        startedAgo: 40,
        steps: [[30, 10, 'xe vm-list']],
      },
      { key: 'a-running-2', status: 'running', worker: 'w2', queuedAgo: 10, startedAgo: 7 },
      // Handed back and started again: queued after its first start, so it is no lease wait.
      { key: 'a-requeued', status: 'running', worker: 'w3', queuedAgo: 300, startedAgo: 3000 },
      {
        key: 'a-done',
        status: 'done',
        outcome: 'passed',
        worker: 'w2',
        queuedAgo: 1920,
        startedAgo: 1800,
        finishedAgo: 1200,
        steps: [
          [1700, 40, 'xe vm-list'],
          [1600, 2500, 'xe vm-start uuid=…'],
          [1500, 1000, null],
        ],
      },
    ]);
    await insertRun(ds, 'finished', 600, [
      {
        key: 'b-passed',
        status: 'done',
        outcome: 'passed',
        queuedAgo: 900.2,
        startedAgo: 900,
        finishedAgo: 700,
        steps: [[800, 300, 'fio --output-format=json']],
      },
      { key: 'b-failed', status: 'done', outcome: 'failed', queuedAgo: 7300, startedAgo: 7200, finishedAgo: 650 },
      { key: 'b-infra', status: 'done', outcome: 'infra-error', finishedAgo: 640 },
    ]);
    // Closed three hours ago: counted by outcome, outside every window.
    await insertRun(ds, 'finished', 10800, [
      {
        key: 'c-passed',
        status: 'done',
        outcome: 'passed',
        queuedAgo: 11000,
        startedAgo: 10990,
        finishedAgo: 10850,
        steps: [[10900, 100000, 'xe vm-migrate']],
      },
      { key: 'c-xfailed', status: 'done', outcome: 'xfailed', queuedAgo: 11000, startedAgo: 10950, finishedAgo: 10900 },
    ]);
    // Imported from a community submission: counted apart from what ran here, once accepted. The
    // pending and rejected ones are not results (yet): /metrics counts neither their runs nor cases.
    for (const [status, outcome] of [
      ['accepted', 'passed'],
      ['pending', 'failed'],
      ['rejected', 'failed'],
    ] as const) {
      const runId = await insertRun(
        ds,
        'finished',
        86400,
        [
          { key: 's-1', status: 'done', outcome, finishedAgo: 86400 },
          { key: 's-2', status: 'done', outcome, finishedAgo: 86400 },
        ],
        'submission',
      );
      await ds.query(
        `INSERT INTO submissions (submitter, kind, release, sha256, size_bytes, status, hardware_class, run_id)
         VALUES ('Dana', 'junit', '8.3.0', md5($1::text), 10, $2, 'x / y / z', $1::uuid)`,
        [runId, status],
      );
    }
    await insertRun(ds, 'queued', null, []);
    await insertRun(ds, 'cancelled', 5000, []);
    app = await buildApp(db);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('should answer in the Prometheus text format', async () => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    for (const name of [
      'shakedown_runs',
      'shakedown_cases_open',
      'shakedown_queue_depth',
      'shakedown_workers_busy',
      'shakedown_lease_wait_seconds',
      'shakedown_ssh_command_duration_seconds',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(res.text).toMatch(new RegExp(`^# TYPE ${name} (gauge|counter|histogram)$`, 'm'));
    }
    expect(res.text).toMatch(/^# TYPE shakedown_cases_finished_total counter$/m);
  });

  it('should count runs, open cases, the queue and busy workers from the database', async () => {
    const m = samples((await request(app.getHttpServer()).get('/metrics').expect(200)).text);
    expect(
      ['queued', 'running', 'finished', 'cancelling', 'cancelled', 'error'].map((s) =>
        m.get(`shakedown_runs{status="${s}"}`),
      ),
    ).toEqual([1, 1, 3, 0, 1, 0]);
    expect(
      ['pending', 'queued', 'waiting', 'running'].map((s) => m.get(`shakedown_cases_open{status="${s}"}`)),
    ).toEqual([1, 2, 1, 3]);
    expect(m.get('shakedown_queue_depth')).toBe(3);
    expect(m.get('shakedown_workers_busy')).toBe(3);
    expect(m.get('shakedown_database_up')).toBe(1);
  });

  it('should count finished cases by origin and outcome, every outcome present', async () => {
    const m = samples((await request(app.getHttpServer()).get('/metrics').expect(200)).text);
    const byOutcome = (origin: string): Record<string, number> =>
      Object.fromEntries(
        [...m]
          .filter(([k]) => k.startsWith(`shakedown_cases_finished_total{origin="${origin}",`))
          .map(([k, v]) => [/outcome="([^"]+)"/.exec(k)![1], v]),
      );
    const none = {
      passed: 0,
      failed: 0,
      xfailed: 0,
      xpassed: 0,
      'infra-error': 0,
      skipped: 0,
      cancelled: 0,
      'manual-pending': 0,
    };
    expect(byOutcome('lab')).toEqual({ ...none, passed: 3, failed: 1, xfailed: 1, 'infra-error': 1 });
    expect(byOutcome('submission')).toEqual({ ...none, passed: 2 });
  });

  it('should give the lease waits of cases started in the last hour as a histogram', async () => {
    const m = samples((await request(app.getHttpServer()).get('/metrics').expect(200)).text);
    // Waits: 0.2 s (b-passed), 3 s, 60 s, 120 s; the requeued case and older cases stay out.
    const bucket = (le: string): number | undefined => m.get(`shakedown_lease_wait_seconds_bucket{le="${le}"}`);
    expect(['0.5', '1', '5', '30', '60', '300', '+Inf'].map(bucket)).toEqual([1, 1, 2, 2, 3, 4, 4]);
    expect(m.get('shakedown_lease_wait_seconds_count')).toBe(4);
    expect(m.get('shakedown_lease_wait_seconds_sum')).toBeCloseTo(183.2, 6);
  });

  it('should give the SSH command durations of the last hour as a histogram', async () => {
    const m = samples((await request(app.getHttpServer()).get('/metrics').expect(200)).text);
    // Commands: 10 ms, 40 ms, 300 ms, 2.5 s; a step without a command and the 3-hour-old migration stay out.
    const bucket = (le: string): number | undefined =>
      m.get(`shakedown_ssh_command_duration_seconds_bucket{le="${le}"}`);
    expect(['0.01', '0.025', '0.05', '0.25', '0.5', '2.5', '1800', '+Inf'].map(bucket)).toEqual([
      1, 1, 2, 2, 3, 4, 4, 4,
    ]);
    expect(m.get('shakedown_ssh_command_duration_seconds_count')).toBe(4);
    expect(m.get('shakedown_ssh_command_duration_seconds_sum')).toBeCloseTo(2.85, 6);
  });

  it('should follow the database as it changes, between scrapes', async () => {
    await db.dataSource.query(`UPDATE cases SET status = 'waiting', worker = 'w9' WHERE case_key = 'a-queued-1'`);
    const m = samples((await request(app.getHttpServer()).get('/metrics').expect(200)).text);
    expect(m.get('shakedown_cases_open{status="queued"}')).toBe(1);
    expect(m.get('shakedown_cases_open{status="waiting"}')).toBe(2);
    expect(m.get('shakedown_queue_depth')).toBe(3);
    expect(m.get('shakedown_workers_busy')).toBe(4);
    await db.dataSource.query(`UPDATE cases SET status = 'queued', worker = NULL WHERE case_key = 'a-queued-1'`);
  });

  it('should answer scrapes at the same time with whole, equal expositions', async () => {
    const texts = await Promise.all([1, 2, 3].map(() => request(app.getHttpServer()).get('/metrics').expect(200)));
    const shakedownLines = (t: string): string[] =>
      t.split('\n').filter((l) => l.startsWith('shakedown_') && !l.startsWith('shakedown_metrics_query_seconds'));
    const [first, ...rest] = texts.map((r) => shakedownLines(r.text));
    expect(first!.length).toBeGreaterThan(40);
    for (const other of rest) expect(other).toEqual(first);
  });

  it('should keep its metrics out of prom-client’s global registry', async () => {
    await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(globalRegistry.getSingleMetric('shakedown_runs')).toBeUndefined();
  });

  it('should need a token, of any role, when public read is off', async () => {
    const closed = await buildApp(db, { SHAKEDOWN_PUBLIC_READ: 'false' });
    try {
      await request(closed.getHttpServer()).get('/metrics').expect(401);
      const { token } = await closed.get(TokenService).create({ name: 'prometheus', role: Role.Submitter });
      const res = await request(closed.getHttpServer())
        .get('/metrics')
        .set('authorization', `Bearer ${token}`)
        .expect(200);
      expect(samples(res.text).get('shakedown_queue_depth')).toBe(3);
    } finally {
      await closed.close();
    }
  });

  it('should still answer, with shakedown_database_up 0, when the database is gone', async () => {
    const own = await createTestDatabase();
    const orphan = await buildApp(own);
    try {
      await own.close(); // drops the database, closing every connection to it
      const res = await request(orphan.getHttpServer()).get('/metrics').expect(200);
      const m = samples(res.text);
      expect(m.get('shakedown_database_up')).toBe(0);
      expect(
        [...m.keys()].filter((k) => k.startsWith('shakedown_runs') || k.startsWith('shakedown_lease_wait')),
      ).toEqual([]);
      expect(m.has('process_cpu_user_seconds_total')).toBe(true);
    } finally {
      await orphan.close();
    }
  });
});

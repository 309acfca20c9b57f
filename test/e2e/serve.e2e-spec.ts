import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { apiFeatures } from 'src/app/api-features';
import { createHttpApp } from 'src/app/create-http-app';
import { createRootLogger } from 'src/common/logging/logger';
import { AppConfig } from 'src/config/config';
import { migrations } from 'src/database/migrations';
import { runCli, startCli } from 'test/utils/cli';
import { createTestDatabase, databaseUrl, TestDatabase } from 'test/utils/database';
import { waitUntil } from 'test/utils/wait';

const ADMIN = 'serve-e2e-admin-token';

const CAMPAIGN_WITH_BAD_EXPRESSION = `name: bad-expression
release: 8.3.0
baseline: 8.2.1
suites:
  - id: install
    scenario: basic.install-check
    title: Install
    requires_when:
      - when: "scope == == intra-pool"
        requires: { pools: 2 }
`;

describe('shakedown serve', () => {
  let db: TestDatabase;
  let app: INestApplication;
  const logLines: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
    app = await createHttpApp({
      config: AppConfig.fromEnv({ SHAKEDOWN_ADMIN_TOKEN: ADMIN }),
      databaseUrl: db.url,
      logger: createRootLogger('info', sink),
      features: apiFeatures,
    });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('should answer the health check with the database state', async () => {
    const res = await request(app.getHttpServer()).get('/api/v1/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'ok', migrations: migrations.length });
  });

  it('should answer 503 while its database is down (load balancers and compose look at the status), 200 once back', async () => {
    const admin = new Client({ connectionString: databaseUrl('postgres') });
    await admin.connect();
    try {
      // The database goes away for this service: its connections are cut and new ones refused.
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [db.name]);
      await waitUntil(
        async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1`, [db.name])).rowCount === 0,
        'the cut connections to be gone',
      );
      const down = await request(app.getHttpServer()).get('/api/v1/health').expect(503);
      expect(down.body).toMatchObject({ status: 'degraded', database: 'unreachable' });
    } finally {
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const up = await request(app.getHttpServer()).get('/api/v1/health').expect(200);
    expect(up.body).toMatchObject({ status: 'ok', database: 'ok' });
  });

  it('should publish its OpenAPI document', async () => {
    const res = await request(app.getHttpServer()).get('/api/docs/openapi.json').expect(200);
    expect(res.body.paths).toHaveProperty('/api/v1/health');
  });

  it('should log each request as JSON with the request id it echoes', async () => {
    const res = await request(app.getHttpServer()).get('/api/v1/health').set('x-request-id', 'abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.req?.id === 'abc-123');
    expect(line).toMatchObject({ req: { method: 'GET', url: '/api/v1/health' }, res: { statusCode: 200 } });
  });

  it('should answer unknown API routes with the one JSON error shape', async () => {
    const res = await request(app.getHttpServer()).get('/api/v1/nothing-here').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'NOT_FOUND' });
    expect(res.body.requestId).toEqual(expect.any(String));
  });

  it('should answer a posted campaign with a bad expression with 400 and where it is', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/v1/runs')
      .set('authorization', `Bearer ${ADMIN}`)
      .send({ campaignText: CAMPAIGN_WITH_BAD_EXPRESSION, lab: 'no-such-lab' })
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'CAMPAIGN_INVALID' });
    // column 25 is the second `==` inside the quoted expression, not the quote that opens it
    expect(res.body.message).toMatch(/^campaign \(posted\):9:25: .*requires_when\[0\]\.when: /);
  });

  it('should answer a request body that fails validation with 400 naming each faulty field by its path', async () => {
    const run = await request(app.getHttpServer())
      .post('/api/v1/runs')
      .set('authorization', `Bearer ${ADMIN}`)
      .send({ campaign: 'demo.yaml', priority: 1000 })
      .expect(400);
    expect(run.body).toMatchObject({ error: 'RUN_REQUEST_INVALID' });
    expect(run.body.message).toMatch(/lab: .*; priority: /);
    expect(run.body.details.problems.map((p: { path: string }) => p.path)).toEqual(['lab', 'priority']);

    const manual = await request(app.getHttpServer())
      .post('/api/v1/runs/1/cases/abc/manual')
      .set('authorization', `Bearer ${ADMIN}`)
      .send({ outcome: 'passed', evidence: [{ name: '../etc/passwd', contentBase64: '' }] })
      .expect(400);
    expect(manual.body).toMatchObject({ error: 'MANUAL_RESULT_INVALID' });
    expect(manual.body.message).toMatch(/^evidence\[0\]\.name: a file name, not a path/);

    const issue = await request(app.getHttpServer())
      .post('/api/v1/known-issues')
      .set('authorization', `Bearer ${ADMIN}`)
      .send({ signature: 'x', url: 'javascript:alert(1)' })
      .expect(400);
    expect(issue.body).toMatchObject({ error: 'REPORT_KNOWN_ISSUE_INVALID' });
    expect(issue.body.message).toMatch(/^known issue: url: /);
  });

  it('should start two processes at once on one fresh database and migrate it once', async () => {
    const fresh = await createTestDatabase();
    // A database with no schema at all: drop what the template gave, so both processes race to migrate.
    await fresh.dataSource.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    const env = { DATABASE_URL: fresh.url, LOG_LEVEL: 'info', PORT: '0' };
    const a = startCli(['serve'], env);
    const b = startCli(['serve'], env);
    try {
      const [ma, mb] = await Promise.all([a.waitFor(/serving on (\S+)/), b.waitFor(/serving on (\S+)/)]);
      for (const url of [ma[1], mb[1]]) {
        const res = await fetch(`${url}/api/v1/health`);
        expect(await res.json()).toMatchObject({ status: 'ok', database: 'ok' });
      }
      const rows = await fresh.dataSource.query('SELECT name FROM shakedown_migrations');
      expect(rows).toHaveLength(migrations.length);
      const migratedBy = [a, b].filter((p) => p.output().stdout.includes('database migrated'));
      expect(migratedBy).toHaveLength(1);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await fresh.close();
    }
  });

  it('should stop with one clear line and exit 1 when the database cannot be reached', async () => {
    const res = await runCli(['serve'], { DATABASE_URL: 'postgres://someone:s3cret@127.0.0.1:1/nowhere', PORT: '0' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(
      /^shakedown: cannot reach the database at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere: ECONNREFUSED/,
    );
    expect(res.stderr).not.toContain('s3cret');
  });

  it('should name the variable and exit 1 when a setting is wrong', async () => {
    const res = await runCli(['serve'], { PORT: 'eighty', DATABASE_URL: db.url });
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toMatch(/^shakedown: invalid configuration: PORT="eighty": .* \[CONFIG_INVALID\]$/);
  });

  it('should say so in one line when the port is taken', async () => {
    const first = startCli(['serve'], { DATABASE_URL: db.url, PORT: '0' });
    try {
      const [, url] = await first.waitFor(/serving on (\S+)/);
      const port = new URL(url!).port;
      const res = await runCli(['serve'], { DATABASE_URL: db.url, PORT: port });
      expect(res.code).toBe(1);
      expect(res.stderr.trim()).toBe(`shakedown: cannot listen on 127.0.0.1:${port}: address already in use`);
    } finally {
      await first.stop();
    }
  });

  it('should exit 2 on a usage error and 0 on --help', async () => {
    expect((await runCli(['serve', '--no-such-flag'])).code).toBe(2);
    expect((await runCli(['no-such-command'])).code).toBe(2);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('serve');
  });
});

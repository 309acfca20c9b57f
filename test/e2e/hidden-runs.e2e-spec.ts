import { INestApplication } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ArtifactStore } from 'src/results/artifact-store';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ResultsFactory } from 'test/utils/results-factory';
import { ADMIN_TOKEN, createCommunityTestApp, registeredRoutes } from 'test/fixtures/community/test-app';

const FIXTURES = join(__dirname, '..', 'fixtures');
const fixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

/** Route parameters that address a run or something inside one. */
const RUN_SCOPED = /:(number|ref|case|caseHash|sha256)\b/;

/**
 * A pending community submission's run is invisible to all but admins: every route that addresses
 * a run (found in the router, so a new one cannot slip by) answers 404 to the others — reads,
 * sub-resources, artifacts, comparisons, cancel and manual records — and changes nothing.
 */
describe('runs a caller may not see', () => {
  let db: TestDatabase;
  let app: INestApplication;
  const callers: Record<'anonymous' | 'submitter' | 'tester' | 'admin', string | undefined> = {
    anonymous: undefined,
    submitter: undefined,
    tester: undefined,
    admin: `Bearer ${ADMIN_TOKEN}`,
  };
  let hidden: { id: string; number: number; caseId: string; caseHash: string; sha256: string };
  let visibleNumber: number;

  async function issue(role: string): Promise<string> {
    const res = await request(app.getHttpServer())
      .post('/api/v1/tokens')
      .set('authorization', callers.admin!)
      .send({ name: `${role} of hidden runs`, role })
      .expect(201);
    return `Bearer ${res.body.token}`;
  }

  async function hiddenState(): Promise<unknown> {
    const [run] = await db.dataSource.query(
      `SELECT status, cancel_requested_at, (SELECT count(*)::int FROM artifacts WHERE run_id = $1) AS artifacts
         FROM runs WHERE id = $1`,
      [hidden.id],
    );
    const [c] = await db.dataSource.query(`SELECT status, outcome, reason FROM cases WHERE id = $1`, [hidden.caseId]);
    return { run, case: c };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app } = await createCommunityTestApp(db.url, { SHAKEDOWN_SUBMISSION_MAX_BYTES: String(1024 * 1024) }));
    callers.submitter = await issue('submitter');
    callers.tester = await issue('tester');
    const submitted = await request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set('authorization', callers.submitter)
      .set('content-type', 'application/vnd.shakedown.submission+json')
      .send(
        JSON.stringify({
          kind: 'junit',
          release: '8.3.0',
          content: fixture('junit/pytest-default.xml'),
          hardware: JSON.parse(fixture('community/hardware-r630.json')),
        }),
      )
      .expect(201);
    expect(submitted.body.status).toBe('pending');
    const runId: string = submitted.body.runId;
    // Make the hidden run one that cancel and a manual record would change, were they allowed to see it.
    await db.dataSource.query(`UPDATE runs SET status = 'running', finished_at = NULL WHERE id = $1`, [runId]);
    const [c] = await db.dataSource.query(
      `UPDATE cases SET manual = true, status = 'queued', outcome = NULL
        WHERE id = (SELECT id FROM cases WHERE run_id = $1 ORDER BY case_key LIMIT 1) RETURNING id, case_hash`,
      [runId],
    );
    const stored = await app.get(ArtifactStore).put('evidence of a hidden run\n');
    await db.dataSource.query(
      `INSERT INTO artifacts (run_id, case_id, name, media_type, sha256, size_bytes) VALUES ($1, $2, 'hidden.log', 'text/plain', $3, $4)`,
      [runId, c[0].id, stored.sha256, stored.sizeBytes],
    );
    const [run] = await db.dataSource.query(`SELECT number FROM runs WHERE id = $1`, [runId]);
    hidden = { id: runId, number: run.number, caseId: c[0].id, caseHash: c[0].case_hash, sha256: stored.sha256 };
    const lab = await new ResultsFactory(db.dataSource).run({ campaignName: 'vis', release: '8.3.0' });
    visibleNumber = lab.number;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  function urlsOfHiddenRun(): Array<{ method: string; url: string; body?: unknown }> {
    const fill = (path: string): string =>
      path
        .replace(':number', String(hidden.number))
        .replace(':ref', String(hidden.number))
        .replace(':caseHash', hidden.caseHash)
        .replace(':case', hidden.caseId)
        .replace(':sha256', hidden.sha256);
    const routes = registeredRoutes(app)
      .filter((r) => RUN_SCOPED.test(r.path))
      .map((r) => ({
        method: r.method,
        url: fill(r.path),
        body: r.path.endsWith('/manual') ? { outcome: 'passed', notes: 'seen' } : undefined,
      }));
    // Comparisons name runs in the query.
    const compare = [
      `baseline=${hidden.number}&candidate=${visibleNumber}`,
      `baseline=${visibleNumber}&candidate=${hidden.number}`,
    ];
    for (const q of compare) {
      routes.push({ method: 'GET', url: `/api/v1/compare?${q}`, body: undefined });
      routes.push({ method: 'GET', url: `/compare?${q}`, body: undefined });
    }
    routes.push({ method: 'GET', url: `/api/v1/runs/${visibleNumber}?baseline=${hidden.number}`, body: undefined });
    return routes;
  }

  function send(route: { method: string; url: string; body?: unknown }, token: string | undefined): request.Test {
    let req = request(app.getHttpServer())[route.method.toLowerCase() as 'get'](route.url);
    if (token) req = req.set('authorization', token);
    return route.body === undefined ? req : req.send(route.body as object);
  }

  it('should find the run-scoped routes in the router, writes included', () => {
    const paths = registeredRoutes(app)
      .filter((r) => RUN_SCOPED.test(r.path))
      .map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'GET /api/v1/runs/:number',
        'GET /api/v1/runs/:number/events',
        'GET /runs/:number',
        'GET /artifacts/:sha256',
        'POST /api/v1/runs/:ref/cancel',
        'POST /api/v1/runs/:ref/cases/:case/cancel',
        'POST /api/v1/runs/:ref/cases/:case/manual',
      ]),
    );
  });

  it('should answer 404 to everyone but admins on every route that addresses it, and change nothing', async () => {
    const before = await hiddenState();
    const failures: string[] = [];
    for (const route of urlsOfHiddenRun()) {
      for (const who of ['anonymous', 'submitter', 'tester'] as const) {
        const res = await send(route, callers[who]);
        // A caller below the route's role is refused before the run is looked up.
        const allowed = route.method === 'GET' || who === 'tester';
        const expected = allowed ? 404 : who === 'anonymous' ? 401 : 403;
        if (res.status !== expected) failures.push(`${route.method} ${route.url} as ${who} → ${res.status}`);
        if (allowed && JSON.stringify(res.body ?? {}).includes(hidden.id)) {
          failures.push(`${route.method} ${route.url} as ${who} names the hidden run's id`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await hiddenState()).toEqual(before);
  });

  it('should keep the run readable by admins, who moderate it', async () => {
    const failures: string[] = [];
    for (const route of urlsOfHiddenRun().filter((r) => r.method === 'GET' && !r.url.endsWith('/events'))) {
      const res = await send(route, callers.admin);
      // Comparing releases inside it is a 400 (the run holds one release): found, then judged.
      const expected = route.url === `/runs/${hidden.number}/compare` ? 400 : 200;
      if (res.status !== expected) failures.push(`${route.url} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('should let an admin cancel it, the same rule seen from the other side', async () => {
    await send({ method: 'POST', url: `/api/v1/runs/${hidden.number}/cancel` }, callers.admin).expect(202);
    expect(await hiddenState()).toMatchObject({ run: { cancel_requested_at: expect.any(Date) } });
  });
});

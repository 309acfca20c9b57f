import { INestApplication } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ADMIN_TOKEN, createCommunityTestApp } from 'test/fixtures/community/test-app';

const FIXTURES = join(__dirname, '..', 'fixtures');
const fixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');
const hardware = JSON.parse(fixture('community/hardware-r630.json'));
const SUBMISSION_TYPE = 'application/vnd.shakedown.submission+json';

describe('community submissions', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let submitter: string;
  let tester: string;
  const admin = `Bearer ${ADMIN_TOKEN}`;

  async function issue(role: string, name: string): Promise<string> {
    const res = await request(app.getHttpServer())
      .post('/api/v1/tokens')
      .set('authorization', admin)
      .send({ name, role })
      .expect(201);
    return `Bearer ${res.body.token}`;
  }

  function submit(token: string, body: unknown, type = SUBMISSION_TYPE): request.Test {
    return request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set('authorization', token)
      .set('content-type', type)
      .send(typeof body === 'string' ? body : JSON.stringify(body));
  }

  async function rowCounts(): Promise<Record<string, number>> {
    const [row] = await db.dataSource.query(
      `SELECT (SELECT count(*) FROM submissions)::int AS submissions, (SELECT count(*) FROM runs)::int AS runs,
              (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM measurements)::int AS measurements`,
    );
    return row;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app } = await createCommunityTestApp(db.url, { SHAKEDOWN_SUBMISSION_MAX_BYTES: String(1024 * 1024) }));
    submitter = await issue('submitter', 'Alice <community>');
    tester = await issue('tester', 'Core tester');
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('should store the JUnit XML of a real pytest run with the exact counts, pending moderation', async () => {
    const xml = fixture('junit/pytest-default.xml');
    const res = await submit(submitter, { kind: 'junit', release: '8.3.0', content: xml, hardware }).expect(201);
    expect(res.body).toMatchObject({
      kind: 'junit',
      release: '8.3.0',
      status: 'pending',
      submitter: 'Alice <community>',
      hardwareClass: 'intel-xeon-e5-v4 / ixgbe / megaraid_sas',
    });
    expect(res.body.tokenId).toBeUndefined();
    // pytest's own summary: 4 failed, 5 passed, 2 skipped, 2 xfailed, 1 xpassed, 3 errors, over 16 testcases for 15 tests.
    expect(res.body.summary.declared).toEqual({ tests: 16, failures: 4, errors: 3, skipped: 4 });
    expect(res.body.summary.testcases).toBe(16);
    // The four tests of tests/migration/test_host_evacuate.py count for one case of the release plan
    // (its xcp_ng_tests table): three passed and one failed fold into that case, failed.
    expect(res.body.summary.counts).toEqual({
      passed: 2,
      failed: 3,
      xpassed: 1,
      'infra-error': 2,
      skipped: 2,
      xfailed: 2,
    });
    const cases = await db.dataSource.query(
      `SELECT c.case_key, c.scenario, c.outcome FROM cases c JOIN runs r ON r.id = c.run_id WHERE r.id = $1 ORDER BY c.case_key`,
      [res.body.runId],
    );
    expect(cases).toHaveLength(12);
    expect(cases).toContainEqual({
      case_key: 'basic.migrate-host-to-host',
      scenario: 'basic.migrate-host-to-host',
      outcome: 'failed',
    });
    expect(cases).toContainEqual({
      case_key: 'external.xcp-ng-tests[test=tests/test_outcomes.py::test_passes]',
      scenario: 'external.xcp-ng-tests',
      outcome: 'passed',
    });
    const [folded] = await db.dataSource.query(
      `SELECT reason FROM cases WHERE run_id = $1 AND case_key = 'basic.migrate-host-to-host'`,
      [res.body.runId],
    );
    expect(folded.reason).toMatch(
      /^tests\/migration\/test_host_evacuate\.py::TestHostEvacuate::test_host_evacuate_with_network: failed: /,
    );
    const [run] = await db.dataSource.query('SELECT origin, status, release FROM runs WHERE id = $1', [res.body.runId]);
    expect(run).toEqual({ origin: 'submission', status: 'finished', release: '8.3.0' });
  });

  it('should answer a resubmission of the same file with the existing submission (200)', async () => {
    const xml = fixture('junit/pytest-default.xml');
    const before = await rowCounts();
    const first = await request(app.getHttpServer())
      .get('/api/v1/submissions?status=pending')
      .set('authorization', admin)
      .expect(200);
    const again = await submit(submitter, { kind: 'junit', release: '8.3.0', content: xml, hardware }).expect(200);
    expect(again.body.id).toBe(first.body[0].id);
    expect(await rowCounts()).toEqual(before);
    await submit(submitter, { kind: 'junit', release: '8.2.1', content: xml, hardware }).expect(409);
  });

  it('should count only accepted submissions in public views', async () => {
    const publicList = await request(app.getHttpServer()).get('/api/v1/submissions').expect(200);
    expect(publicList.body).toEqual([]);
    await request(app.getHttpServer()).get('/api/v1/submissions?status=pending').expect(400);
    const [pending] = (
      await request(app.getHttpServer())
        .get('/api/v1/submissions?status=pending')
        .set('authorization', admin)
        .expect(200)
    ).body;
    await request(app.getHttpServer()).get(`/api/v1/submissions/${pending.id}`).expect(404);
    await request(app.getHttpServer())
      .get(`/api/v1/submissions/${pending.id}`)
      .set('authorization', submitter)
      .expect(200);
    await request(app.getHttpServer())
      .post(`/api/v1/submissions/${pending.id}/moderate`)
      .set('authorization', submitter)
      .send({ status: 'accepted' })
      .expect(403);
    const moderated = await request(app.getHttpServer())
      .post(`/api/v1/submissions/${pending.id}/moderate`)
      .set('authorization', admin)
      .send({ status: 'accepted', note: 'looks right' })
      .expect(200);
    expect(moderated.body).toMatchObject({ status: 'accepted', moderationNote: 'looks right' });
    const after = await request(app.getHttpServer()).get('/api/v1/submissions').expect(200);
    expect(after.body.map((s: { id: string }) => s.id)).toEqual([pending.id]);
  });

  it('should accept a tester submission at once and map fio JSON to a perf.fio case with measurements', async () => {
    const res = await submit(tester, {
      kind: 'fio',
      release: '8.3.0',
      content: fixture('fio/seed-randread.json'),
      hardware: { ...hardware, nics: [{ driver: 'igb' }] },
    }).expect(201);
    expect(res.body).toMatchObject({ status: 'accepted', hardwareClass: 'intel-xeon-e5-v4 / igb / megaraid_sas' });
    const [c] = await db.dataSource.query('SELECT id, case_key, scenario, outcome FROM cases WHERE run_id = $1', [
      res.body.runId,
    ]);
    expect(c).toMatchObject({ scenario: 'perf.fio', outcome: 'passed' });
    expect(c.case_key).toMatch(/^perf\.fio\[.*rw=randread/);
    const ms = await db.dataSource.query(
      'SELECT metric, unit, direction, samples FROM measurements WHERE case_id = $1',
      [c.id],
    );
    expect(ms).toContainEqual({
      metric: 'fio.read.iops',
      unit: 'IOPS',
      direction: 'higher',
      samples: [expect.any(Number)],
    });
  });

  it('should line fio up with the campaign case when the submitter names the SR kind', async () => {
    const res = await submit(tester, {
      kind: 'fio',
      release: '8.3.0',
      content: fixture('fio/seed-randwrite.json'),
      hardware,
      params: { sr_kind: 'ext' },
    }).expect(201);
    const [c] = await db.dataSource.query('SELECT case_key FROM cases WHERE run_id = $1', [res.body.runId]);
    expect(c.case_key).toBe('perf.fio[release=candidate,sr_kind=ext,workload=randwrite]');
  });

  describe('bad input: a clear 4xx and nothing stored', () => {
    let before: Record<string, number>;
    beforeEach(async () => {
      before = await rowCounts();
    });
    afterEach(async () => {
      expect(await rowCounts()).toEqual(before);
    });

    it('malformed XML names the line', async () => {
      const res = await submit(submitter, {
        kind: 'junit',
        release: '8.3.0',
        content: fixture('community/malformed.xml'),
        hardware,
      }).expect(400);
      expect(res.body.error).toBe('SUBMISSION_MALFORMED');
      expect(res.body.message).toMatch(/^content:\d+:\d+/);
    });

    it('an XML entity-expansion bomb is refused before any expansion', async () => {
      const res = await submit(submitter, {
        kind: 'junit',
        release: '8.3.0',
        content: fixture('community/entity-bomb.xml'),
        hardware,
      }).expect(400);
      expect(res.body.message).toMatch(/DOCTYPE/);
    });

    it('a malformed JSON body names line and column', async () => {
      const res = await submit(submitter, '{\n  "kind": "junit",\n  "release": 8.3.0\n}').expect(400);
      expect(res.body).toMatchObject({ error: 'SUBMISSION_MALFORMED' });
      expect(res.body.message).toMatch(/^body:3:/);
    });

    it('a malformed bundle names line and column inside the content', async () => {
      const res = await submit(submitter, {
        kind: 'bundle',
        release: '8.3.0',
        content: '{"format": "shakedown-bundle",}',
        hardware,
      }).expect(400);
      expect(res.body.message).toMatch(/^content:1:\d+: malformed JSON/);
    });

    it('a schema error names the field path', async () => {
      const res = await submit(submitter, {
        kind: 'junit',
        release: '8.3.0',
        content: fixture('junit/pytest-default.xml'),
        hardware: { ...hardware, nics: [{ driver: 7 }] },
      }).expect(400);
      expect(res.body).toMatchObject({ error: 'HARDWARE_INVALID' });
      expect(res.body.message).toMatch(/^hardware\.nics\[0\]\.driver: .*expected string/);
      const kind = await submit(submitter, { kind: 'pdf', release: '8.3.0', content: 'x', hardware }).expect(400);
      expect(kind.body.message).toMatch(/^kind: /);
    });

    it('a 50 MB body is refused from its Content-Length (413)', async () => {
      const big = Buffer.alloc(50 * 1024 * 1024, 0x20);
      const res = await submit(submitter, big.toString()).expect(413);
      expect(res.body.error).toBe('SUBMISSION_TOO_LARGE');
    });

    it('a 50 MB chunked body (no Content-Length) is cut off while streaming (413)', async () => {
      const server = app.getHttpServer();
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/submissions',
            headers: { authorization: submitter, 'content-type': SUBMISSION_TYPE },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', (err: NodeJS.ErrnoException) =>
          err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err),
        );
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const pump = (): void => {
          while (sent < 50 && !req.destroyed) {
            sent++;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
      expect(status).toBe(413);
    });

    it('a wrong token is 401 and no token is 401', async () => {
      const body = { kind: 'junit', release: '8.3.0', content: fixture('junit/pytest-default.xml'), hardware };
      await submit('Bearer shk_wrong', body).expect(401);
      await request(app.getHttpServer()).post('/api/v1/submissions').send(body).expect(401);
    });

    it('a form post is 415', async () => {
      await submit(submitter, 'kind=junit', 'application/x-www-form-urlencoded').expect(415);
    });
  });

  it('should keep HTML in a hardware name as plain text in JSON', async () => {
    const name = '<script>alert("x")</script><b>rack</b>';
    const res = await submit(tester, {
      kind: 'fio',
      release: '8.3.0',
      content: fixture('fio/seed-seqread.json'),
      hardware: { ...hardware, name },
    }).expect(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const got = await request(app.getHttpServer()).get(`/api/v1/submissions/${res.body.id}`).expect(200);
    expect(got.body.hardware.name).toBe(name);
  });

  it('should accept small application/json bodies too', async () => {
    await request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set('authorization', tester)
      .send({ kind: 'fio', release: '8.3.0', content: fixture('fio/seed-seqwrite.json'), hardware })
      .expect(201);
  });
});

describe('community submissions rate limit', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app } = await createCommunityTestApp(db.url, { SHAKEDOWN_SUBMISSION_RATE_PER_MINUTE: '2' }));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('should answer 429 with Retry-After once a token spent its budget', async () => {
    const body = JSON.stringify({
      kind: 'fio',
      release: '8.3.0',
      content: fixture('fio/seed-randread.json'),
      hardware,
    });
    const send = () =>
      request(app.getHttpServer())
        .post('/api/v1/submissions')
        .set('authorization', `Bearer ${ADMIN_TOKEN}`)
        .set('content-type', SUBMISSION_TYPE)
        .send(body);
    await send().expect(201);
    await send().expect(200);
    const limited = await send().expect(429);
    expect(limited.body.error).toBe('SUBMISSION_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

import { INestApplication } from '@nestjs/common';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ADMIN_TOKEN, createCommunityTestApp } from 'test/fixtures/community/test-app';

/** Size, encoding and hostile text are refused before any route runs: 413, 415 or 400, never 500. */
describe('request guards', () => {
  let db: TestDatabase;
  let app: INestApplication;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app } = await createCommunityTestApp(db.url));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const tokens = async (): Promise<number> =>
    (await db.dataSource.query(`SELECT count(*)::int AS n FROM api_tokens`))[0].n as number;

  it('answers 415 to a compressed body (gzip bomb, brotli) without inflating it', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    for (const encoding of ['gzip', 'br', 'deflate']) {
      const res = await request(app.getHttpServer())
        .post('/api/v1/tokens')
        .set(auth)
        .set('content-type', 'application/json')
        .set('content-encoding', encoding)
        .send(bomb);
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ error: 'REQUEST_UNSUPPORTED_ENCODING' });
    }
  });

  it('answers 413 beyond the route limit and accepts large evidence on the manual route', async () => {
    const big = { name: 'x'.repeat(300 * 1024), role: 'tester' };
    const res = await request(app.getHttpServer()).post('/api/v1/tokens').set(auth).send(big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'REQUEST_TOO_LARGE' });
    // A 1 MB screenshot reaches the route (which then finds no such run): not refused for its size.
    const evidence = { outcome: 'passed', evidence: [{ name: 'shot.png', contentBase64: 'A'.repeat(1024 * 1024) }] };
    const manual = await request(app.getHttpServer())
      .post('/api/v1/runs/1/cases/abcdefabcdef/manual')
      .set(auth)
      .send(evidence);
    expect(manual.status).toBe(404);
  });

  it.each([
    ['NUL in a string', '{"name":"a\\u0000b","role":"tester"}', /body\.name: NUL character/],
    ['a lone surrogate', '{"name":"a\\ud800","role":"tester"}', /body\.name: lone UTF-16 surrogate/],
    ['nesting beyond 64 levels', `{"name":${'['.repeat(100)}${']'.repeat(100)}}`, /nested more than 64 levels/],
    ['malformed JSON', '{"name":', /^body: /],
  ])('answers 400 to %s and stores nothing', async (_what, body, message) => {
    const before = await tokens();
    const res = await request(app.getHttpServer())
      .post('/api/v1/tokens')
      .set(auth)
      .set('content-type', 'application/json')
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(await tokens()).toBe(before);
  });

  it('answers 404 to run numbers beyond the integer column and to ids that are no uuid', async () => {
    const server = app.getHttpServer();
    await request(server).get('/api/v1/runs/99999999999').expect(404);
    await request(server).get('/api/v1/runs/99999999999/cases').expect(404);
    await request(server).post('/api/v1/runs/99999999999/cancel').set(auth).expect(404);
    await request(server).post('/api/v1/runs/not-a-uuid/cancel').set(auth).expect(404);
    const compare = await request(server).get('/api/v1/compare?baseline=99999999999&candidate=99999999998');
    expect(compare.status).toBeLessThan(500);
  });

  it('sends security headers on every response, error answers and /api/docs included', async () => {
    const server = app.getHttpServer();
    for (const res of [
      await request(server).get('/api/v1/runs/99999999999'),
      await request(server).post('/api/v1/tokens').set('content-encoding', 'br').send('{}'),
      await request(server).get('/api/docs'),
      await request(server).get('/api/v1/health'),
    ]) {
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
      });
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    }
  });

  it('answers 400 to %00 in a path or query', async () => {
    for (const url of ['/api/v1/runs/1%00', '/api/v1/submissions?release=8.3%00']) {
      const res = await request(app.getHttpServer()).get(url);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'REQUEST_HOSTILE_TEXT' });
    }
  });
});

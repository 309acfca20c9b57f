import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { hashToken } from 'src/auth/token-secret';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ADMIN_TOKEN, createCommunityTestApp } from 'test/fixtures/community/test-app';

describe('API tokens', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let logs: string[];
  const admin = `Bearer ${ADMIN_TOKEN}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app, logs } = await createCommunityTestApp(db.url));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('should show a new token once and keep only its hash', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/v1/tokens')
      .set('authorization', admin)
      .send({ name: 'Alice', role: 'submitter', email: 'alice@example.org' })
      .expect(201);
    const token: string = res.body.token;
    expect(token).toMatch(/^shk_[A-Za-z0-9_-]{43}$/);
    expect(res.body).toMatchObject({
      name: 'Alice',
      role: 'submitter',
      status: 'active',
      tokenPrefix: token.slice(0, 12),
    });
    const rows = await db.dataSource.query('SELECT token_hash, token_prefix FROM api_tokens WHERE id = $1', [
      res.body.id,
    ]);
    expect(rows[0]).toEqual({ token_hash: hashToken(token), token_prefix: token.slice(0, 12) });
    const dump = JSON.stringify(await db.dataSource.query('SELECT * FROM api_tokens'));
    expect(dump).not.toContain(token);

    const list = await request(app.getHttpServer()).get('/api/v1/tokens').set('authorization', admin).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(list.body.find((t: { id: string }) => t.id === res.body.id)).toMatchObject({
      tokenPrefix: token.slice(0, 12),
    });

    const me = await request(app.getHttpServer())
      .get('/api/v1/whoami')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(me.body).toMatchObject({ name: 'Alice', role: 'submitter' });
    expect(logs.join('')).not.toContain(token);
  });

  it('should refuse a revoked token at once', async () => {
    const created = await request(app.getHttpServer())
      .post('/api/v1/tokens')
      .set('authorization', admin)
      .send({ name: 'Bob', role: 'tester' })
      .expect(201);
    const bearer = `Bearer ${created.body.token}`;
    await request(app.getHttpServer()).get('/api/v1/whoami').set('authorization', bearer).expect(200);
    const revoked = await request(app.getHttpServer())
      .post(`/api/v1/tokens/${created.body.id}/revoke`)
      .set('authorization', admin)
      .expect(200);
    expect(revoked.body.status).toBe('revoked');
    const res = await request(app.getHttpServer()).get('/api/v1/whoami').set('authorization', bearer).expect(401);
    expect(res.body.message).toContain('revoked');
    await request(app.getHttpServer())
      .post(`/api/v1/tokens/${created.body.id}/revoke`)
      .set('authorization', admin)
      .expect(409);
  });

  it('should let anyone register and only an admin approve', async () => {
    const reg = await request(app.getHttpServer()).post('/api/v1/registrations').send({ name: 'Carol' }).expect(201);
    expect(reg.body).toMatchObject({ role: 'submitter', status: 'pending' });
    const bearer = `Bearer ${reg.body.token}`;
    const pending = await request(app.getHttpServer()).get('/api/v1/whoami').set('authorization', bearer).expect(401);
    expect(pending.body.message).toContain('waiting for an admin');
    await request(app.getHttpServer())
      .post(`/api/v1/tokens/${reg.body.id}/approve`)
      .set('authorization', bearer)
      .expect(401);
    const approved = await request(app.getHttpServer())
      .post(`/api/v1/tokens/${reg.body.id}/approve`)
      .set('authorization', admin)
      .expect(200);
    expect(approved.body.status).toBe('active');
    await request(app.getHttpServer()).get('/api/v1/whoami').set('authorization', bearer).expect(200);
    await request(app.getHttpServer())
      .post(`/api/v1/tokens/${reg.body.id}/approve`)
      .set('authorization', admin)
      .expect(409);
  });

  it('should name the wrong field of a token request', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/v1/tokens')
      .set('authorization', admin)
      .send({ name: 'x', role: 'root' })
      .expect(400);
    expect(res.body.message).toMatch(/^role: /);
    const reg = await request(app.getHttpServer())
      .post('/api/v1/registrations')
      .send({ name: '', extra: 1 })
      .expect(400);
    expect(reg.body.message).toContain('name: must not be empty');
  });

  it('should say 404 for an unknown token id', async () => {
    await request(app.getHttpServer())
      .post('/api/v1/tokens/00000000-0000-4000-8000-000000000000/revoke')
      .set('authorization', admin)
      .expect(404);
    await request(app.getHttpServer()).post('/api/v1/tokens/not-a-uuid/revoke').set('authorization', admin).expect(404);
  });

  it('should rate-limit self-registration per address with Retry-After', async () => {
    let limited: request.Response | undefined;
    for (let i = 0; i < 10 && !limited; i++) {
      const res = await request(app.getHttpServer())
        .post('/api/v1/registrations')
        .send({ name: `spam ${i}` });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(201);
    }
    expect(limited).toBeDefined();
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

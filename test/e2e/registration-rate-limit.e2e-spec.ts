import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { createCommunityTestApp } from 'test/fixtures/community/test-app';

/**
 * Registration's rate limit (5 a minute) is per client address. X-Forwarded-For names that address
 * only when the operator says which proxy sets it (SHAKEDOWN_TRUST_PROXY); otherwise anyone could
 * pick a fresh address for every request and never be limited.
 */
describe('registration rate limit keyed on the address the server trusts', () => {
  let db: TestDatabase;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db?.close();
  });

  const register = (app: INestApplication, n: number, forwardedFor: string) =>
    request(app.getHttpServer())
      .post('/api/v1/registrations')
      .set('x-forwarded-for', forwardedFor)
      .send({ name: `Rate tester ${apps.length}-${n}` });

  it('should ignore X-Forwarded-For by default: six requests from one address, the sixth refused (429)', async () => {
    const { app } = await createCommunityTestApp(db.url);
    apps.push(app);
    for (let n = 0; n < 5; n++) await register(app, n, `198.51.100.${n}`).expect(201);
    const refused = await register(app, 5, '198.51.100.99').expect(429);
    expect(refused.body.message).toMatch(/too many registrations from this address/);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('should key on X-Forwarded-For when the proxy in front is trusted', async () => {
    const { app } = await createCommunityTestApp(db.url, { SHAKEDOWN_TRUST_PROXY: 'loopback' });
    apps.push(app);
    for (let n = 0; n < 5; n++) await register(app, n, '203.0.113.7').expect(201);
    await register(app, 5, '203.0.113.7').expect(429);
    await register(app, 6, '203.0.113.8').expect(201);
  });
});

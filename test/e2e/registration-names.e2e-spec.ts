import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ADMIN_TOKEN, createCommunityTestApp } from 'test/fixtures/community/test-app';

/** Names show next to results: an allow-list of characters, no reserved words, unique among live tokens. */
describe('token and registration names', () => {
  let db: TestDatabase;
  let app: INestApplication;
  const admin = `Bearer ${ADMIN_TOKEN}`;
  const tokens = async (): Promise<number> =>
    (await db.dataSource.query(`SELECT count(*)::int AS n FROM api_tokens`))[0].n as number;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app } = await createCommunityTestApp(db.url));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it.each([
    ['a right-to-left override', 'Mallory\u202Etxt.exe', /name: may hold letters, digits/],
    ['a zero-width space', 'Ali\u200Bce', /name: may hold letters, digits/],
    ['a newline', 'Eve\nadmin', /name: may hold letters, digits/],
    ['a slash', 'ops/root', /name: may hold letters, digits/],
    ['the word admin', 'Admin', /name: is reserved/],
    ['admin in full-width letters', '\uFF41\uFF44\uFF4D\uFF49\uFF4E', /name: is reserved/],
    ['a spaced-out reserved word', 'Sha-Kedown', /name: is reserved/],
    ['101 characters', 'x'.repeat(101), /name: must be at most 100 characters/],
  ])('should refuse %s (400, nothing stored)', async (_what, name, message) => {
    const before = await tokens();
    const res = await request(app.getHttpServer())
      .post('/api/v1/tokens')
      .set('authorization', admin)
      .send({ name, role: 'tester' })
      .expect(400);
    expect(res.body.message).toMatch(message);
    expect(await tokens()).toBe(before);
  });

  it.each(['Zoë Ångström', 'José-María O’Neill', 'Alice <community>', '李小龙', 'Lab team (Grenoble) & QA_2'])(
    'should accept the real name %s',
    async (name) => {
      const res = await request(app.getHttpServer())
        .post('/api/v1/tokens')
        .set('authorization', admin)
        .send({ name, role: 'tester' })
        .expect(201);
      expect(res.body.name).toBe(name);
    },
  );

  it('should refuse a registration under a live name, even in another case or with accents (409)', async () => {
    await request(app.getHttpServer()).post('/api/v1/registrations').send({ name: 'Carol Smith' }).expect(201);
    const before = await tokens();
    for (const name of ['carol smith', 'Cárol  Smith']) {
      const res = await request(app.getHttpServer()).post('/api/v1/registrations').send({ name }).expect(409);
      expect(res.body).toMatchObject({ error: 'NAME_TAKEN', message: expect.stringMatching(/^name: .* is taken/) });
    }
    expect(await tokens()).toBe(before);
  });
  it('should refuse an admin-created token under a live name (409 naming the field), and free it on revoke', async () => {
    const create = (name: string) =>
      request(app.getHttpServer()).post('/api/v1/tokens').set('authorization', admin).send({ name, role: 'tester' });
    const first = await create('Dana Lab').expect(201);
    const before = await tokens();
    for (const name of ['Dana Lab', 'dana-lab', 'DÁNA LAB']) {
      const res = await create(name).expect(409);
      expect(res.body).toMatchObject({ error: 'NAME_TAKEN', message: `name: "${name}" is taken; choose another` });
    }
    // A newcomer cannot take an admin-made name either.
    await request(app.getHttpServer()).post('/api/v1/registrations').send({ name: 'Dana lab' }).expect(409);
    expect(await tokens()).toBe(before);
    await request(app.getHttpServer())
      .post(`/api/v1/tokens/${first.body.id}/revoke`)
      .set('authorization', admin)
      .expect(200);
    await create('Dana Lab').expect(201);
  });

  it('should let exactly one of several racing creations of one name win: the database decides', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        request(app.getHttpServer())
          .post('/api/v1/tokens')
          .set('authorization', admin)
          .send({ name: 'Erin Race', role: 'submitter' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const live = await db.dataSource.query(`SELECT count(*)::int AS n FROM api_tokens WHERE name = 'Erin Race'`);
    expect(live[0].n).toBe(1);
  });
});

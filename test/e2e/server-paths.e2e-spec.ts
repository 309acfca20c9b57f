import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ResultsFactory } from 'test/utils/results-factory';
import { ADMIN_TOKEN, createCommunityTestApp } from 'test/fixtures/community/test-app';

/**
 * Text that quotes this server's files (an fs error stored as a case's reason, a campaign that is a
 * folder) reaches users without the absolute path: API answers, pages, exports and error answers.
 */
describe('no absolute server paths in answers', () => {
  const root = process.cwd();
  let db: TestDatabase;
  let app: INestApplication;
  let run: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app } = await createCommunityTestApp(db.url));
    const f = new ResultsFactory(db.dataSource);
    const r = await f.run({ campaignName: 'paths', release: '8.3.0' });
    await f.case(r, {
      scenario: 'vm.lifecycle',
      outcome: 'failed',
      reason: `ENOENT: no such file or directory, open '${root}/.shakedown/keys/lab.key'`,
    });
    run = r.number;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it.each([
    ['the cases API', () => `/api/v1/runs/${run}/cases`],
    ['the run API', () => `/api/v1/runs/${run}`],
    ['the run page', () => `/runs/${run}`],
    ['the bundle export', () => `/api/v1/runs/${run}/export?format=bundle`],
    ['the JUnit export', () => `/api/v1/runs/${run}/export?format=junit`],
  ])('should show the reason relative to the project in %s', async (_where, url) => {
    const res = await request(app.getHttpServer())
      .get(url())
      .buffer(true)
      .parse((r, done) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString('utf8')));
        r.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    const text = String(res.body);
    expect(text).not.toContain(root);
    if (!url().endsWith(String(run))) expect(text).toContain('./.shakedown/keys/lab.key');
  });

  it('should link each case of the JUnit export from the API by its absolute URL, as the CLI export does', async () => {
    const res = await request(app.getHttpServer()).get(`/api/v1/runs/${run}/export?format=junit`).expect(200);
    expect(res.text).toMatch(new RegExp(`https?://[^\\s<"]+/runs/${run}/cases/`));
  });

  it('should refuse a campaign that is a folder with a 400 that names no server path', async () => {
    for (const campaign of ['.', 'campaigns/..']) {
      const res = await request(app.getHttpServer())
        .post('/api/v1/runs')
        .set('authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ campaign, lab: 'nowhere' });
      expect([campaign, res.status]).toEqual([campaign, 400]);
      expect(JSON.stringify(res.body)).not.toContain(root);
    }
  });
});

import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { parseInventory } from 'src/lab/inventory.loader';
import { LabRepository } from 'src/lab/lab.repository';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { createResultsTestApp, TEST_ADMIN_TOKEN } from 'test/utils/results-factory';

/** A lab whose only host cannot be reached (a key file that does not exist, a closed port). */
const DEAD_LAB = {
  name: 'dead-lab',
  credentials: { k: { key_file: '/nonexistent/shakedown-gate-key' } },
  pools: [
    {
      name: 'pool-a',
      master: 'dead-a',
      hosts: [{ name: 'dead-a', address: '127.0.0.1', port: 1, credential: 'k' }],
    },
  ],
};

/**
 * Runs started from the API and the web /start page pass the same lab check as `run start`: a
 * failing lab is refused with its rows (409 LAB_NOT_READY) and nothing is queued, unless the caller
 * forces it, which the run records with who did it.
 */
describe('the lab check of runs started from the API and the web', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let tester = '';
  const runCount = async (): Promise<number> =>
    (await db.dataSource.query(`SELECT count(*)::int AS n FROM runs`))[0].n as number;

  beforeAll(async () => {
    db = await createTestDatabase();
    await new LabRepository(db.dataSource).upsertInventory(parseInventory(JSON.stringify(DEAD_LAB), 'dead lab'));
    ({ app } = await createResultsTestApp(db.url));
    const created = await request(app.getHttpServer())
      .post('/api/v1/tokens')
      .set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
      .send({ name: 'gate tester', role: 'tester' })
      .expect(201);
    tester = `Bearer ${created.body.token as string}`;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('refuses a run on a failing lab with the failing rows, and queues nothing', async () => {
    const before = await runCount();
    const res = await request(app.getHttpServer())
      .post('/api/v1/runs')
      .set('authorization', tester)
      .send({ campaign: 'demo.yaml', lab: 'dead-lab' })
      .expect(409);
    expect(res.body).toMatchObject({ error: 'LAB_NOT_READY' });
    expect(res.body.message).toMatch(/^lab dead-lab is not ready for .+ \(force to queue anyway\): /);
    expect(res.body.message).toMatch(/: \d+ checks fail /);
    expect(res.body.details.failing).toContainEqual(
      expect.objectContaining({
        check: 'SSH reachable, host key as pinned',
        subject: 'dead-a',
        fix: expect.any(String),
      }),
    );
    expect(await runCount()).toBe(before);
  });

  it('queues it with force, and the run records the failing rows and who forced it', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/v1/runs')
      .set('authorization', tester)
      .send({ campaign: 'demo.yaml', lab: 'dead-lab', force: true })
      .expect(201);
    expect(res.body.forced).toBe(true);
    const [run] = await db.dataSource.query(`SELECT options FROM runs WHERE id = $1`, [res.body.id]);
    expect(run.options.labCheck).toMatchObject({ forced: true, forcedBy: 'gate tester' });
    expect(run.options.labCheck.failing).toContainEqual(
      expect.objectContaining({ check: 'SSH reachable, host key as pinned', subject: 'dead-a' }),
    );
  });

  it('the web /start form refuses the same way, and starts with the box ticked', async () => {
    const before = await runCount();
    const refused = await request(app.getHttpServer())
      .post('/start')
      .set('authorization', tester)
      .type('form')
      .send({ campaign: 'demo.yaml', lab: 'dead-lab' })
      .expect(409);
    expect(refused.text).toContain('role="alert"');
    expect(refused.text).toMatch(/lab dead-lab is not ready for/);
    expect(await runCount()).toBe(before);
    const started = await request(app.getHttpServer())
      .post('/start')
      .set('authorization', tester)
      .type('form')
      .send({ campaign: 'demo.yaml', lab: 'dead-lab', force: 'on' })
      .expect(303);
    const number = Number(/\/runs\/(\d+)$/.exec(started.headers.location as string)?.[1]);
    const [run] = await db.dataSource.query(`SELECT options FROM runs WHERE number = $1`, [number]);
    expect(run.options.labCheck).toMatchObject({ forced: true, forcedBy: 'gate tester' });
  });
});

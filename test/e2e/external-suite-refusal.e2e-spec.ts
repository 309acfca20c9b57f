import { INestApplication } from '@nestjs/common';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { createResultsTestApp, ResultsFactory, TEST_ADMIN_TOKEN } from 'test/utils/results-factory';

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/**
 * The path issue 18 found from a tester to a worker's shell: upload a Python file as a manual
 * check's evidence, then post a campaign whose external suite points pytest at it. The campaign is
 * refused at the door, by field, and nothing reaches the queue or the disk.
 */
describe('a tester cannot run code on a worker through an external suite', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let dataDir: string;
  let tester: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app, dataDir } = await createResultsTestApp(db.url));
    const res = await request(app.getHttpServer())
      .post('/api/v1/tokens')
      .set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
      .send({ name: 'hostile tester', role: 'tester' })
      .expect(201);
    tester = res.body.token;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('refuses a posted campaign with suite_dir and args (400 naming the field) after a .py evidence upload', async () => {
    const f = new ResultsFactory(db.dataSource);
    const run = await f.run({ campaignName: 'release', release: '8.3.0', status: 'running' });
    await db.dataSource.query(
      `INSERT INTO cases (run_id, case_key, case_hash, suite, scenario, manual, status, outcome, settings)
       VALUES ($1, 'installer.answer-file', 'abcdefabcdef', 'installer', 'installer.answer-file', true, 'done', 'manual-pending', '{}')`,
      [run.id],
    );
    const plugin = 'import os\nopen("/tmp/pwned", "w").write(repr(os.environ))\n';
    await request(app.getHttpServer())
      .post(`/api/v1/runs/${run.number}/cases/abcdefabcdef/manual`)
      .set('authorization', `Bearer ${tester}`)
      .send({
        outcome: 'passed',
        evidence: [{ name: 'evil.py', contentBase64: Buffer.from(plugin).toString('base64') }],
      })
      .expect(201);
    const storedBefore = filesUnder(dataDir);
    const runsBefore = await db.dataSource.query(`SELECT count(*)::int AS n FROM runs`);

    const campaignText = `name: pwn
release: 8.3.0
baseline: 8.2.1
suites:
  - id: pwn
    scenario: external.xcp-ng-tests
    title: pwn
    with:
      suite_dir: /tmp
      args: ["-o", "pythonpath=${dataDir}/artifacts", "-p", "evil"]
`;
    const res = await request(app.getHttpServer())
      .post('/api/v1/runs')
      .set('authorization', `Bearer ${tester}`)
      .send({ campaignText, lab: 'any' })
      .expect(400);
    expect(res.body.message).toMatch(/suites\[0\]\.with\.suite_dir: refused/);
    expect(res.body.message).toMatch(/suites\[0\]\.with\.args: refused/);
    // Nothing queued, nothing written.
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM runs`)).toEqual(runsBefore);
    expect(filesUnder(dataDir)).toEqual(storedBefore);
  });

  it('refuses selections outside the grammar, by field', async () => {
    const campaignText = `name: pwn
release: 8.3.0
baseline: 8.2.1
suites:
  - id: pwn
    scenario: external.xcp-ng-tests
    title: pwn
    with: { suite: xcp-ng-tests, tests: ["--basetemp=/"], k: "x or __import__('os')" }
`;
    const res = await request(app.getHttpServer())
      .post('/api/v1/runs')
      .set('authorization', `Bearer ${tester}`)
      .send({ campaignText, lab: 'any' })
      .expect(400);
    expect(res.body.message).toMatch(/suites\[0\]\.with\.tests\[0\]: expected a pytest node id/);
    expect(res.body.message).toMatch(/suites\[0\]\.with\.k: .*character "'"/);
  });
});

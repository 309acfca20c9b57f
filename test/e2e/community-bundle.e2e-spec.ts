import { INestApplication } from '@nestjs/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { main } from 'src/cli/main';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { RunExportService } from 'src/reports/run-export.service';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ADMIN_TOKEN, createCommunityTestApp } from 'test/fixtures/community/test-app';

const HARDWARE = join(__dirname, '..', 'fixtures', 'community', 'hardware-r630.json');

/** Outcomes and measurements of a run, in a form two databases can be compared by. */
async function resultsOf(db: TestDatabase, runId: string): Promise<unknown> {
  const cases = await db.dataSource.query(
    `SELECT case_key, scenario, suite, params, outcome, error_code, reason, duration_ms FROM cases WHERE run_id = $1 ORDER BY case_key`,
    [runId],
  );
  const measurements = await db.dataSource.query(
    `SELECT case_key, metric, unit, direction, samples, value FROM measurements WHERE run_id = $1 ORDER BY case_key, metric`,
    [runId],
  );
  return { cases, measurements };
}

describe('shakedown submit', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let app: INestApplication;
  let url: string;
  let token: string;
  let runId: string;
  let bundleFile: string;
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-bundle-'));

  beforeAll(async () => {
    source = await createTestDatabase();
    target = await createTestDatabase();
    ({ app } = await createCommunityTestApp(target.url));
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const res = await request(app.getHttpServer())
      .post('/api/v1/tokens')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: 'Frank', role: 'submitter' })
      .expect(201);
    token = res.body.token;

    // A finished lab run in one Shakedown, with every kind of outcome and repeated measurements.
    const [run] = await source.dataSource.query(
      `INSERT INTO runs (campaign_name, release, baseline_release, origin, status, simulated, started_at, finished_at)
       VALUES ('xcp-ng-release', '8.3.0', '8.2.1', 'lab', 'finished', true, now(), now()) RETURNING id, number`,
    );
    runId = run.id;
    const cases: Array<[string, string, Record<string, string>, string, string | null, number]> = [
      ['basic.install-check', 'basic.install-check', {}, 'passed', null, 1200],
      [
        'migration.live[scope=intra-pool,storage=shared]',
        'migration.live',
        { scope: 'intra-pool', storage: 'shared' },
        'failed',
        'VM_BAD_POWER_STATE',
        5300,
      ],
      [
        'migration.live[scope=cross-pool,storage=shared]',
        'migration.live',
        { scope: 'cross-pool', storage: 'shared' },
        'xfailed',
        'VM_REQUIRES_SR',
        800,
      ],
      [
        'perf.fio[release=candidate,sr_kind=ext,workload=randread]',
        'perf.fio',
        { release: 'candidate', sr_kind: 'ext', workload: 'randread' },
        'passed',
        null,
        60000,
      ],
      ['guest-tools[os=windows]', 'guest-tools', { os: 'windows' }, 'skipped', null, 0],
    ];
    for (const [key, scenario, params, outcome, code, ms] of cases) {
      const [c] = await source.dataSource.query(
        `INSERT INTO cases (run_id, case_key, case_hash, suite, scenario, params, status, outcome, error_code, reason, duration_ms)
         VALUES ($1, $2, left(md5($2), 12), $3, $3, $4::jsonb, 'done', $5, $6, $7, $8) RETURNING id`,
        [runId, key, scenario, JSON.stringify(params), outcome, code, code ? `xe said ${code}` : null, ms],
      );
      if (scenario === 'perf.fio') {
        for (const [metric, unit, direction, samples] of [
          ['fio.read.iops', 'IOPS', 'higher', [101234.5, 99876.25, 100500]],
          ['fio.read.bw_bytes', 'B/s', 'higher', [414656512, 409092096, 411648000]],
        ] as const) {
          await source.dataSource.query(
            `INSERT INTO measurements (run_id, case_id, case_key, metric, unit, direction, samples, value, simulated)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)`,
            [runId, c.id, key, metric, unit, direction, samples, [...samples].sort((a, b) => a - b)[1]],
          );
        }
      }
    }
    const exporter = new RunExportService(new ResultsReadRepository(source.dataSource));
    const exported = await exporter.export(run.number, 'bundle');
    bundleFile = join(dir, exported.fileName);
    writeFileSync(bundleFile, exported.content);
  });
  afterAll(async () => {
    await app?.close();
    await source?.close();
    await target?.close();
  });

  it('should round-trip a bundle: export in one Shakedown, submit to another, same outcomes and measurements', async () => {
    const previous = process.env.SHAKEDOWN_TOKEN;
    process.env.SHAKEDOWN_TOKEN = token;
    try {
      const code = await main([
        'node',
        'shakedown',
        'submit',
        bundleFile,
        '--kind',
        'bundle',
        '--release',
        '8.3.0',
        '--hardware',
        HARDWARE,
        '--url',
        url,
      ]);
      expect(code).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.SHAKEDOWN_TOKEN;
      else process.env.SHAKEDOWN_TOKEN = previous;
    }
    const [submission] = await target.dataSource.query(`SELECT run_id, status, kind FROM submissions`);
    expect(submission).toMatchObject({ status: 'pending', kind: 'bundle' });
    const [run] = await target.dataSource.query(`SELECT origin, simulated, baseline_release FROM runs WHERE id = $1`, [
      submission.run_id,
    ]);
    expect(run).toEqual({ origin: 'submission', simulated: true, baseline_release: '8.2.1' });
    expect(await resultsOf(target, submission.run_id)).toEqual(await resultsOf(source, runId));
  });

  it('should say what the server refused, without printing the token', async () => {
    const writes: string[] = [];
    const spy = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
    try {
      const code = await main([
        'node',
        'shakedown',
        'submit',
        bundleFile,
        '--kind',
        'bundle',
        '--release',
        '8.2.1',
        '--hardware',
        HARDWARE,
        '--url',
        url,
        '--token',
        token,
      ]);
      expect(code).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(writes.join('')).toMatch(
      /submission refused \(400 SUBMISSION_INVALID\): release: the submission says 8\.2\.1 but the bundle's run tested 8\.3\.0/,
    );
    expect(writes.join('')).not.toContain(token);
  });

  it('should stop with a usage error without a token or a hardware profile', async () => {
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const env = process.env.SHAKEDOWN_TOKEN;
      delete process.env.SHAKEDOWN_TOKEN;
      expect(
        await main([
          'node',
          'shakedown',
          'submit',
          bundleFile,
          '--kind',
          'bundle',
          '--release',
          '8.3.0',
          '--hardware',
          HARDWARE,
          '--url',
          url,
        ]),
      ).toBe(2);
      if (env !== undefined) process.env.SHAKEDOWN_TOKEN = env;
      expect(
        await main([
          'node',
          'shakedown',
          'submit',
          bundleFile,
          '--kind',
          'bundle',
          '--release',
          '8.3.0',
          '--url',
          url,
          '--token',
          token,
        ]),
      ).toBe(2);
      expect(
        await main([
          'node',
          'shakedown',
          'submit',
          bundleFile,
          '--kind',
          'pdf',
          '--release',
          '8.3.0',
          '--url',
          url,
          '--token',
          token,
        ]),
      ).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });
});

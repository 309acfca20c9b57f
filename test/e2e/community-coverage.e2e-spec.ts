import { INestApplication } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { CampaignCatalog } from 'src/community/campaign-catalog';
import { hardwareClass } from 'src/lab/hardware-class';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ADMIN_TOKEN, createCommunityTestApp } from 'test/fixtures/community/test-app';

const FIXTURES = join(__dirname, '..', 'fixtures');
const fixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');
const hardware = JSON.parse(fixture('community/hardware-r630.json'));
const R630 = hardwareClass(hardware);
const LAB_CLASS = 'amd-epyc-7003 / mlx5_core / nvme';
const RELEASE = '8.3.0';

describe('coverage, what to test next, hardware results', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let tester: string;
  let submitter: string;
  const campaign = new CampaignCatalog().forRelease(RELEASE)!;
  const single = campaign.cases.filter(
    (c) =>
      !c.manual && !c.settings.requires.pools && !c.settings.requires.hosts_per_pool && !c.settings.requires.sr_kinds,
  );
  const passedInLab = single[0]!.caseKey;
  const failedInLab = single[1]!.caseKey;
  const fioExt = 'perf.fio[release=candidate,sr_kind=ext,workload=randwrite]';
  let fioA: string;
  let fioB: string;

  async function issue(role: string, name: string): Promise<string> {
    const res = await request(app.getHttpServer())
      .post('/api/v1/tokens')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name, role })
      .expect(201);
    return `Bearer ${res.body.token}`;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app } = await createCommunityTestApp(db.url));
    tester = await issue('tester', 'Core tester');
    submitter = await issue('submitter', 'Dana');
    // A core-lab run of the release, as the execution engine records it.
    const [run] = await db.dataSource.query(
      `INSERT INTO runs (campaign_name, release, origin, status, lab_snapshot) VALUES ($1, $2, 'lab', 'finished', $3::jsonb) RETURNING id`,
      [campaign.name, RELEASE, JSON.stringify({ hosts: [{ name: 'h1', hardwareClass: LAB_CLASS }] })],
    );
    for (const [key, outcome] of [
      [passedInLab, 'passed'],
      [failedInLab, 'failed'],
    ]) {
      await db.dataSource.query(
        `INSERT INTO cases (run_id, case_key, case_hash, suite, scenario, status, outcome) VALUES ($1, $2, 'h', 's', 's', 'done', $3)`,
        [run.id, key, outcome],
      );
    }
    const send = (token: string, content: string, extra: Record<string, unknown> = {}) =>
      request(app.getHttpServer())
        .post('/api/v1/submissions')
        .set('authorization', token)
        .set('content-type', 'application/vnd.shakedown.submission+json')
        .send(
          JSON.stringify({ kind: 'fio', release: RELEASE, content, hardware, params: { sr_kind: 'ext' }, ...extra }),
        );
    fioA = (await send(tester, fixture('fio/seed-randwrite.json')).expect(201)).body.id;
    // Pending: must not count anywhere public.
    await send(submitter, fixture('fio/seed-randread.json')).expect(201);
    const other = {
      ...hardware,
      name: 'other box',
      cpu: { ...hardware.cpu, model: 'AMD EPYC 7302 16-Core Processor' },
    };
    const secondTester = await issue('tester', 'Erin');
    // The same workload on another system, slower.
    const slower = fixture('fio/seed-randwrite.json').replace('"iops" : 119276.361819', '"iops" : 59638.180909');
    fioB = (await send(secondTester, slower, { hardware: other }).expect(201)).body.id;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('should show every campaign case × hardware class, by whom and with what outcome', async () => {
    const res = await request(app.getHttpServer()).get(`/api/v1/releases/${RELEASE}/coverage`).expect(200);
    const report = res.body;
    expect(report.campaign).toBe(campaign.name);
    expect(report.cases).toHaveLength(campaign.cases.length);
    expect(report.hardwareClasses).toEqual(expect.arrayContaining([LAB_CLASS, R630]));
    const row = (key: string) => report.cases.find((c: { caseKey: string }) => c.caseKey === key);
    expect(row(passedInLab).cells[LAB_CLASS]).toEqual({
      outcome: 'passed',
      covered: true,
      by: ['core lab'],
      results: 1,
    });
    expect(row(failedInLab).cells[LAB_CLASS]).toMatchObject({ outcome: 'failed', covered: true });
    expect(row(fioExt).cells[R630]).toEqual({ outcome: 'passed', covered: true, by: ['Core tester'], results: 1 });
    // The pending randread submission counts nowhere.
    expect(row('perf.fio[release=candidate,sr_kind=ext,workload=randread]').coveredOn).toEqual([]);
    expect(report.totals).toMatchObject({ cases: campaign.cases.length, failing: 1 });
    expect(report.totals.covered).toBeGreaterThanOrEqual(3);
    expect(report.totals.uncovered).toBe(report.totals.cases - report.totals.covered);
  });

  it('should put never-covered cases first, then failing elsewhere, then passing elsewhere, and skip what the testbed cannot serve', async () => {
    const res = await request(app.getHttpServer())
      .get(`/api/v1/releases/${RELEASE}/next`)
      .query({ hardware_class: R630, limit: 500 })
      .expect(200);
    const keys: string[] = res.body.cases.map((c: { caseKey: string }) => c.caseKey);
    const tiers: number[] = res.body.cases.map((c: { tier: number }) => c.tier);
    expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
    expect(keys).not.toContain(fioExt);
    const failing = res.body.cases.find((c: { caseKey: string }) => c.caseKey === failedInLab);
    expect(failing).toMatchObject({ tier: 1, coveredOn: [LAB_CLASS] });
    expect(keys.indexOf(failedInLab)).toBeLessThan(keys.indexOf(passedInLab));
    const twoPools = campaign.cases.find((c) => (c.settings.requires.pools ?? 1) >= 2)!;
    expect(keys).not.toContain(twoPools.caseKey);
    const more = await request(app.getHttpServer())
      .get(`/api/v1/releases/${RELEASE}/next`)
      .query({ hardware_class: R630, pools: 2, hosts_per_pool: 2, sr_kinds: 'ext,lvm,nfs', limit: 500 })
      .expect(200);
    expect(more.body.cases.map((c: { caseKey: string }) => c.caseKey)).toContain(twoPools.caseKey);
  });

  it('should take a hardware profile instead of a class (submitters only)', async () => {
    await request(app.getHttpServer()).post(`/api/v1/releases/${RELEASE}/next`).send({ hardware }).expect(401);
    const res = await request(app.getHttpServer())
      .post(`/api/v1/releases/${RELEASE}/next`)
      .set('authorization', submitter)
      .send({ hardware })
      .expect(200);
    expect(res.body.hardwareClass).toBe(R630);
    const bad = await request(app.getHttpServer())
      .post(`/api/v1/releases/${RELEASE}/next`)
      .set('authorization', submitter)
      .send({ hardware: { ...hardware, memoryBytes: 'lots' } })
      .expect(400);
    expect(bad.body.message).toMatch(/^hardware\.memoryBytes: /);
  });

  it('should list hardware classes from accepted submissions only', async () => {
    const res = await request(app.getHttpServer()).get('/api/v1/hardware').expect(200);
    expect(res.body.map((c: { hardwareClass: string }) => c.hardwareClass).sort()).toEqual(
      [R630, 'amd-epyc-7002 / ixgbe / megaraid_sas'].sort(),
    );
    expect(res.body.find((c: { hardwareClass: string }) => c.hardwareClass === R630)).toMatchObject({
      submissions: 1,
      systems: 1,
      releases: [RELEASE],
    });
  });

  it("should compare two systems' fio numbers side by side", async () => {
    const res = await request(app.getHttpServer())
      .get('/api/v1/hardware/compare')
      .query({ a: fioA, b: fioB })
      .expect(200);
    expect(res.body.a).toMatchObject({ submission: fioA, hardwareClass: R630, name: 'rack 3 R630' });
    expect(res.body.b).toMatchObject({ submission: fioB, name: 'other box' });
    const iops = res.body.metrics.find((m: { metric: string }) => m.metric === 'fio.write.iops');
    expect(iops).toMatchObject({ unit: 'IOPS', direction: 'higher', a: expect.any(Number), b: expect.any(Number) });
    expect(iops).toMatchObject({ a: 119276.361819, b: 59638.180909, better: 'a' });
    expect(iops.ratio).toBeCloseTo(0.5, 6);
    await request(app.getHttpServer()).get('/api/v1/hardware/compare').query({ a: fioA }).expect(400);
  });
});

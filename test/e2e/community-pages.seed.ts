import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Queryable } from 'src/common/sql/queryable';
import { CampaignCatalog } from 'src/community/campaign-catalog';
import { queryRows } from 'src/database/sql';
import { hardwareClass } from 'src/lab/hardware-class';
import { TEST_ADMIN_TOKEN } from 'test/utils/results-factory';

const FIXTURES = join(__dirname, '..', 'fixtures');
export const fixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

export const RELEASE = '8.3.0';
export const LAB_CLASS = 'amd-epyc-7003 / mlx5_core / nvme';
export const HOSTILE_NAME = '<script>window.__pwned = 1</script><b>box</b>';
export const FIO_RANDWRITE = 'perf.fio[release=candidate,sr_kind=ext,workload=randwrite]';
export const FIO_RANDREAD = 'perf.fio[release=candidate,sr_kind=ext,workload=randread]';

export const r630 = JSON.parse(fixture('community/hardware-r630.json')) as Record<string, any>;
/** Accepted (a tester's), named with HTML. */
export const hostileBox = { ...r630, name: HOSTILE_NAME };
/** Accepted too, another CPU generation: the other side of the comparison. */
export const epycBox = { ...r630, name: 'epyc box', cpu: { ...r630.cpu, model: 'AMD EPYC 7302 16-Core Processor' } };
/** Pending (a submitter's): must show nowhere public. */
export const pendingBox = {
  ...r630,
  name: 'pending box',
  cpu: { ...r630.cpu, model: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz' },
};

export interface CommunitySeed {
  campaign: NonNullable<ReturnType<CampaignCatalog['forRelease']>>;
  passedInLab: string;
  failedInLab: string;
  hostileId: string;
  epycId: string;
  pendingId: string;
  pendingRunNumber: number;
  acceptedRunNumber: number;
  labRunNumber: number;
  submitter: string;
}

async function issue(app: INestApplication, role: string, name: string): Promise<string> {
  const res = await request(app.getHttpServer())
    .post('/api/v1/tokens')
    .set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
    .send({ name, role })
    .expect(201);
  return `Bearer ${res.body.token}`;
}

/**
 * A core-lab run of 8.3.0 (one case passed, one failed), two accepted fio submissions from testers
 * (one on a system named with HTML), and a pending fio submission from a submitter on a third class.
 */
export async function seedCommunity(app: INestApplication, db: Queryable): Promise<CommunitySeed> {
  const campaign = new CampaignCatalog().forRelease(RELEASE)!;
  const single = campaign.cases.filter((c) => !c.manual && !c.settings.requires.pools);
  const passedInLab = single[0]!.caseKey;
  const failedInLab = single[1]!.caseKey;
  const [lab] = await queryRows(
    db,
    `INSERT INTO runs (campaign_name, release, origin, status, lab_snapshot, finished_at)
     VALUES ($1, $2, 'lab', 'finished', $3::jsonb, now()) RETURNING id, number`,
    [campaign.name, RELEASE, JSON.stringify({ hosts: [{ name: 'h1', hardwareClass: LAB_CLASS }] })],
  );
  for (const [key, outcome] of [
    [passedInLab, 'passed'],
    [failedInLab, 'failed'],
  ]) {
    await queryRows(
      db,
      `INSERT INTO cases (run_id, case_key, case_hash, suite, scenario, status, outcome, finished_at)
       VALUES ($1, $2, md5($2), 's', 's', 'done', $3, now())`,
      [lab.id, key, outcome],
    );
  }
  const tester = await issue(app, 'tester', 'Core <i> tester');
  const other = await issue(app, 'tester', 'Erin');
  const submitter = await issue(app, 'submitter', 'Dana');
  const send = async (token: string, content: string, hardware: unknown): Promise<string> => {
    const res = await request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set('authorization', token)
      .set('content-type', 'application/vnd.shakedown.submission+json')
      .send(JSON.stringify({ kind: 'fio', release: RELEASE, content, hardware, params: { sr_kind: 'ext' } }))
      .expect(201);
    return res.body.id as string;
  };
  const hostileId = await send(tester, fixture('fio/seed-randwrite.json'), hostileBox);
  const slower = fixture('fio/seed-randwrite.json').replace('"iops" : 119276.361819', '"iops" : 59638.180909');
  const epycId = await send(other, slower, epycBox);
  const pendingId = await send(submitter, fixture('fio/seed-randread.json'), pendingBox);
  const runNumberOf = async (id: string): Promise<number> => {
    const [row] = await queryRows(
      db,
      `SELECT r.number FROM submissions s JOIN runs r ON r.id = s.run_id WHERE s.id = $1`,
      [id],
    );
    return Number(row.number);
  };
  const [status] = await queryRows(db, `SELECT status FROM submissions WHERE id = $1`, [pendingId]);
  if (status.status !== 'pending') throw new Error(`the submitter's submission should be pending, is ${status.status}`);
  return {
    campaign,
    passedInLab,
    failedInLab,
    hostileId,
    epycId,
    pendingId,
    pendingRunNumber: await runNumberOf(pendingId),
    acceptedRunNumber: await runNumberOf(hostileId),
    labRunNumber: Number(lab.number),
    submitter,
  };
}

export const classOf = (profile: Record<string, any>): string => hardwareClass(profile as any);

import { writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import {
  createResultsTestApp,
  DemoRuns,
  ResultsFactory,
  ResultsTestApp,
  seedDemoRuns,
  TEST_ADMIN_TOKEN,
} from 'test/utils/results-factory';
import { createTestDatabase, TestDatabase } from 'test/utils/database';

describe('result pages and their JSON API', () => {
  let db: TestDatabase;
  let t: ResultsTestApp;
  let demo: DemoRuns;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await seedDemoRuns(new ResultsFactory(db.dataSource));
    t = await createResultsTestApp(db.url);
  });
  afterAll(async () => {
    await t?.app.close();
    await db?.close();
  });

  it('should list recent runs on the dashboard with pass rates, new failures and the simulated badge', async () => {
    const res = await http()
      .get('/')
      .expect(200)
      .expect('content-type', /text\/html/);
    expect(res.text).toContain(`href="/runs/${demo.candidate.number}"`);
    expect(res.text).toContain('SIMULATED');
    const api = await http().get('/api/v1/runs').expect(200);
    const cand = api.body.find((r: any) => r.number === demo.candidate.number);
    expect(cand).toMatchObject({
      release: '8.3.0',
      simulated: true,
      newFailures: 2,
      counts: { failures: 3, total: 9 },
    });
  });

  it('should show the run matrix by the two axes with most values, failure groups and what changed', async () => {
    const res = await http().get(`/runs/${demo.candidate.number}`).expect(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    // sr has 3 values, vm 3 (linux, windows, hostile); ties break by name: sr then vm.
    expect(res.text).toMatch(/<strong>sr<\/strong> · rows: <strong>vm<\/strong>/);
    expect(res.text).toMatch(/data-state="failed"/);
    expect(res.text).toContain('VM_BAD_POWER_STATE: The VM must be &lt;N&gt; in state running');
    expect(res.text).toMatch(/<span class="badge o-xpassed">NEW<\/span> <strong>2 case\(s\)<\/strong>/);
    expect(res.text).toMatch(/<code>xapi<\/code><\/td><td>1\.249\.0<\/td><td>24\.16\.0<\/td><td>changed<\/td>/);
    expect(res.text).toMatch(/<code>qemu-dp<\/code><\/td><td><\/td><td>7\.0<\/td><td>added<\/td>/);
  });

  it('should honour the axes and filters given in the query', async () => {
    const res = await http().get(`/runs/${demo.candidate.number}?x=vm&y=sr&outcome=failed`).expect(200);
    expect(res.text).toMatch(/<strong>vm<\/strong> · rows: <strong>sr<\/strong>/);
    // Handlebars escapes `=` too (as &#x3D;).
    expect(res.text).toContain('migration.live[sr&#x3D;iscsi,vm&#x3D;linux]');
    expect(res.text).not.toContain(demo.hostile.caseHash);
    const api = await http().get(`/api/v1/runs/${demo.candidate.number}/cases?outcome=failed`).expect(200);
    expect(api.body.map((c: any) => c.caseKey).sort()).toEqual([
      'migration.live[sr=iscsi,vm=linux]',
      'migration.live[sr=iscsi,vm=windows]',
    ]);
  });

  it('should escape a hostile case name, reason and output on every page', async () => {
    const pages = [
      `/runs/${demo.candidate.number}`,
      `/runs/${demo.candidate.number}/cases/${demo.hostile.caseHash}`,
      `/cases/${demo.hostile.caseHash}/history`,
    ];
    for (const url of pages) {
      const res = await http().get(url).expect(200);
      expect(res.text).not.toContain('<script>window.__pwned');
      expect(res.text).not.toContain('<img src=x');
      expect(res.text).toContain('&lt;script&gt;window.__pwned &#x3D; 1&lt;/script&gt;');
    }
  });

  it('should keep hostile text inside JSON chart data from closing the script tag', async () => {
    const res = await http()
      .get(`/compare?baseline=${demo.baseline.number}&candidate=${demo.candidate.number}`)
      .expect(200);
    const blocks = [...res.text.matchAll(/<script type="application\/json" data-chart="[^"]+">([\s\S]*?)<\/script>/g)];
    expect(blocks.length).toBeGreaterThan(0);
    for (const [, body] of blocks) {
      expect(body).not.toContain('<');
      expect(() => JSON.parse(body!)).not.toThrow();
    }
  });

  it('should show the case page with params, attempts, steps with command, output, exit code, and measurements', async () => {
    const res = await http().get(`/runs/${demo.candidate.number}/cases/${demo.failing.caseHash}`).expect(200);
    expect(res.text).toContain('xe vm-migrate live&#x3D;true');
    expect(res.text).toContain('The VM must be 1 in state running');
    expect(res.text).toMatch(/<td class="num">1<\/td><td class="num">250 ms<\/td>/);
    expect(res.text).toContain('VM_BAD_POWER_STATE');
  });

  it('should compare two runs with verdicts: the 20 % read IOPS drop regressed, writes unchanged', async () => {
    const res = await http()
      .get(`/api/v1/compare?baseline=${demo.baseline.number}&candidate=${demo.candidate.number}`)
      .expect(200);
    const row = (key: string, metric: string) => res.body.rows.find((r: any) => r.key === key && r.metric === metric);
    expect(row('storage.fio[rw=read,sr=local]', 'fio.read.iops')).toMatchObject({
      verdict: 'regressed',
      status: 'compared',
    });
    expect(row('storage.fio[rw=read,sr=local]', 'fio.read.iops').deltaPct).toBeGreaterThan(-25);
    expect(row('storage.fio[rw=read,sr=local]', 'fio.read.iops').deltaPct).toBeLessThan(-15);
    expect(row('storage.fio[rw=read,sr=local]', 'fio.read.iops').ciLow).toBeLessThan(
      row('storage.fio[rw=read,sr=local]', 'fio.read.iops').ciHigh,
    );
    expect(row('storage.fio[rw=write,sr=local]', 'fio.write.iops').verdict).toBe('unchanged');
    expect(res.body.simulated).toBe(true);
    expect(res.body.outcomeChanges.filter((c: any) => c.kind === 'new-failure')).toHaveLength(2);
    // The two passed → failed migrations count as regressions, next to the IOPS drop.
    expect(res.body.verdictCounts.regressed).toBe(3);
    const page = await http()
      .get(`/compare?baseline=${demo.baseline.number}&candidate=${demo.candidate.number}`)
      .expect(200);
    expect(page.text).toContain('<span class="v-regressed"');
    expect(page.text).toMatch(/<span class="muted">regressed<\/span><b class="v-regressed">3<\/b>/);
    expect(page.text).toContain('src="/static/chart.umd.js"');
  });

  it('should compare two releases inside one run, lining cases up without the release parameter', async () => {
    const res = await http().get(`/api/v1/compare?run=${demo.twoReleases.number}`).expect(200);
    expect(res.body.mode).toBe('releases');
    const byKey = Object.fromEntries(res.body.rows.map((r: any) => [r.key, r]));
    expect(byKey['storage.fio[bs=4k]']).toMatchObject({ verdict: 'improved' });
    expect(byKey['storage.fio[bs=1m]']).toMatchObject({ verdict: 'unchanged' });
    await http().get(`/runs/${demo.twoReleases.number}/compare`).expect(200);
    const noRelease = await http().get(`/runs/${demo.baseline.number}/compare`).expect(400);
    expect(noRelease.text).toContain('no cases with a &#x27;release&#x27; parameter');
  });

  it('should compare a run with the last good run of each case', async () => {
    const res = await http().get(`/api/v1/compare?run=${demo.candidate.number}&against=last-good`).expect(200);
    expect(res.body.mode).toBe('last-good');
    expect(res.body.baseline.label).toContain(`runs ${demo.baseline.number}`);
    expect(res.body.rows.find((r: any) => r.metric === 'fio.read.iops').verdict).toBe('regressed');
  });

  it('should show the history of a case key with a trend chart', async () => {
    const key = 'storage.fio[rw=read,sr=local]';
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
    const res = await http().get(`/cases/${hash}/history`).expect(200);
    expect(res.text).toContain('"kind":"trend"');
    expect(res.text).toContain(`href="/runs/${demo.baseline.number}/cases/${hash}"`);
    const api = await http().get(`/api/v1/cases/${hash}/history`).expect(200);
    expect(api.body.map((e: any) => e.runNumber)).toEqual([demo.baseline.number, demo.candidate.number]);
  });

  it('should render a run that has no case yet, and its live fragment', async () => {
    const empty = await new ResultsFactory(db.dataSource).run({ status: 'queued', campaignName: 'empty' });
    const page = await http().get(`/runs/${empty.number}`).expect(200);
    expect(page.text).toContain('No failures.');
    expect(page.text).toContain('data-status="queued"');
    const live = await http().get(`/runs/${empty.number}/live`).expect(200);
    expect(live.text).not.toContain('<html');
    expect(live.text).toContain('data-status="queued"');
  });

  it('should answer unknown runs, cases and artifacts with 404 pages and JSON errors', async () => {
    const page = await http().get('/runs/9999').expect(404).expect('content-type', /html/);
    expect(page.text).toContain('run 9999 does not exist');
    await http()
      .get('/api/v1/runs/9999')
      .expect(404)
      .expect((r) => expect(r.body.error).toBe('REPORT_RUN_NOT_FOUND'));
    await http().get(`/runs/${demo.candidate.number}/cases/ffffffffffff`).expect(404);
    await http().get('/runs/abc').expect(400);
    await http()
      .get(`/artifacts/${'0'.repeat(64)}`)
      .expect(404);
    await http().get('/artifacts/..%2F..%2Fetc%2Fpasswd').expect(404);
    await http().get('/compare?baseline=1').expect(400);
  });

  it('should serve Chart.js and the page scripts from this server', async () => {
    const chart = await http().get('/static/chart.umd.js').expect(200);
    expect(chart.headers['content-type']).toMatch(/javascript/);
    expect(chart.text).toContain('Chart');
    await http().get('/static/js/charts.js').expect(200);
    await http().get('/static/css/shakedown.css').expect(200);
  });

  it('should download an artifact as an attachment and show the tail of a log on the case page', async () => {
    const content = Array.from({ length: 200 }, (_, i) => `line ${i} <b>log</b>`).join('\n');
    const sha = createHash('sha256').update(content).digest('hex');
    mkdirSync(join(t.dataDir, 'artifacts', sha.slice(0, 2)), { recursive: true });
    writeFileSync(join(t.dataDir, 'artifacts', sha.slice(0, 2), sha), content);
    await new ResultsFactory(db.dataSource).artifact(demo.failing, {
      name: 'xensource.log',
      sha256: sha,
      sizeBytes: Buffer.byteLength(content),
    });
    const res = await http().get(`/artifacts/${sha}`).expect(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="xensource.log"');
    expect(res.text).toBe(content);
    const page = await http().get(`/runs/${demo.candidate.number}/cases/${demo.failing.caseHash}`).expect(200);
    expect(page.text).toContain('line 199 &lt;b&gt;log&lt;/b&gt;');
    expect(page.text).not.toContain('line 100 ');
  });

  it('should let a tester link a signature to a known issue, carried to every run with that signature', async () => {
    const signature = 'VM_BAD_POWER_STATE: The VM must be <N> in state running';
    const body = { signature, url: 'https://github.com/xcp-ng/xcp/issues/42', note: 'fixed in xapi 24.17' };
    await http().post('/api/v1/known-issues').send(body).expect(401);
    await http()
      .post('/api/v1/known-issues')
      .set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
      .send({ ...body, url: 'javascript:alert(1)' })
      .expect(400);
    const res = await http()
      .post('/api/v1/known-issues')
      .set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
      .send(body)
      .expect(201);
    expect(res.body).toMatchObject({ signature, url: body.url });
    // A later run where the same signature appears shows the link.
    const f = new ResultsFactory(db.dataSource);
    const later = await f.run({ release: '8.3.1' });
    await f.case(later, { outcome: 'failed', signature, errorCode: 'VM_BAD_POWER_STATE' });
    const page = await http().get(`/runs/${later.number}`).expect(200);
    expect(page.text).toContain('href="https://github.com/xcp-ng/xcp/issues/42"');
    expect(page.text).toContain('fixed in xapi 24.17');
  });
});

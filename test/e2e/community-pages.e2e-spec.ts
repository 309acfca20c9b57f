import request from 'supertest';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { createResultsTestApp, ResultsTestApp, TEST_ADMIN_TOKEN } from 'test/utils/results-factory';
import {
  classOf,
  CommunitySeed,
  FIO_RANDREAD,
  FIO_RANDWRITE,
  HOSTILE_NAME,
  hostileBox,
  LAB_CLASS,
  pendingBox,
  RELEASE,
  seedCommunity,
} from 'test/e2e/community-pages.seed';

/** The cells of the heatmap row of one case, as `data-state` values in column order. */
function rowStates(html: string, caseKey: string): string[] {
  const escaped = caseKey.replace(/=/g, '&#x3D;');
  const start = html.indexOf(`<code>${escaped}</code>`);
  if (start < 0) throw new Error(`no heatmap row for ${caseKey}`);
  const row = html.slice(start, html.indexOf('</tr>', start));
  return [...row.matchAll(/data-state="([^"]+)"/g)].map((m) => m[1]!);
}

describe('community pages: coverage, hardware classes, system comparison', () => {
  let db: TestDatabase;
  let t: ResultsTestApp;
  let seed: CommunitySeed;
  const http = () => request(t.app.getHttpServer());
  const hostileClass = classOf(hostileBox);
  const pendingClass = classOf(pendingBox);

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createResultsTestApp(db.url);
    seed = await seedCommunity(t.app, db.dataSource);
  });
  afterAll(async () => {
    await t?.app.close();
    await db?.close();
  });

  describe('coverage', () => {
    it('should link the coverage pages from the nav and list releases with results', async () => {
      const home = await http().get('/').expect(200);
      expect(home.text).toContain('<a href="/coverage">Coverage</a>');
      const res = await http().get('/coverage').expect(200);
      expect(res.text).toContain(`<a href="/releases/${RELEASE}/coverage">${RELEASE}</a>`);
    });

    it('should draw every campaign case × hardware class, colored by outcome, with who and when on hover', async () => {
      const res = await http().get(`/releases/${RELEASE}/coverage`).expect(200);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      const cases = seed.campaign.cases.length;
      const rows = res.text.match(/<tr data-suite=/g) ?? [];
      expect(rows).toHaveLength(cases);
      // Columns: the lab's class and the two accepted submissions' classes, sorted; never the pending one.
      const classes = [LAB_CLASS, hostileClass, classOf({ ...hostileBox, cpu: { model: 'AMD EPYC 7302' } })].sort();
      const header = res.text.slice(res.text.indexOf('<table id="coverage-heatmap">'));
      const headerCells = [...header.slice(0, header.indexOf('</thead>')).matchAll(/<th class="hw" title="([^"]+)"/g)];
      expect(headerCells.map((m) => m[1])).toEqual(classes);
      expect(res.text).not.toContain(pendingClass);
      const lab = classes.indexOf(LAB_CLASS);
      expect(rowStates(res.text, seed.passedInLab)[lab]).toBe('passed');
      expect(rowStates(res.text, seed.failedInLab)[lab]).toBe('failed');
      expect(rowStates(res.text, FIO_RANDWRITE)).toEqual(
        classes.map((c) => (c === LAB_CLASS ? 'uncovered' : 'passed')),
      );
      // The pending submission's randread counts nowhere.
      expect(rowStates(res.text, FIO_RANDREAD)).toEqual(classes.map(() => 'uncovered'));
      expect(res.text).toMatch(
        /class="heat o-passed" data-state="passed" data-covered="true" title="amd-epyc-7003 \/ mlx5_core \/ nvme: passed\nby core lab\nlast result \d{4}-\d\d-\d\d \d\d:\d\d UTC\n1 result\(s\)"/,
      );
      // The submitter's name is user text: escaped in the hover text.
      expect(res.text).toContain('by Core &lt;i&gt; tester');
      expect(res.text).not.toContain('<i> tester');
      expect(res.text).toContain(`id="covered-count">3 of ${cases}<`);
      expect(res.text).toContain(
        `<code>${LAB_CLASS}</code></td><td class="num">2 of ${cases}</td><td class="num">1</td>`,
      );
      expect(res.text).toContain('<script type="application/json" data-chart="coverage-by-class">');
      expect(res.text).toContain('<script src="/static/chart.umd.js"></script>');
    });

    it('should filter the heatmap by suite', async () => {
      const res = await http().get(`/releases/${RELEASE}/coverage`).query({ suite: 'perf-fio' }).expect(200);
      const fio = seed.campaign.cases.filter((c) => c.suite === 'perf-fio').length;
      expect(res.text.match(/<tr data-suite="perf-fio"/g)).toHaveLength(fio);
      expect(res.text).not.toMatch(/<tr data-suite="(?!perf-fio")/);
      expect(res.text).toMatch(/id="covered-count">1 of 24</);
      expect(res.text).toContain('<option value="perf-fio" selected>');
    });

    it('should list what a known hardware class should test next, never-covered cases first', async () => {
      const res = await http().get(`/releases/${RELEASE}/coverage`).query({ hardware_class: hostileClass }).expect(200);
      const table = res.text.slice(res.text.indexOf('<table class="sortable" id="next-cases">'));
      const tiers = [...table.matchAll(/<tr data-tier="(\d)">/g)].map((m) => Number(m[1]));
      expect(tiers.length).toBeGreaterThan(10);
      expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
      expect(tiers[0]).toBe(0);
      expect(tiers).toContain(1);
      // Already covered on this class: not offered again.
      expect(table).not.toContain(FIO_RANDWRITE.replace(/=/g, '&#x3D;'));
      expect(res.text).toContain(`<option value="${hostileClass}" selected>`);
    });

    it('should take a pasted hardware profile, and say what is wrong with a bad one', async () => {
      const res = await http()
        .get(`/releases/${RELEASE}/coverage`)
        .query({ profile: JSON.stringify(pendingBox), pools: '2', hosts_per_pool: '2', sr_kinds: 'ext,lvm,nfs' })
        .expect(200);
      expect(res.text).toContain(`For <code>${pendingClass}</code>`);
      const twoPools = seed.campaign.cases.find((c) => (c.settings.requires.pools ?? 1) >= 2)!;
      expect(res.text).toContain(`<code>${twoPools.caseKey.replace(/=/g, '&#x3D;')}</code>`);
      // The pasted text comes back in the form, escaped.
      expect(res.text).toContain('&quot;pending box&quot;');

      const bad = await http().get(`/releases/${RELEASE}/coverage`).query({ profile: '{"cpu": ' }).expect(400);
      expect(bad.text).toMatch(/<p class="form-error" role="alert">profile: not valid JSON \(/);
      const invalid = await http()
        .get(`/releases/${RELEASE}/coverage`)
        .query({ profile: JSON.stringify({ ...pendingBox, memoryBytes: 'lots' }) })
        .expect(400);
      expect(invalid.text).toContain('hardware.memoryBytes: ');
      const pools = await http()
        .get(`/releases/${RELEASE}/coverage`)
        .query({ hardware_class: hostileClass, pools: '0' })
        .expect(400);
      expect(pools.text).toContain('pools: expected a whole number from 1 to 64');
    });
  });

  describe('hardware', () => {
    it('should browse hardware classes with their newest accepted submissions and links to their runs', async () => {
      const res = await http().get('/hardware').expect(200);
      expect(res.text).toContain(`<section class="card hw-class" data-class="${hostileClass}">`);
      expect(res.text).toContain(`<tr data-submission="${seed.hostileId}">`);
      expect(res.text).toContain(`<a href="/runs/${seed.acceptedRunNumber}">#${seed.acceptedRunNumber}</a>`);
      expect(res.text).toMatch(/<span class="badge o-passed">\d+ passed<\/span>/);
      // A system name is user text: shown as text.
      expect(res.text).toContain('&lt;script&gt;window.__pwned &#x3D; 1&lt;/script&gt;&lt;b&gt;box&lt;/b&gt;');
      expect(res.text).not.toContain(HOSTILE_NAME);
      // The pending submission is nowhere.
      expect(res.text).not.toContain(pendingClass);
      expect(res.text).not.toContain('pending box');
      expect(res.text).not.toContain(seed.pendingId);
    });

    it("should compare two systems' fio numbers side by side, in a table and a chart", async () => {
      const form = await http().get('/hardware/compare').expect(200);
      expect(form.text).toContain(`<option value="${seed.hostileId}">`);
      expect(form.text).toContain(`<option value="${seed.epycId}">`);
      expect(form.text).not.toContain(seed.pendingId);
      expect(form.text).not.toContain(HOSTILE_NAME);

      const res = await http().get('/hardware/compare').query({ a: seed.hostileId, b: seed.epycId }).expect(200);
      expect(res.text).toContain(`<option value="${seed.hostileId}" selected>`);
      const iops = res.text.slice(res.text.indexOf('<code>fio.write.iops</code>'));
      expect(iops).toMatch(
        /^<code>fio\.write\.iops<\/code> <span class="muted small">IOPS, higher is better<\/span><\/td>\s*<td class="num" data-sort="119276\.361819">119,276<\/td>\s*<td class="num" data-sort="59638\.180909">59,638<\/td>\s*<td class="num" data-sort="0\.49999\d*">0\.5×<\/td>\s*<td><span class="better">A<\/span>/,
      );
      expect(res.text).toContain('<canvas id="hw-compare-0"');
      const spec = /<script type="application\/json" data-chart="hw-compare-0">([^<]*)<\/script>/.exec(res.text);
      const chart = JSON.parse(spec![1]!);
      expect(chart.series.map((s: { name: string }) => s.name)).toEqual([`A: ${HOSTILE_NAME}`, 'B: epyc box']);
      // In the JSON block too, the name cannot close the script tag.
      expect(spec![1]).not.toContain('<');
      expect(res.text).toContain('<h3>A: &lt;script&gt;');
    });

    it('should refuse a pending submission and a half-filled form with the form still there', async () => {
      const pending = await http().get('/hardware/compare').query({ a: seed.hostileId, b: seed.pendingId }).expect(404);
      expect(pending.text).toContain(`b: no accepted submission with id ${seed.pendingId}`);
      expect(pending.text).toContain('id="pick-systems"');
      const half = await http().get('/hardware/compare').query({ a: seed.hostileId }).expect(400);
      expect(half.text).toContain('pick two systems: a and b');
    });
  });

  describe('public views count only accepted community results', () => {
    const admin = `Bearer ${TEST_ADMIN_TOKEN}`;
    let pendingCase: string;

    beforeAll(async () => {
      const [row] = await db.dataSource.query(
        `SELECT c.case_hash FROM cases c JOIN runs r ON r.id = c.run_id WHERE r.number = $1 LIMIT 1`,
        [seed.pendingRunNumber],
      );
      pendingCase = row.case_hash;
    });

    it('should hide a pending submission from anonymous readers and from its own submitter, everywhere', async () => {
      const n = seed.pendingRunNumber;
      for (const who of [undefined, seed.submitter]) {
        const as = (req: request.Test) => (who ? req.set('authorization', who) : req);
        const home = await as(http().get('/')).expect(200);
        expect(home.text).not.toContain(`href="/runs/${n}"`);
        expect(home.text).toContain(`href="/runs/${seed.acceptedRunNumber}"`);
        expect(home.text).toContain(`href="/runs/${seed.labRunNumber}"`);
        const runs = await as(http().get('/api/v1/runs')).expect(200);
        expect(runs.body.map((r: { number: number }) => r.number)).not.toContain(n);
        for (const url of [
          `/runs/${n}`,
          `/runs/${n}/live`,
          `/runs/${n}/cases/${pendingCase}`,
          `/cases/${pendingCase}/history`,
          `/compare?baseline=${seed.acceptedRunNumber}&candidate=${n}`,
          `/api/v1/runs/${n}`,
          `/api/v1/runs/${n}/cases`,
        ]) {
          await as(http().get(url)).expect(404);
        }
      }
      await http().get(`/runs/${seed.acceptedRunNumber}`).expect(200);
    });

    it('should show admins the pending submission, marked, on the dashboard, its run, case and history pages', async () => {
      const n = seed.pendingRunNumber;
      const mark =
        '<span class="badge unmoderated" title="a community submission not accepted yet: only admins see it">pending submission</span>';
      const home = await http().get('/').set('authorization', admin).expect(200);
      expect(home.text).toContain(`href="/runs/${n}"`);
      expect(home.text).toContain(mark);
      expect((await http().get(`/runs/${n}`).set('authorization', admin).expect(200)).text).toContain(mark);
      expect(
        (await http().get(`/runs/${n}/cases/${pendingCase}`).set('authorization', admin).expect(200)).text,
      ).toContain(mark);
      await http().get(`/cases/${pendingCase}/history`).set('authorization', admin).expect(200);
      const api = await http().get('/api/v1/runs').set('authorization', admin).expect(200);
      expect(api.body.find((r: { number: number }) => r.number === n)).toMatchObject({
        origin: 'submission',
        submissionStatus: 'pending',
      });
      const hardware = await http().get('/hardware').set('authorization', admin).expect(200);
      expect(hardware.text).toContain(`<tr data-submission="${seed.pendingId}" class="unmoderated">`);
      expect(hardware.text).toContain('pending box');
      // Accepted runs are not marked.
      expect(
        (await http().get(`/runs/${seed.acceptedRunNumber}`).set('authorization', admin).expect(200)).text,
      ).not.toContain('badge unmoderated');
    });

    it('should show the submission everywhere once an admin accepts it', async () => {
      await http()
        .post(`/api/v1/submissions/${seed.pendingId}/moderate`)
        .set('authorization', admin)
        .send({ status: 'accepted' })
        .expect(200);
      const n = seed.pendingRunNumber;
      expect((await http().get('/').expect(200)).text).toContain(`href="/runs/${n}"`);
      expect((await http().get(`/runs/${n}`).expect(200)).text).not.toContain('badge unmoderated');
      const hardware = await http().get('/hardware').expect(200);
      expect(hardware.text).toContain(`data-class="${pendingClass}"`);
      const coverage = await http().get(`/releases/${RELEASE}/coverage`).expect(200);
      expect(rowStates(coverage.text, FIO_RANDREAD)).toContain('passed');
    });
  });
});

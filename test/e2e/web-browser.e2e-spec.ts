import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { StaticReportBuilder } from 'src/reports/static-report';
import { launchBrowser, offlineExceptFiles, paintedPixels } from 'test/utils/browser';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import {
  createResultsTestApp,
  DemoRuns,
  HOSTILE_TEXT,
  ResultsFactory,
  ResultsTestApp,
  seedDemoRuns,
} from 'test/utils/results-factory';

describe('result pages in a real browser (Debian chromium)', () => {
  let db: TestDatabase;
  let t: ResultsTestApp;
  let demo: DemoRuns;
  let browser: Browser;
  let base: string;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await seedDemoRuns(new ResultsFactory(db.dataSource));
    t = await createResultsTestApp(db.url);
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
    base = base.replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });
  afterEach(async () => {
    await page?.close();
    expect(pageErrors).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.app.close();
    await db?.close();
  });

  it('should show the matrix and the failing cases of a finished run, hostile text as text', async () => {
    await page.goto(`${base}/runs/${demo.candidate.number}`);
    const cells = page.locator('#matrix td.cell [data-state]');
    // 6 migration cells, the hostile case, and the two fio cases (no vm axis) sharing one cell.
    expect(await cells.count()).toBe(8);
    expect(await page.locator('#matrix [data-state="failed"]').count()).toBe(2);
    const group = page.locator('#failures .group').first();
    await expect(group.textContent()).resolves.toContain('VM_BAD_POWER_STATE: The VM must be <N> in state running');
    await expect(group.textContent()).resolves.toContain('2 case(s)');
    expect(await page.locator('#failures').textContent()).toContain(HOSTILE_TEXT);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    expect((await paintedPixels(page))['outcomes-by-suite']).toBeGreaterThan(1000);
  });

  it('should show a hostile output as text on the case page', async () => {
    await page.goto(`${base}/runs/${demo.candidate.number}/cases/${demo.hostile.caseHash}`);
    expect(await page.locator('pre', { hasText: 'window.__pwned = 1' }).first().textContent()).toBe(HOSTILE_TEXT);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
  });

  it('should draw the comparison charts (canvases painted) and sort the table', async () => {
    await page.goto(`${base}/compare?baseline=${demo.baseline.number}&candidate=${demo.candidate.number}`);
    const painted = await paintedPixels(page);
    const ids = Object.keys(painted).filter((id) => id.startsWith('cmp-'));
    expect(ids.length).toBe(4);
    for (const id of ids) expect(painted[id]).toBeGreaterThan(1000);
    // Each canvas is an image named by its caption and described by a table of its numbers.
    const alternatives = await page.$$eval('canvas', (canvases) =>
      canvases.map((c) => ({
        role: c.getAttribute('role'),
        name: document.getElementById(c.getAttribute('aria-labelledby') ?? '')?.textContent?.trim() ?? '',
        rows:
          document.getElementById(c.getAttribute('aria-describedby') ?? '')?.querySelectorAll('tbody tr').length ?? 0,
      })),
    );
    expect(alternatives.length).toBeGreaterThanOrEqual(4);
    for (const alt of alternatives) {
      expect(alt.role).toBe('img');
      expect(alt.name).not.toBe('');
      expect(alt.rows).toBeGreaterThan(0);
    }
    await page.locator('#comparison-table th', { hasText: 'Δ %' }).click();
    const first = await page.locator('#comparison-table tbody tr').first().getAttribute('data-verdict');
    expect(first).toBe('regressed');
  });

  it('should render the static report from file:// with every network request refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-static-'));
    const builder = new StaticReportBuilder(new ResultsReadRepository(db.dataSource));
    const { html } = await builder.render({ run: demo.candidate.number, compareWith: demo.baseline.number });
    // An inline script that slipped past escaping (simulated here) must not run: the report's CSP
    // meta tag admits only the report's own scripts, by hash.
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;; script-src &#x27;sha256-/,
    );
    writeFileSync(join(dir, 'index.html'), html.replace('</main>', '<script>window.__injected = 1</script></main>'));
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const blocked = await offlineExceptFiles(page);
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    const painted = await paintedPixels(page);
    expect(Object.keys(painted).length).toBeGreaterThanOrEqual(5);
    for (const [id, n] of Object.entries(painted)) expect([id, n > 1000]).toEqual([id, true]);
    expect(blocked).toEqual([]);
    expect(await page.locator('#matrix [data-state="failed"]').count()).toBe(2);
    expect(await page.locator('body').textContent()).toContain(HOSTILE_TEXT);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => (window as any).__injected)).toBeUndefined();
    // Exactly one refusal, the injected script's: the report's own scripts and styles all ran.
    expect(violations).toHaveLength(1);
  });

  it('should update the run page live while the run goes', async () => {
    const f = new ResultsFactory(db.dataSource);
    const run = await f.run({ status: 'running', campaignName: 'live' });
    const c = await f.case(run, {
      scenario: 'vm.lifecycle',
      params: { vm: 'linux', sr: 'nfs' },
      outcome: null,
      status: 'running',
    });
    await page.goto(`${base}/runs/${run.number}`);
    await page.waitForSelector('body[data-live="connected"]', { timeout: 10_000 });
    expect(await page.locator('#matrix [data-state="running"]').count()).toBe(1);
    await db.dataSource.query(
      `UPDATE cases SET status = 'done', outcome = 'failed', error_code = 'VM_LACKS_FEATURE' WHERE id = $1`,
      [c.id],
    );
    await f.notify({
      kind: 'case',
      runId: run.id,
      runNumber: run.number,
      caseId: c.id,
      status: 'done',
      outcome: 'failed',
    });
    await page.waitForSelector('#matrix [data-state="failed"]', { timeout: 10_000 });
    expect(await page.locator('#failures').textContent()).toContain('VM_LACKS_FEATURE');
    await db.dataSource.query(`UPDATE runs SET status = 'finished', finished_at = now() WHERE id = $1`, [run.id]);
    await f.notify({ kind: 'run', runId: run.id, runNumber: run.number, status: 'finished' });
    await page.waitForSelector('#run-live [data-status="finished"]', { timeout: 10_000 });
    // A screen reader hears the change: the polite live region says it.
    const region = page.locator('#run-announce');
    expect(await region.getAttribute('aria-live')).toBe('polite');
    expect(await region.textContent()).toBe(`Run #${run.number} is now finished`);
  });
});

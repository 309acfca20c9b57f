import type { Browser, Page } from 'playwright-core';
import { launchBrowser, paintedPixels } from 'test/utils/browser';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { createResultsTestApp, ResultsTestApp } from 'test/utils/results-factory';
import { CommunitySeed, HOSTILE_NAME, LAB_CLASS, RELEASE, seedCommunity } from 'test/e2e/community-pages.seed';

describe('community pages in a real browser (Debian chromium)', () => {
  let db: TestDatabase;
  let t: ResultsTestApp;
  let seed: CommunitySeed;
  let browser: Browser;
  let base: string;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createResultsTestApp(db.url);
    seed = await seedCommunity(t.app, db.dataSource);
    await t.app.listen(0, '127.0.0.1');
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
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

  const background = (selector: string): Promise<string> =>
    page
      .locator(selector)
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);

  it('should render the coverage heatmap: a cell per case and class, colored by outcome, uncovered cells distinct', async () => {
    await page.goto(`${base}/releases/${RELEASE}/coverage`);
    const classes = await page.locator('#coverage-heatmap th.hw').count();
    expect(classes).toBe(3);
    const cells = page.locator('#coverage-heatmap td.heat');
    expect(await cells.count()).toBe(seed.campaign.cases.length * classes);
    expect(await page.locator('#coverage-heatmap td.heat[data-state="passed"]').count()).toBe(3);
    expect(await page.locator('#coverage-heatmap td.heat[data-state="failed"]').count()).toBe(1);
    // The theme's outcome colors (--passed, --failed), and uncovered cells white with a dashed outline.
    expect(await background('#coverage-heatmap td.heat[data-state="passed"]')).toBe('rgb(46, 157, 91)');
    expect(await background('#coverage-heatmap td.heat[data-state="failed"]')).toBe('rgb(214, 69, 69)');
    const uncovered = page.locator('#coverage-heatmap td.heat[data-state="uncovered"]').first();
    expect(await uncovered.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 255, 255)');
    expect(await uncovered.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('dashed');
    const title = await page.locator(`#coverage-heatmap td.heat[data-state="failed"]`).getAttribute('title');
    expect(title).toMatch(new RegExp(`^${LAB_CLASS}: failed\\nby core lab\\nlast result `));
    expect((await paintedPixels(page))['coverage-by-class']).toBeGreaterThan(1000);
  });

  it('should list what to test next when a class is picked in the form', async () => {
    await page.goto(`${base}/releases/${RELEASE}/coverage`);
    await page.locator('select[name="hardware_class"]').selectOption(LAB_CLASS);
    await Promise.all([page.waitForURL(/hardware_class=/), page.locator('.next-form button').click()]);
    const tiers = await page
      .locator('#next-cases tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tier')));
    expect(tiers.length).toBeGreaterThan(10);
    expect(tiers[0]).toBe('0');
  });

  it('should paint the hardware comparison chart, the system names as text', async () => {
    await page.goto(`${base}/hardware/compare`);
    await page.locator('select[name="a"]').selectOption(seed.hostileId);
    await page.locator('select[name="b"]').selectOption(seed.epycId);
    await Promise.all([page.waitForURL(/b=/), page.locator('#pick-systems button').click()]);
    const painted = await paintedPixels(page);
    const ids = Object.keys(painted).filter((id) => id.startsWith('hw-compare-'));
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const id of ids) expect(painted[id]).toBeGreaterThan(1000);
    expect(await page.locator('.side-a h3').textContent()).toBe(`A: ${HOSTILE_NAME}`);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  });
});

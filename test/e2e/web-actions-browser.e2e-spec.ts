import { INestApplication } from '@nestjs/common';
import { Browser } from 'playwright-core';
import { launchBrowser } from 'test/utils/browser';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { createResultsTestApp, ResultsFactory, TEST_ADMIN_TOKEN } from 'test/utils/results-factory';

/**
 * The page actions that write go through the API with the signed-in session (cookie + CSRF header):
 * recording a manual check from the case page (real browser, real API, real database).
 */
describe('page actions (browser)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app } = await createResultsTestApp(db.url));
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
  });

  it('should record a manual check from the case page once signed in, and offer sign-in before', async () => {
    const f = new ResultsFactory(db.dataSource);
    const run = await f.run({ campaignName: 'release', release: '8.3.0', status: 'running' });
    await db.dataSource.query(
      `INSERT INTO cases (run_id, case_key, case_hash, suite, scenario, manual, status, outcome, settings)
       VALUES ($1, 'installer.answer-file', 'abcdefabcdef', 'installer', 'installer.answer-file', true, 'done', 'manual-pending',
               '{"checklist": ["Install with an answer file <b>unattended</b>"]}')`,
      [run.id],
    );
    const page = await browser.newPage();
    await page.goto(`${url}/runs/${run.number}/cases/abcdefabcdef`);
    await expect(page.locator('ol.checklist li').innerText()).resolves.toBe(
      'Install with an answer file <b>unattended</b>',
    );
    // Signed out: no form, a way to sign in instead.
    await expect(page.locator('section.manual-check form').count()).resolves.toBe(0);
    await page.locator('section.manual-check').getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('API token').fill(TEST_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${url}/runs/${run.number}/cases/abcdefabcdef`);
    const form = page.locator('section.manual-check form');
    await form.locator('select[name=outcome]').selectOption('failed');
    await form.locator('textarea[name=notes]').fill('the answer file was ignored');
    await Promise.all([page.waitForEvent('load'), form.locator('button').click()]);
    const [c] = await db.dataSource.query(
      `SELECT outcome, reason, manual_result AS m FROM cases WHERE case_hash = 'abcdefabcdef'`,
    );
    expect(c).toMatchObject({ outcome: 'failed', reason: 'the answer file was ignored' });
    expect(c.m.by).toEqual(expect.any(String));
    await page.close();
  });
});

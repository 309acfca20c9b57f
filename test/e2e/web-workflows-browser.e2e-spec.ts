import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { parseInventory } from 'src/lab/inventory.loader';
import { LabRepository } from 'src/lab/lab.repository';
import { SimulatedLab, startSimulatedLab } from 'src/simulator/lab/simulated-lab';
import { launchBrowser } from 'test/utils/browser';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { createResultsTestApp, HOSTILE_TEXT, ResultsFactory, TEST_ADMIN_TOKEN } from 'test/utils/results-factory';

/**
 * A new tester's day in a real browser against the real app and database: sign in once with a
 * token, start a run (no worker is alive, and the page says so), schedule one, cancel one; then an
 * admin approves a registration and moderates a submission. Writes go through session + CSRF only.
 */
describe('web workflows (browser)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;
  let browser: Browser;
  let lab: SimulatedLab;
  let testerToken: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    lab = await startSimulatedLab({
      speed: 2000,
      stateDir: join(mkdtempSync(join(tmpdir(), 'shakedown-flow-')), 'sim'),
      controlApi: false,
    });
    await new LabRepository(db.dataSource).upsertInventory(
      parseInventory(JSON.stringify(lab.inventory), 'simulated lab'),
    );
    ({ app } = await createResultsTestApp(db.url));
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const created = await request(app.getHttpServer())
      .post('/api/v1/tokens')
      .set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
      .send({ name: 'new tester', role: 'tester' })
      .expect(201);
    testerToken = created.body.token;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await lab?.stop();
    await db?.close();
  });

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${url}/sign-in`);
    await page.getByLabel('API token').fill(token);
    await Promise.all([page.waitForURL(`${url}/`), page.getByRole('button', { name: 'Sign in' }).click()]);
  }

  it('should refuse a wrong token with a message next to the field, and keep no session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/sign-in`);
    await page.getByLabel('API token').fill('shk_not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/not known/);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('should let a new tester sign in once, start, schedule and cancel runs, and sign out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await signIn(page, testerToken);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'shakedown_session', httpOnly: true, sameSite: 'Strict', secure: false });
    expect(cookie!.value).not.toContain(testerToken);
    const [stored] = await db.dataSource.query(`SELECT secret_hash FROM web_sessions`);
    expect(stored.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.secret_hash).not.toBe(cookie!.value);
    await expect(page.locator('header .session').innerText()).resolves.toContain('new tester');

    // Start a run from the keyboard only.
    await page.getByRole('link', { name: 'Start a run' }).click();
    await page.getByLabel('campaign', { exact: true }).selectOption('demo.yaml');
    await page.getByLabel('lab', { exact: true }).selectOption(lab.inventory.name);
    await page.getByLabel(/^suite/).fill('install');
    await page.getByLabel(/^priority/).fill('5');
    await page.getByLabel(/^priority/).press('Enter');
    await page.waitForURL(/\/runs\/\d+$/);
    const runNumber = Number(/\/runs\/(\d+)$/.exec(page.url())![1]);
    const [run] = await db.dataSource.query(`SELECT status, priority, created_by FROM runs WHERE number = $1`, [
      runNumber,
    ]);
    expect(run).toEqual({ status: 'queued', priority: 5, created_by: 'new tester' });
    // No worker beats in this test: the page says why nothing moves.
    await expect(page.locator('.no-worker').innerText()).resolves.toMatch(/no worker is alive.*shakedown worker/);

    // Cancel it from its page (session cookie + CSRF header, no token typed).
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.waitForFunction(() => document.querySelector('.badge.o-cancelled, .badge.o-cancelling') !== null);
    const [cancelled] = await db.dataSource.query(`SELECT status FROM runs WHERE number = $1`, [runNumber]);
    expect(['cancelled', 'cancelling']).toContain(cancelled.status);

    // Schedule one, with a bad cron first.
    await page.goto(`${url}/schedules`);
    await page.getByLabel('name', { exact: true }).fill('nightly-demo');
    await page.getByLabel('campaign', { exact: true }).selectOption('demo.yaml');
    await page.getByLabel('lab', { exact: true }).selectOption(lab.inventory.name);
    await page.getByLabel(/^cron/).fill('every night');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/invalid cron expression "every night"/);
    await page.getByLabel(/^cron/).fill('0 2 * * *');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    const row = page.locator('tr[data-schedule="nightly-demo"]');
    await expect(row.locator('.next-fire').innerText()).resolves.toMatch(/02:00/);
    await row.getByRole('button', { name: 'pause schedule nightly-demo' }).click();
    await expect(row.innerText()).resolves.toContain('paused');
    const [paused] = await db.dataSource.query(`SELECT enabled FROM schedules WHERE name = 'nightly-demo'`);
    expect(paused.enabled).toBe(false);

    // A tester is not an admin.
    const adminPage = await page.goto(`${url}/admin/tokens`);
    expect(adminPage?.status()).toBe(403);

    await page.goto(`${url}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${url}/`);
    await expect(page.getByRole('link', { name: 'Sign in' }).count()).resolves.toBe(1);
    await expect(db.dataSource.query(`SELECT count(*)::int AS n FROM web_sessions`)).resolves.toEqual([{ n: 0 }]);
    await context.close();
  });

  it('should refuse a signed-in write without the CSRF token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, testerToken);
    const status = await page.evaluate(async () => {
      const res = await fetch('/schedules/nightly-demo/delete', { method: 'POST', credentials: 'same-origin' });
      return res.status;
    });
    expect(status).toBe(403);
    await expect(db.dataSource.query(`SELECT count(*)::int AS n FROM schedules`)).resolves.toEqual([{ n: 1 }]);
    await context.close();
  });

  it('should let an admin approve a registration and moderate a submission', async () => {
    const registered = await request(app.getHttpServer())
      .post('/api/v1/registrations')
      .send({ name: 'ada-tester' })
      .expect(201);
    // Token names are an allow-list now; a submission's hardware class still carries what its sender wrote.
    await db.dataSource.query(
      `INSERT INTO submissions (submitter, kind, release, sha256, size_bytes, status, hardware, hardware_class, summary)
       VALUES ('community tester', 'junit', '8.3.0', repeat('a', 64), 1234, 'pending', '{}', $1, '{"cases": 12}')`,
      [HOSTILE_TEXT],
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, TEST_ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByRole('button', { name: 'approve the token of ada-tester' }).click();
    await page.waitForURL(`${url}/admin/tokens`);
    const [token] = await db.dataSource.query(`SELECT status FROM api_tokens WHERE id = $1`, [registered.body.id]);
    expect(token.status).toBe('active');

    await page.getByRole('link', { name: 'Moderation' }).click();
    const card = page.locator('section.submission');
    await expect(card.innerText()).resolves.toContain('community tester');
    await expect(card.innerText()).resolves.toContain(HOSTILE_TEXT);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await card.getByLabel('note').fill('hardware profile checked');
    await card.getByRole('button', { name: 'Accept' }).click();
    await expect(page.getByText('No pending submission.').count()).resolves.toBe(1);
    const [sub] = await db.dataSource.query(`SELECT status, moderation_note FROM submissions`);
    expect(sub).toEqual({ status: 'accepted', moderation_note: 'hardware profile checked' });
    await context.close();
  });

  it('should give each release its verdict on the home page, and the reasons on the release page', async () => {
    const f = new ResultsFactory(db.dataSource);
    const real = await f.run({ campaignName: 'xcp-ng-release', release: '8.3.0' });
    await f.case(real, {
      suite: 'basic-install',
      scenario: 'basic.install-check',
      outcome: 'failed',
      signature: 'XAPI_DOWN:0000000001',
      errorCode: 'XAPI_DOWN',
      reason: 'xapi did not answer',
    });
    await f.case(real, { suite: 'basic-interfaces', scenario: 'basic.interfaces' });
    await f.knownIssue('XAPI_DOWN:0000000001', 'https://github.com/xcp-ng/xcp/issues/1', 'being fixed');
    // A simulated pass never makes a bullet tested.
    const sim = await f.run({ campaignName: 'xcp-ng-release', release: '8.3.0', simulated: true });
    await f.case(sim, { suite: 'basic-shared-storage', scenario: 'basic.shared-storage' });

    const page = await browser.newPage();
    await page.goto(`${url}/`);
    const line = page.locator('ul.releases li', { hasText: '8.3.0' });
    await expect(line.innerText()).resolves.toMatch(/8\.3\.0 — not ready: 1 blocking, \d+ untested/);
    await line.getByRole('link', { name: '8.3.0' }).click();
    await expect(page.locator('#verdict').innerText()).resolves.toMatch(/^not ready: 1 blocking, \d+ untested$/);
    const status = (bullet: string) =>
      page.locator('#bullets tbody tr', { hasText: bullet }).first().locator('td').nth(1).innerText();
    await expect(status('verify installation')).resolves.toBe('failing');
    await expect(status('verify connectivity with your interfaces')).resolves.toBe('passed');
    await expect(status('verify connectivity to Shared Storages')).resolves.toBe('untested');
    await expect(
      page.locator('#bullets tbody tr', { hasText: 'verify connectivity to Shared Storages' }).innerText(),
    ).resolves.toContain('SIMULATED');
    const blocking = page.locator('.card.blocking');
    await expect(blocking.innerText()).resolves.toContain('XAPI_DOWN:0000000001');
    await expect(blocking.getByRole('link', { name: 'https://github.com/xcp-ng/xcp/issues/1' }).count()).resolves.toBe(
      1,
    );
    // Sortable from the keyboard: focus the status column's button and press Enter.
    await page.locator('#bullets thead th').nth(1).getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#bullets thead th').nth(1).getAttribute('aria-sort')).resolves.toBe('ascending');
    await expect(page.locator('#sort-status').innerText()).resolves.toMatch(/sorted by status \(real\), ascending/);
    await page.close();
  });
});

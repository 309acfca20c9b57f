import { mkdtempSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { launchBrowser, offlineExceptFiles, paintedPixels } from 'test/utils/browser';
import { LongRunning, startCli } from 'test/utils/cli';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });

/**
 * The README's first command, as a newcomer runs it: the embedded PostgreSQL in a fresh data folder,
 * the simulated lab, the service and a worker, the demo campaign; it ends by printing the run page's
 * URL and the static report's path, and keeps serving. A second start reuses the data.
 */
describe('npm start (shakedown demo)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'shakedown-front-door-'));
  let env: NodeJS.ProcessEnv;
  let demo: LongRunning;
  let browser: Browser;
  let runUrl: string;
  let reportFile: string;

  beforeAll(async () => {
    env = {
      SHAKEDOWN_DATA_DIR: dataDir,
      SHAKEDOWN_EMBEDDED_PG_PORT: String(await freePort()),
      PORT: String(await freePort()),
      DATABASE_URL: '',
    };
    demo = startCli(['demo', '--speed', '400'], env);
    [, runUrl] = (await demo.waitFor(/run page:\s+(\S+)/, 300_000)) as [string, string];
    [, reportFile] = (await demo.waitFor(/static report:\s+(\S+)/, 30_000)) as [string, string];
    browser = await launchBrowser();
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop('SIGINT');
  });

  it('should show progress and end with the run page and the report, labelled simulated', () => {
    const { stderr } = demo.output();
    expect(stderr).toMatch(/run 1 of .*demo\.yaml: \d+ cases/);
    expect(stderr).toMatch(/run 1: \d+\/\d+ done, passed \d+, failed \d+/);
    expect(stderr).toMatch(/every number it produces is simulated/);
    expect(runUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/runs\/1$/);
    expect(existsSync(reportFile)).toBe(true);
  });

  it('should serve a run page with the finished demo run, its matrix and its charts', async () => {
    const page = await browser.newPage();
    await page.goto(runUrl);
    expect(await page.locator('#matrix td.cell [data-state]').count()).toBeGreaterThan(0);
    expect(await page.locator('#run-live').getAttribute('data-status')).toBe('finished');
    await expect(page.locator('body').innerText()).resolves.toMatch(/simulated/i);
    await page.waitForFunction(() => document.querySelectorAll('canvas').length > 0);
    const painted = await paintedPixels(page);
    expect(Object.values(painted).some((n) => n > 100)).toBe(true);
    await page.close();
  });

  it('should write a static report that draws its charts from disk with the network off', async () => {
    const page = await browser.newPage();
    const blocked = await offlineExceptFiles(page);
    await page.goto(`file://${reportFile}`);
    await page.waitForFunction(() => document.querySelectorAll('canvas').length > 0);
    const painted = await paintedPixels(page);
    expect(Object.values(painted).some((n) => n > 100)).toBe(true);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it('should reuse the data on the next start', async () => {
    await demo.stop('SIGINT');
    const again = startCli(['demo', '--skip-run'], env);
    try {
      const [, url] = (await again.waitFor(/Pages: (\S+)\//, 120_000)) as [string, string];
      const runs = await (await fetch(`${url}/api/v1/runs`)).json();
      expect(JSON.stringify(runs)).toContain('"number":1');
      // Each start prints a fresh admin sign-in link and revokes the previous one.
      const links = [
        ...`${demo.output().stderr}${again.output().stderr}`.matchAll(/sign in as admin[^:]*: (\S+#token=(\S+))/g),
      ];
      expect(links).toHaveLength(2);
      const whoami = (token: string) =>
        fetch(`${url}/api/v1/whoami`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
      await expect(whoami(links[0]![2]!)).resolves.toBe(401);
      const page = await browser.newPage();
      await page.goto(links[1]![1]!);
      await page.waitForURL(`${url}/`);
      await expect(page.locator('header .session').innerText()).resolves.toContain('demo admin');
      expect(page.url()).not.toContain('token');
      await page.close();
    } finally {
      await again.stop('SIGINT');
    }
  }, 180_000);
});

import { existsSync } from 'node:fs';
import { chromium, Browser, Page } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`); CI installs it in .ci/run. */
export const CHROMIUM = process.env.SHAKEDOWN_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/** Refuses every request that is not for a file:// URL, and records what was refused. */
export async function offlineExceptFiles(page: Page): Promise<string[]> {
  const blocked: string[] = [];
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) await route.continue();
    else {
      blocked.push(url);
      await route.abort('internetdisconnected');
    }
  });
  return blocked;
}

/** Number of painted (non-transparent) pixels of each canvas on the page, by id. */
export function paintedPixels(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    document.querySelectorAll('canvas').forEach((canvas, i) => {
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.width === 0 || canvas.height === 0) {
        out[canvas.id || `canvas-${i}`] = 0;
        return;
      }
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let p = 3; p < data.length; p += 4) if (data[p] !== 0) painted++;
      out[canvas.id || `canvas-${i}`] = painted;
    });
    return out;
  });
}

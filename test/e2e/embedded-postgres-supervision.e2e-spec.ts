import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from 'src/database/embedded-supervision';
import { LongRunning, startCli } from 'test/utils/cli';
import { freePort } from 'test/utils/sshd';
import { waitUntil } from 'test/utils/wait';

/**
 * `shakedown serve` with its embedded PostgreSQL, killed the hard way: the server it owns is
 * restarted when it dies, a server left behind by a killed service is stopped (not silently
 * joined) by the next start, and a clean stop takes the server down with the service.
 */
describe('embedded PostgreSQL supervision', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'shakedown-pg-supervision-'));
  let env: NodeJS.ProcessEnv;
  let serve: LongRunning | undefined;

  const pgDir = (): string => {
    const moved = join(dataDir, 'pg-location');
    return existsSync(moved) ? readFileSync(moved, 'utf8').trim() : join(dataDir, 'pg');
  };
  const postmaster = (): number => Number(readFileSync(join(pgDir(), 'postmaster.pid'), 'utf8').split('\n')[0]);
  const health = async (url: string): Promise<number> => (await fetch(`${url}/api/v1/health`)).status;

  async function startServe(): Promise<{ service: LongRunning; url: string }> {
    const service = startCli(['serve'], env);
    const [, url] = (await service.waitFor(/serving on (\S+)/, 180_000)) as [string, string];
    return { service, url: url.replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1') };
  }

  beforeAll(async () => {
    // Run as root, the embedded server is user postgres: it must be able to enter the folder.
    chmodSync(dataDir, 0o711);
    env = {
      SHAKEDOWN_DATA_DIR: dataDir,
      SHAKEDOWN_EMBEDDED_PG_PORT: String(await freePort()),
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
    };
  });
  afterAll(async () => {
    await serve?.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should restart the server it owns after kill -9, and answer 200 again', async () => {
    const started = await startServe();
    serve = started.service;
    expect(await health(started.url)).toBe(200);
    const first = postmaster();
    process.kill(first, 'SIGKILL');
    await serve.waitFor(
      new RegExp(`embedded PostgreSQL \\(pid \\d+\\) exited unexpectedly \\(SIGKILL\\); restarting it`),
    );
    await serve.waitFor(/embedded PostgreSQL restarted \(pid \d+, attempt \d+\)/, 60_000);
    expect(postmaster()).not.toBe(first);
    // The pool's connections to the dead server are dropped on first use; the next ones work.
    await waitUntil(async () => (await health(started.url)) === 200, 'health 200 after the restart', 30_000);
  });

  it('should stop a server left behind by a killed service, then start its own', async () => {
    const orphan = postmaster();
    const killed = serve!.child.pid!;
    await serve!.stop('SIGKILL');
    expect(alive(orphan)).toBe(true);
    const again = await startServe();
    serve = again.service;
    expect(again.service.output().stderr).toContain(
      `embedded PostgreSQL (pid ${orphan}) was left running by process ${killed}, which is gone; stopping it to start our own`,
    );
    expect(alive(orphan)).toBe(false);
    expect(postmaster()).not.toBe(orphan);
    expect(await health(again.url)).toBe(200);
  });

  it('should stop the server with the service on a clean stop', async () => {
    const owned = postmaster();
    await serve!.stop('SIGTERM');
    serve = undefined;
    expect(alive(owned)).toBe(false);
    expect(existsSync(join(dataDir, 'pg-owner'))).toBe(false);
  });
});

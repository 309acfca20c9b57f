import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from 'src/database/embedded-supervision';
import { startCli } from 'test/utils/cli';
import { freePort } from 'test/utils/sshd';

/**
 * `shakedown worker` and `shakedown demo` (npm start) on their embedded PostgreSQL, stopped by a
 * signal as a service manager or a terminal stops them: the process finishes its own work with the
 * database still there, then stops the server it started and exits 0, leaving no server, no
 * postmaster.pid and no owner file behind, so the next start on the same folder simply starts.
 */
describe('stop signals with the embedded PostgreSQL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'shakedown-stop-signals-'));
  let env: NodeJS.ProcessEnv;
  let pgPort: number;

  const pgDir = (): string => {
    const moved = join(dataDir, 'pg-location');
    return existsSync(moved) ? readFileSync(moved, 'utf8').trim() : join(dataDir, 'pg');
  };
  const postmaster = (): number => Number(readFileSync(join(pgDir(), 'postmaster.pid'), 'utf8').split('\n')[0]);
  const refused = (port: number): Promise<string> =>
    new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });

  beforeAll(async () => {
    // Run as root, the embedded server is user postgres: it must be able to enter the folder.
    chmodSync(dataDir, 0o711);
    pgPort = await freePort();
    env = {
      SHAKEDOWN_DATA_DIR: dataDir,
      SHAKEDOWN_EMBEDDED_PG_PORT: String(pgPort),
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
    };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function startThenStop(args: string[], ready: RegExp, signal: NodeJS.Signals): Promise<void> {
    const command = startCli(args, env);
    try {
      await command.waitFor(ready, 180_000);
    } catch (err) {
      await command.stop('SIGKILL');
      throw err;
    }
    const server = postmaster();
    expect(alive(server)).toBe(true);
    // Resolves when the process has exited: by then it must have stopped its server.
    const code = await command.stop(signal);
    const { stderr } = command.output();
    expect({ code, signal: command.child.signalCode, stderr }).toEqual({ code: 0, signal: null, stderr });
    expect(stderr).toContain(`shakedown: ${signal}:`);
    // The database was still there while the process finished its own work.
    expect(stderr).not.toContain('terminating connection due to administrator command');
    expect(stderr).not.toMatch(/embedded PostgreSQL .* (exited unexpectedly|restarted|shut down from outside)/);
    expect(alive(server)).toBe(false);
    expect(existsSync(join(pgDir(), 'postmaster.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'pg-owner'))).toBe(false);
    expect(await refused(pgPort)).toBe('ECONNREFUSED');
  }

  it('should stop the worker and its server on SIGTERM, and start again on the same folder', async () => {
    await startThenStop(['worker'], /worker \S+ started/, 'SIGTERM');
    await startThenStop(['worker', '--concurrency', '1'], /worker \S+ started/, 'SIGINT');
  }, 400_000);

  it('should stop the demo (npm start), its worker, lab, service and server on SIGTERM', async () => {
    await startThenStop(['demo', '--skip-run'], /ready \(no demo run\)/, 'SIGTERM');
  }, 200_000);
});

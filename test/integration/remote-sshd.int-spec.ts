import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryHostKeyStore } from 'src/remote/host-key';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
import { SshPool } from 'src/remote/ssh-pool';
import { SshTarget } from 'src/remote/ssh-target';
import { SshdInstance, startSshd } from 'test/utils/sshd';
import { waitUntil } from 'test/utils/wait';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes of this machine (the test's sshd is local) in process group `pgid` running `sleep 600`. */
function sleepersIn(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        // Fields after the command name: state, ppid, pgrp.
        const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
        return pgrp === pgid && readFileSync(`/proc/${d}/cmdline`, 'utf8') === 'sleep\u0000600\u0000';
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Waits for a state of the sshd host (bounded only to fail instead of hanging). */
async function poll(cond: () => boolean, what: string): Promise<void> {
  await waitUntil(async () => cond(), what, 30_000, 10);
}

describe('SshPool against a real OpenSSH sshd', () => {
  let sshd: SshdInstance;
  let pool: SshPool;
  let store: InMemoryHostKeyStore;
  let target: SshTarget;
  let scratch: string;

  beforeAll(async () => {
    sshd = await startSshd();
    scratch = mkdtempSync(join(tmpdir(), 'shakedown-sshd-scratch-'));
  });
  afterAll(async () => {
    await sshd.stop();
    rmSync(scratch, { recursive: true, force: true });
  });
  beforeEach(() => {
    store = new InMemoryHostKeyStore();
    pool = new SshPool({ hostKeys: store, defaultTimeoutMs: 15_000 });
    target = {
      name: 'sshd-host',
      address: sshd.address,
      port: sshd.port,
      username: sshd.user,
      credential: { keyFile: sshd.clientKeyPath },
    };
  });
  afterEach(async () => {
    await pool.close();
  });

  it('runs shell commands with separate streams, exit codes and signals', async () => {
    const r = await pool.exec(target, 'echo out; echo err >&2; exit 7');
    expect(r).toMatchObject({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
    const killed = await pool.exec(target, 'kill -TERM $$');
    expect(killed.exitCode).toBeNull();
    expect(killed.signal).toBe('SIGTERM');
    expect(await store.get({ name: 'sshd-host' })).toEqual({
      fingerprint: sshd.hostKeyFingerprint,
      source: 'first-use',
    });
  });

  it('runs many commands concurrently over one connection', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => pool.exec(target, `echo ${i}`)));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    expect(pool.stats()).toMatchObject({ open: 1, connects: 1 });
  });

  it('caps a large output and says so', async () => {
    const r = await pool.exec(target, 'head -c 200000 /dev/zero | tr "\\0" x', { maxOutputBytes: 4096 });
    expect(r.stdout).toHaveLength(4096);
    expect(r.truncated.stdout).toBe(true);
    expect(r.exitCode).toBe(0);
  });

  it('times out a hanging command and kills it on the host, saying so', async () => {
    await pool.exec(target, 'true'); // connected: the 500 ms are the command's, not the handshake's
    const pidFile = join(scratch, 'hang.pid');
    const err = await pool
      .exec(target, `echo $$ > ${pidFile}; exec sleep 300`, { timeoutMs: 500 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).toMatchObject({ code: RemoteErrorCode.Timeout });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect((err as RemoteError).details.remoteStop).toEqual({ how: 'process-group-killed', pid });
    expect((err as Error).message).toContain(`on the host: process group ${pid} killed`);
    await poll(() => !processAlive(pid), `remote process ${pid} to be gone`);
    expect((await pool.exec(target, 'echo alive')).stdout).toBe('alive\n');
  });

  it('a cancelled sleep 600 leaves no process behind, its background children included', async () => {
    await pool.exec(target, 'true');
    const pidFile = join(scratch, 'group.pid');
    const controller = new AbortController();
    const pending = pool
      .exec(target, `echo $$ > ${pidFile}; sleep 600 & sleep 600`, { signal: controller.signal })
      .catch((e: unknown) => e);
    await poll(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 'the command to start');
    const group = Number(readFileSync(pidFile, 'utf8'));
    await poll(() => sleepersIn(group).length === 2, 'both sleeps to run');
    controller.abort();
    expect(await pending).toMatchObject({
      code: RemoteErrorCode.Aborted,
      details: { remoteStop: { how: 'process-group-killed', pid: group } },
    });
    await poll(() => sleepersIn(group).length === 0, 'both sleeps to be gone');
  });

  it('without the process-group kill, OpenSSH leaves a root command running (why it is the default)', async () => {
    await pool.exec(target, 'true');
    const pidFile = join(scratch, 'orphan.pid');
    const controller = new AbortController();
    const pending = pool
      .exec(target, `echo $$ > ${pidFile}; exec sleep 600`, { signal: controller.signal, killRemoteOnCancel: false })
      .catch((e: unknown) => e);
    await poll(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 'the command to start');
    const group = Number(readFileSync(pidFile, 'utf8'));
    await poll(() => sleepersIn(group).length === 1, 'the sleep to run');
    controller.abort();
    expect(await pending).toMatchObject({ details: { remoteStop: { how: 'channel-closed' } } });
    // Channel closed and signal request sent: once the server has answered another command, it still runs.
    await pool.exec(target, 'true');
    try {
      expect(sleepersIn(group)).toHaveLength(1);
    } finally {
      for (const pid of sleepersIn(group)) process.kill(pid, 'SIGKILL');
    }
  });

  it('keeps stderr intact when it learns the remote pid', async () => {
    const r = await pool.exec(target, 'echo one >&2; echo two >&2; echo out');
    expect(r).toMatchObject({ exitCode: 0, stdout: 'out\n', stderr: 'one\ntwo\n' });
  });

  it('aborts a running command', async () => {
    const controller = new AbortController();
    const marker = join(scratch, 'abort.started');
    const pending = pool
      .exec(target, `touch ${marker}; sleep 300`, { signal: controller.signal })
      .catch((e: unknown) => e);
    await poll(() => existsSync(marker), 'the command to start');
    controller.abort();
    expect(await pending).toMatchObject({ code: RemoteErrorCode.Aborted });
  });

  it('survives a dropped connection: the command in flight fails, the next one reconnects', async () => {
    await pool.exec(target, 'true');
    // $PPID of the remote shell is sshd's per-connection process: killing it drops the connection.
    const err = await pool.exec(target, 'kill -9 $PPID; sleep 5').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: RemoteErrorCode.ConnectionLost, retryable: true });
    const r = await pool.exec(target, 'echo again');
    expect(r.stdout).toBe('again\n');
    expect(pool.stats().connects).toBe(2);
  });

  it('refuses a changed host key, naming host, expected and offered fingerprints', async () => {
    await pool.exec(target, 'true');
    const old = sshd.hostKeyFingerprint;
    const offered = await sshd.restartWithNewHostKey();
    pool.disconnect(target);
    const err = await pool.exec(target, 'touch /tmp/should-not-run').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: RemoteErrorCode.HostKeyMismatch, retryable: false });
    const msg = (err as Error).message;
    expect(msg).toContain('sshd-host');
    expect(msg).toContain(old);
    expect(msg).toContain(offered);
  });
});

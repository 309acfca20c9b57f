import { InMemoryHostKeyStore } from 'src/remote/host-key';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
import { SshPool } from 'src/remote/ssh-pool';
import { SshTarget } from 'src/remote/ssh-target';
import { FixtureExec, Ssh2ServerFixture, startSsh2Server } from 'test/fixtures/remote/ssh2-server';
import { waitUntil } from 'test/utils/wait';

/** A tiny command language for the fixture, enough to exercise every path of the pool. */
const hanging = new Set<FixtureExec>();
function handle(exec: FixtureExec): void {
  const [verb, ...rest] = exec.command.split(' ');
  const arg = rest.join(' ');
  switch (verb ?? '') {
    case 'echo':
      exec.stdout.write(`${arg}\n`);
      return exec.exit(0);
    case 'fail':
      exec.stderr.write(`failing with ${arg}\n`);
      return exec.exit(Number(arg));
    case 'both':
      exec.stdout.write('to stdout\n');
      exec.stderr.write('to stderr\n');
      return exec.exit(0);
    case 'big':
      exec.stdout.write(Buffer.alloc(Number(arg), 'x'));
      return exec.exit(0);
    case 'cat': {
      let input = '';
      exec.stdin.on('data', (d: Buffer) => (input += d.toString()));
      exec.stdin.on('end', () => {
        exec.stdout.write(input);
        exec.exit(0);
      });
      return;
    }
    case 'killed':
      return exec.killed('TERM');
    case 'hang':
      hanging.add(exec);
      exec.onClose(() => hanging.delete(exec));
      return;
    case 'drop':
      return exec.dropConnection();
    default:
      exec.stderr.write(`sh: ${verb}: not found\n`);
      return exec.exit(127);
  }
}

/** Waits for the server fixture's state (bounded only to fail instead of hanging). */
async function waitFor(cond: () => boolean, what: string): Promise<void> {
  await waitUntil(async () => cond(), what, 30_000, 5);
}

describe('SshPool against an in-process ssh2 server', () => {
  let server: Ssh2ServerFixture;
  let pool: SshPool;
  let target: SshTarget;

  beforeAll(async () => {
    server = await startSsh2Server(handle);
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    pool = new SshPool({ defaultTimeoutMs: 10_000 });
    target = {
      name: 'fixture-a',
      address: server.address,
      port: server.port,
      username: 'root',
      credential: { keyFile: server.clientKeyPath },
    };
  });
  afterEach(async () => {
    await pool.close();
  });

  it('runs commands, keeps stdout and stderr apart and reports exit codes', async () => {
    const ok = await pool.exec(target, 'both');
    expect(ok).toMatchObject({ exitCode: 0, stdout: 'to stdout\n', stderr: 'to stderr\n' });
    expect(ok.truncated).toEqual({ stdout: false, stderr: false });
    const failed = await pool.exec(target, 'fail 3');
    expect(failed).toMatchObject({ exitCode: 3, stdout: '', stderr: 'failing with 3\n' });
    expect(failed.durationMs).toBeGreaterThan(0);
  });

  it('reports a command ended by a signal', async () => {
    const r = await pool.exec(target, 'killed');
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe('SIGTERM');
  });

  it('reuses one connection for many concurrent commands, queueing beyond the channel bound', async () => {
    const before = server.connections;
    const bounded = new SshPool({ maxChannelsPerHost: 3 });
    try {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => bounded.exec(target, `echo ${i}`)));
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}\n`));
      expect(server.connections - before).toBe(1);
      expect(bounded.stats()).toMatchObject({ hosts: 1, open: 1, connects: 1 });
    } finally {
      await bounded.close();
    }
  });

  it('caps each stream and records that it did', async () => {
    const r = await pool.exec(target, 'big 100000', { maxOutputBytes: 1000 });
    expect(r.stdout).toHaveLength(1000);
    expect(r.truncated).toEqual({ stdout: true, stderr: false });
  });

  it('feeds stdin and closes it', async () => {
    const r = await pool.exec(target, 'cat', { stdin: 'line one\nline two\n' });
    expect(r.stdout).toBe('line one\nline two\n');
  });

  it('times out a hanging command, kills its process group and closes its channel', async () => {
    await pool.exec(target, 'echo warm'); // connected: the 200 ms are the command's, not the handshake's
    const pending = pool.exec(target, 'hang', { timeoutMs: 200 }).catch((e: unknown) => e);
    await waitFor(() => hanging.size === 1, 'the command to start');
    const seen = [...hanging][0];
    const err = await pending;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).toMatchObject({ code: RemoteErrorCode.Timeout, host: 'fixture-a', retryable: true });
    expect((err as RemoteError).details.remoteStop).toMatchObject({ how: 'process-group-killed' });
    await waitFor(() => hanging.size === 0, 'the hanging channel to close');
    expect(seen?.command).toBe('hang');
    // The connection survives a timed-out command.
    expect((await pool.exec(target, 'echo after')).stdout).toBe('after\n');
  });

  it('aborts a running command and one still waiting in the queue', async () => {
    const one = new SshPool({ maxChannelsPerHost: 1 });
    try {
      const controller = new AbortController();
      const running = one.exec(target, 'hang', { signal: controller.signal }).catch((e: unknown) => e);
      const queued = one.exec(target, 'echo queued', { signal: controller.signal }).catch((e: unknown) => e);
      await waitFor(() => hanging.size === 1, 'the command to start');
      controller.abort();
      expect(await running).toMatchObject({ code: RemoteErrorCode.Aborted });
      expect(await queued).toMatchObject({ code: RemoteErrorCode.Aborted });
      await waitFor(() => hanging.size === 0, 'the aborted channel to close');
      expect((await one.exec(target, 'echo next')).stdout).toBe('next\n');
    } finally {
      await one.close();
    }
  });

  it('refuses at once with an already-aborted signal', async () => {
    const err = await pool.exec(target, 'echo x', { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: RemoteErrorCode.Aborted });
  });

  it('fails the command in flight when the connection drops, and reconnects for the next one', async () => {
    await pool.exec(target, 'echo warm');
    const inFlight = pool.exec(target, 'hang').catch((e: unknown) => e);
    await waitFor(() => hanging.size === 1, 'the command to start');
    server.dropAll();
    const err = await inFlight;
    expect(err).toMatchObject({ code: RemoteErrorCode.ConnectionLost, retryable: true });
    expect((err as Error).message).toContain('fixture-a');
    const after = await pool.exec(target, 'echo back');
    expect(after.stdout).toBe('back\n');
    expect(pool.stats().connects).toBe(2);
  });

  it('fails a command whose own run drops the connection', async () => {
    const err = await pool.exec(target, 'drop').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: RemoteErrorCode.ConnectionLost });
    expect((await pool.exec(target, 'echo ok')).exitCode).toBe(0);
  });

  it('authenticates with a password taken from an environment variable, and never shows it', async () => {
    const env = { FIXTURE_PW: server.password };
    const withPw = new SshPool({ env });
    try {
      const t: SshTarget = { ...target, name: 'pw-host', credential: { passwordEnv: 'FIXTURE_PW' } };
      expect((await withPw.exec(t, 'echo pw')).stdout).toBe('pw\n');
      const bad = new SshPool({ env: { FIXTURE_PW: 'wrong-secret-123' } });
      const err = await bad.exec(t, 'echo pw').catch((e: unknown) => e);
      await bad.close();
      expect(err).toMatchObject({ code: RemoteErrorCode.AuthFailed, retryable: false });
      expect((err as Error).message).toContain('FIXTURE_PW');
      expect(JSON.stringify({ m: (err as Error).message, d: (err as RemoteError).details })).not.toContain(
        'wrong-secret-123',
      );
    } finally {
      await withPw.close();
    }
  });

  it('says which variable is missing when a password reference cannot be resolved', async () => {
    const t: SshTarget = { ...target, credential: { passwordEnv: 'SHAKEDOWN_NO_SUCH_VAR' } };
    const err = await new SshPool({ env: {} }).exec(t, 'echo x').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: RemoteErrorCode.CredentialUnavailable });
    expect((err as Error).message).toContain('SHAKEDOWN_NO_SUCH_VAR');
  });

  it('reports connection refused as a retryable infra error', async () => {
    const t: SshTarget = { ...target, name: 'nobody', port: 1 };
    const err = await pool.exec(t, 'echo x').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: RemoteErrorCode.ConnectionRefused, retryable: true, infra: true });
  });

  it('enforces an inventory fingerprint, naming host, expected and offered keys', async () => {
    const expected = 'SHA256:' + 'A'.repeat(43);
    const t: SshTarget = { ...target, name: 'pinned', hostKey: expected };
    const err = await pool.exec(t, 'echo x').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: RemoteErrorCode.HostKeyMismatch, retryable: false });
    const msg = (err as Error).message;
    expect(msg).toContain('pinned');
    expect(msg).toContain(expected);
    expect(msg).toContain(server.hostKeyFingerprint);
    const connections = server.connections;
    // Refused for good: no new connection is even attempted.
    expect(await pool.exec(t, 'echo x').catch((e: unknown) => e)).toMatchObject({
      code: RemoteErrorCode.HostKeyMismatch,
    });
    expect(server.connections).toBe(connections);
    const right = await pool.exec({ ...t, name: 'pinned-ok', hostKey: server.hostKeyFingerprint }, 'echo ok');
    expect(right.stdout).toBe('ok\n');
  });

  it('pins the first key seen and refuses a changed one afterwards', async () => {
    const store = new InMemoryHostKeyStore();
    const first = new SshPool({ hostKeys: store });
    const t: SshTarget = { ...target, name: 'tofu' };
    try {
      await first.exec(t, 'echo first');
      expect(await store.get({ name: 'tofu' })).toEqual({
        fingerprint: server.hostKeyFingerprint,
        source: 'first-use',
      });
      const old = server.hostKeyFingerprint;
      const rotated = server.rotateHostKey();
      const second = new SshPool({ hostKeys: store });
      const err = await second.exec(t, 'echo again').catch((e: unknown) => e);
      await second.close();
      expect(err).toMatchObject({ code: RemoteErrorCode.HostKeyMismatch });
      expect((err as Error).message).toContain(old);
      expect((err as Error).message).toContain(rotated);
      expect((err as RemoteError).details).toMatchObject({ expected: old, offered: rotated, pinnedFrom: 'first-use' });
    } finally {
      await first.close();
    }
  });
});

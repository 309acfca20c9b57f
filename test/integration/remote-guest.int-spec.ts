import { GuestShell } from 'src/remote/guest-shell';
import { RemoteErrorCode } from 'src/remote/remote.errors';
import { SshPool } from 'src/remote/ssh-pool';
import { SshTarget } from 'src/remote/ssh-target';
import { XeClient } from 'src/remote/xe/xe-client';
import { fakeXe } from 'test/fixtures/remote/fake-xe';
import { FixtureExec, Ssh2ServerFixture, startSsh2Server } from 'test/fixtures/remote/ssh2-server';

const WITH_IP = '7e2a9c44-5b1d-11ee-8c99-0242ac120002';
const NO_IP = '11111111-2222-3333-4444-555555555555';

describe('GuestShell: commands inside VMs, located through xe', () => {
  let host: Ssh2ServerFixture;
  let guest: Ssh2ServerFixture;
  let pool: SshPool;
  let shell: GuestShell;
  const hanging = new Set<FixtureExec>();

  beforeAll(async () => {
    guest = await startSsh2Server((exec) => {
      if (exec.command === 'hang') {
        hanging.add(exec);
        exec.onClose(() => hanging.delete(exec));
        return;
      }
      exec.stdout.write(`guest ran: ${exec.command}\n`);
      exec.exit(0);
    });
    host = await startSsh2Server(
      fakeXe(
        (argv) =>
          argv.includes(`uuid=${WITH_IP}`)
            ? { stdout: `0/ip: 127.0.0.1; 0/ipv4/0: 127.0.0.1; 0/ssh-port: ${guest.port}\n` }
            : { stdout: '\n' },
        [],
      ),
    );
    pool = new SshPool();
    const master: SshTarget = {
      name: 'xcp-a',
      address: host.address,
      port: host.port,
      username: 'root',
      credential: { keyFile: host.clientKeyPath },
    };
    const xe = new XeClient(pool, { hosts: [master], master: 'xcp-a' });
    shell = new GuestShell(pool, xe.vm, { username: 'root', credential: { keyFile: guest.clientKeyPath } });
  });
  afterAll(async () => {
    await pool.close();
    await host.close();
    await guest.close();
  });

  it('runs a command in the guest at the address and port its networks report', async () => {
    const r = await shell.exec(WITH_IP, 'uname -a');
    expect(r).toMatchObject({ exitCode: 0, stdout: 'guest ran: uname -a\n' });
    expect(await pool.hostKeys.get({ name: `vm:${WITH_IP}` })).toEqual({
      fingerprint: guest.hostKeyFingerprint,
      source: 'first-use',
    });
  });

  it('times out a hanging guest command', async () => {
    const err = await shell.exec(WITH_IP, 'hang', { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: RemoteErrorCode.Timeout, host: `vm:${WITH_IP}` });
  });

  it('says so when the guest has no address yet', async () => {
    const err = await shell.exec(NO_IP, 'true').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: RemoteErrorCode.Unreachable });
    expect((err as Error).message).toContain(NO_IP);
  });

  it('refuses a guest whose host key changed after first use', async () => {
    shell.forget(WITH_IP);
    guest.rotateHostKey();
    const err = await shell.exec(WITH_IP, 'true').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: RemoteErrorCode.HostKeyMismatch });
  });
});

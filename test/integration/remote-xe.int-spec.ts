import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
import { SshPool } from 'src/remote/ssh-pool';
import { SshTarget } from 'src/remote/ssh-target';
import { XeClient } from 'src/remote/xe/xe-client';
import { XeCliErrorCode, XeError } from 'src/remote/xe/xe.errors';
import { FakeXeReply, fakeXe } from 'test/fixtures/remote/fake-xe';
import { Ssh2ServerFixture, startSsh2Server } from 'test/fixtures/remote/ssh2-server';

const VM = '7e2a9c44-5b1d-11ee-8c99-0242ac120002';
const HOST = 'c8f5d0a5-3c7e-4b36-9f1e-2b0a6a7d5e01';
const BAD_POWER_STATE =
  "You attempted an operation on a VM that was not in an appropriate power state at the time; for example, you attempted to start a VM that was already running. The parameters returned are the VM's handle, and the expected and actual VM state at the time of the call.\n" +
  `vm: ${VM} (debian12)\nexpected: halted\nactual: running\n`;

function reply(argv: string[]): FakeXeReply {
  const [, cmd, ...rest] = argv;
  const arg = (name: string) => rest.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  switch (cmd ?? '') {
    case 'vm-list':
      if (arg('name-label') === 'none') return { stdout: '' };
      return {
        stdout:
          `uuid ( RO)           : ${VM}\n     name-label ( RW): debian12\n    power-state ( RO): running\n\n\n` +
          'uuid ( RO)           : 11111111-2222-3333-4444-555555555555\n     name-label ( RW): w, x\n    power-state ( RO): halted\n\n\n',
      };
    case 'vm-start':
      return { stderr: BAD_POWER_STATE };
    case 'vm-param-get':
      if (arg('param-name') === 'networks') {
        return { stdout: '0/ip: 127.20.0.5; 0/ipv4/0: 127.20.0.5; 0/ssh-port: 40123\n' };
      }
      if (arg('param-name') === 'resident-on') return { stdout: '<not in database>\n' };
      if (arg('param-name') === 'power-state') return { stdout: 'halted\n' };
      return { stderr: `Error: Key ${arg('param-key')} not found in map\n` };
    case 'vm-param-set':
    case 'vm-migrate':
      return { stdout: '' };
    case 'host-param-get':
      return {
        stdout:
          'product_version: 8.2.1; product_version_text: 8.2; platform_name: XCP; platform_version: 3.2.1; product_brand: XCP-ng; build_number: release/yangtze/master/58; hostname: localhost; xapi: 1.20\n',
      };
    case 'pool-list':
      return { stdout: `${HOST}\n` };
    case 'sr-list':
      return { stdout: 'a\\,b,c\n' };
    case 'host-list':
      return { stderr: 'Error: Connection refused (calling connect )\n' };
    default:
      return { stderr: `Unknown command: ${cmd}\nFor usage run: 'xe help'\n` };
  }
}

describe('XeClient over SSH (canned xe outputs from the reference)', () => {
  let server: Ssh2ServerFixture;
  let pool: SshPool;
  let xe: XeClient;
  const received: string[][] = [];

  beforeAll(async () => {
    server = await startSsh2Server(fakeXe(reply, received));
    pool = new SshPool({ env: { REMOTE_POOL_PW: 's3cret-remote' } });
    const master: SshTarget = {
      name: 'xcp-a',
      address: server.address,
      port: server.port,
      username: 'root',
      credential: { keyFile: server.clientKeyPath },
    };
    xe = new XeClient(pool, { hosts: [master], master: 'xcp-a' }, { env: { REMOTE_POOL_PW: 's3cret-remote' } });
  });
  afterAll(async () => {
    await pool.close();
    await server.close();
  });
  beforeEach(() => {
    received.length = 0;
  });

  it('lists VMs with typed power states', async () => {
    expect(await xe.vm.list()).toEqual([
      { uuid: VM, nameLabel: 'debian12', powerState: 'running' },
      { uuid: '11111111-2222-3333-4444-555555555555', nameLabel: 'w, x', powerState: 'halted' },
    ]);
    expect(received[0]).toEqual(['xe', 'vm-list', 'is-control-domain=false', 'params=uuid,name-label,power-state']);
    expect(await xe.vm.list({ nameLabel: 'none' })).toEqual([]);
  });

  it('turns a product error into an XeError with the real code and parameters', async () => {
    const err = await xe.vm.start(VM, { onHost: 'xcp-b' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XeError);
    expect(err).toMatchObject({ code: 'VM_BAD_POWER_STATE', params: { expected: 'halted', actual: 'running' } });
    expect(received[0]).toEqual(['xe', 'vm-start', `uuid=${VM}`, 'on=xcp-b']);
  });

  it('sends values with spaces and quotes as single words, maps as name:key=value', async () => {
    await xe.vm.setParams(VM, { 'name-label': "Bob's vm; rm -rf /", 'other-config': { 'shakedown-case': 'a b' } });
    expect(received[0]).toEqual([
      'xe',
      'vm-param-set',
      `uuid=${VM}`,
      "name-label=Bob's vm; rm -rf /",
      'other-config:shakedown-case=a b',
    ]);
  });

  it('reads guest endpoints, references and host versions', async () => {
    expect(await xe.vm.guestEndpoint(VM)).toEqual({ address: '127.20.0.5', sshPort: 40123 });
    expect(await xe.vm.residentOn(VM)).toBeNull();
    expect(await xe.vm.powerState(VM)).toBe('halted');
    expect(await xe.host.version(HOST)).toMatchObject({
      productVersion: '8.2.1',
      buildNumber: 'release/yangtze/master/58',
    });
    expect(await xe.pool.master()).toBe(HOST);
    expect(await xe.minimal('sr-list')).toEqual(['a,b', 'c']);
  });

  it('reports a missing map key as its own code', async () => {
    const err = await xe.vm.param(VM, 'other-config', { key: 'nope' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: XeCliErrorCode.KeyNotInMap, params: { key: 'nope' } });
  });

  it('resolves the remote password reference only to send it, and never shows it in errors', async () => {
    await xe.vm.migrate({
      vm: VM,
      host: 'remote-host',
      live: true,
      vdiMap: { 'vdi-1': 'sr-9' },
      remote: { master: '127.10.2.1', username: 'root', password: { passwordEnv: 'REMOTE_POOL_PW' } },
    });
    expect(received[0]).toEqual([
      'xe',
      'vm-migrate',
      `uuid=${VM}`,
      'host=remote-host',
      'live=true',
      'remote-master=127.10.2.1',
      'remote-username=root',
      'remote-password=s3cret-remote',
      'vdi:vdi-1=sr-9',
    ]);
    const err = await xe.vm
      .migrate({ vm: VM, host: 'h', remote: { master: 'm', username: 'root', password: { passwordEnv: 'UNSET_PW' } } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: RemoteErrorCode.CredentialUnavailable });
    expect(() => JSON.stringify(err)).not.toThrow();
    expect(String((err as Error).message)).not.toContain('s3cret');
  });

  it('refuses storage motion without remote-* (xe would refuse it too)', async () => {
    await expect(xe.vm.migrate({ vm: VM, host: 'h', vdiMap: { v: 's' } })).rejects.toThrow(
      /storage motion needs remote/,
    );
    expect(received).toEqual([]);
  });

  it('treats xapi being down as an infra error and unknown commands as XeError', async () => {
    const down = await xe.host.list().catch((e: unknown) => e);
    expect(down).toBeInstanceOf(RemoteError);
    expect(down).toMatchObject({ code: RemoteErrorCode.XapiUnavailable, retryable: true });
    const unknown = await xe.call('vm-frobnicate').catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: XeCliErrorCode.UnknownCommand });
  });
});

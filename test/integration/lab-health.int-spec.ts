import { HostHealthService } from 'src/lab/host-health.service';
import { parseInventory } from 'src/lab/inventory.loader';
import { LabInventory } from 'src/lab/lab-inventory';
import { SshPool } from 'src/remote/ssh-pool';
import { splitShellWords } from 'test/fixtures/remote/fake-xe';
import { FixtureExec, Ssh2ServerFixture, startSsh2Server } from 'test/fixtures/remote/ssh2-server';

const HOST_UUID = 'c8f5d0a5-3c7e-4b36-9f1e-2b0a6a7d5e01';
const state = { enabled: true, xapiDown: false };

const OUTPUTS: Record<string, string> = {
  true: '',
  lscpu: 'CPU(s):   8\nModel name:   Intel(R) Xeon(R) CPU E5-2630 v3 @ 2.40GHz\n',
  'cat /proc/meminfo': 'MemTotal:       16303916 kB\n',
  'dmidecode -s system-product-name': 'PowerEdge R630\n',
  'lspci -k': '03:00.0 RAID bus controller: Broadcom / LSI MegaRAID SAS-3 3108\n\tKernel driver in use: megaraid_sas\n',
  'ls /sys/class/net': 'eth0\nlo\nxenbr0\n',
  'ethtool -i eth0': 'driver: ixgbe\nversion: 5.1.0-k\nfirmware-version: 0x800003df\n',
  'modinfo -F version megaraid_sas': '07.714.04.00-rc1\n',
};

function host(exec: FixtureExec): void {
  const argv = splitShellWords(exec.command);
  if (argv[0] === 'xe') {
    if (state.xapiDown) {
      exec.stderr.write('Error: Connection refused (calling connect )\n');
      return exec.exit(1);
    }
    if (argv[1] === 'host-list') {
      exec.stdout.write(
        `uuid ( RO)          : ${HOST_UUID}\n  name-label ( RW): xcp-a\n     address ( RO): 127.0.0.1\n     enabled ( RO): ${state.enabled}\n\n\n`,
      );
      return exec.exit(0);
    }
    if (argv[1] === 'host-param-get') {
      exec.stdout.write('product_version: 8.3.0; platform_name: XCP; build_number: cloud; hostname: localhost\n');
      return exec.exit(0);
    }
  }
  const out = OUTPUTS[exec.command];
  if (out === undefined) {
    exec.stderr.write(`sh: ${argv[0]}: not found\n`);
    return exec.exit(127);
  }
  exec.stdout.write(out);
  exec.exit(0);
}

describe(HostHealthService.name, () => {
  let server: Ssh2ServerFixture;
  let pool: SshPool;
  let lab: LabInventory;
  let sut: HostHealthService;

  beforeAll(async () => {
    server = await startSsh2Server(host);
    lab = new LabInventory(
      parseInventory(
        JSON.stringify({
          name: 'fixture-lab',
          credentials: { k: { key_file: server.clientKeyPath } },
          pools: [
            {
              name: 'p',
              master: 'xcp-a',
              hosts: [
                { name: 'xcp-a', address: '127.0.0.1', port: server.port, credential: 'k', version: '8.2.1' },
                { name: 'xcp-gone', address: '127.0.0.1', port: 1, credential: 'k' },
              ],
            },
          ],
        }),
      ),
    );
  });
  beforeEach(() => {
    pool = new SshPool();
    sut = new HostHealthService(pool);
    state.enabled = true;
    state.xapiDown = false;
  });
  afterEach(async () => {
    await pool.close();
  });
  afterAll(async () => {
    await server.close();
  });

  it('reports a reachable, enabled host with xapi answering as good, with version and hardware', async () => {
    const h = await sut.check(lab, 'xcp-a', { withHardware: true });
    expect(h).toMatchObject({
      host: 'xcp-a',
      pool: 'p',
      state: 'good',
      reachable: true,
      xapi: true,
      hostUuid: HOST_UUID,
      version: '8.3.0',
      build: 'cloud',
      hardwareClass: 'intel-xeon-e5-v3 / ixgbe / megaraid_sas',
    });
    expect(h.problems).toEqual(['inventory says version 8.2.1, host runs 8.3.0']);
    // The profile submissions carry: what the host does not say is `unknown` or left out.
    expect(h.hardware).toEqual({
      server: { model: 'PowerEdge R630' },
      cpu: { model: 'Intel(R) Xeon(R) CPU E5-2630 v3 @ 2.40GHz', sockets: 1, coresPerSocket: 8 },
      memoryBytes: 16303916 * 1024,
      nics: [{ name: 'eth0', driver: 'ixgbe', driverVersion: '5.1.0-k', firmware: '0x800003df' }],
      storageControllers: [
        { driver: 'megaraid_sas', driverVersion: '07.714.04.00-rc1', model: 'Broadcom / LSI MegaRAID SAS-3 3108' },
      ],
    });
  });

  it('reports a disabled host as maintenance', async () => {
    state.enabled = false;
    expect(await sut.check(lab, 'xcp-a')).toMatchObject({ state: 'maintenance', enabled: false });
  });

  it('reports xapi down and an unreachable host as bad, saying why', async () => {
    state.xapiDown = true;
    const down = await sut.check(lab, 'xcp-a');
    expect(down).toMatchObject({ state: 'bad', reachable: true, xapi: false });
    expect(down.problems[0]).toContain('REMOTE_XAPI_UNAVAILABLE');
    const gone = await sut.check(lab, 'xcp-gone', { timeoutMs: 5000 });
    expect(gone).toMatchObject({ state: 'bad', reachable: false });
    expect(gone.problems[0]).toContain('connection refused');
  });
});

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { labConfigSchema } from 'src/simulator/config/lab-config';
import { SimulatedLab, startSimulatedLab } from 'src/simulator/lab/simulated-lab';

/** 16 pools × 4 hosts = 64 simulated hosts, each on its own loopback address. */
function sixtyFourHosts(): ReturnType<typeof labConfigSchema.parse> {
  return labConfigSchema.parse({
    name: 'sim-64',
    pools: Array.from({ length: 16 }, (_, p) => ({
      name: `pool-${p}`,
      hosts: Array.from({ length: 4 }, (_, h) => ({
        name: `h${p}-${h}`,
        version: p % 2 === 0 ? '8.2.1' : '8.3.0',
        local_srs: ['ext'],
      })),
      shared_srs: [{ name: `nfs-${p}`, type: 'nfs' }],
    })),
  });
}

function run(address: string, port: number, key: Buffer, command: string): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    let stdout = '';
    c.on('ready', () => {
      c.exec(command, (err, stream) => {
        if (err) return reject(err);
        stream.on('data', (d: Buffer) => (stdout += d.toString()));
        stream.stderr.resume();
        let code = -1;
        stream.on('exit', (c2: number) => (code = c2));
        // 'close' comes after the last data; 'exit' may come before it.
        stream.on('close', () => {
          c.end();
          resolve({ stdout, code });
        });
      });
    });
    c.on('error', reject);
    c.connect({ host: address, port, username: 'root', privateKey: key, readyTimeout: 30000 });
  });
}

describe('a simulated lab at scale', () => {
  let lab: SimulatedLab;

  beforeAll(async () => {
    lab = await startSimulatedLab({
      config: sixtyFourHosts(),
      stateDir: mkdtempSync(join(tmpdir(), 'sim-64-')),
      speed: 1000,
      controlApi: false,
    });
  });

  afterAll(async () => {
    await lab.stop();
  });

  it('64 hosts in one process serve 64 concurrent SSH sessions', async () => {
    const hosts = lab.inventory.pools.flatMap((p) => p.hosts);
    expect(hosts).toHaveLength(64);
    expect(new Set(hosts.map((h) => h.address)).size).toBe(64);
    const cred = lab.inventory.credentials['sim-root'];
    if (!cred || !('key_file' in cred)) throw new Error('no key credential');
    const key = readFileSync(cred.key_file);
    const results = await Promise.all(
      hosts.map((h) => run(h.address, h.port, key, `xe host-list name-label=${h.name} params=name-label --minimal`)),
    );
    expect(results.map((r) => r.stdout)).toEqual(hosts.map((h) => `${h.name}\n`));
    expect(results.every((r) => r.code === 0)).toBe(true);
  });
});

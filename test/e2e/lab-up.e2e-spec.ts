import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { startCli, LongRunning } from 'test/utils/cli';
import type { LabInventoryJson } from 'src/simulator/lab/lab-inventory';

// `shakedown lab up` as a container runs it: state in the data folder, and SIGTERM ends it even
// while clients still have commands running on its hosts (a campaign always leaves some).
describe('shakedown lab up', () => {
  let dataDir: string;
  let lab: LongRunning;
  let inventory: LabInventoryJson;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'shakedown-lab-up-'));
    lab = startCli(['lab', 'up', '--speed', '10'], { SHAKEDOWN_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const [line] = await lab.waitFor(/^\{"name".*\}$/m);
    inventory = JSON.parse(line) as LabInventoryJson;
  });

  afterAll(async () => {
    await lab.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps its keys and password under SHAKEDOWN_DATA_DIR/sim by default', () => {
    const keyFiles = Object.values(inventory.credentials).flatMap((c) => ('key_file' in c ? [c.key_file] : []));
    expect(keyFiles.length).toBeGreaterThan(0);
    for (const file of keyFiles) {
      expect(file.startsWith(join(dataDir, 'sim'))).toBe(true);
      expect(readFileSync(file, 'utf8')).toContain('PRIVATE KEY');
    }
  });

  it('stops on SIGTERM while a command still runs on one of its hosts', async () => {
    const host = inventory.pools[0]!.hosts[0]!;
    const key = Object.values(inventory.credentials).find((c) => 'key_file' in c) as { key_file: string };
    const client = new Client();
    const started = new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      client.on('ready', () =>
        // The simulated shell hands a command's output over when it ends, so "started" cannot be
        // read while it runs; the channel opening is the sign that the host accepted and runs it.
        client.exec('sleep 100000', (err, channel) => {
          if (err) return reject(err);
          channel.resume();
          channel.stderr.resume();
          resolve();
        }),
      );
    });
    client.connect({ host: host.address, port: host.port, username: 'root', privateKey: readFileSync(key.key_file) });
    await started;

    const code = await lab.stop('SIGTERM');
    client.end();
    expect(code).toBe(0);
  });
});

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, ClientChannel } from 'ssh2';
import { loadLabConfig } from 'src/simulator/config/lab-config';
import { DEFAULT_LAB_CONFIG, startSimulatedLab } from 'src/simulator/lab/simulated-lab';
import { XeHarness } from 'src/simulator/testing/xe-harness';

/**
 * The simulated lab's own overhead per `xe` call: in-process emulator time, and per call over SSH
 * on a warm connection. The floor is the same SSH round trip running `true` (shell, no xe), so the
 * ratio says what xe adds on top of the transport.
 */
const IN_PROCESS_CALLS = 2000;
const SSH_CALLS = 300;

function exec(client: Client, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err: Error | undefined, stream: ClientChannel) => {
      if (err) return reject(err);
      stream.on('data', () => undefined);
      stream.stderr.on('data', () => undefined);
      stream.on('close', () => resolve());
    });
  });
}

async function timeCalls(n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, n); i++) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / n;
}

async function main(): Promise<void> {
  const harness = XeHarness.fromConfig(loadLabConfig(DEFAULT_LAB_CONFIG));
  const inProcessMs = await timeCalls(IN_PROCESS_CALLS, () => harness.xe('sim-821-a', 'vm-list'));
  const paramGetMs = await timeCalls(IN_PROCESS_CALLS, () => harness.xe('sim-821-a', 'host-list', 'params=all'));

  const lab = await startSimulatedLab({
    stateDir: mkdtempSync(join(tmpdir(), 'bench-lab-')),
    speed: 1000,
    controlApi: false,
  });
  const host = lab.inventory.pools[0]?.hosts[0];
  const cred = lab.inventory.credentials['sim-root'];
  if (!host || !cred || !('key_file' in cred)) throw new Error('lab inventory lacks its first host or key');
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.on('ready', () => {
      // Like OpenSSH; without it Nagle plus delayed ACKs add ~40 ms to every small exchange.
      client.setNoDelay(true);
      resolve();
    });
    client.on('error', reject);
    client.connect({ host: host.address, port: host.port, username: 'root', privateKey: readFileSync(cred.key_file) });
  });
  const floorMs = await timeCalls(SSH_CALLS, () => exec(client, 'true'));
  const xeSshMs = await timeCalls(SSH_CALLS, () => exec(client, 'xe vm-list'));
  client.end();
  await lab.stop();

  const round = (x: number): number => Math.round(x * 1000) / 1000;
  console.log(
    JSON.stringify({
      bench: 'lab',
      ratio_vs_floor: round(xeSshMs / floorMs),
      xe_vm_list_in_process_ms: round(inProcessMs),
      xe_host_list_all_in_process_ms: round(paramGetMs),
      xe_vm_list_over_ssh_ms: round(xeSshMs),
      noop_over_ssh_ms: round(floorMs),
      calls: { in_process: IN_PROCESS_CALLS, ssh: SSH_CALLS },
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedLab, startSimulatedLab } from 'src/simulator/lab/simulated-lab';
import { openssh } from 'test/fixtures/simulator/openssh';
import { loadTranscripts, TRANSCRIPT_LAB } from 'test/fixtures/simulator/transcripts';

describe('simulated host over a real OpenSSH client', () => {
  let lab: SimulatedLab;
  let keyFile: string;
  let address: string;
  let port: number;

  beforeAll(async () => {
    lab = await startSimulatedLab({
      config: TRANSCRIPT_LAB,
      stateDir: mkdtempSync(join(tmpdir(), 'sim-ssh-')),
      speed: 1000,
    });
    const host = lab.inventory.pools[0]?.hosts[0];
    const cred = lab.inventory.credentials['sim-root'];
    if (!host || !cred || !('key_file' in cred)) throw new Error('inventory lacks the host or its key credential');
    keyFile = cred.key_file;
    address = host.address;
    port = host.port;
  });

  afterAll(async () => {
    await lab.stop();
  });

  for (const t of loadTranscripts().filter((x) =>
    [
      'vm-list',
      'vm-list-minimal',
      'vm-start-running',
      'vm-start-unknown',
      'unknown-command',
      'vm-list-names-minimal',
    ].includes(x.name),
  )) {
    it(`${t.command} matches the transcript byte for byte`, async () => {
      const run = await openssh(address, port, keyFile, t.command);
      expect(run).toEqual({ stdout: t.stdout, stderr: t.stderr, code: t.exitCode });
    });
  }

  it('the inventory pins the host key OpenSSH sees', async () => {
    const fp = lab.inventory.pools[0]?.hosts[0]?.host_key ?? '';
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    // Let OpenSSH record the key it was shown, then fingerprint that record.
    const known = join(mkdtempSync(join(tmpdir(), 'sim-kh-')), 'known_hosts');
    expect((await openssh(address, port, keyFile, 'true', 20000, known)).code).toBe(0);
    const fpOut = execFileSync('ssh-keygen', ['-lf', known], { encoding: 'utf8' });
    expect(fpOut).toContain(fp);
  });

  it('shell operators work: ; && || and exit statuses', async () => {
    const run = await openssh(address, port, keyFile, 'false || echo fallback; true && echo chained; xe foo');
    expect(run).toEqual({
      stdout: 'fallback\nchained\n',
      stderr: "Unknown command: foo\nFor usage run: 'xe help'\n",
      code: 1,
    });
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from 'test/utils/cli';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { SshdInstance, startSshd } from 'test/utils/sshd';

interface Checked {
  host: string;
  reachable: boolean;
  problems: string[];
  hostKey: { fingerprint: string | null; source: string | null; pinnedBy: string | null; offered: string | null };
}

/**
 * Host-key pins belong to the lab, not to a process: separate `shakedown` processes (each with its
 * own memory, as workers, the API and the CLI are) see one pin in PostgreSQL, keep it across
 * restarts, all refuse a host whose key changed, and accept it again only after `lab trust`.
 */
describe('host-key pins shared by every process', () => {
  let db: TestDatabase;
  let sshd: SshdInstance;
  let dir: string;
  let inventory: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    sshd = await startSshd();
    dir = mkdtempSync(join(tmpdir(), 'shakedown-pins-'));
    inventory = join(dir, 'lab.json');
    writeFileSync(
      inventory,
      JSON.stringify({
        name: 'pin-lab',
        credentials: { k: { key_file: sshd.clientKeyPath } },
        pools: [
          {
            name: 'p',
            master: 'deb',
            hosts: [{ name: 'deb', address: sshd.address, port: sshd.port, user: sshd.user, credential: 'k' }],
          },
        ],
      }),
    );
    env = { DATABASE_URL: db.url, SHAKEDOWN_DATA_DIR: dir, LOG_LEVEL: 'warn' };
  });
  afterAll(async () => {
    await sshd.stop();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function check(): Promise<Checked> {
    const r = await runCli(['lab', 'check', inventory, '--json', '--timeout', '10000'], env);
    // Debian's sshd has no xe: the host is "bad" for xapi either way; what matters here is SSH.
    expect(r.code).toBe(1);
    const [host] = JSON.parse(r.stdout) as Checked[];
    return host!;
  }

  const row = async () =>
    (
      await db.dataSource.query(
        `SELECT host_key_fingerprint AS fp, host_key_source AS source, host_key_pinned_by AS by,
                host_key_offered AS offered FROM hosts WHERE name = 'deb'`,
      )
    )[0];

  it('pins on first use for all, refuses a changed key in every process, and re-pins only on trust', async () => {
    expect((await runCli(['lab', 'import', inventory], env)).code).toBe(0);
    const first = sshd.hostKeyFingerprint;

    const pinning = await check();
    expect(pinning.reachable).toBe(true);
    expect(pinning.hostKey).toMatchObject({ fingerprint: first, source: 'first-use', offered: null });

    const offered = await sshd.restartWithNewHostKey();
    // Two processes at once, then one started afterwards: each refuses on its own, from the stored pin.
    const refused = [...(await Promise.all([check(), check()])), await check()];
    for (const host of refused) {
      expect(host.reachable).toBe(false);
      const problem = host.problems.join('\n');
      expect(problem).toContain('host key mismatch');
      expect(problem).toContain(first);
      expect(problem).toContain(offered);
      expect(host.hostKey).toMatchObject({ fingerprint: first, offered });
    }
    expect(await row()).toEqual({ fp: first, source: 'first-use', by: null, offered });

    const wrong = await runCli(['lab', 'trust', 'deb', '--fingerprint', first], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`host deb offers ${offered}, not ${first}: nothing changed`);
    expect((await row()).fp).toBe(first);

    const trusted = await runCli(['lab', 'trust', 'deb', '--fingerprint', offered, '--by', 'alice'], env);
    expect(trusted.stderr).toBe('');
    expect(trusted.stdout).toBe(`lab pin-lab: host deb pinned to ${offered} by alice (was ${first})\n`);
    expect(await row()).toEqual({ fp: offered, source: 'trusted', by: 'alice', offered: null });

    const after = await check();
    expect(after.reachable).toBe(true);
    expect(after.hostKey).toMatchObject({ fingerprint: offered, source: 'trusted', pinnedBy: 'alice' });
  });

  it('names what is wrong with a trust request', async () => {
    const bad = await runCli(['lab', 'trust', 'deb', '--fingerprint', 'md5:00'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--fingerprint: expected SHA256: and 43 base64 characters');
    const nobody = await runCli(['lab', 'trust', 'nowhere'], env);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('no host nowhere in any stored lab');
    const who = await runCli(['lab', 'trust', 'deb', '--by', 'a b'], env);
    expect(who.code).toBe(2);
    expect(who.stderr).toContain('--by:');
  });
});

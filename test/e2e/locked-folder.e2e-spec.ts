import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from 'test/utils/cli';
import { freePort } from 'test/utils/sshd';

/**
 * The front door from a folder user postgres cannot enter (root's home is 0700): the embedded
 * PostgreSQL puts its data where it can reach, says where, and everything works without a step from
 * the user. (Its binaries, when node_modules is in such a folder too, are run from a copy: tried by
 * hand from a clone under a 0700 folder, see the README.)
 */
describe('embedded PostgreSQL from a folder its user cannot enter', () => {
  const locked = mkdtempSync(join(tmpdir(), 'shakedown-locked-'));
  const dataDir = join(locked, 'clone', '.shakedown');
  let pgDir: string | undefined;

  beforeAll(() => {
    chmodSync(locked, 0o700);
    mkdirSync(dirname(dataDir)); // the clone; its data folder is made by shakedown
  });
  afterAll(() => {
    rmSync(locked, { recursive: true, force: true });
    if (pgDir) rmSync(dirname(pgDir), { recursive: true, force: true });
  });

  it('starts, stores, and says where its data went', async () => {
    const inventory = join(locked, 'lab.json');
    writeFileSync(
      inventory,
      JSON.stringify({
        name: 'locked-lab',
        credentials: { k: { key_file: '/nonexistent' } },
        pools: [{ name: 'p', master: 'h', hosts: [{ name: 'h', address: '127.0.0.1', credential: 'k' }] }],
      }),
    );
    const env = { DATABASE_URL: '', SHAKEDOWN_DATA_DIR: dataDir, SHAKEDOWN_EMBEDDED_PG_PORT: String(await freePort()) };
    const r = await runCli(['lab', 'import', inventory], env, 180_000);
    expect(r.stderr).toContain('lab locked-lab: 1 pools, 1 hosts stored');
    expect(r.code).toBe(0);
    if (process.getuid?.() === 0) {
      pgDir = readFileSync(join(dataDir, 'pg-location'), 'utf8').trim();
      expect(pgDir).toMatch(/^\/var\/lib\/shakedown\/data-\.shakedown-[0-9a-f]{12}\/pg$/);
      expect(r.stderr).toContain(`embedded PostgreSQL data in ${pgDir}: its user postgres cannot enter ${locked}`);
      expect(existsSync(join(pgDir, 'PG_VERSION'))).toBe(true);
      expect(existsSync(join(dataDir, 'pg'))).toBe(false);
    } else {
      // Not root: PostgreSQL runs as this user, who can enter its own folders.
      expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    }
    // A second start reuses that data folder (initialised once).
    const again = await runCli(['lab', 'import', inventory], env, 180_000);
    expect(again.code).toBe(0);
  });
});

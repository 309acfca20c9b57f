import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabDoctor } from 'src/lab/doctor/lab-doctor';
import { parseInventory } from 'src/lab/inventory.loader';
import { LabInventory } from 'src/lab/lab-inventory';
import { TEMPLATE_HINTS } from 'src/scenarios/support/pool-ops';
import { runCli } from 'test/utils/cli';
import { createTestDatabase } from 'test/utils/database';
import { HarnessLab, startHarnessLab } from 'test/utils/scenario-harness';

/** The lab doctor on the simulated lab: all ok when healthy; each injected misconfiguration named with its fix. */
describe(LabDoctor.name, () => {
  let env: HarnessLab;
  let lab: LabInventory;

  beforeAll(async () => {
    env = await startHarnessLab();
    lab = new LabInventory(parseInventory(JSON.stringify(env.lab.inventory)));
  });
  afterAll(async () => {
    await env.stop();
  });

  const doctor = () => new LabDoctor(env.ssh, lab, { templateHints: TEMPLATE_HINTS, timeoutMs: 20_000 });
  const xe = async (host: string, line: string): Promise<string> => {
    const r = await env.ssh.exec(lab.sshTarget(host), `xe ${line}`);
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  };

  it('finds every requirement ok on the healthy default lab', async () => {
    const rows = await doctor().examine();
    expect(rows.filter((r) => r.status !== 'ok')).toEqual([]);
    const checks = new Set(rows.map((r) => r.check));
    for (const expected of [
      'SSH reachable, host key as pinned',
      'xapi answers (version, build)',
      'template for pvhvm-linux VMs',
      'template for pv-linux VMs',
      'template for hvm-windows VMs',
      'shared SR plugged on every host',
      'host clocks agree',
    ]) {
      expect(checks).toContain(expected);
    }
    // Every host and every pool of the lab is examined.
    expect(new Set(rows.map((r) => r.subject))).toEqual(
      new Set([...lab.hosts().map((h) => h.host.name), ...lab.inventory.pools.map((p) => p.name)]),
    );
  });

  it('prints one row per requirement from the command line, and exits 0 on a healthy lab', async () => {
    const db = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-doctor-'));
    try {
      const file = join(dir, 'lab.json');
      writeFileSync(file, JSON.stringify(env.lab.inventory));
      const r = await runCli(['lab', 'doctor', file], { DATABASE_URL: db.url, SHAKEDOWN_DATA_DIR: dir }, 120_000);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^status +subject +check +detail +fix$/m);
      expect(r.stdout).toMatch(/\n\d+ ok, 0 warn, 0 fail\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.close();
    }
  });

  it('names a missing template and an unplugged shared SR with their fixes, once per pool', async () => {
    // Unplug a shared SR from a host where none of its disks is in use (xapi refuses the others).
    let unplugged: { pool: string; host: string; master: string; pbd: string } | undefined;
    for (const pool of lab.inventory.pools) {
      const master = pool.master;
      const srs = (await xe(master, 'sr-list shared=true content-type=user --minimal')).split(',').filter(Boolean);
      for (const sr of srs) {
        for (const host of pool.hosts.filter((h) => h.name !== master)) {
          if (unplugged) break;
          const hostUuid = await xe(master, `host-list address=${host.address} --minimal`);
          const pbd = await xe(master, `pbd-list sr-uuid=${sr} host-uuid=${hostUuid} --minimal`);
          const r = await env.ssh.exec(lab.sshTarget(master), `xe pbd-unplug uuid=${pbd}`);
          if (r.exitCode === 0) unplugged = { pool: pool.name, host: host.name, master, pbd };
        }
      }
    }
    expect(unplugged).toBeDefined();
    const { pool, host, master, pbd } = unplugged!;

    // A campaign asking for a Windows template this lab does not have (the simulator refuses renaming
    // its templates while their disks are in use, so the want is changed rather than the lab).
    const wanting = new LabDoctor(env.ssh, lab, {
      templateHints: { ...TEMPLATE_HINTS, 'hvm-windows': [/^Windows Server 2035/] },
      timeoutMs: 20_000,
    });
    const failing = (await wanting.examine()).filter((r) => r.status !== 'ok');
    expect(failing).toEqual([
      ...lab.inventory.pools.flatMap((p) => [
        expect.objectContaining({
          check: 'template for hvm-windows VMs',
          subject: p.name,
          status: 'fail',
          fix: expect.stringContaining(`import or create a hvm-windows template in pool ${p.name}`),
        }),
        ...(p.name === pool
          ? [
              expect.objectContaining({
                check: 'shared SR plugged on every host',
                subject: pool,
                status: 'fail',
                detail: expect.stringContaining(`not plugged on ${host}`),
                fix: expect.stringContaining('xe pbd-plug'),
              }),
            ]
          : []),
      ]),
    ]);
    await xe(master, `pbd-plug uuid=${pbd}`);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuestBinaries } from 'src/config/guest-binaries';
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
  /** Unplugs a shared SR from a host where none of its disks is in use (xapi refuses the others). */
  const unplugSomeSharedSr = async () => {
    for (const pool of lab.inventory.pools) {
      const master = pool.master;
      const srs = (await xe(master, 'sr-list shared=true content-type=user --minimal')).split(',').filter(Boolean);
      for (const sr of srs) {
        for (const host of pool.hosts.filter((h) => h.name !== master)) {
          const hostUuid = await xe(master, `host-list address=${host.address} --minimal`);
          const pbd = await xe(master, `pbd-list sr-uuid=${sr} host-uuid=${hostUuid} --minimal`);
          const r = await env.ssh.exec(lab.sshTarget(master), `xe pbd-unplug uuid=${pbd}`);
          if (r.exitCode === 0) return { pool: pool.name, host: host.name, master, pbd };
        }
      }
    }
    return undefined;
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
      'free memory for the largest VM',
      'free disk for the largest case (nfs SR)',
      'guest-tools ISO (guest-tools.iso)',
      'xapi login with the pool credential',
      'guest credential accepted',
    ]) {
      expect(checks).toContain(expected);
    }
    // Every host and every pool of the lab is examined, and guests of the pools that run some.
    const subjects = new Set(rows.map((r) => r.subject));
    for (const s of [...lab.hosts().map((h) => h.host.name), ...lab.inventory.pools.map((p) => p.name)]) {
      expect(subjects).toContain(s);
    }
    expect(rows.filter((r) => r.check === 'guest credential accepted').length).toBeGreaterThan(0);
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
    const unplugged = await unplugSomeSharedSr();
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

  it('names a refused xapi password, a missing tools ISO and guest software no repository offers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-doctor-'));
    try {
      const wrong = join(dir, 'wrong-password');
      writeFileSync(wrong, 'not-the-root-password\n');
      const inv = JSON.parse(JSON.stringify(env.lab.inventory)) as {
        credentials: Record<string, unknown>;
        pools: Array<{ name: string; xapi_credential?: string }>;
      };
      inv.credentials['wrong-xapi'] = { password_file: wrong };
      for (const p of inv.pools) p.xapi_credential = 'wrong-xapi';
      const misconfigured = new LabInventory(parseInventory(JSON.stringify(inv)));
      const rows = await new LabDoctor(env.ssh, misconfigured, {
        templateHints: TEMPLATE_HINTS,
        toolsIsoName: 'xcp-ng-tools-9.iso',
        needs: { guestSoftware: ['fio', 'nosuchtool'] },
        timeoutMs: 20_000,
      }).examine();
      const failing = rows.filter((r) => r.status !== 'ok');
      for (const p of lab.inventory.pools) {
        expect(failing).toContainEqual(
          expect.objectContaining({
            check: 'xapi login with the pool credential',
            subject: p.name,
            status: 'fail',
            detail: `${p.master} refused root with xapi_credential wrong-xapi`,
            fix: expect.stringContaining('password where xapi_credential wrong-xapi points'),
          }),
        );
        expect(failing).toContainEqual(
          expect.objectContaining({
            check: 'guest-tools ISO (xcp-ng-tools-9.iso)',
            subject: p.name,
            status: 'fail',
            detail: "not among the pool's CDs (guest-tools.iso, xs-tools.iso)",
          }),
        );
      }
      const software = failing.filter((r) => r.check === 'guest software (fio, nosuchtool)');
      expect(software.length).toBeGreaterThan(0);
      for (const r of software) {
        expect(r).toMatchObject({
          status: 'fail',
          detail: expect.stringMatching(
            /^missing fio, nosuchtool; (apt-get|dnf|yum|apk) finds no nosuchtool \(no repository offers it\)$/,
          ),
          fix: expect.stringContaining('install it in the template the cases start from'),
        });
      }
      // Nothing else is wrong with this lab.
      expect(
        failing.filter(
          (r) =>
            !['xapi login with the pool credential', 'guest-tools ISO (xcp-ng-tools-9.iso)'].includes(r.check) &&
            r.check !== 'guest software (fio, nosuchtool)',
        ),
      ).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names guests without fio and without repositories; with repositories fio is installable', async () => {
    const needs = { guestSoftware: ['fio'] };
    const rowsNow = async () =>
      (await new LabDoctor(env.ssh, lab, { templateHints: TEMPLATE_HINTS, needs, timeoutMs: 20_000 }).examine()).filter(
        (r) => r.check === 'guest software (fio)',
      );
    const guests = [...env.lab.model.state.vms.values()].filter((v) => !v.isTemplate && !v.isControlDomain);
    for (const vm of guests) vm.repositories = false;
    try {
      const rows = await rowsNow();
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r).toMatchObject({
          status: 'fail',
          detail: expect.stringMatching(
            /^missing fio; (apt-get|dnf|yum|apk) finds no fio \(no repository offers it\)$/,
          ),
          fix: expect.stringContaining('give the guests a repository with fio'),
        });
      }
    } finally {
      for (const vm of guests) vm.repositories = true;
    }
    for (const r of await rowsNow()) {
      expect(r).toMatchObject({
        status: 'warn',
        detail: expect.stringMatching(/^missing fio; installable: fio with (apt-get|dnf|yum|apk)$/),
      });
    }
  });

  it("with the operator's static binaries, a guest without repositories is installable: --prepare copies fio over SFTP", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'shakedown-doctor-bin-'));
    mkdirSync(join(folder, 'x86_64'));
    const elf = Buffer.alloc(64);
    elf.writeUInt32BE(0x7f454c46, 0);
    elf[4] = 2;
    elf[5] = 1;
    elf.writeUInt16LE(0x3e, 18); // x86-64, the simulated guests' machine
    writeFileSync(join(folder, 'x86_64', 'fio'), elf);
    const doctor = new LabDoctor(env.ssh, lab, {
      templateHints: TEMPLATE_HINTS,
      needs: { guestSoftware: ['fio'] },
      timeoutMs: 20_000,
      staticBinaries: new GuestBinaries(folder),
    });
    const fioRows = async () => (await doctor.examine()).filter((r) => r.check === 'guest software (fio)');
    const guests = [...env.lab.model.state.vms.values()].filter((v) => !v.isTemplate && !v.isControlDomain);
    for (const vm of guests) vm.repositories = false;
    try {
      const rows = await fioRows();
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r).toMatchObject({
          status: 'warn',
          detail: `missing fio; installable: fio as static binaries from ${folder} over SFTP`,
        });
      }
      const done = await doctor.prepare(rows);
      expect(done.map((d) => [d.repaired, d.outcome])).toEqual(
        rows.map(() => [true, `installed fio as static binaries from ${folder} over SFTP`]),
      );
      for (const r of await fioRows()) expect(r).toMatchObject({ status: 'ok', detail: 'present' });
    } finally {
      for (const vm of guests) {
        vm.repositories = true;
        vm.guest.files.delete('/usr/local/bin/fio');
      }
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('with --campaign --prepare, plugs an unplugged shared SR itself and checks what the campaign needs', async () => {
    const unplugged = await unplugSomeSharedSr();
    expect(unplugged).toBeDefined();
    const { pool, master, pbd } = unplugged!;
    const db = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-doctor-'));
    try {
      const file = join(dir, 'lab.json');
      writeFileSync(file, JSON.stringify(env.lab.inventory));
      const r = await runCli(
        ['lab', 'doctor', file, '--campaign', 'campaigns/demo.yaml', '--prepare', '--json'],
        { DATABASE_URL: db.url, SHAKEDOWN_DATA_DIR: dir },
        120_000,
      );
      expect(r.stderr).toMatch(new RegExp(`^prepared: ${pool}: shared SR plugged on every host: plugged .+ on `, 'm'));
      expect(r.code).toBe(0);
      const rows = JSON.parse(r.stdout) as Array<{ check: string; status: string; repair?: unknown }>;
      expect(rows.filter((x) => x.status === 'fail')).toEqual([]);
      expect(rows.some((x) => 'repair' in x)).toBe(false);
      expect(rows.filter((x) => x.check.startsWith('campaign ')).length).toBeGreaterThan(0);
      expect(await xe(master, `pbd-param-get uuid=${pbd} param-name=currently-attached`)).toBe('true');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.close();
    }
  });

  it('lab clean removes the prepared templates and their disks, and nothing else', async () => {
    const master = lab.inventory.pools[0]!.master;
    const vm = await xe(master, 'vm-install template="Debian Bookworm 12" new-name-label=prepared-for-clean');
    await xe(
      master,
      `vm-param-set uuid=${vm} other-config:shakedown-prepared-from=Debian other-config:shakedown-prepared-software=fio`,
    );
    await xe(master, `vm-param-set uuid=${vm} is-a-template=true`);
    const disks = (await xe(master, `vbd-list vm-uuid=${vm} type=Disk params=vdi-uuid --minimal`)).split(',');
    const templatesBefore = await xe(master, 'template-list --minimal');
    const db = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-clean-'));
    try {
      const file = join(dir, 'lab.json');
      writeFileSync(file, JSON.stringify(env.lab.inventory));
      const env0 = { DATABASE_URL: db.url, SHAKEDOWN_DATA_DIR: dir };
      const dry = await runCli(['lab', 'clean', file, '--dry-run'], env0, 120_000);
      expect(dry).toMatchObject({
        code: 0,
        stdout: expect.stringContaining(`would remove ${lab.inventory.pools[0]!.name}: prepared-for-clean (${vm}`),
      });
      const r = await runCli(['lab', 'clean', file], env0, 120_000);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^1 prepared template removed$/m);
      const templatesAfter = (await xe(master, 'template-list --minimal')).split(',');
      expect(templatesAfter).not.toContain(vm);
      expect(templatesAfter.length).toBe(templatesBefore.split(',').length - 1);
      for (const vdi of disks) expect(await xe(master, `vdi-list uuid=${vdi} --minimal`)).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.close();
    }
  });

  it('run start refuses a lab that fails the quick checks, names the rows, and records --force', async () => {
    const unplugged = await unplugSomeSharedSr();
    expect(unplugged).toBeDefined();
    const db = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-doctor-'));
    const env0 = { DATABASE_URL: db.url, SHAKEDOWN_DATA_DIR: dir };
    try {
      const file = join(dir, 'lab.json');
      writeFileSync(file, JSON.stringify(env.lab.inventory));
      expect((await runCli(['lab', 'import', file], env0)).code).toBe(0);
      const start = ['run', 'start', 'campaigns/demo.yaml', '--lab', lab.name, '--json'];
      const refused = await runCli(start, env0, 120_000);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`lab ${lab.name} is not ready for demo (run start --force to queue anyway)`);
      expect(refused.stderr).toMatch(
        new RegExp(`fail +${unplugged!.pool} +shared SR plugged on every host .*not plugged on ${unplugged!.host}`),
      );
      expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM runs`)).toEqual([{ n: 0 }]);

      const forced = await runCli([...start, '--force'], env0, 120_000);
      expect(forced.code).toBe(0);
      expect(forced.stderr).toContain('queued anyway (--force)');
      const [run] = await db.dataSource.query<
        Array<{ check: { forced: boolean; failing: Array<{ check: string; subject: string }> } }>
      >(`SELECT options->'labCheck' AS check FROM runs`);
      expect(run!.check.forced).toBe(true);
      expect(run!.check.failing).toEqual([
        expect.objectContaining({ check: 'shared SR plugged on every host', subject: unplugged!.pool }),
      ]);
    } finally {
      await xe(unplugged!.master, `pbd-plug uuid=${unplugged!.pbd}`);
      rmSync(dir, { recursive: true, force: true });
      await db.close();
    }
  });
});

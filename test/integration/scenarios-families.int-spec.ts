import { join } from 'node:path';
import { XeError } from 'src/remote/xe/xe.errors';
import { ScenarioDefinition } from 'src/scenarios/scenario.types';
import { ScenarioError } from 'src/scenarios/scenario.errors';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { listPreparedTemplates } from 'src/remote/prepared-templates';
import { PoolOps } from 'src/scenarios/support/pool-ops';
import { loadExternalSuites } from 'src/config/external-suites';
import { useScenarioLab } from 'test/utils/scenario-harness';

jest.setTimeout(180_000);

const byId = (id: string): ScenarioDefinition => {
  const d = defaultScenarios().find((s) => s.id === id);
  if (!d) throw new Error(`no scenario ${id}`);
  return d;
};

const FIO_SETTINGS = { with: { size: '64M' } };

const FIXTURE_SUITE_DIR = join(__dirname, '..', 'fixtures', 'scenarios', 'pytest-suite');
// Declared the way an operator declares it (SHAKEDOWN_EXTERNAL_SUITES), not by the campaign.
const externalSuites = loadExternalSuites(JSON.stringify([{ name: 'fixture', folder: FIXTURE_SUITE_DIR }]));

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

describe('scenario families on the simulated lab', () => {
  const suite = useScenarioLab(undefined, { externalSuites });
  const run = suite.run;

  const live = {
    vm_kind: 'pvhvm-linux',
    origin: 'recent',
    size: 'tiny',
    load: 'idle',
    storage: 'shared',
    scope: 'intra-pool',
  };

  it('migration.live (intra-pool, shared SR) migrates there and back with data intact and measures duration and downtime', async () => {
    const { ctx, error } = await run('migration.live', live);
    expect(error).toBeNull();
    expect(ctx.metric('migration.duration_ms')).toHaveLength(1);
    expect(ctx.metric('migration.downtime_ms')).toHaveLength(1);
  });

  it('migration.live local-to-local under CPU load, cross-pool from the older release: the way back is refused as designed', async () => {
    const { ctx, error } = await run('migration.live', {
      ...live,
      load: 'cpu',
      storage: 'local-to-local',
      scope: 'cross-pool-from-older',
    });
    expect(error).toBeNull();
    expect(ctx.logs.join('\n')).toMatch(/VM_HOST_INCOMPATIBLE_VERSION_MIGRATE/);
    // The subject guest had no stress: its package manager installed it, recorded for the run.
    expect(ctx.installs).toEqual([
      { pool: expect.any(String), template: null, software: ['stress'], manager: 'apt-get' },
    ]);
  });

  it('migration.live of a Windows VM without drivers fails with VM_LACKS_FEATURE (guest without tools)', async () => {
    const def = byId('migration.live');
    const ctx = suite.env().context(def, { ...live, vm_kind: 'hvm-windows' });
    // Start a Windows VM with no drivers and live-migrate it directly: xapi refuses.
    const p = new PoolOps(ctx, ctx.pool('source'));
    const [a, b] = await p.hostInfos();
    const vm = await p.installVm('hvm-windows', 'shakedown-no-tools', { srUuid: (await p.sharedSr()).uuid });
    await p.start(vm, a!.uuid);
    const err = await p.xe.vm.migrate({ vm, host: b!.uuid, live: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XeError);
    expect((err as XeError).code).toBe('VM_LACKS_FEATURE');
    expect(await ctx.finish()).toEqual([]);
  });

  it('migration.live of a Windows VM under CPU load (PowerShell over SSH): duration, downtime and checksum measured', async () => {
    const { ctx, error } = await run('migration.live', { ...live, vm_kind: 'hvm-windows', load: 'cpu' });
    expect(error).toBeNull();
    expect(ctx.metric('migration.duration_ms')).toHaveLength(1);
    expect(ctx.metric('migration.downtime_ms')).toHaveLength(1);
    const steps = ctx.steps.map((st) => st.name);
    expect(steps).toEqual(
      expect.arrayContaining([
        'Windows guest answers (OpenSSH, PowerShell)',
        'write 8 MiB of test data (SHA-256)',
        'start cpu load (PowerShell)',
        'stop the load',
      ]),
    );
    expect(ctx.steps.filter((st) => !st.ok)).toEqual([]);
    expect(ctx.logs.join('\n')).toMatch(/tools and drivers: XCP-ng Windows PV Drivers \S+/);
    expect(ctx.installs).toEqual([]);
  });

  it('migration.cold local-to-shared within the pool boots on the other host with its data', async () => {
    const { error } = await run('migration.cold', {
      vm_kind: 'pvhvm-linux',
      origin: 'recent',
      size: 'tiny',
      storage: 'local-to-shared',
      scope: 'intra-pool',
    });
    expect(error).toBeNull();
  });

  it('migration.cold from an iSCSI SR to an NFS SR (sr_from, sr_to) moves the disks between those kinds', async () => {
    // Left to storage, a shared source is the NFS SR: naming the kinds turns the move around.
    const { ctx, error } = await run('migration.cold', {
      vm_kind: 'pvhvm-linux',
      origin: 'recent',
      size: 'tiny',
      storage: 'shared-to-shared',
      sr_from: 'lvmoiscsi',
      sr_to: 'nfs',
      scope: 'intra-pool',
    });
    expect(error).toBeNull();
    expect(ctx.steps.map((st) => st.name)).toContainEqual(
      expect.stringMatching(/^cold-migrate to .*, disks to NFS pool-830$/),
    );
  });

  it('migration.cold fails with the SR backend failure when the source host SR fails mid-case', async () => {
    const def = byId('migration.cold');
    const params = {
      vm_kind: 'pvhvm-linux',
      origin: 'recent',
      size: 'tiny',
      storage: 'local-to-local',
      scope: 'intra-pool',
    };
    const host = suite.env().poolsFor(def, params)[0]!.master.name;
    suite.env().lab.faults.set({ host, kind: 'sr-failure', arg: 'vm-migrate' });
    const { error } = await run('migration.cold', params);
    expect(error).toBeInstanceOf(XeError);
    expect((error as XeError).code).toMatch(/^SR_BACKEND_FAILURE/);
  });

  it('perf.fio parses the guest fio JSON into IOPS measurements and keeps the raw JSON', async () => {
    const { ctx, error } = await run(
      'perf.fio',
      { workload: 'randwrite', release: 'baseline', sr_kind: 'ext' },
      FIO_SETTINGS,
    );
    expect(error).toBeNull();
    // The first fio case of the pool builds the prepared template: fio installed once, with apt-get.
    expect(ctx.installs).toEqual([
      { pool: expect.any(String), template: 'Debian Bookworm 12', software: ['fio'], manager: 'apt-get' },
    ]);
    expect(ctx.metric('fio.write.iops')[0]).toBeGreaterThan(0);
    expect(ctx.artifacts.get('fio-randwrite.json')).toContain('"jobs"');
    expect(
      ctx.commands.some((c) => c.command.includes('--size=64M') && c.command.includes('--output-format=json')),
    ).toBe(true);
  });

  it('a second fio case clones the prepared template: nothing installed again, the template outlives teardown', async () => {
    const { ctx, error } = await run(
      'perf.fio',
      { workload: 'read', release: 'baseline', sr_kind: 'ext' },
      FIO_SETTINGS,
    );
    expect(error).toBeNull();
    expect(ctx.installs).toEqual([]);
    expect(ctx.metric('fio.read.iops')[0]).toBeGreaterThan(0);
    expect(ctx.steps.map((st) => st.name)).toContainEqual(
      expect.stringMatching(/^Linux VM from shakedown prepared: Debian Bookworm 12 \+ fio with its disk on/),
    );
    const templates = await listPreparedTemplates(new PoolOps(ctx, ctx.pool('pool')).xe);
    expect(templates).toEqual([
      expect.objectContaining({ from: 'Debian Bookworm 12', software: 'fio', installed: 'fio with apt-get' }),
    ]);
  });

  it('perf.network measures iperf3 throughput across hosts', async () => {
    const { ctx, error } = await run(
      'perf.network',
      { release: 'candidate', path: 'cross-host' },
      { with: { iperf_seconds: 2 } },
    );
    expect(error).toBeNull();
    expect(ctx.metric('net.throughput_bps')[0]).toBeGreaterThan(1e8);
  });

  it.each(['zstd', 'gzip', 'none'])(
    'export-import.roundtrip (%s) checks the magic bytes, imports on the other host and finds the data',
    async (compression) => {
      const { ctx, error } = await run('export-import.roundtrip', { compression, target: 'other-host' });
      expect(error).toBeNull();
      expect(ctx.metric('export.size_bytes')[0]).toBeGreaterThan(0);
    },
  );

  it('guest-tools install on a new Linux VM: tools reported, migration, suspend and clean shutdown work', async () => {
    const { error } = await run('guest-tools', { os: 'linux', action: 'install' });
    expect(error).toBeNull();
  });

  it('guest-tools update on a Linux VM carried over from the older release installs from the mounted tools ISO', async () => {
    const { error } = await run('guest-tools', { os: 'linux', action: 'update' });
    expect(error).toBeNull();
  });

  it('basic.log-check fails on the SM exception an SR backend failure leaves in SMlog', async () => {
    const lc = byId('basic.log-check');
    const host = suite.env().poolsFor(lc, {})[0]!.master.name;
    suite.env().lab.faults.set({ host, kind: 'sr-failure' });
    const lifecycle = byId('basic.vm-lifecycle');
    const c = suite.env().context(lifecycle);
    await expect(lifecycle.run(c)).rejects.toBeInstanceOf(XeError);
    expect(await c.finish()).toEqual([]);
    suite.env().lab.faults.clear();
    const { ctx, error } = await run('basic.log-check');
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toMatch(/Raising exception/);
    expect(ctx.artifacts.get('uncommon-log-lines.txt')).toMatch(/SMlog/);
  });

  it('external.xcp-ng-tests runs a declared pytest suite with the master address and a minimal environment, imports its JUnit XML, never shows the password', async () => {
    // Worker secrets the suite must not see (the fixture's test_environment_is_minimal checks).
    const saved = { token: process.env.SHAKEDOWN_ADMIN_TOKEN, url: process.env.DATABASE_URL };
    process.env.SHAKEDOWN_ADMIN_TOKEN = 'admin-token-the-suite-must-not-see';
    process.env.DATABASE_URL = 'postgres://worker:secret@127.0.0.1/shakedown';
    const { ctx, error } = await run('external.xcp-ng-tests', {}, { with: { suite: 'fixture' } }).finally(() => {
      restoreEnv('SHAKEDOWN_ADMIN_TOKEN', saved.token);
      restoreEnv('DATABASE_URL', saved.url);
    });
    expect(error).toBeNull();
    // test_environment_is_minimal fails if any worker variable outside the allow-list reached pytest.
    expect(ctx.reported.filter((r) => r.outcome !== 'passed' && r.outcome !== 'skipped').map((r) => r.message)).toEqual(
      [],
    );
    expect(ctx.metric('external.tests_passed')).toEqual([4]);
    expect(ctx.metric('external.tests_failed')).toEqual([0]);
    expect(ctx.metric('external.tests_skipped')).toEqual([1]);
    expect(ctx.artifacts.get('junit.xml')).toContain('testcase');
    // Each test id comes back as a case of its own, keyed like xcp-ng-tests' node ids.
    expect(ctx.reported).toHaveLength(5);
    expect(ctx.reported.every((r) => r.caseKey.startsWith('external.xcp-ng-tests[test='))).toBe(true);
    expect(ctx.reported.map((r) => r.outcome).sort()).toEqual(['passed', 'passed', 'passed', 'passed', 'skipped']);
  });

  it('external.xcp-ng-tests runs only the tests a campaign selects by id, -k and -m', async () => {
    const { ctx, error } = await run(
      'external.xcp-ng-tests',
      {},
      { with: { suite: 'fixture', tests: ['test_pool.py'], k: 'host_given or cross_pool', m: 'not slow' } },
    );
    expect(error).toBeNull();
    expect(ctx.reported.map((r) => r.params.test).sort()).toEqual([
      'test_pool.py::test_cross_pool',
      'test_pool.py::test_host_given',
    ]);
  });

  it.each([
    [{ suite: 'fixture', args: ['-p', 'evil'] }, /with\.args/],
    [{ suite_dir: '/tmp' }, /with\.suite_dir/],
    [{ suite: 'elsewhere' }, /declares no suite 'elsewhere'/],
    [{ suite: 'fixture', tests: ['/etc/passwd'] }, /with\.tests\[0\]/],
    [{ suite: 'fixture', tests: ['../x.py'] }, /with\.tests\[0\]/],
    [{ suite: 'fixture', k: '-p evil' }, /with\.k/],
  ])('external.xcp-ng-tests refuses %j on the worker before starting pytest', async (settings, message) => {
    const { ctx, error } = await run('external.xcp-ng-tests', {}, { with: settings });
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toMatch(message);
    expect(ctx.steps).toEqual([]);
  });
});

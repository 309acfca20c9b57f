import pino from 'pino';
import { DomainError } from 'src/common/errors/domain-error';
import { startExecution, TestExecution } from 'test/utils/execution';
import { Worker } from 'src/execution/worker';
import { LabRepository } from 'src/lab/lab.repository';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { ScenarioDefinition } from 'src/scenarios/scenario.types';
import { startSsh2Server, Ssh2ServerFixture } from 'test/fixtures/remote/ssh2-server';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { waitUntil } from 'test/utils/wait';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

class FakeXeError extends DomainError {}

let counter = 0;

/** Scenario behaviours for the engine's own tests, under real scenario ids (the campaign checks ids). */
function testRegistry(): ScenarioRegistry {
  const onePool = () => ({ pools: [{ role: 'main', minHosts: 1 }] });
  const def = (
    id: string,
    run: ScenarioDefinition['run'],
    needs: ScenarioDefinition['needs'] = onePool,
  ): ScenarioDefinition => ({
    id,
    family: 'test',
    title: id,
    kind: 'automated',
    needs,
    run,
  });
  return new ScenarioRegistry([
    def('basic.install-check', async (ctx) => {
      const pool = ctx.pool('main');
      await ctx.step('create a file', async () => {
        await ctx.track('file', `/tmp/shakedown-${ctx.caseKey}`, pool.master);
        await ctx.runner(pool.master).exec('echo created');
      });
      ctx.measure({ metric: 'boot_time', unit: 's', direction: 'lower', samples: [1.5] });
    }),
    def('basic.interfaces', async (ctx) => {
      const r = await ctx.runner(ctx.pool('main').master).exec('flaky');
      if (r.exitCode !== 0) throw new ScenarioError('flaky failed', ScenarioErrorCode.CheckFailed);
    }),
    def(
      'basic.migrate-new-to-old',
      async () => {
        throw new FakeXeError('The VM cannot be migrated to an older host', 'VM_HOST_INCOMPATIBLE_VERSION_MIGRATE');
      },
      () => ({
        pools: [
          { role: 'source', minHosts: 1, version: '8.3.0' },
          { role: 'destination', minHosts: 1, version: '8.2.1' },
        ],
      }),
    ),
    def('basic.log-check', async (ctx) => {
      await ctx.runner(ctx.pool('main').master).exec('echo scanning');
      throw new ScenarioError('uncommon error in xensource.log', ScenarioErrorCode.CheckFailed);
    }),
    def('external.xcp-ng-tests', async (ctx) => {
      await ctx.runner(ctx.pool('main').master).exec('echo pytest');
      ctx.reportCase({
        caseKey: 'external.xcp-ng-tests[test=tests/a.py::test_ok]',
        scenario: 'external.xcp-ng-tests',
        params: { test: 'tests/a.py::test_ok' },
        outcome: 'passed',
      });
      ctx.reportCase({
        caseKey: 'external.xcp-ng-tests[test=tests/a.py::test_bad]',
        scenario: 'external.xcp-ng-tests',
        params: { test: 'tests/a.py::test_bad' },
        outcome: 'failed',
        message: 'assert 1 == 2',
        output: 'captured stdout',
      });
    }),
    def('basic.pool-master-change', async (ctx) => {
      // Noisy for the "noisy" suite, steady otherwise: adaptive repetition adds runs only when noisy.
      const noisy = ctx.settings.timeout === 61;
      const n = (counter = counter + 1);
      ctx.measure({ metric: 'switch_time', unit: 's', direction: 'lower', samples: [noisy ? 10 + (n % 2) * 5 : 10] });
    }),
    def('basic.vm-lifecycle', async (ctx) => {
      const pool = ctx.pool('main');
      await ctx.track('vm', '11111111-2222-3333-4444-555555555555', pool.master);
      await ctx.runner(pool.master).exec('hang');
    }),
  ]);
}

const CAMPAIGN = `
name: engine-test
release: 8.3.0
baseline: 8.2.1
defaults: { timeout: 2m }
suites:
  - { id: install, scenario: basic.install-check, title: install, covers: verify installation }
  - { id: interfaces, scenario: basic.interfaces, title: interfaces, covers: verify connectivity with your interfaces }
  - id: new-to-old
    scenario: basic.migrate-new-to-old
    title: new to old
    covers: verify migration of a VM from a newest host to the old one (this test should be fail)
    matrix: { axes: {}, expect: [{ outcome: fail, error: VM_HOST_INCOMPATIBLE_VERSION_MIGRATE }] }
  - { id: logs, scenario: basic.log-check, title: logs, covers: check your logs for uncommon info or warnings. }
`;

const LIFECYCLE_SUITE = `  - { id: lifecycle, scenario: basic.vm-lifecycle, title: lifecycle, covers: "verify basic VM functionality (start, reboot, suspend, shutdown)" }
`;

describe('execution engine on an SSH fixture lab', () => {
  let db: TestDatabase;
  let ssh: Ssh2ServerFixture;
  let engine: TestExecution;
  let worker: Worker;
  const commands: string[] = [];
  let flakyCalls = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    ssh = await startSsh2Server((exec) => {
      commands.push(exec.command);
      const cmd = exec.command;
      if (cmd === 'hang') return exec.onClose(() => commands.push('hang closed'));
      if (cmd === 'flaky' && flakyCalls++ === 0) return exec.dropConnection();
      if (cmd.startsWith('cat /etc/xensource-inventory')) {
        exec.stdout.write("PRODUCT_VERSION='8.3.0'\nBUILD_NUMBER='test-1'\n");
      } else if (cmd.startsWith('rpm -qa')) exec.stdout.write('xapi-core 25.6.0-1.xcpng8.3\nkernel 4.19.19-8.0.1\n');
      else if (cmd.startsWith('tail -n 300')) exec.stdout.write(`log lines of ${cmd.split(' ').pop()}\n`);
      else if (cmd.startsWith('echo ')) exec.stdout.write(`${cmd.slice(5)}\n`);
      exec.exit(0);
    });
    const host = (name: string, version: string) => ({
      name,
      address: '127.0.0.1',
      port: ssh.port,
      user: 'root',
      credential: 'key',
      hostKey: ssh.hostKeyFingerprint,
      version,
      tags: ['sr:nfs'],
    });
    await new LabRepository(db.dataSource).upsertInventory({
      name: 'fixture-lab',
      simulated: true,
      credentials: { key: { keyFile: ssh.clientKeyPath } },
      pools: [
        { name: 'pool-830', master: 'h1', tags: [], hosts: [host('h1', '8.3.0'), host('h2', '8.3.0')] },
        { name: 'pool-821', master: 'h3', tags: [], hosts: [host('h3', '8.2.1')] },
      ],
    });
    engine = await startExecution({
      databaseUrl: db.url,
      dataDir: mkdtempSync(join(tmpdir(), 'shakedown-engine-')),
      registry: testRegistry(),
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    worker = await engine.startWorker({
      concurrency: 3,
      executor: { retryDelayMs: 50, heartbeatMs: 200, waitPollMs: 200, leaseTtlMs: 5_000 },
      reaperIntervalMs: 500,
      idlePollMs: 200,
    });
  });

  afterAll(async () => {
    await engine?.close();
    await ssh?.close();
    await db?.close();
  });

  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);

  it('should run a campaign to the end with every case accounted for once', async () => {
    const { run, counts } = await engine.runs.start({
      campaign: { text: CAMPAIGN, filename: 'engine-test.yaml' },
      lab: 'fixture-lab',
    });
    expect(counts).toEqual({ total: 4, queued: 4, skipped: 0, manual: 0 });
    await waitUntil(
      async () => (await q(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status === 'finished',
      'run finished',
    );

    const rows = await q(
      `SELECT suite, outcome, attempt_count AS attempts, error_code AS code FROM cases WHERE run_id = $1 ORDER BY suite`,
      [run.id],
    );
    expect(rows).toEqual([
      { suite: 'install', outcome: 'passed', attempts: 1, code: null },
      { suite: 'interfaces', outcome: 'passed', attempts: 2, code: null },
      { suite: 'logs', outcome: 'failed', attempts: 1, code: 'SCENARIO_CHECK_FAILED' },
      { suite: 'new-to-old', outcome: 'xfailed', attempts: 1, code: 'VM_HOST_INCOMPATIBLE_VERSION_MIGRATE' },
    ]);
    // The dropped connection was an infrastructure error, kept as its own attempt.
    const attempts = await q(
      `SELECT a.number, a.outcome, a.error_code AS code FROM attempts a JOIN cases c ON c.id = a.case_id
        WHERE c.run_id = $1 AND c.suite = 'interfaces' ORDER BY a.number`,
      [run.id],
    );
    expect(attempts).toEqual([
      { number: 1, outcome: 'infra-error', code: 'REMOTE_CONNECTION_LOST' },
      { number: 2, outcome: 'passed', code: null },
    ]);
    const objects = await q(
      `SELECT kind, ref, removed_at IS NOT NULL AS removed, removal_error AS error FROM created_objects WHERE run_id = $1`,
      [run.id],
    );
    expect(objects).toEqual([{ kind: 'file', ref: '/tmp/shakedown-basic.install-check', removed: true, error: null }]);
    expect(commands).toContain('rm -rf -- /tmp/shakedown-basic.install-check');
    const leftovers = await q(
      `SELECT count(*)::int AS n FROM created_objects WHERE run_id = $1 AND removed_at IS NULL`,
      [run.id],
    );
    expect(leftovers[0].n).toBe(0);
    expect((await q(`SELECT count(*)::int AS n FROM leases`))[0].n).toBe(0);
  });

  it('should stop a cancelled run within seconds and still tear down', async () => {
    const { run } = await engine.runs.start({
      campaign: { text: CAMPAIGN + LIFECYCLE_SUITE, filename: 'x.yaml' },
      lab: 'fixture-lab',
      suite: 'lifecycle',
    });
    await waitUntil(async () => commands.includes('hang'), 'the case to hang on its host');
    await engine.runs.cancel(String(run.number));
    // The hanging command never ends by itself: the run ends only because the cancellation reached it.
    await waitUntil(
      async () => (await q(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status === 'cancelled',
      'run cancelled',
      30_000,
      50,
    );
    const [c] = await q(`SELECT outcome, attempt_count AS attempts FROM cases WHERE run_id = $1`, [run.id]);
    expect(c).toEqual({ outcome: 'cancelled', attempts: 1 });
    expect(commands).toContain('hang closed');
    expect(commands).toContain('xe vm-uninstall uuid=11111111-2222-3333-4444-555555555555 force=true');
    const leftovers = await q(
      `SELECT count(*)::int AS n FROM created_objects WHERE run_id = $1 AND removed_at IS NULL`,
      [run.id],
    );
    expect(leftovers[0].n).toBe(0);
    expect((await q(`SELECT count(*)::int AS n FROM leases`))[0].n).toBe(0);
  });

  it('should cancel a single running case within seconds and let the run finish', async () => {
    const { run } = await engine.runs.start({
      campaign: { text: CAMPAIGN + LIFECYCLE_SUITE, filename: 'x.yaml' },
      lab: 'fixture-lab',
      suite: 'lifecycle',
    });
    const c = await waitUntil(
      async () =>
        (await q(`SELECT case_hash AS hash FROM cases WHERE run_id = $1 AND status = 'running'`, [run.id]))[0],
      'the case to run',
    );
    expect(await engine.runs.cancelCase(String(run.number), c.hash)).toMatchObject({ status: 'cancelling' });
    // As above: the case hangs until cancelled, so the run finishing is the cancellation's doing.
    await waitUntil(
      async () => (await q(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status === 'finished',
      'run finished',
      30_000,
      50,
    );
    const [row] = await q(`SELECT outcome FROM cases WHERE run_id = $1`, [run.id]);
    expect(row.outcome).toBe('cancelled');
    await expect(engine.runs.cancelCase(String(run.number), c.hash)).rejects.toMatchObject({
      code: 'CASE_ALREADY_FINISHED',
    });
  });

  it('should keep steps, measurements, log excerpts and the lab software state', async () => {
    const [run] = await q(`SELECT id, lab_snapshot AS snapshot, summary FROM runs ORDER BY number LIMIT 1`);
    expect(run.snapshot.hosts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'h1',
          version: '8.3.0',
          build: 'test-1',
          packages: { 'xapi-core': '25.6.0-1.xcpng8.3', kernel: '4.19.19-8.0.1' },
        }),
      ]),
    );
    const steps = await q(
      `SELECT s.name, s.host, s.command, s.stdout, s.exit_code AS "exitCode" FROM steps s JOIN attempts a ON a.id = s.attempt_id
        JOIN cases c ON c.id = a.case_id WHERE c.suite = 'install' ORDER BY s.seq`,
    );
    expect(steps).toEqual([
      {
        name: 'create a file',
        host: expect.stringMatching(/^h[13]$/),
        command: 'echo created',
        stdout: 'created\n',
        exitCode: 0,
      },
    ]);
    const [m] = await q(`SELECT metric, samples, value, simulated FROM measurements WHERE metric = 'boot_time'`);
    expect(m).toEqual({ metric: 'boot_time', samples: [1.5], value: 1.5, simulated: true });
    const artifacts = await q(
      `SELECT a.name FROM artifacts a JOIN cases c ON c.id = a.case_id WHERE c.suite = 'logs' ORDER BY a.name`,
    );
    expect(artifacts.map((a: { name: string }) => a.name)).toContainEqual(
      expect.stringMatching(/^h\d_var_log_xensource\.log$/),
    );
    const [logs] = await q(`SELECT signature, reason FROM cases WHERE suite = 'logs'`);
    expect(logs.signature).toMatch(/^SCENARIO_CHECK_FAILED:/);
    expect(run.summary.outcomes).toEqual({ passed: 2, failed: 1, xfailed: 1 });
  });

  it('should skip at plan time what the lab cannot serve, with the reason', async () => {
    const text = CAMPAIGN.replace(
      '{ id: install, scenario: basic.install-check, title: install, covers: verify installation }',
      '{ id: install, scenario: basic.install-check, title: install, covers: verify installation, requires: { hosts_per_pool: 5 } }',
    );
    const { run, counts } = await engine.runs.start({
      campaign: { text, filename: 'x.yaml' },
      lab: 'fixture-lab',
      suite: 'install',
    });
    expect(counts).toEqual({ total: 1, queued: 0, skipped: 1, manual: 0 });
    const [c] = await q(`SELECT outcome, reason FROM cases WHERE run_id = $1`, [run.id]);
    expect(c.outcome).toBe('skipped');
    expect(c.reason).toMatch(/no pool of lab fixture-lab can be the main pool \(needs 5\+ hosts/);
    await waitUntil(
      async () => (await q(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status === 'finished',
      'run closed',
    );
  });

  it('should refuse an unknown lab and an empty selection with clear errors', async () => {
    await expect(
      engine.runs.start({ campaign: { text: CAMPAIGN, filename: 'x.yaml' }, lab: 'nope' }),
    ).rejects.toMatchObject({ code: 'LAB_NOT_FOUND' });
    await expect(
      engine.runs.start({ campaign: { text: CAMPAIGN, filename: 'x.yaml' }, lab: 'fixture-lab', cases: ['missing'] }),
    ).rejects.toMatchObject({
      code: 'RUN_INVALID_NOTHING_TO_RUN',
    });
    await expect(
      engine.runs.start({ campaign: { text: CAMPAIGN, filename: 'x.yaml' }, lab: 'fixture-lab', only: 'scope = x' }),
    ).rejects.toMatchObject({
      code: 'CAMPAIGN_INVALID',
      message: "--only:1:7: '=' is not a comparison: write 'scope == …' to test equality",
    });
  });

  it('should re-queue a case whose worker died while it waited for hosts', async () => {
    const { run } = await engine.runs.start({
      campaign: { text: CAMPAIGN, filename: 'x.yaml' },
      lab: 'fixture-lab',
      suite: 'install',
    });
    await waitUntil(
      async () => (await q(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status === 'finished',
      'first pass',
    );
    // As if a worker named "ghost" had claimed it and then vanished before it got hosts.
    await q(`UPDATE runs SET status = 'running', finished_at = NULL WHERE id = $1`, [run.id]);
    await q(
      `UPDATE cases SET status = 'waiting', outcome = NULL, worker = 'ghost', dispatch_id = gen_random_uuid() WHERE run_id = $1`,
      [run.id],
    );
    await waitUntil(
      async () => (await q(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status === 'finished',
      'rescued run',
    );
    const [c] = await q(`SELECT outcome, attempt_count AS attempts, worker FROM cases WHERE run_id = $1`, [run.id]);
    expect(c).toEqual({ outcome: 'passed', attempts: 2, worker: worker.name });
  });

  it('should keep a manual check pending until a tester records it, with notes and evidence', async () => {
    const text = `${CAMPAIGN}  - id: installer
    scenario: installer.install-upgrade
    title: install and upgrade
    covers: installation, upgrade
    manual: true
    checklist: [Boot the installer, Upgrade the baseline host]
`;
    const { run, counts } = await engine.runs.start({
      campaign: { text, filename: 'x.yaml' },
      lab: 'fixture-lab',
      suite: 'installer',
    });
    expect(counts).toEqual({ total: 1, queued: 0, skipped: 0, manual: 1 });
    const [pending] = await q(`SELECT case_hash AS hash, outcome FROM cases WHERE run_id = $1`, [run.id]);
    expect(pending.outcome).toBe('manual-pending');
    const recorded = await engine.runs.recordManual({
      run: String(run.number),
      case: pending.hash,
      outcome: 'passed',
      notes: 'upgrade kept the VMs',
      by: 'alice',
      evidence: [{ name: 'screen.txt', content: Buffer.from('installer finished') }],
      artifacts: engine.artifacts,
    });
    expect(recorded.outcome).toBe('passed');
    const [c] = await q(`SELECT outcome, reason, manual_result AS m FROM cases WHERE run_id = $1`, [run.id]);
    expect(c).toMatchObject({
      outcome: 'passed',
      reason: 'upgrade kept the VMs',
      m: { by: 'alice', notes: 'upgrade kept the VMs' },
    });
    expect(c.m.evidence).toHaveLength(1);
    const [a] = await q(
      `SELECT name, size_bytes::int AS size FROM artifacts WHERE case_id = (SELECT id FROM cases WHERE run_id = $1)`,
      [run.id],
    );
    expect(a).toEqual({ name: 'screen.txt', size: 18 });
  });

  it('should refuse to record a manual result on an automated case', async () => {
    const [c] = await q(
      `SELECT r.number, c.case_hash AS hash FROM cases c JOIN runs r ON r.id = c.run_id WHERE NOT c.manual LIMIT 1`,
    );
    await expect(
      engine.runs.recordManual({
        run: String(c.number),
        case: c.hash,
        outcome: 'passed',
        by: 'x',
        artifacts: engine.artifacts,
      }),
    ).rejects.toMatchObject({ code: 'CASE_INVALID_NOT_MANUAL' });
  });

  it('should turn the tests an external suite reports into cases of the run', async () => {
    const text = `${CAMPAIGN}  - { id: pytest, scenario: external.xcp-ng-tests, title: xcp-ng-tests, covers: xcp-ng-tests, with: { suite: fixture } }
`;
    const { run } = await engine.runs.start({
      campaign: { text, filename: 'x.yaml' },
      lab: 'fixture-lab',
      suite: 'pytest',
    });
    await waitUntil(
      async () => (await q(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status === 'finished',
      'run finished',
    );
    const rows = await q(
      `SELECT suite, case_key AS key, outcome, reason, signature FROM cases WHERE run_id = $1 ORDER BY case_key`,
      [run.id],
    );
    expect(rows).toEqual([
      { suite: 'pytest', key: 'external.xcp-ng-tests', outcome: 'passed', reason: null, signature: null },
      {
        suite: 'pytest/tests',
        key: 'external.xcp-ng-tests[test=tests/a.py::test_bad]',
        outcome: 'failed',
        reason: 'assert 1 == 2',
        signature: expect.stringMatching(/^FAILED:/),
      },
      {
        suite: 'pytest/tests',
        key: 'external.xcp-ng-tests[test=tests/a.py::test_ok]',
        outcome: 'passed',
        reason: null,
        signature: null,
      },
    ]);
    const [step] = await q(
      `SELECT s.stdout FROM steps s JOIN attempts a ON a.id = s.attempt_id JOIN cases c ON c.id = a.case_id WHERE c.case_key LIKE '%test_bad%'`,
    );
    expect(step.stdout).toBe('captured stdout');
  });

  it('should fire a scheduled campaign once per tick, however many schedulers look', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sched-')), 'nightly.yaml');
    writeFileSync(file, CAMPAIGN);
    await engine.scheduler.upsert({
      name: 'nightly',
      campaignPath: file,
      labName: 'fixture-lab',
      cron: '*/5 * * * *',
      priority: 3,
    });
    const later = new Date(Date.now() + 6 * 60_000);
    const fired = await Promise.all([
      engine.scheduler.fireDue(later),
      engine.scheduler.fireDue(later),
      engine.scheduler.fireDue(later),
    ]);
    expect(fired.flat()).toEqual(['nightly']);
    expect(await engine.scheduler.fireDue(later)).toEqual([]);
    const [s] = await q(`SELECT last_run_id AS "runId" FROM schedules WHERE name = 'nightly'`);
    const [run] = await q(`SELECT priority, created_by AS by FROM runs WHERE id = $1`, [s.runId]);
    expect(run).toEqual({ priority: 3, by: 'schedule nightly' });
    await engine.runs.cancel(s.runId);
  });

  it('should refuse a schedule with a bad cron expression', async () => {
    await expect(
      engine.scheduler.upsert({ name: 'bad', campaignPath: '/x', labName: 'fixture-lab', cron: 'often' }),
    ).rejects.toMatchObject({
      code: 'SCHEDULE_INVALID',
    });
  });

  it('should add repetitions while a measurement is too noisy, up to the adaptive maximum', async () => {
    const suite = (id: string, timeout: number) =>
      `  - { id: ${id}, scenario: basic.pool-master-change, title: t, covers: verify change of the pool master, repeat: 2, timeout: ${timeout}, adaptive: { max: 5, cv: 5 } }\n`;
    const text = CAMPAIGN + suite('steady', 60) + suite('noisy', 61);
    for (const id of ['steady', 'noisy']) {
      const { run } = await engine.runs.start({
        campaign: { text, filename: 'x.yaml' },
        lab: 'fixture-lab',
        suite: id,
      });
      await waitUntil(
        async () => (await q(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status === 'finished',
        'run',
      );
    }
    const rows = await q(
      `SELECT c.suite, cardinality(m.samples) AS n FROM measurements m JOIN cases c ON c.id = m.case_id
        WHERE m.metric = 'switch_time' ORDER BY c.suite`,
    );
    expect(rows).toEqual([
      { suite: 'noisy', n: 5 },
      { suite: 'steady', n: 2 },
    ]);
  });

  it('should have used one worker name on every attempt', async () => {
    const workers = await q(`SELECT DISTINCT worker FROM attempts`);
    expect(workers).toEqual([{ worker: worker.name }]);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startExecution, TestExecution } from 'test/utils/execution';
import { parseInventory } from 'src/lab/inventory.loader';
import { LabRepository } from 'src/lab/lab.repository';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { SimulatedLab, startSimulatedLab } from 'src/simulator/lab/simulated-lab';
import { LongRunning, ROOT, startCli } from 'test/utils/cli';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { waitUntil } from 'test/utils/wait';

/**
 * Real worker processes (`shakedown worker`) sharing one database and one simulated lab: cases
 * spread across them, a SIGKILLed worker's case is cleaned up and retried elsewhere, a SIGTERMed
 * worker finishes or hands back what it runs. Nothing is lost or counted twice.
 */
describe('worker processes', () => {
  let db: TestDatabase;
  let lab: SimulatedLab;
  let engine: TestExecution;
  const dataDir = mkdtempSync(join(tmpdir(), 'shakedown-workers-'));
  const workers: LongRunning[] = [];

  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  const vmUuids = () => new Set(lab.snapshot().vms.map((v) => v.uuid));

  function startWorker(name: string, env: NodeJS.ProcessEnv = {}): LongRunning {
    const w = startCli(['worker', '--concurrency', '2', '--name', name], {
      DATABASE_URL: db.url,
      SHAKEDOWN_DATA_DIR: dataDir,
      SHAKEDOWN_LEASE_TTL_SECONDS: '2',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...env,
    });
    workers.push(w);
    return w;
  }

  async function runToEnd(suite?: string): Promise<string> {
    const { run } = await engine.runs.start({
      campaign: join(ROOT, 'campaigns', 'demo.yaml'),
      lab: 'sim-default',
      suite,
    });
    await waitUntil(
      async () =>
        ['finished', 'cancelled', 'error'].includes(
          (await q(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status,
        ),
      `run ${run.number} to end`,
      240_000,
      250,
    );
    return run.id;
  }

  async function expectAccountedOnce(runId: string): Promise<void> {
    const cases = await q(`SELECT id, status, outcome, attempt_count AS attempts FROM cases WHERE run_id = $1`, [
      runId,
    ]);
    for (const c of cases) {
      expect(c.status).toBe('done');
      expect(c.outcome).not.toBeNull();
      const attempts = await q(`SELECT number, finished_at FROM attempts WHERE case_id = $1 ORDER BY number`, [c.id]);
      // One attempt row per attempt number, all closed: no case ran twice at once or was lost.
      expect(attempts.map((a: { number: number }) => a.number)).toEqual(attempts.map((_: unknown, i: number) => i + 1));
      expect(attempts.every((a: { finished_at: Date | null }) => a.finished_at !== null)).toBe(true);
    }
    const pending = await q(`SELECT count(*)::int AS n FROM created_objects WHERE run_id = $1 AND removed_at IS NULL`, [
      runId,
    ]);
    expect(pending[0].n).toBe(0);
    expect((await q(`SELECT count(*)::int AS n FROM leases`))[0].n).toBe(0);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    lab = await startSimulatedLab({ speed: 300, stateDir: join(dataDir, 'sim'), controlApi: false });
    const inventory = parseInventory(JSON.stringify(lab.inventory), 'simulated lab');
    await new LabRepository(db.dataSource).upsertInventory(inventory);
    engine = await startExecution({
      databaseUrl: db.url,
      dataDir,
      registry: new ScenarioRegistry(defaultScenarios()),
      logger: pino({ level: 'silent' }),
    });
  });

  // Each test brings its own workers; none may take the next test's cases.
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    workers.length = 0;
  });

  afterAll(async () => {
    await engine?.close();
    await lab?.stop();
    await db?.close();
  });

  it('should spread the demo over three worker processes and account for every case once', async () => {
    const before = vmUuids();
    const ws = ['w1', 'w2', 'w3'].map((n) => startWorker(n));
    await Promise.all(ws.map((w) => w.waitFor(/worker \S+ started/)));
    const runId = await runToEnd();
    await expectAccountedOnce(runId);
    const byWorker = await q(
      `SELECT a.worker, count(*)::int AS n FROM attempts a JOIN cases c ON c.id = a.case_id WHERE c.run_id = $1 GROUP BY 1`,
      [runId],
    );
    expect(byWorker.length).toBeGreaterThanOrEqual(2);
    // No VM the run created is left on the lab.
    const created = [...vmUuids()].filter((u) => !before.has(u));
    expect(created).toEqual([]);
  }, 300_000);

  it('should clean up and retry elsewhere the case of a worker killed with SIGKILL', async () => {
    const victim = startWorker('victim');
    await victim.waitFor(/worker \S+ started/);
    const { run } = await engine.runs.start({
      campaign: join(ROOT, 'campaigns', 'demo.yaml'),
      lab: 'sim-default',
      suite: 'vm-lifecycle',
    });
    const running = await waitUntil(
      async () =>
        (await q(`SELECT id FROM cases WHERE run_id = $1 AND status = 'running' AND worker = 'victim'`, [run.id]))[0],
      'the victim to run the case',
      60_000,
      20,
    );
    await victim.stop('SIGKILL');
    const rescuer = startWorker('rescuer');
    await rescuer.waitFor(/worker \S+ started/);
    await waitUntil(
      async () => (await q(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status === 'finished',
      'run to finish',
      120_000,
      250,
    );
    const attempts = await q(
      `SELECT number, worker, outcome, error_code AS code FROM attempts WHERE case_id = $1 ORDER BY number`,
      [running.id],
    );
    expect(attempts[0]).toMatchObject({ number: 1, worker: 'victim', outcome: 'infra-error', code: 'WORKER_LOST' });
    expect(attempts.at(-1)).toMatchObject({ worker: 'rescuer' });
    expect(attempts.at(-1).outcome).not.toBe('infra-error');
    await expectAccountedOnce(run.id);
  }, 240_000);

  it('should lose nothing when a busy worker gets SIGTERM', async () => {
    const busy = startWorker('busy', { SHAKEDOWN_SHUTDOWN_GRACE_SECONDS: '0' });
    await busy.waitFor(/worker \S+ started/);
    const { run } = await engine.runs.start({
      campaign: join(ROOT, 'campaigns', 'demo.yaml'),
      lab: 'sim-default',
      suite: 'vm-lifecycle',
    });
    await waitUntil(
      async () =>
        (await q(`SELECT id FROM cases WHERE run_id = $1 AND status = 'running' AND worker = 'busy'`, [run.id]))[0],
      'the busy worker to run the case',
      60_000,
      20,
    );
    expect(await busy.stop('SIGTERM')).toBe(0);
    const other = startWorker('other');
    await other.waitFor(/worker \S+ started/);
    await waitUntil(
      async () => (await q(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status === 'finished',
      'run to finish',
      120_000,
      250,
    );
    const [c] = await q(`SELECT outcome, worker FROM cases WHERE run_id = $1`, [run.id]);
    expect(c.outcome).not.toBe('infra-error');
    await expectAccountedOnce(run.id);
  }, 240_000);
});

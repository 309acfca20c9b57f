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
import { ROOT } from 'test/utils/cli';
import { preparedTemplateVdis } from 'test/utils/scenario-harness';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { waitUntil } from 'test/utils/wait';

interface CaseOutcome {
  caseKey: string;
  manual: boolean;
  outcome: string | null;
  code: string | null;
  reason: string | null;
}

/**
 * The shipped campaigns on the default simulated lab, through the real engine and its workers:
 * the demo and the release plan end with every automated case passed or xfailed, every manual case
 * waiting for a tester, and nothing the runs created left on the lab.
 */
describe('shipped campaigns on the default simulated lab', () => {
  let db: TestDatabase;
  let lab: SimulatedLab;
  let engine: TestExecution;
  const dataDir = mkdtempSync(join(tmpdir(), 'shakedown-release-'));
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);

  beforeAll(async () => {
    db = await createTestDatabase();
    lab = await startSimulatedLab({ speed: 2000, stateDir: join(dataDir, 'sim'), controlApi: false });
    await new LabRepository(db.dataSource).upsertInventory(
      parseInventory(JSON.stringify(lab.inventory), 'simulated lab'),
    );
    engine = await startExecution({
      databaseUrl: db.url,
      dataDir,
      registry: new ScenarioRegistry(defaultScenarios()),
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    await engine.startWorker({
      concurrency: 4,
      executor: { retryDelayMs: 100, heartbeatMs: 500, waitPollMs: 200, leaseTtlMs: 30_000 },
      reaperIntervalMs: 1_000,
      idlePollMs: 200,
    });
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
    await lab?.stop();
    await db?.close();
  });

  /** Runs a shipped campaign to the end of its automated cases; returns every case's outcome. */
  async function runCampaign(file: string): Promise<CaseOutcome[]> {
    const { run } = await engine.runs.start({ campaign: join(ROOT, 'campaigns', file), lab: 'sim-default' });
    const outcomes = (): Promise<CaseOutcome[]> =>
      q(
        `SELECT case_key AS "caseKey", manual, outcome, error_code AS code, reason FROM cases WHERE run_id = $1
          ORDER BY case_key`,
        [run.id],
      );
    await waitUntil(
      async () => (await outcomes()).every((c) => c.manual || c.outcome !== null),
      `the automated cases of ${file} to end`,
      1_500_000,
      500,
    );
    return outcomes();
  }

  /** What did not end as it should, one line per case, so a failure names the case and its error. */
  function unexpected(cases: CaseOutcome[]): string[] {
    return cases
      .filter((c) => (c.manual ? c.outcome !== 'manual-pending' : !['passed', 'xfailed'].includes(c.outcome ?? '')))
      .map((c) => `${c.caseKey}: ${c.outcome ?? 'not ended'} ${c.code ?? ''} ${c.reason ?? ''}`.trim());
  }

  function labObjects(): { vms: Set<string>; vdis: Set<string> } {
    const s = lab.snapshot();
    return { vms: new Set(s.vms.map((v) => v.uuid)), vdis: new Set(s.vdis.map((v) => v.uuid)) };
  }

  function leftBehind(before: { vms: Set<string>; vdis: Set<string> }): string[] {
    const s = lab.snapshot();
    const prepared = preparedTemplateVdis(lab);
    return [
      ...s.vms.filter((v) => !before.vms.has(v.uuid)).map((v) => `VM ${v.name} (${v.uuid})`),
      ...s.vdis
        .filter((v) => !before.vdis.has(v.uuid) && !prepared.has(v.uuid))
        .map((v) => `VDI ${v.name} (${v.uuid})`),
    ];
  }

  /** Guest software installs per pool and prepared template, over every run on this lab (templates outlive runs). */
  function installsPerTemplate(): Promise<
    Array<{ pool: string; template: string | null; software: string[]; n: number }>
  > {
    return q(
      `SELECT pool, template, software, count(*)::int AS n FROM guest_installs
        GROUP BY pool, template, software ORDER BY pool, template`,
    );
  }

  it('should end the demo with every case passed or xfailed and leave the lab clean', async () => {
    const before = labObjects();
    const cases = await runCampaign('demo.yaml');
    expect(cases).toHaveLength(17);
    expect(unexpected(cases)).toEqual([]);
    expect(cases.filter((c) => c.outcome === 'xfailed').map((c) => c.code)).toEqual([
      'VM_HOST_INCOMPATIBLE_VERSION_MIGRATE',
    ]);
    expect(leftBehind(before)).toEqual([]);
    expect((await q(`SELECT count(*)::int AS n FROM created_objects WHERE removed_at IS NULL`))[0].n).toBe(0);
  }, 600_000);

  it('should run the release plan end to end: automated cases passed or xfailed, manual ones pending, lab clean', async () => {
    const before = labObjects();
    const cases = await runCampaign('xcp-ng-release.yaml');
    expect(unexpected(cases)).toEqual([]);
    const manual = cases.filter((c) => c.manual);
    expect(manual.length).toBeGreaterThanOrEqual(5);
    expect(manual.every((c) => c.outcome === 'manual-pending')).toBe(true);
    expect(cases.filter((c) => !c.manual && c.outcome === 'passed').length).toBeGreaterThan(50);
    // fio went into one prepared template per pool, once (by this run or the demo before it on the
    // same lab), though many fio cases ran on each pool.
    const fio = (await installsPerTemplate()).filter((i) => i.template !== null && i.software.includes('fio'));
    expect(fio.length).toBeGreaterThan(0);
    expect(fio.every((i) => i.n === 1)).toBe(true);
    const fioCases = await q(`SELECT count(*)::int AS n FROM cases WHERE scenario = 'perf.fio'`);
    expect(fioCases[0].n).toBeGreaterThan(fio.length);
    expect(leftBehind(before)).toEqual([]);
    expect((await q(`SELECT count(*)::int AS n FROM created_objects WHERE removed_at IS NULL`))[0].n).toBe(0);
    // Every host is back and listening; no fault was left switched on.
    expect(lab.snapshot().hosts.every((h) => h.listening)).toBe(true);
    expect(lab.snapshot().faults).toEqual([]);
  }, 1_800_000);
});

/**
 * Scheduling efficiency of the execution engine, in one run: a campaign of 288 cases with modelled
 * durations (0.15–1.15 s each, fixed per case key) on a simulated lab of 8 one-host pools, executed
 * by 4 workers through the real queue, leases and records. Every case leases a whole pool, so the
 * lab's capacity is 8 cases at a time.
 *
 *   floor (lower bound) = max(total work ÷ capacity, longest case)
 *   efficiency          = floor ÷ makespan   (goal ≥ 0.90)
 *   overhead per case   = (makespan × capacity − total work) ÷ cases: pool time not spent running a
 *                         case (queue, claim, lease, attempt records, SSH, teardown check, events)
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { AppConfig } from 'src/config/config';
import { prepareDatabase } from 'src/database/prepare-database';
import { startExecution } from 'test/utils/execution';
import { parseInventory } from 'src/lab/inventory.loader';
import { LabRepository } from 'src/lab/lab.repository';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { ScenarioDefinition } from 'src/scenarios/scenario.types';
import { parseLabConfig } from 'src/simulator/config/lab-config';
import { startSimulatedLab } from 'src/simulator/lab/simulated-lab';

const POOLS = 8;
const WORKERS = 4;
const SLOTS_PER_WORKER = 3;

function labYaml(): string {
  const pools = Array.from({ length: POOLS }, (_, i) =>
    [
      `  - name: bench-pool-${i + 1}`,
      `    hosts:`,
      `      - { name: bench-${i + 1}, version: 8.3.0, memory_gib: 64, cpus: 16 }`,
      `    shared_srs:`,
      `      - { name: "NFS bench-${i + 1}", type: nfs, size_gib: 512 }`,
    ].join('\n'),
  );
  return [
    `name: sim-bench`,
    `seed: bench`,
    `address_base: "127.31"`,
    `guest_address_base: "127.32"`,
    `pools:`,
    ...pools,
  ].join('\n');
}

/** 288 live-migration combinations; here they only stand for cases of known length. */
const CAMPAIGN = `
name: scheduling-bench
release: 8.3.0
baseline: 8.2.1
defaults: { timeout: 10m }
suites:
  - id: bench
    scenario: migration.live
    title: modelled cases
    covers: Live migration tests (mixed combinations)
    matrix:
      axes:
        vm_kind: [pvhvm-linux, pv-linux, hvm-windows]
        origin: [recent, upgraded, imported]
        size: [tiny, large]
        load: [idle, cpu, memory, io]
        storage: [shared, local-to-local, shared-to-local, local-to-shared]
        scope: [intra-pool]
`;

/** A case's modelled length, fixed by its key so every run of the bench gets the same workload. */
function durationMs(caseKey: string): number {
  const h = createHash('sha256').update(caseKey).digest().readUInt32BE(0);
  return 150 + (h % 1000);
}

function benchScenario(): ScenarioDefinition {
  return {
    id: 'migration.live',
    family: 'bench',
    title: 'modelled case',
    kind: 'automated',
    needs: () => ({ pools: [{ role: 'main', minHosts: 1 }] }),
    async run(ctx) {
      // One real command on the leased host, as every case has, then the modelled work.
      await ctx.runner(ctx.pool('main').master).exec('true');
      await ctx.sleep(durationMs(ctx.caseKey));
    },
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shakedown-bench-scheduling-'));
  const env = {
    ...process.env,
    SHAKEDOWN_DATA_DIR: dataDir,
    SHAKEDOWN_EMBEDDED_PG_PORT: String(40000 + (process.pid % 20000)),
  };
  const database = await prepareDatabase(AppConfig.fromEnv(env));
  const lab = await startSimulatedLab({
    config: parseLabConfig(labYaml(), 'bench lab'),
    speed: 1000,
    stateDir: join(dataDir, 'sim'),
    controlApi: false,
  });
  const engine = await startExecution({
    databaseUrl: database.url,
    dataDir,
    registry: new ScenarioRegistry([benchScenario()]),
    logger: pino({ level: 'silent' }),
  });
  try {
    await new LabRepository(engine.db).upsertInventory(parseInventory(JSON.stringify(lab.inventory), 'bench lab'));
    for (let i = 0; i < WORKERS; i++) {
      await engine.startWorker({ concurrency: SLOTS_PER_WORKER, name: `bench-worker-${i + 1}`, idlePollMs: 1000 });
    }
    const { run, counts } = await engine.runs.start({
      campaign: { text: CAMPAIGN, filename: 'scheduling-bench.yaml' },
      lab: 'sim-bench',
    });
    process.stderr.write(
      `scheduling: ${counts.total} cases on ${POOLS} pools, ${WORKERS} workers × ${SLOTS_PER_WORKER} slots\n`,
    );
    for (;;) {
      const [r] = await engine.db.query(`SELECT status FROM runs WHERE id = $1`, [run.id]);
      if (r.status !== 'queued' && r.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const cases: Array<{ key: string; outcome: string; started: Date; finished: Date }> = await engine.db.query(
      `SELECT case_key AS key, outcome, started_at AS started, finished_at AS finished FROM cases WHERE run_id = $1`,
      [run.id],
    );
    const failed = cases.filter((c) => c.outcome !== 'passed');
    if (failed.length) {
      throw new Error(`${failed.length} cases did not pass (first: ${failed[0]!.key} ${failed[0]!.outcome})`);
    }
    const durations = cases.map((c) => durationMs(c.key));
    const totalWork = durations.reduce((a, b) => a + b, 0);
    const floor = Math.max(totalWork / POOLS, Math.max(...durations));
    const first = Math.min(...cases.map((c) => c.started.getTime()));
    const last = Math.max(...cases.map((c) => c.finished.getTime()));
    const makespan = last - first;
    const efficiency = floor / makespan;
    const overheadPerCase = (makespan * POOLS - totalWork) / cases.length;
    const lines = [
      `cases ${cases.length}, total modelled work ${(totalWork / 1000).toFixed(1)} s, longest ${Math.max(...durations)} ms`,
      `lower bound ${(floor / 1000).toFixed(2)} s, makespan ${(makespan / 1000).toFixed(2)} s`,
      `efficiency ${efficiency.toFixed(3)} (goal ≥ 0.90); orchestration overhead ${overheadPerCase.toFixed(1)} ms of pool time per case`,
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'scheduling',
        efficiency: Number(efficiency.toFixed(3)),
        ratio_vs_floor: Number((makespan / floor).toFixed(3)),
        makespan_s: Number((makespan / 1000).toFixed(2)),
        lower_bound_s: Number((floor / 1000).toFixed(2)),
        overhead_ms_per_case: Number(overheadPerCase.toFixed(1)),
        cases: cases.length,
        pools: POOLS,
        workers: WORKERS,
        goal_met: efficiency >= 0.9,
      })}\n`,
    );
  } finally {
    await engine.close();
    await lab.stop();
    await database.embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`scheduling bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadCampaign } from 'src/campaign/load-campaign';
import { startExecution, TestExecution } from 'test/utils/execution';
import { prepareNestedLab } from 'src/execution/nested-preparation';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { SimulatedLab, startSimulatedLab } from 'src/simulator/lab/simulated-lab';
import { simulatedHostImageXva } from 'src/simulator/nested/host-image';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { waitUntil } from 'test/utils/wait';

const PARENT = 'sim-821-a';

/** A campaign that asks for a nested lab gets it built before its run and torn down after it. */
describe('nested lab as a run preparation', () => {
  let dir: string;
  let lab: SimulatedLab;
  let db: TestDatabase;
  let engine: TestExecution;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-nested-run-'));
    db = await createTestDatabase();
    lab = await startSimulatedLab({ speed: 600, stateDir: join(dir, 'sim'), controlApi: false });
    writeFileSync(join(dir, 'parent.json'), JSON.stringify(lab.inventory));
    const images = join(dir, 'sim', 'hosts', PARENT, 'fs', 'root', 'images');
    mkdirSync(images, { recursive: true });
    writeFileSync(join(images, 'xcp-ng-8.2.1.xva'), await simulatedHostImageXva({ version: '8.2.1' }));
    engine = await startExecution({
      databaseUrl: db.url,
      dataDir: dir,
      registry: new ScenarioRegistry(defaultScenarios()),
      logger: pino({ level: 'silent' }),
    });
    await engine.startWorker({ concurrency: 2 });
  });

  afterAll(async () => {
    await engine?.close();
    await lab?.stop();
    await db?.close();
  });

  it('should provision the nested pool, run the campaign on it, and leave the parent as it was', async () => {
    writeFileSync(
      join(dir, 'nested.yaml'),
      `name: nested-for-run
parent: { inventory: ./parent.json, pool: pool-821, host: ${PARENT} }
access: { credential: sim-root, password: sim-root-password }
keep_image: false
images:
  "8.2.1": { path: /root/images/xcp-ng-8.2.1.xva }
timeouts: { boot: 60s, xapi: 30s, join: 30s, upgrade: 60s }
pools:
  - { name: nrun, hosts: 2, version: 8.2.1, memory_gib: 8, vcpus: 2 }
`,
    );
    const campaignFile = join(dir, 'campaign.yaml');
    writeFileSync(
      campaignFile,
      `name: on-nested
release: 8.2.1
baseline: 8.2.1
nested_lab: ./nested.yaml
suites:
  - { id: install, scenario: basic.install-check, title: install, covers: verify installation }
`,
    );
    const vmsBefore = lab.vmsOn(PARENT).map((v) => v.name);
    const campaign = loadCampaign(campaignFile);
    expect(campaign.nestedLab).toBe('./nested.yaml');
    const lines: string[] = [];
    const nested = await prepareNestedLab(campaignFile, campaign.nestedLab!, {
      db: db.dataSource,
      ssh: engine.ssh,
      progress: (l) => lines.push(l),
    });
    expect(nested.labName).toBe('nested-for-run');
    expect(lab.vmsOn(PARENT).length).toBeGreaterThan(vmsBefore.length);

    const { run } = await engine.runs.start({ campaign: campaignFile, lab: nested.labName });
    await waitUntil(
      async () =>
        (await db.dataSource.query(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status === 'finished',
      'run on the nested lab',
      120_000,
      200,
    );
    const [c] = await db.dataSource.query(`SELECT outcome, reason FROM cases WHERE run_id = $1`, [run.id]);
    expect(c).toEqual({ outcome: 'passed', reason: null });

    await nested.destroy();
    expect(lab.vmsOn(PARENT).map((v) => v.name)).toEqual(vmsBefore);
    expect(lines.length).toBeGreaterThan(3);
  }, 180_000);
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { expandCampaign } from 'src/campaign/expand-campaign';
import { loadCampaign } from 'src/campaign/load-campaign';
import { startExecution } from 'test/utils/execution';
import { LabRepository } from 'src/lab/lab.repository';
import { loadNestedLabFile } from 'src/lab/provisioner/nested-lab.loader';
import { NestedLabProvisioner } from 'src/lab/provisioner/nested-provisioner';
import { statePathFor } from 'src/lab/provisioner/nested-state';
import { ProvisionerError } from 'src/lab/provisioner/provisioner.errors';
import { SshPool } from 'src/remote/ssh-pool';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { SimulatedLab, startSimulatedLab } from 'src/simulator/lab/simulated-lab';
import { simulatedHostImageXva } from 'src/simulator/nested/host-image';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { waitUntil } from 'test/utils/wait';

const ROOT = join(__dirname, '..', '..');
const PARENT = 'sim-821-a';

function labFile(dir: string, name: string, body: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    `name: ${name}
parent: { inventory: ./parent.json, pool: pool-821, host: ${PARENT} }
access: { credential: sim-root, password: sim-root-password }
keep_image: false
${body}`,
  );
  return path;
}

describe('nested labs on the simulated lab', () => {
  let dir: string;
  let lab: SimulatedLab;
  let db: TestDatabase;
  let ssh: SshPool;
  const lines: string[] = [];

  const parentVms = () => lab.vmsOn(PARENT).map((v) => v.name);
  const parentDisks = () => {
    const own = new Set(
      lab
        .snapshot()
        .vdis.filter((d) => d.host === PARENT)
        .map((d) => d.uuid),
    );
    return lab.snapshot().vdis.filter((d) => own.has(d.uuid));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-nested-'));
    db = await createTestDatabase();
    lab = await startSimulatedLab({ speed: 600, stateDir: join(dir, 'sim'), controlApi: false });
    writeFileSync(join(dir, 'parent.json'), JSON.stringify(lab.inventory));
    const images = join(dir, 'sim', 'hosts', PARENT, 'fs', 'root', 'images');
    mkdirSync(images, { recursive: true });
    writeFileSync(join(images, 'xcp-ng-8.2.1.xva'), await simulatedHostImageXva({ version: '8.2.1' }));
    writeFileSync(
      join(images, 'xcp-ng-8.2.1-hang.xva'),
      await simulatedHostImageXva({ version: '8.2.1', fault: 'hang' }),
    );
    ssh = new SshPool();
  });

  afterAll(async () => {
    await ssh?.close();
    await lab?.stop();
    await db?.close();
  });

  it('should build two nested pools (one left mid-upgrade), run the pool-upgrade cases on them, and leave nothing behind', async () => {
    const vmsBefore = parentVms();
    const disksBefore = parentDisks().length;
    const poolsBefore = lab.snapshot().pools.map((p) => p.name);
    const file = labFile(
      dir,
      'nested-upgrade',
      `images:
  "8.2.1": { path: /root/images/xcp-ng-8.2.1.xva }
timeouts: { boot: 60s, xapi: 30s, join: 30s, upgrade: 60s }
pools:
  - { name: n821, hosts: 2, version: 8.2.1, memory_gib: 12, vcpus: 2 }
  - name: nmix
    hosts: 2
    version: 8.2.1
    memory_gib: 16
    shared_sr: { type: nfs, server: 127.0.0.1, path: /exports/nmix }
    vms:
      - { name: deb11-old, template: "Debian Bullseye 11", origin: upgraded, host: 2 }
      - { name: centos7-old, template: "CentOS 7 (PV)", origin: upgraded, host: 2 }
    upgrade: { to: 8.3.0, method: installer, hosts: 1, iso: xcp-ng-8.3.0.iso }
`,
    );
    const provisioner = new NestedLabProvisioner(await loadNestedLabFile(file), {
      ssh,
      repo: new LabRepository(db.dataSource),
      progress: (l) => lines.push(l),
    });
    const inventory = await provisioner.provision();

    // The inventory: two pools of nested hosts, tagged with their parent; the mixed one mid-upgrade, master first.
    expect(inventory.pools.map((p) => [p.name, p.master, p.hosts.map((h) => `${h.name}@${h.version}`)])).toEqual([
      ['n821', 'n821-1', ['n821-1@8.2.1', 'n821-2@8.2.1']],
      ['nmix', 'nmix-1', ['nmix-1@8.3.0', 'nmix-2@8.2.1']],
    ]);
    expect(inventory.pools[1]!.tags).toEqual(expect.arrayContaining(['nested', `parent:${PARENT}`, 'rolling-upgrade']));
    expect(inventory.pools[0]!.tags).not.toContain('rolling-upgrade');
    for (const h of inventory.pools.flatMap((p) => p.hosts)) {
      expect(h.tags).toEqual(expect.arrayContaining(['nested', `parent:${PARENT}`]));
      expect(h.hostKey).toMatch(/^SHA256:/);
    }
    const stored = await db.dataSource.query(
      `SELECT h.name, h.version, h.host_key_fingerprint AS key FROM hosts h JOIN labs l ON l.id = h.lab_id
        WHERE l.name = 'nested-upgrade' ORDER BY h.name`,
    );
    expect(stored.map((r: { name: string; version: string }) => `${r.name}@${r.version}`)).toEqual([
      'n821-1@8.2.1',
      'n821-2@8.2.1',
      'nmix-1@8.3.0',
      'nmix-2@8.2.1',
    ]);
    expect(stored.every((r: { key: string | null }) => r.key?.startsWith('SHA256:'))).toBe(true);

    // On the simulated lab: real pools with their masters, nested virtualization switched on (8.2 key).
    const snap = lab.snapshot();
    expect(snap.pools).toEqual(
      expect.arrayContaining([
        { name: 'n821', master: 'n821-1', rollingUpgrade: false },
        { name: 'nmix', master: 'nmix-1', rollingUpgrade: true },
      ]),
    );
    const hostVms = [...lab.model.state.vms.values()].filter((v) => /^(n821|nmix)-\d$/.test(v.name));
    expect(hostVms).toHaveLength(4);
    expect(hostVms.every((v) => v.platformExtra?.['exp-nested-hvm'] === 'true')).toBe(true);
    expect(lines).toEqual(
      expect.arrayContaining([
        '[nmix-1] wait for SSH (up to 60 s)',
        '[nmix-2] join the pool of nmix-1',
        expect.stringMatching(/^\[nmix-1\] boot the installer xcp-ng-8\.3\.0\.iso \(upgrade to 8\.3\.0\)$/),
        '[nmix-1] upgraded to XCP-ng 8.3.0',
      ]),
    );
    const answer = readFileSync(
      join(
        dir,
        'sim',
        'hosts',
        PARENT,
        'fs',
        'var',
        'lib',
        'shakedown',
        'answerfiles',
        `${hostVms.find((v) => v.name === 'nmix-1')!.uuid}.xml`,
      ),
      'utf8',
    );
    expect(answer).toContain('<installation mode="upgrade">');

    // The pool-upgrade live migrations of the release campaign, through the engine, on the nested lab.
    const campaignPath = join(ROOT, 'campaigns', 'xcp-ng-release.yaml');
    const campaign = loadCampaign({ text: readFileSync(campaignPath, 'utf8'), filename: campaignPath });
    const cases = expandCampaign(campaign, { suite: 'live-migration' })
      .suites.flatMap((s) => s.cases)
      .filter(
        (c) =>
          c.params.scope === 'pool-upgrade' &&
          c.params.origin === 'upgraded' &&
          c.params.storage === 'shared' &&
          (c.params.vm_kind === 'pvhvm-linux' || c.params.vm_kind === 'pv-linux'),
      );
    expect(cases.length).toBeGreaterThanOrEqual(2);
    const engine = await startExecution({
      databaseUrl: db.url,
      dataDir: join(dir, 'engine'),
      registry: new ScenarioRegistry(defaultScenarios()),
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    try {
      await engine.startWorker({
        concurrency: 1,
        executor: { retryDelayMs: 50, heartbeatMs: 200, waitPollMs: 200, leaseTtlMs: 10_000 },
        reaperIntervalMs: 500,
        idlePollMs: 200,
      });
      const { run } = await engine.runs.start({
        campaign: campaignPath,
        lab: 'nested-upgrade',
        suite: 'live-migration',
        cases: cases.map((c) => c.caseKey),
      });
      await waitUntil(
        async () =>
          ['finished', 'error'].includes(
            (await db.dataSource.query(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status,
          ),
        'the pool-upgrade cases to finish',
        240_000,
        200,
      );
      const rows = await db.dataSource.query(
        `SELECT c.outcome, (SELECT a.error_message FROM attempts a WHERE a.case_id = c.id ORDER BY a.number DESC LIMIT 1) AS why
           FROM cases c WHERE c.run_id = $1 ORDER BY c.case_key`,
        [run.id],
      );
      expect(rows).toEqual(cases.map(() => ({ outcome: 'passed', why: null })));
    } finally {
      await engine.close();
    }

    const report = await provisioner.destroy();
    expect(report.vmsRemoved.sort()).toEqual(['n821-1', 'n821-2', 'nmix-1', 'nmix-2']);
    expect(report.imagesRemoved).toEqual(['shakedown-image-8.2.1']);
    expect(parentVms()).toEqual(vmsBefore);
    expect(parentDisks()).toHaveLength(disksBefore);
    expect(lab.snapshot().hosts.map((h) => h.name)).not.toEqual(expect.arrayContaining(['nmix-1']));
    expect(lab.snapshot().pools.map((p) => p.name)).toEqual(poolsBefore);
    expect(existsSync(statePathFor(file))).toBe(false);
    const left = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM hosts h JOIN labs l ON l.id = h.lab_id WHERE l.name = 'nested-upgrade'`,
    );
    expect(left[0].n).toBe(0);
  }, 600_000);

  it('should fail a host that never answers SSH with the host and the step named, and leave nothing behind', async () => {
    const vmsBefore = parentVms();
    const disksBefore = parentDisks().length;
    const file = labFile(
      dir,
      'nested-broken',
      `images:
  "8.2.1": { path: /root/images/xcp-ng-8.2.1-hang.xva }
timeouts: { boot: 4s }
pools:
  - { name: nbad, hosts: 2, version: 8.2.1 }
`,
    );
    const provisioner = new NestedLabProvisioner(await loadNestedLabFile(file), {
      ssh,
      progress: (l) => lines.push(l),
    });
    const err = await provisioner.provision().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProvisionerError);
    expect((err as ProvisionerError).message).toMatch(/^nested host nbad-1: wait for SSH: no answer within 4 s/);
    expect((err as ProvisionerError).details).toEqual({ host: 'nbad-1', step: 'wait for SSH' });
    expect(parentVms()).toEqual(vmsBefore);
    expect(parentDisks()).toHaveLength(disksBefore);
    expect(lab.snapshot().hosts.some((h) => h.name.startsWith('nbad'))).toBe(false);
    expect(existsSync(statePathFor(file))).toBe(false);
  }, 120_000);
});

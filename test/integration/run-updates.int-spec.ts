import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestExecution } from 'test/utils/execution';
import { RunUpdatesRecord } from 'src/execution/update-preparation';
import { SimulatedLab } from 'src/simulator/lab/simulated-lab';
import { hostPackages, evr } from 'src/simulator/packages/host-packages';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { openSimEngine } from 'test/utils/sim-engine';
import { waitUntil } from 'test/utils/wait';

const campaign = (updates: string, more = ''): string => `name: candidates
release: 8.3.0
baseline: 8.2.1
updates: ${updates}
suites:
  - { id: install, scenario: basic.install-check, title: install, covers: verify installation }
${more}`;

/** The campaign's `updates:` block as the run's preparation, on the simulated lab. */
describe('update candidates as a run preparation', () => {
  let dir: string;
  let lab: SimulatedLab;
  let db: TestDatabase;
  let engine: TestExecution;

  const installed = (host: string, name: string): string =>
    evr(hostPackages(lab.model.hostByName(host)!).installed.get(name)!);

  const finish = async (file: string, text: string) => {
    writeFileSync(join(dir, file), text);
    const { run } = await engine.runs.start({ campaign: join(dir, file), lab: 'sim-default' });
    const row = await waitUntil(
      async () => {
        const [r] = await db.dataSource.query(`SELECT status, error, updates, lab_snapshot FROM runs WHERE id = $1`, [
          run.id,
        ]);
        return ['finished', 'error'].includes(r.status) ? r : undefined;
      },
      'the run to end',
      120_000,
      100,
    );
    const cases = await db.dataSource.query(
      `SELECT c.suite, c.status, c.outcome, c.needs, a.hosts FROM cases c
         LEFT JOIN attempts a ON a.case_id = c.id WHERE c.run_id = $1 ORDER BY c.suite`,
      [run.id],
    );
    return {
      status: row.status as string,
      error: row.error as string | null,
      updates: row.updates as RunUpdatesRecord,
      snapshot: row.lab_snapshot as { hosts: Array<{ name: string; packages: Record<string, string> }> },
      cases: cases as Array<{
        suite: string;
        status: string;
        outcome: string | null;
        needs: { roles: Array<{ need: { updated?: boolean }; poolIds: string[] }> } | null;
        hosts: string[] | null;
      }>,
    };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-run-updates-'));
    db = await createTestDatabase();
    ({ lab, engine } = await openSimEngine(dir, db));
    await engine.startWorker({ concurrency: 2, updates: { pollMs: 50, healthTimeoutMs: 60_000 } });
  });

  afterAll(async () => {
    await engine?.close();
    await lab?.stop();
    await db?.close();
  });

  it('should fail the preparation with yum output, run no case and change no host when yum fails', async () => {
    const before = installed('sim-830-a', 'xapi-core');
    const r = await finish('broken.yaml', campaign('{ enablerepo: xcp-ng-nightly, packages: [xapi-core] }'));
    expect(r.status).toBe('error');
    expect(r.error).toMatch(
      /^update preparation failed: sim-830-a \(pool pool-830\): `yum update xapi-core --enablerepo=xcp-ng-nightly -y` exited 1: Error getting repository data for xcp-ng-nightly, repository not found/,
    );
    expect(r.error).toContain('no host of the pool was changed');
    expect(r.updates.status).toBe('failed');
    expect(r.updates.hosts.map((h) => [h.host, h.status])).toEqual([
      ['sim-830-a', 'failed'],
      ['sim-830-b', 'not-reached'],
    ]);
    expect(r.updates.hosts[0]!.output).toContain('repository not found');
    expect(r.cases.map((c) => c.outcome)).toEqual([null]);
    expect(installed('sim-830-a', 'xapi-core')).toBe(before);
  }, 150_000);

  it('should update the candidate pools master first, record the diff, restart the toolstack and leave the baseline alone', async () => {
    lab.packages.publish({ name: 'xapi-core', version: '24.19.2-1.12.xcpng8.3' });
    const baseline = installed('sim-821-a', 'xapi-core');
    const mixedMember = installed('sim-mix-b', 'xapi-core');
    const r = await finish(
      'candidates.yaml',
      campaign(
        '{ enablerepo: xcp-ng-testing, packages: [xapi-core], reboot: never }',
        '  - { id: updated, scenario: basic.log-check, title: after the update, requires: { updated: true } }\n',
      ),
    );
    expect(r.error).toBeNull();
    expect(r.status).toBe('finished');
    expect(r.cases.map((c) => [c.suite, c.status, c.outcome])).toEqual([
      ['install', 'done', 'passed'],
      ['updated', 'done', 'passed'],
    ]);
    // The requires-updated case was planned on the pools the update step changes, and ran on one.
    const updatedCase = r.cases[1]!;
    expect(updatedCase.needs!.roles.map((role) => role.need.updated)).toEqual([true]);
    const updatedPoolIds = await db.dataSource.query(
      `SELECT p.id FROM pools p WHERE p.name IN ('pool-830', 'pool-830-b') ORDER BY p.id`,
    );
    expect([...updatedCase.needs!.roles[0]!.poolIds].sort()).toEqual(updatedPoolIds.map((p: { id: string }) => p.id));
    expect(updatedCase.hosts!.every((h) => /^sim-830b?-[ab]$/.test(h))).toBe(true);
    expect(r.updates.status).toBe('applied');
    expect(r.updates.pools).toEqual([
      { name: 'pool-821', updated: false, reason: 'runs 8.2.1: baseline side, not updated' },
      { name: 'pool-830', updated: true },
      { name: 'pool-830-b', updated: true },
      { name: 'pool-mixed', updated: false, reason: 'mixed versions: not a candidate pool' },
    ]);
    const first = r.updates.hosts.filter((h) => h.pool === 'pool-830');
    expect(first.map((h) => [h.host, h.master, h.status])).toEqual([
      ['sim-830-a', true, 'updated'],
      ['sim-830-b', false, 'updated'],
    ]);
    for (const h of r.updates.hosts) {
      expect(h.changes).toEqual([{ name: 'xapi-core', from: '24.19.2-1.10.xcpng8.3', to: '24.19.2-1.12.xcpng8.3' }]);
      expect(h.restarted).toEqual(['toolstack']);
      expect(h.rebooted).toBe(false);
    }
    expect(installed('sim-830-b', 'xapi-core')).toBe('24.19.2-1.12.xcpng8.3');
    expect(installed('sim-821-a', 'xapi-core')).toBe(baseline);
    expect(installed('sim-mix-b', 'xapi-core')).toBe(mixedMember);
    // The lab snapshot, taken after the updates, is what the cases ran on.
    const snap = r.snapshot.hosts.find((h) => h.name === 'sim-830-a');
    expect(snap?.packages['xapi-core']).toBe('24.19.2-1.12.xcpng8.3');
  }, 150_000);

  it('should reboot the hosts whose update needs it, and report a pool left half-updated when one cannot be', async () => {
    lab.packages.publish({ name: 'xen-hypervisor', version: '4.17.5-6.9.xcpng8.3' });
    const xen = { name: 'xen-hypervisor', from: '4.17.5-6.1.xcpng8.3', to: '4.17.5-6.9.xcpng8.3' };
    // sim-830-b runs a VM on its local storage: it cannot be evacuated, so it cannot be rebooted.
    const stuck = await finish('xen.yaml', campaign('{ enablerepo: xcp-ng-testing, packages: [xen-hypervisor] }'));
    expect(stuck.status).toBe('error');
    expect(stuck.error).toMatch(
      /^update preparation failed: sim-830-b \(pool pool-830\): `xe host-evacuate uuid=[0-9a-f-]{36}` exited 1: .*doesn't have access to an SR/,
    );
    expect(stuck.error).toMatch(
      /its packages did change \(xen-hypervisor 4\.17\.5-6\.9\.xcpng8\.3\) but it is not running them — already updated: sim-830-a$/,
    );
    expect(stuck.updates.hosts.map((h) => [h.host, h.status, h.rebooted])).toEqual([
      ['sim-830-a', 'updated', true],
      ['sim-830-b', 'failed', false],
    ]);
    expect(stuck.updates.hosts[1]!.changes).toEqual([xen]);
    expect(lab.model.hostByName('sim-830-b')!.enabled).toBe(true);
    expect(stuck.cases.every((c) => c.outcome === null)).toBe(true);

    // Without it, every host of the next pool is updated and rebooted, master first.
    const bootedBefore = lab.model.hostByName('sim-830b-b')!.bootedAt;
    // As an administrator would: that VM shut down (sim-830-b already has the build, so nothing reboots it).
    const rocky = [...lab.model.state.vms.values()].find((v) => v.name === 'rocky9-local')!;
    rocky.powerState = 'halted';
    rocky.residentOn = null;
    const r = await finish('xen-again.yaml', campaign('{ enablerepo: xcp-ng-testing, packages: [xen-hypervisor] }'));
    expect({ status: r.status, error: r.error }).toEqual({ status: 'finished', error: null });
    const b = r.updates.hosts.filter((h) => h.pool === 'pool-830-b');
    expect(b.map((h) => [h.host, h.master, h.status, h.rebooted, h.changes])).toEqual([
      ['sim-830b-a', true, 'updated', true, [xen]],
      ['sim-830b-b', false, 'updated', true, [xen]],
    ]);
    expect(lab.model.hostByName('sim-830b-b')!.bootedAt).toBeGreaterThan(bootedBefore);
  }, 150_000);
});

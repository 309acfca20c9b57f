import { parseXensourceInventory } from 'src/remote/dom0/package-output';
import { RemoteError } from 'src/remote/remote.errors';
import { CampaignFacts, MetricSpec, PoolNeed, ScenarioContext, ScenarioDefinition } from 'src/scenarios/scenario.types';
import { installTools } from 'src/scenarios/support/guest-tools';
import { uptime, verifyData, writeData } from 'src/scenarios/support/guest-data';
import { migrateVm, verifyPlacement } from 'src/scenarios/support/migration';
import { settingMap } from 'src/scenarios/support/params';
import { objectLabel, PoolOps, SrInfo } from 'src/scenarios/support/pool-ops';
import { scanLogs } from 'src/scenarios/support/log-scan';
import { check, waitFor } from 'src/scenarios/support/wait';

const MIGRATION_METRICS: MetricSpec[] = [
  { metric: 'migration.duration_ms', unit: 'ms', direction: 'lower', description: 'vm-migrate call, start to end' },
  { metric: 'migration.downtime_ms', unit: 'ms', direction: 'lower', description: 'longest gap between guest answers' },
];

function candidatePool(campaign: CampaignFacts, minHosts = 1, extra: Partial<PoolNeed> = {}): PoolNeed {
  return { role: 'pool', minHosts, version: campaign.release, ...extra };
}

function baselineOf(campaign: CampaignFacts): string {
  return campaign.baseline ?? campaign.release;
}

/** verify installation */
const installCheck: ScenarioDefinition = {
  id: 'basic.install-check',
  family: 'basic',
  title: 'Installation is sound: version and build of the release, xapi answers, all hosts enabled',
  kind: 'automated',
  sharesPool: true,
  needs: (_p, campaign) => ({ pools: [candidatePool(campaign)] }),
  async run(ctx) {
    const ops = new PoolOps(ctx, ctx.pool('pool'));
    const hosts = await ctx.step('xapi answers and lists the hosts', () => ops.xe.host.list(), { phase: 'verify' });
    for (const host of ops.pool.hosts) {
      await ctx.step(
        `${host.name}: version and build`,
        async () => {
          const rec = hosts.find((h) => h.address === host.address) ?? hosts.find((h) => h.nameLabel === host.name);
          check(rec, `host ${host.name} (${host.address}) is missing from xe host-list`);
          check(rec.enabled, `host ${host.name} is disabled`);
          const inv = await ctx.runner(host).exec('cat /etc/xensource-inventory', { timeoutMs: 30_000 });
          check(inv.exitCode === 0, `${host.name}: cannot read /etc/xensource-inventory (exit ${inv.exitCode})`);
          const fields = parseXensourceInventory(inv.stdout);
          const sw = await ops.xe.host.version(rec.uuid);
          check(
            fields.PRODUCT_VERSION === ctx.campaign.release,
            `${host.name}: /etc/xensource-inventory says PRODUCT_VERSION=${fields.PRODUCT_VERSION ?? '(none)'}, the release under test is ${ctx.campaign.release}`,
          );
          check(
            sw.productVersion === ctx.campaign.release,
            `${host.name}: xe software-version says product_version=${sw.productVersion ?? '(none)'}, the release under test is ${ctx.campaign.release}`,
          );
          check(
            !fields.BUILD_NUMBER || !sw.buildNumber || fields.BUILD_NUMBER === sw.buildNumber,
            `${host.name}: build ${fields.BUILD_NUMBER} in the inventory file but ${sw.buildNumber} from xapi`,
          );
          ctx.log(
            `${host.name}: ${sw.productBrand ?? 'XCP-ng'} ${sw.productVersion} build ${sw.buildNumber ?? '?'}, xapi ${sw.xapi ?? '?'}`,
          );
        },
        { phase: 'verify' },
      );
    }
  },
};

/** verify connectivity with your interfaces */
const interfaces: ScenarioDefinition = {
  id: 'basic.interfaces',
  family: 'basic',
  title: 'Every attached PIF has carrier; the management PIF carries the host address and answers',
  kind: 'automated',
  sharesPool: true,
  needs: (_p, campaign) => ({ pools: [candidatePool(campaign)] }),
  async run(ctx) {
    const ops = new PoolOps(ctx, ctx.pool('pool'));
    for (const host of await ops.hostInfos()) {
      await ctx.step(
        `${host.handle.name}: PIFs`,
        async () => {
          const pifs = await ops.xe.pif.list({ hostUuid: host.uuid });
          check(pifs.length > 0, `${host.handle.name} has no PIF`);
          const mgmt = pifs.filter((p) => p.management);
          check(mgmt.length === 1, `${host.handle.name} has ${mgmt.length} management PIFs, expected 1`);
          for (const pif of pifs.filter((p) => p.attached)) {
            check(pif.carrier, `${host.handle.name}: PIF ${pif.device} is attached but has no carrier (link down)`, {
              pif: pif.uuid,
            });
          }
          const m = mgmt[0]!;
          check(m.attached, `${host.handle.name}: management PIF ${m.device} is not attached`);
          check(
            m.ip === host.handle.address || !/^\d+\.\d+\.\d+\.\d+$/.test(host.handle.address),
            `${host.handle.name}: management PIF ${m.device} has IP ${m.ip || '(none)'}, the host is reached at ${host.handle.address}`,
          );
          const r = await ctx.runner(host.handle).exec('true', { timeoutMs: 30_000 });
          check(
            r.exitCode === 0,
            `${host.handle.name} answers on its management address but 'true' exited ${r.exitCode}`,
          );
        },
        { phase: 'verify' },
      );
    }
  },
};

/** verify connectivity to Shared Storages */
const sharedStorage: ScenarioDefinition = {
  id: 'basic.shared-storage',
  family: 'basic',
  title: 'Every shared SR is plugged on every host; data written from one host reads back from another',
  kind: 'automated',
  needs: (_p, campaign) => ({ pools: [candidatePool(campaign)] }),
  async run(ctx) {
    const ops = new PoolOps(ctx, ctx.pool('pool'));
    const hosts = await ops.hostInfos();
    const shared = (await ops.srs()).filter((s) => s.shared);
    check(shared.length > 0, `pool ${ops.pool.name} has no shared SR`);
    for (const sr of shared) {
      await ctx.step(
        `${sr.name}: plugged on every host`,
        async () => {
          const pbds = await ops.xe.pbd.list({ srUuid: sr.uuid });
          for (const host of hosts) {
            const pbd = pbds.find((p) => p.hostUuid === host.uuid);
            check(pbd, `SR ${sr.name} has no PBD for host ${host.handle.name}`);
            check(pbd.attached, `SR ${sr.name} is not plugged on host ${host.handle.name} (PBD ${pbd.uuid} detached)`);
          }
        },
        { phase: 'verify' },
      );
      await ctx.step(`${sr.name}: write on one host, read on the others`, () => writeReadShared(ctx, ops, sr), {
        phase: 'verify',
      });
    }
  },
};

/**
 * xapi's write path (a small VDI created and destroyed on the SR), then, for file-based SRs, the data
 * path: a file written through one host's mount reads back identical from every other host.
 */
async function writeReadShared(ctx: ScenarioContext, ops: PoolOps, sr: SrInfo): Promise<void> {
  const label = objectLabel(ctx, 'vdi');
  const vdi = (
    await ops.xe.call('vdi-create', {
      'sr-uuid': sr.uuid,
      'name-label': label,
      type: 'user',
      'virtual-size': 16 * 1024 * 1024,
    })
  ).trim();
  await ctx.track('vdi', vdi, ops.pool.master, label);
  await ops.xe.call('vdi-destroy', { uuid: vdi });
  await ctx.untrack('vdi', vdi);
  if (!['nfs', 'cifs', 'cephfs', 'glusterfs', 'moosefs'].includes(sr.kind)) return;
  const [writer, ...readers] = await ops.hostInfos();
  const file = `/var/run/sr-mount/${sr.uuid}/${label}.bin`;
  await ctx.track('file', file, writer!.handle, label);
  const w = await ctx
    .runner(writer!.handle)
    .exec(`dd if=/dev/urandom of=${file} bs=1M count=4 && sync && sha256sum ${file}`, { timeoutMs: 120_000 });
  const sum = /\b[0-9a-f]{64}\b/.exec(w.stdout)?.[0];
  check(
    w.exitCode === 0 && sum,
    `${writer!.handle.name}: writing ${file} failed (exit ${w.exitCode}): ${w.stderr.trim().slice(0, 300)}`,
  );
  for (const reader of readers) {
    const r = await ctx.runner(reader.handle).exec(`sha256sum ${file}`, { timeoutMs: 120_000 });
    const seen = /\b[0-9a-f]{64}\b/.exec(r.stdout)?.[0];
    check(
      r.exitCode === 0,
      `${reader.handle.name}: cannot read ${file} written by ${writer!.handle.name} (exit ${r.exitCode}): ${r.stderr.trim().slice(0, 300)}`,
    );
    check(seen === sum, `${reader.handle.name} reads ${file} as ${seen ?? '?'}, ${writer!.handle.name} wrote ${sum}`);
  }
  await ctx.runner(writer!.handle).exec(`rm -f ${file}`, { timeoutMs: 60_000 });
  await ctx.untrack('file', file);
}

async function createVm(ctx: ScenarioContext, os: 'linux' | 'windows'): Promise<void> {
  const ops = new PoolOps(ctx, ctx.pool('pool'));
  const label = objectLabel(ctx, `${os}-vm`);
  const kind = os === 'linux' ? 'pvhvm-linux' : 'hvm-windows';
  const vm = await ctx.step(
    'install from template',
    () => ops.installVm(kind, label, { templates: settingMap(ctx.settings, 'templates') }),
    {
      phase: 'prepare',
    },
  );
  await ctx.step('start', () => ops.start(vm));
  let version: string | null;
  if (os === 'linux') {
    const guest = await ctx.step('guest boots and answers SSH', () => ops.guest(vm, label), { phase: 'verify' });
    version = await ops.toolsVersion(vm);
    if (version) ctx.log(`guest tools ${version} already present from the template`);
    else version = await ctx.step('install guest tools', () => installTools(ops, vm, { os, guest, before: null }));
  } else {
    await ctx.step('boots (power state running)', () => ops.waitPowerState(vm, 'running'), { phase: 'verify' });
    version = await ctx.step('install guest drivers', () => installTools(ops, vm, { os, before: null }));
  }
  ctx.log(`guest tools ${version} reported by the guest`);
  // A clean shutdown needs the tools (VM_LACKS_FEATURE otherwise): it proves they work.
  await ctx.step('clean shutdown through the tools', () => ops.xe.vm.shutdown(vm), { phase: 'verify' });
  await ctx.step('remove', () => ops.removeVm(vm), { phase: 'cleanup' });
}

/** verify creation of a new Linux VM (install guest tools) */
const createLinuxVm: ScenarioDefinition = {
  id: 'basic.create-linux-vm',
  family: 'basic',
  title: 'Create a Linux VM from a template, boot it, install the guest tools',
  kind: 'automated',
  needs: (_p, campaign) => ({ pools: [candidatePool(campaign)] }),
  run: (ctx) => createVm(ctx, 'linux'),
};

/** verify creation of a new Windows VM (install guest tools) */
const createWindowsVm: ScenarioDefinition = {
  id: 'basic.create-windows-vm',
  family: 'basic',
  title: 'Create a Windows VM from a template, boot it, install the guest drivers',
  kind: 'automated',
  needs: (_p, campaign) => ({ pools: [candidatePool(campaign)] }),
  run: (ctx) => createVm(ctx, 'windows'),
};

/** verify basic VM functionality (start, reboot, suspend, shutdown) */
const lifecycle: ScenarioDefinition = {
  id: 'basic.vm-lifecycle',
  family: 'basic',
  title: 'Start, reboot, suspend, resume and shut down a Linux VM, checking it is alive in between',
  kind: 'automated',
  metrics: [
    { metric: 'vm.boot_ms', unit: 'ms', direction: 'lower', description: 'vm-start until the guest answers SSH' },
  ],
  needs: (_p, campaign) => ({ pools: [candidatePool(campaign)] }),
  async run(ctx) {
    const ops = new PoolOps(ctx, ctx.pool('pool'));
    const label = objectLabel(ctx, 'lifecycle');
    const vm = await ctx.step(
      'install from template',
      () => ops.installVm('pvhvm-linux', label, { templates: settingMap(ctx.settings, 'templates') }),
      {
        phase: 'prepare',
      },
    );
    const t0 = Date.now();
    await ctx.step('start', () => ops.start(vm));
    await ctx.step('alive after start', () => ops.guest(vm, label), { phase: 'verify' });
    ctx.measure({ metric: 'vm.boot_ms', unit: 'ms', direction: 'lower', samples: [Date.now() - t0] });
    const domBefore = await ops.xe.vm.param(vm, 'dom-id');
    await ctx.step('reboot', () => ops.xe.vm.reboot(vm));
    const guest = await ctx.step(
      'alive after reboot (new domain)',
      async () => {
        const g = await ops.guest(vm, label);
        const domAfter = await ops.xe.vm.param(vm, 'dom-id');
        check(domAfter !== domBefore, `VM ${label} kept domain ${domBefore} across a reboot`);
        return g;
      },
      { phase: 'verify' },
    );
    const upBefore = await uptime(guest);
    await ctx.step('suspend', async () => {
      await ops.xe.vm.suspend(vm);
      check((await ops.xe.vm.powerState(vm)) === 'suspended', `VM ${label} is not suspended after vm-suspend`);
    });
    await ctx.step('resume', () => ops.xe.vm.resume(vm));
    await ctx.step(
      'alive after resume, same boot',
      async () => {
        const g = await ops.guest(vm, label);
        const upAfter = await uptime(g);
        check(
          upAfter >= upBefore,
          `guest uptime went from ${upBefore} s to ${upAfter} s across suspend/resume: it rebooted instead of resuming`,
        );
      },
      { phase: 'verify' },
    );
    await ctx.step('clean shutdown', async () => {
      await ops.xe.vm.shutdown(vm);
      await ops.waitPowerState(vm, 'halted');
    });
    await ctx.step('remove', () => ops.removeVm(vm), { phase: 'cleanup' });
  },
};

/** verify migration of a VM from an host to another */
const migrateHostToHost: ScenarioDefinition = {
  id: 'basic.migrate-host-to-host',
  family: 'basic',
  title: 'Live-migrate a VM to another host of the pool and back, its data intact',
  kind: 'automated',
  metrics: MIGRATION_METRICS,
  needs: (_p, campaign) => ({ pools: [candidatePool(campaign, 2)] }),
  async run(ctx) {
    const ops = new PoolOps(ctx, ctx.pool('pool'));
    const [a, b] = await ops.hostInfos();
    const shared = (await ops.srs()).find((s) => s.shared);
    const sr = shared ?? (await ops.localSr(a!.uuid));
    const label = objectLabel(ctx, 'migrate');
    const vm = await ctx.step(
      'install and start on the first host',
      async () => {
        const uuid = await ops.installVm('pvhvm-linux', label, {
          srUuid: sr.uuid,
          templates: settingMap(ctx.settings, 'templates'),
        });
        await ops.start(uuid, a!.uuid);
        return uuid;
      },
      { phase: 'prepare' },
    );
    const guest = await ctx.step('guest answers', () => ops.guest(vm, label), { phase: 'prepare' });
    const sum = await ctx.step('write test data', () => writeData(guest), { phase: 'prepare' });
    for (const [to, back] of [
      [b!, false],
      [a!, true],
    ] as const) {
      const target = shared ? undefined : (await ops.localSr(to.uuid)).uuid;
      const r = await ctx.step(`live-migrate to ${to.handle.name}${back ? ' (back)' : ''}`, () =>
        migrateVm(ctx, ops, vm, { ops, host: to, srUuid: target }, { live: true, owned: true, probe: guest }),
      );
      ctx.measure({
        metric: 'migration.duration_ms',
        unit: 'ms',
        direction: 'lower',
        samples: [r.durationMs],
        context: { back },
      });
      if (r.downtimeMs !== undefined) {
        ctx.measure({ metric: 'migration.downtime_ms', unit: 'ms', direction: 'lower', samples: [r.downtimeMs] });
      }
      await ctx.step(
        `runs on ${to.handle.name}, data intact`,
        async () => {
          await verifyPlacement(ops, vm, to, target);
          await verifyData(await ops.guest(vm, label), sum, `after migrating to ${to.handle.name}`);
        },
        { phase: 'verify' },
      );
    }
    await ctx.step('remove', () => ops.removeVm(vm), { phase: 'cleanup' });
  },
};

/** verify migration of a VM from an old host to (this) release one */
const migrateOldToNew: ScenarioDefinition = {
  id: 'basic.migrate-old-to-new',
  family: 'basic',
  title: 'Migrate a running VM from a host of the baseline release to one of the release under test',
  kind: 'automated',
  metrics: MIGRATION_METRICS,
  needs: (_p, campaign) => ({
    pools: [
      { role: 'old', minHosts: 1, version: baselineOf(campaign) },
      { role: 'new', minHosts: 1, version: campaign.release },
    ],
  }),
  async run(ctx) {
    const oldOps = new PoolOps(ctx, ctx.pool('old'));
    const newOps = new PoolOps(ctx, ctx.pool('new'));
    const label = objectLabel(ctx, 'old-to-new');
    const [oldHost] = await oldOps.hostInfos();
    const [newHost] = await newOps.hostInfos();
    const vm = await ctx.step(
      'install and start on the old host',
      async () => {
        const uuid = await oldOps.installVm('pvhvm-linux', label, {
          srUuid: (await oldOps.localSr(oldHost!.uuid)).uuid,
          templates: settingMap(ctx.settings, 'templates'),
        });
        await oldOps.start(uuid, oldHost!.uuid);
        return uuid;
      },
      { phase: 'prepare' },
    );
    const guest = await ctx.step('guest answers', () => oldOps.guest(vm, label), { phase: 'prepare' });
    const sum = await ctx.step('write test data', () => writeData(guest), { phase: 'prepare' });
    const dest = await newOps.localSr(newHost!.uuid);
    const r = await ctx.step(`migrate to ${newHost!.handle.name} (${newHost!.version})`, () =>
      migrateVm(
        ctx,
        oldOps,
        vm,
        { ops: newOps, host: newHost!, srUuid: dest.uuid },
        { live: true, owned: true, probe: guest },
      ),
    );
    ctx.measure({ metric: 'migration.duration_ms', unit: 'ms', direction: 'lower', samples: [r.durationMs] });
    if (r.downtimeMs !== undefined) {
      ctx.measure({ metric: 'migration.downtime_ms', unit: 'ms', direction: 'lower', samples: [r.downtimeMs] });
    }
    await ctx.step(
      'runs on the new host, data intact',
      async () => {
        await verifyPlacement(newOps, vm, newHost!, dest.uuid);
        await verifyData(await newOps.guest(vm, label), sum, 'after migrating to the new release');
      },
      { phase: 'verify' },
    );
    await ctx.step('remove', () => newOps.removeVm(vm), { phase: 'cleanup' });
  },
};

/** verify migration of a VM from a newest host to the old one (this test should be fail) */
const migrateNewToOld: ScenarioDefinition = {
  id: 'basic.migrate-new-to-old',
  family: 'basic',
  title: 'Migrating a VM from the release under test to an older host is refused by xapi',
  kind: 'automated',
  needs: (_p, campaign) => ({
    pools: [
      { role: 'new', minHosts: 1, version: campaign.release },
      { role: 'old', minHosts: 1, version: baselineOf(campaign) },
    ],
  }),
  async run(ctx) {
    const newOps = new PoolOps(ctx, ctx.pool('new'));
    const oldOps = new PoolOps(ctx, ctx.pool('old'));
    const label = objectLabel(ctx, 'new-to-old');
    const [newHost] = await newOps.hostInfos();
    const [oldHost] = await oldOps.hostInfos();
    const vm = await ctx.step(
      'install and start on the new host',
      async () => {
        const uuid = await newOps.installVm('pvhvm-linux', label, {
          srUuid: (await newOps.localSr(newHost!.uuid)).uuid,
          templates: settingMap(ctx.settings, 'templates'),
        });
        await newOps.start(uuid, newHost!.uuid);
        await newOps.guest(uuid, label);
        return uuid;
      },
      { phase: 'prepare' },
    );
    const dest = await oldOps.localSr(oldHost!.uuid);
    // The real answer is VM_HOST_INCOMPATIBLE_VERSION_MIGRATE; it propagates and the campaign's expectation makes it xfailed.
    await ctx.step(`migrate to ${oldHost!.handle.name} (${oldHost!.version}): must be refused`, () =>
      migrateVm(ctx, newOps, vm, { ops: oldOps, host: oldHost!, srUuid: dest.uuid }, { live: true, owned: true }),
    );
    ctx.log(`xapi accepted migrating ${label} to an older host`);
  },
};

/** verify change of the pool master from an host to another */
const masterChange: ScenarioDefinition = {
  id: 'basic.pool-master-change',
  family: 'basic',
  title: 'Designate another host as pool master, check the pool answers through it, then restore',
  kind: 'automated',
  metrics: [{ metric: 'pool.master_change_ms', unit: 'ms', direction: 'lower' }],
  needs: (_p, campaign) => ({ pools: [candidatePool(campaign, 2)] }),
  async run(ctx) {
    const ops = new PoolOps(ctx, ctx.pool('pool'));
    const hosts = await ops.hostInfos();
    const original = await ops.xe.pool.master();
    const next = hosts.find((h) => h.uuid !== original);
    check(next, `pool ${ops.pool.name} has no host other than its master`);
    const t0 = Date.now();
    await ctx.step(`designate ${next.handle.name}`, () => ops.xe.pool.designateNewMaster(next.uuid));
    let failure: Error | null = null;
    try {
      await ctx.step(
        'the pool answers through the new master',
        () => waitForMaster(ctx, ops, next.uuid, hosts.length),
        { phase: 'verify' },
      );
      ctx.measure({ metric: 'pool.master_change_ms', unit: 'ms', direction: 'lower', samples: [Date.now() - t0] });
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    }
    // Give the role back whatever happened: the next cases expect the lab as it was.
    try {
      await ctx.step(
        'restore the original master',
        async () => {
          await ops.xe.pool.designateNewMaster(original);
          await waitForMaster(ctx, ops, original, hosts.length);
        },
        { phase: 'cleanup' },
      );
    } catch (err) {
      if (!failure) throw err;
      ctx.log(`restoring the original master also failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (failure) throw failure;
  },
};

async function waitForMaster(ctx: ScenarioContext, ops: PoolOps, uuid: string, hostCount: number): Promise<void> {
  let last = '';
  await waitFor(
    ctx,
    `host ${uuid} answering as pool master with every host enabled`,
    async () => {
      try {
        const master = await ops.xe.pool.master();
        const hosts = await ops.xe.host.list();
        last = `master ${master}, ${hosts.filter((h) => h.enabled).length}/${hosts.length} hosts enabled`;
        return master === uuid && hosts.length === hostCount && hosts.every((h) => h.enabled) ? true : undefined;
      } catch (err) {
        // xapi restarts on both hosts during the hand-over: not answering for a while is expected.
        if (!(err instanceof RemoteError)) throw err;
        last = err.message;
        return undefined;
      }
    },
    { timeoutMs: 600_000, intervalMs: 500, lastSeen: () => last },
  );
}

/** check your logs for uncommon info or warnings. */
const logCheck: ScenarioDefinition = {
  id: 'basic.log-check',
  family: 'basic',
  title: 'No uncommon errors or warnings in xensource.log, SMlog, daemon.log, kern.log and the hypervisor log',
  kind: 'automated',
  sharesPool: true,
  metrics: [{ metric: 'logs.uncommon_lines', unit: 'lines', direction: 'lower' }],
  needs: (_p, campaign) => ({ pools: [candidatePool(campaign)] }),
  run: (ctx) => scanLogs(ctx, ctx.pool('pool')),
};

export function basicScenarios(): ScenarioDefinition[] {
  return [
    installCheck,
    interfaces,
    sharedStorage,
    createLinuxVm,
    createWindowsVm,
    lifecycle,
    migrateHostToHost,
    migrateOldToNew,
    migrateNewToOld,
    masterChange,
    logCheck,
  ];
}

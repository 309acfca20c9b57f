import { ScenarioContext, ScenarioDefinition } from 'src/scenarios/scenario.types';
import { installTools } from 'src/scenarios/support/guest-tools';
import { stopVm } from 'src/scenarios/support/migration-plan';
import { oneOf, settingMap } from 'src/scenarios/support/params';
import { compareVersions, objectLabel, PoolOps, VmKind } from 'src/scenarios/support/pool-ops';
import { check, waitFor } from 'src/scenarios/support/wait';

const OSES = ['linux', 'windows'] as const;
const ACTIONS = ['old-not-updated', 'update', 'install'] as const;

/**
 * A copy of one of the lab's VMs with tools of that OS (the oldest tools first: "created on an older
 * pool"). A running source is stopped for the copy and started again where it ran.
 */
async function copyOfOldVm(
  ctx: ScenarioContext,
  ops: PoolOps,
  os: 'linux' | 'windows',
  label: string,
): Promise<{ vm: string; tools: string }> {
  const vms = (await ops.labVms()).filter(
    (v) => (os === 'windows') === (v.kind === 'hvm-windows') && v.origin !== 'recent',
  );
  // A halted VM reports no tools version: it counts as the oldest candidate.
  const source = vms
    .map((v) => ({ v, tools: v.toolsVersion ?? '' }))
    .filter((x) => x.v.toolsVersion !== null || x.v.powerState === 'halted')
    .sort((a, b) => compareVersions(a.tools, b.tools))[0];
  check(source, `pool ${ops.pool.name} has no ${os} VM carried over from an older release to test old guest tools on`);
  const restartOn = source.v.powerState === 'running' ? source.v.residentOn : null;
  if (restartOn) await stopVm(ops, source.v.uuid);
  let vm: string;
  try {
    const shared = (await ops.srs()).find((s) => s.shared);
    vm = await ops.copyVm(source.v.uuid, label, shared?.uuid);
  } finally {
    if (restartOn) await ops.start(source.v.uuid, restartOn);
  }
  ctx.log(`subject: a copy of ${source.v.name}`);
  return { vm, tools: source.tools };
}

/** The features that need tools: live migration, suspend/resume and a clean shutdown. */
async function toolsFeaturesWork(ctx: ScenarioContext, ops: PoolOps, vm: string): Promise<void> {
  const hosts = await ops.hostInfos();
  const here = await ops.xe.vm.residentOn(vm);
  const other = hosts.find((h) => h.uuid !== here) ?? hosts[0]!;
  await ctx.step(
    `live migration to ${other.handle.name}`,
    async () => {
      const srs = await ops.srs();
      const disks = await ops.xe.vm.disks(vm);
      const diskSrs = await Promise.all(disks.map((d) => ops.xe.vdi.srOf(d)));
      const local = diskSrs.some((sr) => !srs.find((s) => s.uuid === sr)?.shared);
      const target = local && other.uuid !== here ? (await ops.localSr(other.uuid)).uuid : undefined;
      await ops.xe.vm.migrate({
        vm,
        host: other.uuid,
        live: true,
        vdiMap: target ? Object.fromEntries(disks.map((d) => [d, target])) : undefined,
        remote: target ? ops.remote() : undefined,
      });
      check(
        (await ops.xe.vm.residentOn(vm)) === other.uuid,
        `VM ${vm} is not on ${other.handle.name} after migrating there`,
      );
    },
    { phase: 'verify' },
  );
  await ctx.step(
    'suspend and resume',
    async () => {
      await ops.xe.vm.suspend(vm);
      await ops.xe.vm.resume(vm);
      await ops.waitPowerState(vm, 'running');
    },
    { phase: 'verify' },
  );
  await ctx.step(
    'clean shutdown',
    async () => {
      await ops.xe.vm.shutdown(vm);
      await ops.waitPowerState(vm, 'halted');
    },
    { phase: 'verify' },
  );
}

const guestTools: ScenarioDefinition = {
  id: 'guest-tools',
  family: 'guest-tools',
  title: 'Guest tools and drivers: old ones kept, updated, freshly installed; the features needing them work',
  kind: 'automated',
  needs(params, campaign) {
    const action = oneOf(params, 'action', ACTIONS);
    // Old tools live on VMs of the older pool ("created on an older pool … not updated").
    const version = action === 'old-not-updated' ? (campaign.baseline ?? campaign.release) : campaign.release;
    return { pools: [{ role: 'pool', minHosts: 1, version }] };
  },
  async run(ctx) {
    const os = oneOf(ctx.params, 'os', OSES);
    const action = oneOf(ctx.params, 'action', ACTIONS);
    const ops = new PoolOps(ctx, ctx.pool('pool'));
    const label = objectLabel(ctx, `tools-${os}-${action}`);
    const kind: VmKind = os === 'linux' ? 'pvhvm-linux' : 'hvm-windows';
    let vm: string;
    let before: string | null = null;
    if (action === 'install') {
      vm = await ctx.step(
        'new VM from a template',
        () => ops.installVm(kind, label, { templates: settingMap(ctx.settings, 'templates') }),
        { phase: 'prepare' },
      );
    } else {
      const copy = await ctx.step('VM carried over from an older release', () => copyOfOldVm(ctx, ops, os, label), {
        phase: 'prepare',
      });
      vm = copy.vm;
    }
    await ctx.step('start', () => ops.start(vm));
    const guest =
      os === 'linux' ? await ctx.step('guest answers', () => ops.guest(vm, label), { phase: 'verify' }) : undefined;
    if (os === 'windows') await ops.waitPowerState(vm, 'running');
    // A Windows guest reports its drivers only once it has booted: wait for them when they must be there.
    before =
      action === 'old-not-updated' && os === 'windows'
        ? await waitFor(
            ctx,
            `VM ${label} reporting its guest drivers`,
            async () => (await ops.toolsVersion(vm)) ?? undefined,
            {
              timeoutMs: 600_000,
              intervalMs: 500,
            },
          ).catch(() => null)
        : await ops.toolsVersion(vm);
    let after: string;
    if (action === 'old-not-updated') {
      check(before, `VM ${label} reports no guest tools (expected its old ones)`);
      after = before;
    } else if (action === 'install' && before) {
      ctx.log(`tools ${before} came with the template`);
      after = before;
    } else {
      after = await ctx.step(
        action === 'update' ? `update the tools (now ${before ?? 'none'})` : 'install the tools',
        () => installTools(ops, vm, { os, guest, before, allowSame: action === 'update' }),
      );
      if (before) {
        check(compareVersions(after, before) >= 0, `tools went from ${before} to ${after}: older than before`);
      }
    }
    ctx.log(`guest reports tools ${after}`);
    await toolsFeaturesWork(ctx, ops, vm);
    await ctx.step('remove', () => ops.removeVm(vm), { phase: 'cleanup' });
  },
};

export function guestToolsScenarios(): ScenarioDefinition[] {
  return [guestTools];
}

import { parseRpmList } from 'src/remote/dom0/package-output';
import { HostHandle, ScenarioContext } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { PoolOps } from 'src/scenarios/support/pool-ops';
import { check, waitFor } from 'src/scenarios/support/wait';

/** Runs a dom0 command that must succeed; a failure names the host, the command and what it printed. */
export async function dom0(ctx: ScenarioContext, host: HostHandle, command: string, timeoutMs = 120_000) {
  const r = await ctx.runner(host).exec(command, { timeoutMs, signal: ctx.signal });
  check(
    r.exitCode === 0,
    `${host.name}: \`${command}\` failed (exit ${r.exitCode ?? 'none'}): ${(r.stderr || r.stdout).trim().slice(-600)}`,
  );
  return r;
}

/** Installed versions (`VERSION-RELEASE`) of the named packages; absent ones are left out. */
export async function rpmVersions(
  ctx: ScenarioContext,
  host: HostHandle,
  names: string[],
): Promise<Map<string, string>> {
  const r = await ctx
    .runner(host)
    .exec(`rpm -q --qf '%{NAME} %{VERSION}-%{RELEASE}\\n' ${names.join(' ')}`, { timeoutMs: 60_000 });
  return new Map(Object.entries(parseRpmList(r.stdout)).filter(([name]) => names.includes(name)));
}

async function bootId(ctx: ScenarioContext, host: HostHandle): Promise<string | undefined> {
  try {
    const r = await ctx.runner(host).exec('cat /proc/sys/kernel/random/boot_id', { timeoutMs: 15_000 });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reboots a host the way an administrator does: disable, move its VMs away, `xe host-reboot`, wait
 * until it answers with a new boot id, enable it again. Connection errors while it is down are expected.
 */
export async function rebootHost(ops: PoolOps, host: HostHandle, timeoutMs = 1_200_000): Promise<void> {
  const ctx = ops.ctx;
  const before = await bootId(ctx, host);
  check(before, `${host.name}: cannot read its boot id before the reboot`);
  const info = await ops.host(host);
  await ops.xe.call('host-disable', { uuid: info.uuid });
  try {
    const resident = await ops.xe.records('vm-list', {
      'resident-on': info.uuid,
      'is-control-domain': false,
      params: 'uuid',
    });
    if (resident.length > 0) await ops.xe.call('host-evacuate', { uuid: info.uuid }, {}, { timeoutMs: 3_600_000 });
    await ops.xe.call('host-reboot', { uuid: info.uuid });
  } catch (err) {
    await ops.xe.call('host-enable', { uuid: info.uuid }).catch(() => undefined);
    throw err;
  }
  let seen = before;
  await waitFor(
    ctx,
    `${host.name} back after its reboot (new boot id)`,
    async () => {
      seen = (await bootId(ctx, host)) ?? 'no answer';
      return seen !== before && seen !== 'no answer' ? true : undefined;
    },
    { timeoutMs, intervalMs: 500, lastSeen: () => seen },
  );
  let lastError = '';
  await waitFor(
    ctx,
    `xapi answering again after ${host.name} rebooted`,
    async () => {
      try {
        await ops.xe.call('host-enable', { uuid: info.uuid });
        return true;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        return undefined;
      }
    },
    { timeoutMs: 300_000, intervalMs: 500, lastSeen: () => lastError },
  );
}

/**
 * The host to reboot or change in a pool: one without running VMs if any, else one whose VMs can all
 * be evacuated (disks on shared SRs only); never the master when avoidable.
 */
export async function quietHost(ops: PoolOps): Promise<HostHandle> {
  const infos = await ops.hostInfos();
  const order = [...infos].sort(
    (a, b) => Number(a.handle.name === ops.pool.master.name) - Number(b.handle.name === ops.pool.master.name),
  );
  const shared = new Set((await ops.srs()).filter((s) => s.shared).map((s) => s.uuid));
  let movable: HostHandle | null = null;
  for (const h of order) {
    const vms = await ops.xe.records('vm-list', { 'resident-on': h.uuid, 'is-control-domain': false, params: 'uuid' });
    if (vms.length === 0) return h.handle;
    if (movable) continue;
    let allShared = true;
    for (const vm of vms) {
      for (const vdi of await ops.xe.vm.disks(vm.uuid ?? '')) {
        if (!shared.has((await ops.xe.vdi.srOf(vdi)) ?? '')) allShared = false;
      }
    }
    if (allShared) movable = h.handle;
  }
  const pick = movable ?? order[0]?.handle;
  if (!pick) throw new ScenarioError(`pool ${ops.pool.name} has no hosts`, ScenarioErrorCode.Unexpected);
  return pick;
}

import { CommandRunner } from 'src/remote/exec-result';
import { RemoteError } from 'src/remote/remote.errors';
import { ScenarioContext } from 'src/scenarios/scenario.types';
import { check } from 'src/scenarios/support/wait';
import { HostInfo, PoolOps } from 'src/scenarios/support/pool-ops';

interface MigrationDestination {
  ops: PoolOps;
  host: HostInfo;
  /** Move every disk of the VM to this SR (storage motion); omitted: disks stay where they are. */
  srUuid?: string;
}

interface MigrationResult {
  durationMs: number;
  /** Longest time the guest did not answer while the migration ran (live only, when probed). */
  downtimeMs?: number;
  probes?: number;
}

/**
 * Migrates a VM the way xcp-ng-tests does: a plain pool migration when it stays in the pool on the
 * same storage, otherwise `vm-migrate` with remote-* and a `vdi:` map (xe wants remote-* for any
 * storage motion, even within one pool). A cross-pool move re-tracks the VM on its new pool so
 * teardown still finds it.
 */
export async function migrateVm(
  ctx: ScenarioContext,
  from: PoolOps,
  vm: string,
  to: MigrationDestination,
  opts: { live: boolean; owned: boolean; probe?: CommandRunner; probeIntervalMs?: number; probeCommand?: string },
): Promise<MigrationResult> {
  const crossPool = from.pool.name !== to.ops.pool.name;
  const storageMotion = crossPool || to.srUuid !== undefined;
  let vdiMap: Record<string, string> | undefined;
  if (to.srUuid) {
    const disks = await from.xe.vm.disks(vm);
    vdiMap = Object.fromEntries(disks.map((d) => [d, to.srUuid!]));
  }
  const started = Date.now();
  const migration = from.xe.vm.migrate({
    vm,
    host: to.host.uuid,
    live: opts.live,
    vdiMap,
    remote: storageMotion ? to.ops.remote() : undefined,
  });
  const probe = opts.probe
    ? probeGuest(ctx, opts.probe, migration, opts.probeIntervalMs ?? 100, opts.probeCommand ?? 'true')
    : undefined;
  await migration;
  const durationMs = Date.now() - started;
  const probed = probe ? await probe : undefined;
  if (crossPool && opts.owned) {
    await ctx.untrack('vm', vm);
    await ctx.track('vm', vm, to.ops.pool.master);
  }
  return { durationMs, downtimeMs: probed?.downtimeMs, probes: probed?.probes };
}

/**
 * Asks the guest a trivial question over and over while `during` runs; the longest stretch between
 * two answers (minus one probe interval) is the downtime the guest saw. Connection errors are the
 * point of the probe here, so they are counted, not thrown.
 */
async function probeGuest(
  ctx: ScenarioContext,
  guest: CommandRunner,
  during: Promise<unknown>,
  intervalMs: number,
  command: string,
): Promise<{ downtimeMs: number; probes: number }> {
  let done = false;
  during.then(
    () => (done = true),
    () => (done = true),
  );
  let lastAnswer = Date.now();
  let longest = 0;
  let probes = 0;
  while (!done) {
    probes++;
    try {
      const r = await guest.exec(command, { timeoutMs: 5_000 });
      if (r.exitCode === 0) {
        const now = Date.now();
        longest = Math.max(longest, now - lastAnswer);
        lastAnswer = now;
      }
    } catch (err) {
      if (!(err instanceof RemoteError)) throw err;
    }
    if (!done) await ctx.sleep(intervalMs);
  }
  return { downtimeMs: Math.max(0, longest - intervalMs), probes };
}

/** Checks where the VM runs now (and on which SR its disks are, after storage motion). */
export async function verifyPlacement(ops: PoolOps, vm: string, host: HostInfo, srUuid?: string): Promise<void> {
  const resident = await ops.xe.vm.residentOn(vm);
  check(
    resident === host.uuid,
    `VM ${vm} runs on ${resident ?? 'no host'}, expected ${host.handle.name} (${host.uuid})`,
    {
      vm,
      expected: host.uuid,
      actual: resident,
    },
  );
  if (srUuid) await verifyDisksOn(ops, vm, srUuid);
}

async function verifyDisksOn(ops: PoolOps, vm: string, srUuid: string): Promise<void> {
  for (const vdi of await ops.xe.vm.disks(vm)) {
    const sr = await ops.xe.vdi.srOf(vdi);
    check(sr === srUuid, `disk ${vdi} of VM ${vm} is on SR ${sr ?? 'none'}, expected ${srUuid}`, {
      vdi,
      expected: srUuid,
      actual: sr,
    });
  }
}

import { SimHost, SimSr, SimVm } from 'src/simulator/model/types';
import { compareVersions, versionInfo } from 'src/simulator/model/versions';
import { linkBytesPerSecond, memoryMigrationSeconds, storageMotionSeconds } from 'src/simulator/time/durations';
import { parseBool } from 'src/simulator/xe/format';
import { mapParams } from 'src/simulator/xe/xe-args';
import {
  assertCanBootHere,
  assertHasFeature,
  assertNoOtherOperation,
  assertPowerState,
  assertSrHealthy,
  runOperation,
  srRef,
} from 'src/simulator/xe/vm-checks';
import { findPoolHost, selectOneHost, selectOneVm, vmRef } from 'src/simulator/xe/vm-select';
import { XeCommand, XeOutput } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';

const SXM_PREFIXES = [
  'remote-master',
  'remote-username',
  'vif',
  'remote-password',
  'remote-network',
  'vdi',
  'vgpu',
  'image-format',
];
const OWN = [
  'live',
  'host',
  'host-uuid',
  'host-name',
  'remote-master',
  'remote-username',
  'remote-password',
  'remote-network',
  'force',
  'copy',
  'compress',
  'vdi:',
  'vif:',
  'image-format:',
  'progress',
];

/** Intra-pool memory-only migration (VM.pool_migrate), with xapi's check order. */
async function poolMigrate(ctx: XeContext, vm: SimVm, dest: SimHost, force: boolean): Promise<void> {
  assertPowerState(vm, ['running']);
  assertNoOtherOperation(vm);
  if (!force) assertHasFeature(vm);
  const src = ctx.model.host(vm.residentOn ?? ctx.host.uuid);
  if (ctx.model.isRollingUpgrade(vm.poolUuid) && compareVersions(dest.version, src.version) < 0) {
    throw new XeApiError('NOT_SUPPORTED_DURING_UPGRADE', []);
  }
  if (dest.uuid !== src.uuid) assertCanBootHere(ctx, vm, dest);
  assertSrHealthy(ctx, src, 'vm-migrate');
  const slowdown = Math.max(ctx.faults.linkSlowdown(src.uuid), ctx.faults.linkSlowdown(dest.uuid));
  const seconds = memoryMigrationSeconds(vm, src, dest, slowdown);
  await runOperation(ctx, vm, 'pool_migrate', seconds, () => {
    vm.residentOn = dest.uuid;
    vm.domId = ctx.model.allocDomId();
  });
}

/** Where an unmapped VDI goes: a shared SR on the destination with most free space, else a local one. */
function preferredSr(ctx: XeContext, dest: SimHost): SimSr | undefined {
  const visible = [...ctx.model.state.srs.values()].filter(
    (sr) => sr.type !== 'iso' && ctx.model.srVisibleFrom(sr, dest.uuid),
  );
  const free = (sr: SimSr): number => sr.physicalSize - ctx.model.srUsed(sr.uuid);
  return (
    visible.filter((s) => s.shared).sort((a, b) => free(b) - free(a))[0] ?? visible.sort((a, b) => free(b) - free(a))[0]
  );
}

async function migrateSend(
  ctx: XeContext,
  vm: SimVm,
  params: Map<string, string>,
  force: boolean,
  out: XeOutput,
): Promise<string> {
  const newWording = versionInfo(ctx.host.version).newWording;
  out.print(
    newWording
      ? "Performing a storage live migration. Your VM's VDIs will be migrated with the VM."
      : "Performing a Storage XenMotion migration. Your VM's VDIs will be migrated with the VM.",
  );
  const remote = params.get('remote-master');
  if (
    remote === undefined ||
    params.get('remote-username') === undefined ||
    params.get('remote-password') === undefined
  ) {
    throw new XeCliError(
      `${newWording ? 'Storage live migration' : 'Storage XenMotion'} requires remote-master, remote-username, and remote-password to be specified. Please see 'xe help vm-migrate' for help.`,
    );
  }
  if (ctx.authenticate && !ctx.authenticate(params.get('remote-username') ?? '', params.get('remote-password') ?? '')) {
    throw new XeApiError('SESSION_AUTHENTICATION_FAILED', []);
  }
  const remoteHost = [...ctx.model.state.hosts.values()].find(
    (h) => h.address === remote || h.name === remote || h.uuid === remote,
  );
  if (!remoteHost) throw new XeApiError('INTERNAL_ERROR', ['Unix.Unix_error(Unix.ECONNREFUSED, "connect", "")']);
  const destPool = remoteHost.poolUuid;
  const hostSel = params.get('host');
  const dest = hostSel !== undefined ? findPoolHost(ctx, destPool, hostSel) : ctx.model.master(destPool);
  if (!dest) throw new XeCliError(`Failed to find host: ${hostSel ?? ''}`);
  const crossPool = destPool !== vm.poolUuid;
  const copy = parseBool(params.get('copy') ?? 'false') === true;

  const destMgmt = [...ctx.model.state.pifs.values()].find((p) => p.hostUuid === dest.uuid && p.management);
  const remoteNetUuid = params.get('remote-network') ?? destMgmt?.networkUuid ?? '';
  const remoteNet = ctx.model.state.networks.get(remoteNetUuid);
  if (!remoteNet) throw new XeCliError(`Failed to find network: ${remoteNetUuid}`);

  const vdiMap = mapParams(params, 'vdi');
  const vifMap = mapParams(params, 'vif');
  const plan: Array<{ vdi: string; from: SimSr; to: SimSr; bytes: number }> = [];
  for (const vdi of ctx.model.vmVdis(vm)) {
    const from = ctx.model.state.srs.get(vdi.srUuid);
    const mapped = vdiMap.get(vdi.uuid);
    const to = mapped !== undefined ? ctx.model.state.srs.get(mapped) : preferredSr(ctx, dest);
    if (!from) continue;
    if (!to) throw new XeApiError('UUID_INVALID', ['SR', mapped ?? '']);
    plan.push({ vdi: vdi.uuid, from, to, bytes: vdi.physicalUtilisation });
  }
  out.print(
    `Will migrate to remote host: ${dest.name}, using remote network: ${remoteNet.name}. Here is the VDI mapping:`,
  );
  for (const p of plan) out.print(`VDI ${p.vdi} -> SR ${p.to.uuid}`);

  assertPowerState(vm, copy ? ['halted'] : ['halted', 'suspended', 'running']);
  assertNoOtherOperation(vm);
  if (!force) assertHasFeature(vm);
  const src = vm.residentOn ? ctx.model.host(vm.residentOn) : ctx.host;
  if (compareVersions(dest.version, src.version) < 0) {
    if (crossPool) throw new XeApiError('VM_HOST_INCOMPATIBLE_VERSION_MIGRATE', [vmRef(vm), `OpaqueRef:${dest.uuid}`]);
    if (ctx.model.isRollingUpgrade(vm.poolUuid)) throw new XeApiError('NOT_SUPPORTED_DURING_UPGRADE', []);
  }
  for (const p of plan) {
    if (!ctx.model.srVisibleFrom(p.to, dest.uuid)) throw new XeApiError('VM_REQUIRES_SR', [vmRef(vm), srRef(p.to)]);
  }
  if (vm.powerState === 'running') {
    const free = ctx.model.memoryFree(dest);
    if (dest.uuid !== src.uuid && vm.memory > free) {
      throw new XeApiError('HOST_NOT_ENOUGH_FREE_MEMORY', [String(vm.memory), String(free)]);
    }
  }
  assertSrHealthy(ctx, src, 'vm-migrate');
  assertSrHealthy(ctx, dest, 'vm-migrate');

  const slowdown = Math.max(ctx.faults.linkSlowdown(src.uuid), ctx.faults.linkSlowdown(dest.uuid));
  const link = dest.uuid === src.uuid ? Infinity : linkBytesPerSecond(src, dest, slowdown);
  let seconds = 0;
  for (const p of plan) {
    if (p.from.uuid !== p.to.uuid || crossPool) seconds += storageMotionSeconds(p.bytes, p.from, p.to, link);
  }
  if (vm.powerState === 'running') seconds += memoryMigrationSeconds(vm, src, dest, slowdown);
  await runOperation(ctx, vm, 'migrate_send', seconds, () => {
    for (const p of plan) {
      const vdi = ctx.model.state.vdis.get(p.vdi);
      if (vdi) vdi.srUuid = p.to.uuid;
    }
    for (const vif of ctx.model.state.vifs.values()) {
      if (vif.vmUuid !== vm.uuid) continue;
      const mapped = vifMap.get(vif.uuid);
      if (mapped !== undefined && ctx.model.state.networks.has(mapped)) vif.networkUuid = mapped;
      else if (crossPool) vif.networkUuid = remoteNet.uuid;
    }
    vm.poolUuid = destPool;
    if (vm.powerState === 'running') {
      vm.residentOn = dest.uuid;
      vm.domId = ctx.model.allocDomId();
    }
  });
  return '';
}

export const MIGRATE_COMMANDS: Record<string, XeCommand> = {
  'vm-migrate': {
    run: async (ctx, rawParams, out) => {
      const params = new Map(rawParams);
      for (const alias of ['host-uuid', 'host-name']) {
        const v = params.get(alias);
        if (v !== undefined) {
          params.delete(alias);
          params.set('host', v);
        }
      }
      const vm = selectOneVm(ctx, params, OWN, true);
      const force = parseBool(params.get('force') ?? 'false') === true;
      const sxm = [...params.keys()].some((k) => SXM_PREFIXES.some((p) => k.startsWith(p)));
      if (sxm) return migrateSend(ctx, vm, params, force, out);
      const hostSel = params.get('host');
      if (hostSel === undefined) throw new XeCliError('No destination host specified');
      const dest = findPoolHost(ctx, vm.poolUuid, hostSel);
      if (!dest) throw new XeCliError(`Host ${hostSel} not found`);
      await poolMigrate(ctx, vm, dest, force);
      return '';
    },
  },
  'host-evacuate': {
    run: async (ctx, params) => {
      const host = selectOneHost(ctx, params, ['network-uuid', 'batch-size']);
      const others = ctx.model
        .poolHosts(host.poolUuid)
        .filter((h) => h.uuid !== host.uuid && h.enabled && compareVersions(h.version, host.version) >= 0);
      const vms = ctx.model.vmsOn(host.uuid).filter((vm) => !vm.isControlDomain);
      // Plan first, like xapi: the first VM that cannot go anywhere fails the whole evacuation.
      const plan: Array<[SimVm, SimHost]> = [];
      const reserved = new Map<string, number>();
      for (const vm of vms) {
        if (others.length === 0) throw new XeApiError('NO_HOSTS_AVAILABLE', [vmRef(vm)]);
        assertHasFeature(vm);
        const fits = others.filter((h) => {
          try {
            assertCanBootHere(ctx, vm, h, false);
          } catch {
            return false;
          }
          return ctx.model.memoryFree(h) - (reserved.get(h.uuid) ?? 0) >= vm.memory;
        });
        const target = fits[0];
        if (!target) {
          const blocked = others.find((h) => {
            try {
              assertCanBootHere(ctx, vm, h, false);
              return false;
            } catch {
              return true;
            }
          });
          if (blocked) assertCanBootHere(ctx, vm, blocked, false);
          throw new XeApiError('HOST_NOT_ENOUGH_FREE_MEMORY', [vmRef(vm)]);
        }
        reserved.set(target.uuid, (reserved.get(target.uuid) ?? 0) + vm.memory);
        plan.push([vm, target]);
      }
      for (const [vm, target] of plan) await poolMigrate(ctx, vm, target, false);
      return '';
    },
  },
  'pool-designate-new-master': {
    run: async (ctx, params) => {
      const uuid = params.get('host-uuid') ?? '';
      const host = ctx.model.state.hosts.get(uuid);
      if (!host || host.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['host', uuid]);
      await ctx.model.clock.wait(5);
      ctx.model.pool(host.poolUuid).masterUuid = host.uuid;
      return '';
    },
  },
};

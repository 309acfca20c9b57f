import { SimHost, SimVm } from 'src/simulator/model/types';
import { compareVersions } from 'src/simulator/model/versions';
import {
  bootSeconds,
  cleanShutdownSeconds,
  DOMAIN_BUILD_SECONDS,
  HARD_SHUTDOWN_SECONDS,
  suspendSeconds,
} from 'src/simulator/time/durations';
import { parseBool } from 'src/simulator/xe/format';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';
import {
  assertCanBootHere,
  assertHasFeature,
  assertNoOtherOperation,
  assertNotTemplate,
  assertPowerState,
  assertSrHealthy,
  runOperation,
} from 'src/simulator/xe/vm-checks';
import { addVdi, removeVm } from 'src/simulator/xe/vm-factory';
import { uninstall } from 'src/simulator/xe/commands/snapshot-commands';
import { findPoolHost, hostRef, selectOneVm, vmRef } from 'src/simulator/xe/vm-select';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';

function forced(params: Map<string, string>): boolean {
  const f = params.get('force');
  if (f === undefined) return false;
  const b = parseBool(f);
  if (b === undefined) {
    throw new XeCliError(
      `Failed to parse parameter 'force': Expected 'true','t','yes','y','1','false','f','no','n','0' got ${f}`,
    );
  }
  return b;
}

function highestVersion(ctx: XeContext, poolUuid: string): string {
  return (
    ctx.model
      .poolHosts(poolUuid)
      .map((h) => h.version as string)
      .sort(compareVersions)
      .pop() ?? '0'
  );
}

function onHost(ctx: XeContext, vm: SimVm, params: Map<string, string>): SimHost | null {
  const on = params.get('on');
  if (on === undefined) return null;
  const host = findPoolHost(ctx, vm.poolUuid, on);
  if (!host) throw new XeCliError(`Host ${on} not found`);
  if (ctx.model.isRollingUpgrade(vm.poolUuid) && host.version !== highestVersion(ctx, vm.poolUuid)) {
    throw new XeApiError('VM_HOST_INCOMPATIBLE_VERSION', [hostRef(host), vmRef(vm)]);
  }
  return host;
}

/** Picks a host like xapi's placement: visible SRs, enough memory, newest version during an upgrade. */
function placeVm(ctx: XeContext, vm: SimVm, params: Map<string, string>, out: { print(l: string): void }): SimHost {
  const explicit = onHost(ctx, vm, params);
  if (explicit) {
    assertCanBootHere(ctx, vm, explicit);
    return explicit;
  }
  const top = highestVersion(ctx, vm.poolUuid);
  const hosts = ctx.model
    .poolHosts(vm.poolUuid)
    .filter((h) => !ctx.model.isRollingUpgrade(vm.poolUuid) || h.version === top)
    .sort((a, b) =>
      a.uuid === vm.affinity ? -1 : b.uuid === vm.affinity ? 1 : ctx.model.memoryFree(b) - ctx.model.memoryFree(a),
    );
  const reasons: Array<[string, string]> = [];
  for (const host of hosts) {
    try {
      assertCanBootHere(ctx, vm, host, false);
    } catch (err) {
      if (!(err instanceof XeApiError)) throw err;
      const sr = err.params[1] ?? '';
      // cli_operations.ml: the per-host reasons of NO_HOSTS_AVAILABLE
      const reason: Record<string, string> = {
        VM_REQUIRES_SR: `Cannot start here [VM requires access to SR: ${sr}]`,
        VM_REQUIRES_NET: `Cannot start here [VM requires access to network: ${sr}]`,
      };
      reasons.push([
        host.name,
        reason[err.code] ?? "Cannot start here [Host disabled (use 'xe host-enable' to re-enable)]",
      ]);
      continue;
    }
    if (ctx.model.memoryFree(host) >= vm.memory) return host;
    reasons.push([host.name, 'Cannot start here [Not enough free memory]']);
  }
  const memoryOnly = reasons.length > 0 && reasons.every(([, r]) => r.includes('Not enough free memory'));
  const first = hosts[0];
  if (memoryOnly && first) {
    throw new XeApiError('HOST_NOT_ENOUGH_FREE_MEMORY', [String(vm.memory), String(ctx.model.memoryFree(first))]);
  }
  out.print('There are no suitable hosts to start this VM on.');
  out.print('The following table provides per-host reasons for why the VM could not be started:');
  out.print('');
  const width = 4 + Math.max(0, ...reasons.map(([k]) => k.length));
  out.print(`${reasons.map(([k, r], i) => `${i === 0 ? k.padEnd(width) : k.padStart(width)}: ${r}`).join('\n')}\n\n`);
  throw new XeApiError('NO_HOSTS_AVAILABLE', []);
}

function markRunning(ctx: XeContext, vm: SimVm, host: SimHost, freshBoot: boolean): void {
  const now = ctx.model.clock.now();
  vm.powerState = 'running';
  vm.residentOn = host.uuid;
  vm.domId = ctx.model.allocDomId();
  // A domain comes up with every device of the VM plugged.
  for (const d of [...ctx.model.state.vbds.values(), ...ctx.model.state.vifs.values()]) {
    if (d.vmUuid === vm.uuid) {
      d.unplugged = false;
      d.pending = false;
    }
  }
  if (freshBoot) {
    vm.startTime = now;
    vm.guest.bootedAt = now + bootSeconds(vm) * 1000;
    vm.guest.load = 0;
    vm.guest.loadUntil = null;
  }
  ctx.model.hooks.guestStarted(vm);
}

export function markHalted(ctx: XeContext, vm: SimVm): void {
  vm.powerState = 'halted';
  vm.residentOn = null;
  vm.domId = -1;
  vm.guest.load = 0;
  if (vm.suspendVdiUuid) {
    ctx.model.state.vdis.delete(vm.suspendVdiUuid);
    vm.suspendVdiUuid = null;
  }
  ctx.model.hooks.guestStopped(vm);
}

const OWN = ['force', 'on', 'paused', 'live', 'progress'];

export const LIFECYCLE_COMMANDS: Record<string, XeCommand> = {
  'vm-start': {
    run: async (ctx, params, out) => {
      const vm = selectOneVm(ctx, params, OWN, true);
      assertPowerState(vm, ['halted']);
      assertNoOtherOperation(vm);
      const host = placeVm(ctx, vm, params, out);
      assertSrHealthy(ctx, host, 'vm-start');
      await runOperation(ctx, vm, 'start', DOMAIN_BUILD_SECONDS, () => {
        markRunning(ctx, vm, host, true);
        if (params.get('paused') === 'true') vm.powerState = 'paused';
      });
      return '';
    },
  },
  'vm-pause': {
    // xapi_vm_lifecycle.ml allowed_power_states: pause needs Running, unpause Paused
    run: (ctx, params) => {
      const vm = selectOneVm(ctx, params, []);
      assertPowerState(vm, ['running']);
      assertNoOtherOperation(vm);
      vm.powerState = 'paused';
      return '';
    },
  },
  'vm-unpause': {
    run: (ctx, params) => {
      const vm = selectOneVm(ctx, params, []);
      assertPowerState(vm, ['paused']);
      assertNoOtherOperation(vm);
      vm.powerState = 'running';
      return '';
    },
  },
  'vm-shutdown': {
    run: async (ctx, params) => {
      const vm = selectOneVm(ctx, params, OWN);
      const force = forced(params);
      assertPowerState(vm, force ? ['paused', 'suspended', 'running'] : ['running']);
      assertNoOtherOperation(vm);
      if (!force) assertHasFeature(vm);
      const seconds = force ? HARD_SHUTDOWN_SECONDS : cleanShutdownSeconds(vm);
      await runOperation(ctx, vm, force ? 'hard_shutdown' : 'clean_shutdown', seconds, () => markHalted(ctx, vm));
      return '';
    },
  },
  'vm-reboot': {
    run: async (ctx, params) => {
      const vm = selectOneVm(ctx, params, OWN);
      const force = forced(params);
      assertPowerState(vm, force ? ['paused', 'running'] : ['running']);
      assertNoOtherOperation(vm);
      if (!force) assertHasFeature(vm);
      const host = ctx.model.host(vm.residentOn ?? ctx.host.uuid);
      const seconds = (force ? HARD_SHUTDOWN_SECONDS : cleanShutdownSeconds(vm)) + DOMAIN_BUILD_SECONDS;
      ctx.model.hooks.guestStopped(vm);
      await runOperation(ctx, vm, force ? 'hard_reboot' : 'clean_reboot', seconds, () =>
        markRunning(ctx, vm, host, true),
      );
      return '';
    },
  },
  'vm-suspend': {
    run: async (ctx, params) => {
      const vm = selectOneVm(ctx, params, OWN);
      assertPowerState(vm, ['running']);
      assertNoOtherOperation(vm);
      assertHasFeature(vm);
      const host = ctx.model.host(vm.residentOn ?? ctx.host.uuid);
      const poolSr = ctx.model.pool(vm.poolUuid).defaultSrUuid;
      const sr = (poolSr ? ctx.model.state.srs.get(poolSr) : undefined) ?? ctx.model.localSr(host.uuid);
      if (!sr) throw new XeApiError('VM_NO_SUSPEND_SR', [vmRef(vm)]);
      assertSrHealthy(ctx, host, 'vm-suspend');
      await runOperation(ctx, vm, 'suspend', suspendSeconds(vm), () => {
        const vdi = addVdi(ctx.model, {
          name: `Suspend image for ${vm.name}`,
          description: '',
          srUuid: sr.uuid,
          virtualSize: vm.memory,
          physicalUtilisation: vm.memory,
          readOnly: false,
          type: 'suspend',
        });
        vm.suspendVdiUuid = vdi.uuid;
        vm.powerState = 'suspended';
        vm.residentOn = null;
        vm.domId = -1;
        ctx.model.hooks.guestStopped(vm);
      });
      return '';
    },
  },
  'vm-resume': {
    run: async (ctx, params, out) => {
      const vm = selectOneVm(ctx, params, OWN);
      assertPowerState(vm, ['suspended']);
      assertNoOtherOperation(vm);
      const host = placeVm(ctx, vm, params, out);
      assertSrHealthy(ctx, host, 'vm-resume');
      await runOperation(ctx, vm, 'resume', suspendSeconds(vm), () => {
        if (vm.suspendVdiUuid) ctx.model.state.vdis.delete(vm.suspendVdiUuid);
        vm.suspendVdiUuid = null;
        markRunning(ctx, vm, host, false);
      });
      return '';
    },
  },
  'vm-destroy': {
    run: (ctx, params) => {
      const uuid = params.get('uuid') ?? '';
      const vm = ctx.model.state.vms.get(uuid);
      if (!vm || vm.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['VM', uuid]);
      assertNotTemplate(vm);
      assertPowerState(vm, ['halted', 'suspended']);
      assertNoOtherOperation(vm);
      removeVm(ctx.model, vm, false);
      return '';
    },
  },
  'vm-uninstall': {
    // cli_operations.ml vm_uninstall: the VM and its snapshots, through vm_uninstall_common
    run: (ctx, params) => {
      const vm = selectOneVm(ctx, params, OWN);
      forced(params);
      assertNoOtherOperation(vm);
      const snapshots = [...ctx.model.state.vms.values()].filter((s) => s.isSnapshot && s.snapshotOf === vm.uuid);
      return uninstall(ctx, [vm, ...snapshots], forced(params));
    },
  },
  'vdi-destroy': {
    run: (ctx, params) => {
      const uuid = params.get('uuid') ?? '';
      const vdi = ctx.model.state.vdis.get(uuid);
      if (!vdi || ctx.model.state.srs.get(vdi.srUuid)?.poolUuid !== ctx.host.poolUuid) {
        throw new XeApiError('UUID_INVALID', ['VDI', uuid]);
      }
      for (const vbd of ctx.model.state.vbds.values()) {
        if (vbd.vdiUuid !== uuid) continue;
        const vm = ctx.model.state.vms.get(vbd.vmUuid);
        if (vm && vm.powerState !== 'halted') throw new XeApiError('VDI_IN_USE', [uuid, 'destroy']);
      }
      for (const vbd of [...ctx.model.state.vbds.values()]) {
        if (vbd.vdiUuid === uuid) ctx.model.state.vbds.delete(vbd.uuid);
      }
      ctx.model.state.vdis.delete(uuid);
      return '';
    },
  },
};

import { PowerState, SimHost, SimSr, SimVm } from 'src/simulator/model/types';
import { hostRef, vmRef } from 'src/simulator/xe/vm-select';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError } from 'src/simulator/xe/xe-errors';

const POWER_ORDER: PowerState[] = ['halted', 'paused', 'suspended', 'running'];

export const srRef = (sr: SimSr): string => `${sr.uuid} (${sr.name})`;

export function assertPowerState(vm: SimVm, allowed: PowerState[]): void {
  if (allowed.includes(vm.powerState)) return;
  const expected = POWER_ORDER.filter((p) => allowed.includes(p)).join(', ');
  throw new XeApiError('VM_BAD_POWER_STATE', [vmRef(vm), expected, vm.powerState]);
}

export function assertNoOtherOperation(vm: SimVm): void {
  const [current] = vm.currentOperations.values();
  if (current !== undefined) throw new XeApiError('OTHER_OPERATION_IN_PROGRESS', [`VM.${current}`, vmRef(vm)]);
}

/** A running HVM guest without PV drivers cannot cooperate (suspend, live migrate, clean shutdown). */
export function assertHasFeature(vm: SimVm): void {
  if (vm.powerState === 'running' && vm.image !== 'pv-linux' && vm.tools === null) {
    throw new XeApiError('VM_LACKS_FEATURE', [vmRef(vm)]);
  }
}

export function assertNotTemplate(vm: SimVm): void {
  if (vm.isTemplate) throw new XeApiError('VM_IS_TEMPLATE', [vmRef(vm)]);
}

/** assert_can_boot_here: SRs visible from the host, then free memory. */
export function assertCanBootHere(ctx: XeContext, vm: SimVm, host: SimHost, checkMemory = true): void {
  if (!host.enabled) throw new XeApiError('HOST_DISABLED', [hostRef(host)]);
  for (const vdi of ctx.model.vmVdis(vm)) {
    const sr = ctx.model.state.srs.get(vdi.srUuid);
    if (sr && !ctx.model.srVisibleFrom(sr, host.uuid)) throw new XeApiError('VM_REQUIRES_SR', [vmRef(vm), srRef(sr)]);
  }
  assertCanSeeNetworks(ctx, vm, host);
  if (checkMemory) {
    const free = ctx.model.memoryFree(host);
    if (vm.memory > free) throw new XeApiError('HOST_NOT_ENOUGH_FREE_MEMORY', [String(vm.memory), String(free)]);
  }
}

/**
 * Xapi_network_attach_helpers.assert_can_see_named_networks: a network with PIFs is there on the hosts
 * of its PIFs; a managed network without PIF (a private network) lives on the host where a running VM
 * already uses it, anywhere when none does.
 */
function assertCanSeeNetworks(ctx: XeContext, vm: SimVm, host: SimHost): void {
  const { state } = ctx.model;
  const needed = new Set([...state.vifs.values()].filter((v) => v.vmUuid === vm.uuid).map((v) => v.networkUuid));
  for (const uuid of needed) {
    const net = state.networks.get(uuid);
    if (!net) continue;
    const pifHosts = [...state.pifs.values()].filter((p) => p.networkUuid === uuid).map((p) => p.hostUuid);
    let available: boolean;
    if (pifHosts.length > 0) available = pifHosts.includes(host.uuid);
    else if (net.managed === false) available = true;
    else {
      const runningOn = [...state.vifs.values()]
        .filter((v) => v.networkUuid === uuid)
        .map((v) => state.vms.get(v.vmUuid))
        .filter((other) => other?.powerState === 'running')
        .map((other) => other!.residentOn);
      available = runningOn.length === 0 || runningOn.includes(host.uuid);
    }
    if (!available) throw new XeApiError('VM_REQUIRES_NET', [vmRef(vm), `${net.uuid} (${net.name})`]);
  }
}

/** A switched-on SR fault turns the operation into SM's "VDI not available" backend failure. */
export function assertSrHealthy(ctx: XeContext, host: SimHost, operation: string): void {
  if (!ctx.faults.srFailure(host.uuid, operation)) return;
  ctx.model.log(
    host.uuid,
    '/var/log/SMlog',
    `SM: [4242] Raising exception [46, The VDI is not available [opterr=simulated SR backend fault]]`,
  );
  throw new XeApiError('SR_BACKEND_FAILURE_46', [
    '',
    'The VDI is not available [opterr=simulated SR backend fault]',
    '',
  ]);
}

/**
 * Runs a long operation: the VM shows it in current-operations for its modelled duration (so a
 * concurrent `xe` sees it mid-flight), then `apply` commits the end state.
 */
export async function runOperation(
  ctx: XeContext,
  vm: SimVm,
  operation: string,
  seconds: number,
  apply: () => void,
): Promise<void> {
  const ref = `OpaqueRef:${ctx.model.ids.next('task')}`;
  vm.currentOperations.set(ref, operation);
  try {
    await ctx.model.clock.wait(seconds);
  } finally {
    vm.currentOperations.delete(ref);
  }
  apply();
  ctx.model.recordOperation(ctx.host, vm, operation, seconds);
}

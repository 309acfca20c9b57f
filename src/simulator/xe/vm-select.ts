import { SimHost, SimVm } from 'src/simulator/model/types';
import { VM_CLASS, HOST_CLASS } from 'src/simulator/xe/records';
import { applyFilters } from 'src/simulator/xe/selectors';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeCliError } from 'src/simulator/xe/xe-errors';

/** `uuid (name)`: how xe's ref_convert shows a VM in error parameters. */
export const vmRef = (vm: SimVm): string => `${vm.uuid} (${vm.name})`;
export const hostRef = (host: SimHost): string => `${host.uuid} (${host.name})`;

/** do_vm_op's selection: `vm=` by uuid or name, other params as filters, exactly one VM. */
export function selectOneVm(
  ctx: XeContext,
  params: Map<string, string>,
  own: string[],
  allowControlDomain = false,
): SimVm {
  let vms = VM_CLASS.all(ctx.model, ctx.host.poolUuid).filter(
    (vm) => !vm.isTemplate && (allowControlDomain || !vm.isControlDomain),
  );
  const vmSel = params.get('vm');
  if (vmSel !== undefined) vms = vms.filter((vm) => vm.uuid === vmSel || vm.name === vmSel);
  vms = applyFilters(ctx, VM_CLASS, vms, params, [...own, 'vm']);
  if (vms.length === 0) throw new XeCliError('No matching VMs found');
  const [first] = vms;
  if (vms.length > 1 || !first) {
    throw new XeCliError('Multiple matches VMs found. --multiple required to complete the operation');
  }
  return first;
}

/** do_host_op's selection; `multiple` when the command could run on several hosts with --multiple. */
export function selectOneHost(ctx: XeContext, params: Map<string, string>, own: string[], multiple = false): SimHost {
  let hosts = HOST_CLASS.all(ctx.model, ctx.host.poolUuid);
  const sel = params.get('host');
  if (sel !== undefined) hosts = hosts.filter((h) => h.uuid === sel || h.name === sel);
  hosts = applyFilters(ctx, HOST_CLASS, hosts, params, [...own, 'host']);
  if (hosts.length === 0) throw new XeCliError('No matching hosts found');
  const [first] = hosts;
  if (hosts.length > 1 || !first) {
    throw new XeCliError(
      multiple
        ? 'Multiple matching hosts found. --multiple required to complete the operation'
        : 'Multiple matching hosts found. Operation can only be performed on one host at a time',
    );
  }
  return first;
}

/** host lookup for `on=` / `host=`: uuid, hostname or name-label within the pool */
export function findPoolHost(ctx: XeContext, poolUuid: string, sel: string): SimHost | undefined {
  return ctx.model.poolHosts(poolUuid).find((h) => h.uuid === sel || h.name === sel);
}

import { SimVm } from 'src/simulator/model/types';
import { renderMinimal, renderRecord, PrintedField } from 'src/simulator/xe/record-printer';
import {
  ClassDef,
  fieldsFor,
  HOST_CLASS,
  NETWORK_CLASS,
  PBD_CLASS,
  PIF_CLASS,
  POOL_CLASS,
  SR_CLASS,
  valueText,
  VBD_CLASS,
  VDI_CLASS,
  VIF_CLASS,
  VM_CLASS,
} from 'src/simulator/xe/records';
import { applyFilters } from 'src/simulator/xe/selectors';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';

/** Turns objects into printed records: `params=` selects (never reorders), list views hide expensive values. */
export function toRecords<T>(
  ctx: XeContext,
  cls: ClassDef<T>,
  objs: T[],
  wanted: string[] | 'all',
  inList: boolean,
): PrintedField[][] {
  const fields = fieldsFor(cls, ctx.host.version).filter(
    (f) => !f.hidden && (wanted === 'all' || wanted.includes(f.name)),
  );
  return objs.map((o) =>
    fields.map((f) => ({
      name: f.name,
      kind: f.kind,
      deprecated: f.deprecated,
      value: inList && f.expensive ? '<expensive field>' : valueText(f.get(o, ctx.model)),
    })),
  );
}

export function printRecords(records: PrintedField[][], minimal: boolean): string {
  if (minimal) return renderMinimal(records);
  return records.map(renderRecord).join('');
}

function listCommand<T>(
  cls: ClassDef<T>,
  defaults: string[] | ((ctx: XeContext) => string[]),
  base?: (o: T) => boolean,
): XeCommand {
  return {
    reqd: [],
    optn: ['params'],
    run: (ctx, params) => {
      const objs = cls.all(ctx.model, ctx.host.poolUuid).filter((o) => !base || base(o));
      const selected = applyFilters(ctx, cls, objs, params, ['params']);
      const p = params.get('params');
      const wanted =
        p === 'all'
          ? 'all'
          : p !== undefined
            ? p.split(',')
            : typeof defaults === 'function'
              ? defaults(ctx)
              : defaults;
      return printRecords(toRecords(ctx, cls, selected, wanted, true), params.get('minimal') === 'true');
    },
  };
}

export const LIST_COMMANDS: Record<string, XeCommand> = {
  'vm-list': listCommand<SimVm>(VM_CLASS, ['uuid', 'name-label', 'power-state'], (vm) => !vm.isTemplate),
  'template-list': listCommand<SimVm>(VM_CLASS, ['uuid', 'name-label', 'name-description'], (vm) => vm.isTemplate),
  'host-list': listCommand(HOST_CLASS, ['uuid', 'name-label', 'name-description']),
  'pool-list': listCommand(POOL_CLASS, ['uuid', 'name-label', 'name-description', 'master', 'default-SR']),
  'sr-list': listCommand(SR_CLASS, ['uuid', 'name-label', 'name-description', 'host', 'type', 'content-type']),
  'pbd-list': listCommand(PBD_CLASS, ['uuid', 'host-uuid', 'sr-uuid', 'device-config', 'currently-attached']),
  'vdi-list': listCommand(VDI_CLASS, [
    'uuid',
    'name-label',
    'name-description',
    'sr-uuid',
    'virtual-size',
    'sharable',
    'read-only',
  ]),
  'vbd-list': listCommand(VBD_CLASS, ['uuid', 'vm-uuid', 'vm-name-label', 'vdi-uuid', 'empty', 'device']),
  'vif-list': listCommand(VIF_CLASS, ['uuid', 'vm-uuid', 'device', 'network-uuid']),
  'network-list': listCommand(NETWORK_CLASS, ['uuid', 'name-label', 'name-description', 'bridge']),
  // 8.2's default list names a lowercase "mac" field that does not exist, so MAC never prints there.
  'pif-list': listCommand(PIF_CLASS, (ctx) =>
    ctx.host.version === '8.2.1'
      ? ['uuid', 'device', 'currently-attached', 'VLAN', 'network-uuid']
      : ['uuid', 'device', 'MAC', 'currently-attached', 'VLAN', 'network-uuid', 'host-uuid'],
  ),
};

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
import { printRecords, toRecords } from 'src/simulator/xe/commands/list-commands';
import { escapeMinimal } from 'src/simulator/xe/record-printer';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';

function lookup<T>(ctx: XeContext, cls: ClassDef<T>, uuid: string): T {
  const obj = cls.byUuid(ctx.model, uuid);
  if (obj === undefined) throw new XeApiError('UUID_INVALID', [cls.table, uuid]);
  return obj;
}

function paramCommands<T>(prefix: string, cls: ClassDef<T>): Record<string, XeCommand> {
  return {
    [`${prefix}-param-list`]: {
      reqd: ['uuid'],
      optn: [],
      run: (ctx, params) =>
        printRecords(toRecords(ctx, cls, [lookup(ctx, cls, params.get('uuid') ?? '')], 'all', false), false),
    },
    [`${prefix}-param-get`]: {
      reqd: ['uuid', 'param-name'],
      optn: ['param-key'],
      run: (ctx, params) => {
        const obj = lookup(ctx, cls, params.get('uuid') ?? '');
        const name = params.get('param-name') ?? '';
        const field = fieldsFor(cls, ctx.host.version).find((f) => f.name === name && !f.hidden);
        if (!field) throw new XeApiError('Missing parameter', [name]);
        const value = field.get(obj, ctx.model);
        const key = params.get('param-key');
        let text: string;
        if (key !== undefined && Array.isArray(value) && field.kind.startsWith('M')) {
          const entry = (value as Array<[string, string]>).find(([k]) => k === key);
          if (!entry) throw new XeCliError(`Key ${key} not found in map`);
          text = entry[1];
        } else {
          text = valueText(value);
        }
        return `${params.get('minimal') === 'true' ? escapeMinimal(text) : text}\n`;
      },
    },
    [`${prefix}-param-set`]: {
      reqd: ['uuid'],
      optn: [],
      run: (ctx, params) => {
        const obj = lookup(ctx, cls, params.get('uuid') ?? '');
        const fields = fieldsFor(cls, ctx.host.version);
        for (const [k, v] of params) {
          if (k === 'uuid' || k === 'minimal' || k === 'force') continue;
          const colon = k.indexOf(':');
          const name = colon >= 0 ? k.slice(0, colon) : k;
          const field = fields.find((f) => f.name === name);
          if (!field) throw new XeCliError(`Unknown field '${name}'`);
          if (colon >= 0) {
            if (!field.setKey) throw new XeCliError(`Map field '${name}' is read-only.`);
            field.setKey(obj, k.slice(colon + 1), v);
          } else if (field.kind.startsWith('S')) {
            throw new XeCliError('Cannot param-set on set fields');
          } else {
            if (!field.set) throw new XeCliError(`Field '${name}' is read-only.`);
            field.set(obj, v, ctx.model);
          }
        }
        return '';
      },
    },
  };
}

export const PARAM_COMMANDS: Record<string, XeCommand> = {
  ...paramCommands('vm', VM_CLASS),
  ...paramCommands('template', VM_CLASS),
  ...paramCommands('host', HOST_CLASS),
  ...paramCommands('pool', POOL_CLASS),
  ...paramCommands('sr', SR_CLASS),
  ...paramCommands('pbd', PBD_CLASS),
  ...paramCommands('vdi', VDI_CLASS),
  ...paramCommands('vbd', VBD_CLASS),
  ...paramCommands('vif', VIF_CLASS),
  ...paramCommands('pif', PIF_CLASS),
  ...paramCommands('network', NETWORK_CLASS),
};

import { CliSpec, cliTable } from 'src/simulator/xe/cli-table';
import { escapeMinimal, PrintedField, renderMinimal, renderRecord } from 'src/simulator/xe/record-printer';
import {
  ClassDef,
  FieldValue,
  fieldsFor,
  HOST_CLASS,
  NETWORK_CLASS,
  PBD_CLASS,
  PIF_CLASS,
  BOND_CLASS,
  POOL_CLASS,
  ResolvedField,
  SR_CLASS,
  storeValue,
  valueText,
  VBD_CLASS,
  VDI_CLASS,
  VIF_CLASS,
  VM_CLASS,
} from 'src/simulator/xe/records';
import { EMPTY_CLASSES, SM_CLASS } from 'src/simulator/xe/records-static';
import { CERTIFICATE_CLASS } from 'src/simulator/xe/commands/certificate-commands';
import { applyFilters, fieldType } from 'src/simulator/xe/selectors';
import { STD_PARAMS } from 'src/simulator/xe/xe-args';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';

/**
 * `<class>-list` and `<class>-param-list|get|set|add|remove|clear` for every class the simulator
 * models, following cli_operations.ml make_param_funs (list, p_list, p_get, p_set, p_add,
 * p_remove, p_clear) over the release's record fields.
 */

/** CLI class prefix → the simulator's class; vm, template and snapshot share the VM record. */
const CLASSES: Record<string, ClassDef<never>> = {
  vm: VM_CLASS,
  template: VM_CLASS,
  snapshot: VM_CLASS,
  host: HOST_CLASS,
  pool: POOL_CLASS,
  sr: SR_CLASS,
  pbd: PBD_CLASS,
  vdi: VDI_CLASS,
  vbd: VBD_CLASS,
  vif: VIF_CLASS,
  pif: PIF_CLASS,
  network: NETWORK_CLASS,
  sm: SM_CLASS,
  certificate: CERTIFICATE_CLASS,
  ...EMPTY_CLASSES,
  bond: BOND_CLASS,
} as unknown as Record<string, ClassDef<never>>;

function modelledClass(cli: string): ClassDef<unknown> | undefined {
  return CLASSES[cli] as ClassDef<unknown> | undefined;
}

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

function printRecords(records: PrintedField[][], minimal: boolean): string {
  if (minimal) return renderMinimal(records);
  return records.map(renderRecord).join('');
}

function lookup<T>(ctx: XeContext, cls: ClassDef<T>, uuid: string): T {
  const obj = cls.byUuid(ctx.model, uuid);
  if (obj === undefined) throw new XeApiError('UUID_INVALID', [cls.table, uuid]);
  return obj;
}

/** Records.field_lookup: an unknown name is the "Missing parameter" server error. */
function fieldNamed<T>(ctx: XeContext, cls: ClassDef<T>, name: string): ResolvedField<T> {
  const field = fieldsFor(cls, ctx.host.version).find((f) => f.name === name);
  if (!field) throw new XeApiError('Missing parameter', [name]);
  return field;
}

const asMap = (v: FieldValue): Array<[string, string]> =>
  typeof v === 'string' ? [] : (v as Array<[string, string]>).filter((e) => Array.isArray(e));
const asSet = (v: FieldValue): string[] => (typeof v === 'string' ? [] : (v as string[]));

function putCollection<T>(ctx: XeContext, f: ResolvedField<T>, obj: T, value: FieldValue): void {
  if (f.put) f.put(obj, value, ctx.host.version);
  else storeValue(obj as object, f.name, value);
}

function setMapKey<T>(ctx: XeContext, f: ResolvedField<T>, obj: T, key: string, value: string): void {
  if (f.setKey) return f.setKey(obj, key, value);
  const map = asMap(f.get(obj, ctx.model)).filter(([k]) => k !== key);
  putCollection(ctx, f, obj, [...map, [key, value]]);
}

function list<T>(cls: ClassDef<T>, cli: string): XeCommand {
  return {
    run: (ctx, params) => {
      const table = cliTable(ctx.host.version);
      const def = table.classFilters.get(cli) ?? [];
      const all = cls.all(ctx.model, ctx.host.poolUuid);
      const filtered = applyFilters(ctx, cls, all, params, ['params'], def);
      const shown = params.get('all') === 'true' ? all : filtered;
      const p = params.get('params');
      const wanted = p === 'all' ? 'all' : p !== undefined ? p.split(',') : (table.classDefaults.get(cli) ?? []);
      return printRecords(toRecords(ctx, cls, shown, wanted, true), params.get('minimal') === 'true');
    },
  };
}

function paramList<T>(cls: ClassDef<T>): XeCommand {
  return {
    run: (ctx, params) =>
      printRecords(
        toRecords(ctx, cls, [lookup(ctx, cls, params.get('uuid') ?? '')], 'all', false),
        params.get('minimal') === 'true',
      ),
  };
}

function paramGet<T>(cls: ClassDef<T>): XeCommand {
  return {
    run: (ctx, params) => {
      const obj = lookup(ctx, cls, params.get('uuid') ?? '');
      const field = fieldNamed(ctx, cls, params.get('param-name') ?? '');
      const value = field.get(obj, ctx.model);
      const key = params.get('param-key');
      let text = valueText(value);
      if (key !== undefined && field.facts.get_map) {
        const entry = asMap(value).find(([k]) => k === key);
        if (!entry) throw new XeCliError(`Key ${key} not found in map`);
        text = entry[1];
      }
      return `${params.get('minimal') === 'true' ? escapeMinimal(text) : text}\n`;
    },
  };
}

function paramSet<T>(cls: ClassDef<T>): XeCommand {
  return {
    run: (ctx, params) => {
      const obj = lookup(ctx, cls, params.get('uuid') ?? '');
      const fields = fieldsFor(cls, ctx.host.version);
      for (const [k, v] of params) {
        if (k === 'uuid' || STD_PARAMS.includes(k)) continue;
        const type = fieldType(fields, k);
        if (type.kind === 'set') throw new XeCliError('Cannot param-set on set fields');
        if (type.kind === 'map') {
          const f = type.field.facts;
          if (!f.add_to_map && !f.set_in_map && !f.set_map) {
            throw new XeCliError(`Map field '${type.field.name}' is read-only.`);
          }
          setMapKey(ctx, type.field, obj, type.key, v);
          continue;
        }
        const field = type.field;
        if (!field.facts.set) {
          if (field.facts.add_to_map) {
            throw new XeCliError(`Field '${k}' is a map or set. use the 'name:key=value' syntax.`);
          }
          throw new XeCliError(`Field '${k}' is read-only.`);
        }
        if (field.set) field.set(obj, v, ctx.model);
        else storeValue(obj as object, field.name, v);
      }
      return '';
    },
  };
}

function paramAdd<T>(cls: ClassDef<T>): XeCommand {
  return {
    run: (ctx, params) => {
      const obj = lookup(ctx, cls, params.get('uuid') ?? '');
      const field = fieldNamed(ctx, cls, params.get('param-name') ?? '');
      const f = field.facts;
      if (f.add_to_set) {
        const key = params.get('param-key');
        if (key === undefined) {
          throw new XeCliError(
            'When adding a key to a set, use the syntax: *-param-add param-name=<name> param-key=<key>',
          );
        }
        const set = asSet(field.get(obj, ctx.model));
        // Db set adds are idempotent (add_to_set keeps one copy).
        if (!set.includes(key)) putCollection(ctx, field, obj, [...set, key]);
        return '';
      }
      if (f.add_to_map) {
        const skip = ['uuid', 'param-name', 'param-key', ...STD_PARAMS];
        for (const [k, v] of params) {
          if (skip.includes(k)) continue;
          // Db add_to_map refuses an existing key (MAP_DUPLICATE_KEY).
          if (asMap(field.get(obj, ctx.model)).some(([key]) => key === k)) {
            throw new XeApiError('MAP_DUPLICATE_KEY', [cls.table, field.name.replace(/-/g, '_'), '', k]);
          }
          setMapKey(ctx, field, obj, k, v);
        }
        return '';
      }
      if (f.get_set || f.get_map) throw new XeCliError('Parameter is read-only');
      throw new XeCliError('Can only add to parameters of type Set or Map');
    },
  };
}

function paramRemove<T>(cls: ClassDef<T>): XeCommand {
  return {
    run: (ctx, params) => {
      const obj = lookup(ctx, cls, params.get('uuid') ?? '');
      const field = fieldNamed(ctx, cls, params.get('param-name') ?? '');
      const key = params.get('param-key') ?? '';
      const f = field.facts;
      if (f.get_set && f.remove_from_set) {
        const set = asSet(field.get(obj, ctx.model));
        if (!set.includes(key)) throw new XeCliError(`Key ${key} is not in the set`);
        putCollection(
          ctx,
          field,
          obj,
          set.filter((s) => s !== key),
        );
        return '';
      }
      if (f.get_map && f.remove_from_map) {
        const map = asMap(field.get(obj, ctx.model));
        if (!map.some(([k]) => k === key)) throw new XeCliError(`Key ${key} is not in map`);
        putCollection(
          ctx,
          field,
          obj,
          map.filter(([k]) => k !== key),
        );
        return '';
      }
      if (f.get_set || f.get_map) throw new XeCliError('Cannot remove parameters from read-only map');
      throw new XeCliError('Can only remove from parameters of type Set or Map');
    },
  };
}

function paramClear<T>(cls: ClassDef<T>): XeCommand {
  return {
    run: (ctx, params) => {
      const obj = lookup(ctx, cls, params.get('uuid') ?? '');
      const field = fieldNamed(ctx, cls, params.get('param-name') ?? '');
      const f = field.facts;
      if ((f.get_set && f.remove_from_set) || f.clear_map || f.set_map || (f.get_map && f.remove_from_map)) {
        putCollection(ctx, field, obj, []);
        return '';
      }
      if (f.set) {
        try {
          if (field.set) field.set(obj, '', ctx.model);
          else storeValue(obj as object, field.name, '');
        } catch {
          throw new XeCliError('Cannot clear this parameter');
        }
        return '';
      }
      throw new XeCliError('Can only clear RW parameters');
    },
  };
}

const OPS: Record<string, <T>(cls: ClassDef<T>, cli: string) => XeCommand> = {
  list,
  'param-list': paramList,
  'param-get': paramGet,
  'param-set': paramSet,
  'param-add': paramAdd,
  'param-remove': paramRemove,
  'param-clear': paramClear,
};

/** The implementation of a generated command, when the simulator models its class. */
export function genericCommand(spec: CliSpec): XeCommand | undefined {
  if (!spec.generated) return undefined;
  const cls = modelledClass(spec.generated.cls);
  const op = OPS[spec.generated.op];
  return cls && op ? op(cls, spec.generated.cls) : undefined;
}

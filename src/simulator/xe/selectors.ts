import { ClassDef, fieldsFor, ResolvedField, valueText } from 'src/simulator/xe/records';
import { STD_PARAMS } from 'src/simulator/xe/xe-args';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeCliError } from 'src/simulator/xe/xe-errors';

type FieldType<T> =
  { kind: 'normal'; field: ResolvedField<T> } | { kind: 'map' | 'set'; field: ResolvedField<T>; key: string };

/**
 * cli_operations.ml get_field_type: a field name, `map:key` / `set:contains`, or the old
 * `map-key` form (longest map name first, then sets); anything else is an unknown field.
 */
export function fieldType<T>(fields: Array<ResolvedField<T>>, name: string): FieldType<T> {
  const exact = fields.find((f) => f.name === name);
  if (exact) return { kind: 'normal', field: exact };
  const colon = name.indexOf(':');
  if (colon >= 0) {
    const field = fields.find((f) => f.name === name.slice(0, colon));
    if (!field) throw new XeCliError(`Unknown field '${name}'`);
    const key = name.slice(colon + 1);
    if (field.facts.get_set) return { kind: 'set', field, key };
    if (field.facts.get_map) return { kind: 'map', field, key };
    throw new XeCliError(`Field '${field.name}' is not a set or map`);
  }
  const byLength = (a: ResolvedField<T>, b: ResolvedField<T>): number => b.name.length - a.name.length;
  for (const group of [fields.filter((f) => f.facts.get_map), fields.filter((f) => f.facts.get_set)]) {
    const field = group.sort(byLength).find((f) => name.startsWith(`${f.name}-`));
    if (field) {
      return { kind: field.facts.get_map ? 'map' : 'set', field, key: name.slice(field.name.length + 1) };
    }
  }
  throw new XeCliError(`Unknown field '${name}'`);
}

function entries(value: ReturnType<ResolvedField<unknown>['get']>): Array<[string, string]> {
  return typeof value === 'string' ? [] : (value as Array<[string, string]>).filter((e) => Array.isArray(e));
}

/** filter_records_on_fields: an empty list stays empty (no field check), else filter on one parameter. */
function filterOn<T>(ctx: XeContext, fields: Array<ResolvedField<T>>, objs: T[], name: string, wanted: string): T[] {
  if (objs.length === 0) return objs;
  const type = fieldType(fields, name);
  const m = ctx.model;
  if (type.kind === 'normal') return objs.filter((o) => valueText(type.field.get(o, m)) === wanted);
  if (type.kind === 'map') {
    return objs.filter((o) => entries(type.field.get(o, m)).some(([k, v]) => k === type.key && v === wanted));
  }
  if (type.key !== 'contains') {
    throw new XeCliError('Invalid syntax for set filtering (should be set-param:contains=key)');
  }
  return objs.filter((o) => {
    const v = type.field.get(o, m);
    return Array.isArray(v) && (v as string[]).includes(wanted);
  });
}

/**
 * Applies the command line's `field=value` filters the way xapi does; `ignore` lists the
 * command's own parameters (a trailing `:` ignores a whole `prefix:` family).
 */
export function applyFilters<T>(
  ctx: XeContext,
  cls: ClassDef<T>,
  objs: T[],
  params: Map<string, string>,
  ignore: string[],
  defaults: Array<[string, string]> = [],
): T[] {
  const fields = fieldsFor(cls, ctx.host.version);
  let out = objs;
  const own = (name: string): boolean =>
    STD_PARAMS.includes(name) ||
    name.startsWith('database:') ||
    ignore.includes(name) ||
    ignore.some((p) => p.endsWith(':') && name.startsWith(p));
  for (const [name, wanted] of [...defaults, ...[...params].filter(([n]) => !own(n))]) {
    out = filterOn(ctx, fields, out, name, wanted);
  }
  return out;
}

import { ClassDef, fieldsFor, FieldValue, valueText } from 'src/simulator/xe/records';
import { STD_PARAMS } from 'src/simulator/xe/xe-args';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeCliError } from 'src/simulator/xe/xe-errors';

function matchesFilter(value: FieldValue, key: string | null, wanted: string): boolean {
  if (key === null) return valueText(value) === wanted;
  if (typeof value === 'string') return false;
  const entry = (value as Array<[string, string]>).find((e) => Array.isArray(e) && e[0] === key);
  return entry?.[1] === wanted;
}

/**
 * Applies `field=value` filters (and `field:key=value` for maps). `ignore` lists the command's own
 * parameters; whatever is left must name a field, else `Error: Unknown field '<name>'`.
 */
export function applyFilters<T>(
  ctx: XeContext,
  cls: ClassDef<T>,
  objs: T[],
  params: Map<string, string>,
  ignore: string[],
): T[] {
  const fields = fieldsFor(cls, ctx.host.version);
  let out = objs;
  if (params.get('all') === 'true') return out;
  for (const [name, wanted] of params) {
    if (
      STD_PARAMS.includes(name) ||
      ignore.includes(name) ||
      ignore.some((p) => p.endsWith(':') && name.startsWith(p))
    ) {
      continue;
    }
    const colon = name.indexOf(':');
    const fieldName = colon >= 0 ? name.slice(0, colon) : name;
    const key = colon >= 0 ? name.slice(colon + 1) : null;
    const field = fields.find((f) => f.name === fieldName);
    if (!field) throw new XeCliError(`Unknown field '${fieldName}'`);
    out = out.filter((o) => matchesFilter(field.get(o, ctx.model), key, wanted));
  }
  return out;
}

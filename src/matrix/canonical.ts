import type { Value } from 'src/matrix/matrix.types';

/** JSON with object keys sorted at every level, so key order never changes identity. */
function canonicalJson(value: Value): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Value)}`).join(',')}}`;
}

const PLAIN = /^[A-Za-z0-9_.:/+@-]+$/;

/**
 * The text of a value in case keys and expressions. Scalars are compared by their text on purpose:
 * `size: 4` and `size: '4'` name the same case. Strings that could be confused with the key syntax
 * are JSON-quoted; objects and arrays are canonical JSON.
 */
export function valueText(value: Value): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return PLAIN.test(value) ? value : JSON.stringify(value);
  return canonicalJson(value);
}

export function valueEquals(a: Value, b: Value): boolean {
  return a === b || valueText(a) === valueText(b);
}

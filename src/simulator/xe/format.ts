export const NOT_IN_DB = '<not in database>';

export function xeDate(ms: number | null): string {
  if (ms === null) return '19700101T00:00:00Z';
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}Z`;
}

export function refOf(uuid: string | null | undefined): string {
  return uuid ?? NOT_IN_DB;
}

export function bool(b: boolean): string {
  return b ? 'true' : 'false';
}

const TRUE = ['true', 't', 'yes', 'y', '1'];
const FALSE = ['false', 'f', 'no', 'n', '0'];

/** xe's bool_of_string; undefined when the text is not a boolean. */
export function parseBool(text: string): boolean | undefined {
  const t = text.toLowerCase();
  if (TRUE.includes(t)) return true;
  if (FALSE.includes(t)) return false;
  return undefined;
}

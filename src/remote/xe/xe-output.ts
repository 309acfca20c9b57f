/** One record of `xe <class>-list` / `-param-list`: field name (without its "( RO)" suffix) → raw value. */
export type XeRecord = Readonly<Record<string, string>>;

/** How xe prints a reference that points nowhere (a halted VM's resident-on, for one). */
const NOT_IN_DATABASE = '<not in database>';

// "<name> ( RO)", "( RW)", "(SRO)", "(SRW)", "(MRO)", "(MRW)", maybe " [DEPRECATED]", then ": value".
const FIELD_LINE = /^\s*(\S.*?) \((?: RO| RW|SRO|SRW|MRO|MRW)\)(?: \[DEPRECATED\])?\s*: ?(.*)$/;

/** Parses list/record output: records separated by blank lines, keys aligned with padding. */
export function parseRecords(stdout: string): XeRecord[] {
  const records: Record<string, string>[] = [];
  let current: Record<string, string> | undefined;
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      current = undefined;
      continue;
    }
    const m = FIELD_LINE.exec(line);
    if (!m) continue; // headers such as NO_HOSTS_AVAILABLE's explanation are not fields
    if (!current) {
      current = {};
      records.push(current);
    }
    current[m[1]!] = m[2]!;
  }
  return records;
}

/** Parses `--minimal` output: one line, values joined by ",", with "\," and "\\" escaped. Empty → []. */
export function parseMinimal(stdout: string): string[] {
  const line = stdout.replace(/\r?\n$/, '');
  if (line === '') return [];
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
    } else if (c === ',') {
      values.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  values.push(current);
  return values;
}

/**
 * Parses a map value, `k1: v1; k2: v2`. A piece without ": " belongs to the previous value (the
 * value itself held "; "), so odd values survive instead of making up keys.
 */
export function parseMap(value: string): Record<string, string> {
  const map: Record<string, string> = {};
  let lastKey: string | undefined;
  if (value.trim() === '') return map;
  for (const piece of value.split('; ')) {
    const at = piece.indexOf(': ');
    if (at > 0) {
      lastKey = piece.slice(0, at);
      map[lastKey] = piece.slice(at + 2);
    } else if (piece.endsWith(':') && !piece.includes(' ')) {
      lastKey = piece.slice(0, -1);
      map[lastKey] = '';
    } else if (lastKey !== undefined) {
      map[lastKey] += `; ${piece}`;
    }
  }
  return map;
}

/** Parses a set value, `a; b; c`. */
export function parseSet(value: string): string[] {
  return value
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A reference field: its uuid, or null for `<not in database>` (and the other "no object" markers). */
export function parseRef(value: string | undefined): string | null {
  const v = value?.trim();
  if (!v || v === NOT_IN_DATABASE || v === '<invalid reference>' || v === '<unknown>') return null;
  return v;
}

export function parseBool(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

/** The value of a single-value command (param-get, vm-install): its one line, trimmed. */
export function parseSingle(stdout: string): string {
  return stdout.replace(/\r?\n$/, '').trim();
}

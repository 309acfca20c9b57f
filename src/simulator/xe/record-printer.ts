/** Record and list output exactly as cli_printer.ml renders it (xe-cli.md §1.4, §1.5). */

export type FieldKind = 'RO' | 'RW' | 'SRO' | 'SRW' | 'MRO' | 'MRW';

export interface PrintedField {
  name: string;
  kind: FieldKind;
  deprecated?: boolean;
  value: string;
}

function keyOf(f: PrintedField): string {
  const suffix = f.kind.length === 2 ? ` ( ${f.kind})` : ` (${f.kind})`;
  return `${f.name}${suffix}${f.deprecated ? ' [DEPRECATED]' : ''}`;
}

/** One record: first key padded right, the others padded left, then two blank lines. */
export function renderRecord(fields: PrintedField[]): string {
  return renderPairs(fields.map((f) => [keyOf(f), f.value]));
}

/** cli_printer.ml multi_line_record: maxlen = 4 + longest key; printed with two blank lines after. */
export function renderPairs(pairs: Array<[string, string]>): string {
  // multi_line_record [] is "\n"; Print adds one more and the client's print_endline a third.
  if (pairs.length === 0) return '\n\n\n';
  const width = 4 + Math.max(...pairs.map(([k]) => k.length));
  const lines = pairs.map(([key, value], i) => `${i === 0 ? key.padEnd(width) : key.padStart(width)}: ${value}`);
  return `${lines.join('\n')}\n\n\n`;
}

export function escapeMinimal(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/,/g, '\\,');
}

/** `--minimal`: first field of each record, comma-joined, one line (an empty line when nothing matched). */
export function renderMinimal(records: PrintedField[][]): string {
  return `${records.map((r) => escapeMinimal(r[0]?.value ?? '')).join(',')}\n`;
}

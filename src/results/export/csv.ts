/** A cell: text is guarded against formula injection, numbers and booleans are written as such. */
type CsvCell = string | number | boolean | null | undefined;

/**
 * RFC 4180 CSV: CRLF line ends, a header row, fields quoted when they hold a comma, quote, CR or LF
 * (quotes doubled). Text cells that a spreadsheet would run as a formula (starting with = + - @,
 * tab or CR) get a leading apostrophe (OWASP's advice); numeric cells are left alone, so -5 stays -5.
 */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map((h) => field(textCell(h))).join(',')];
  for (const row of rows) {
    if (row.length !== header.length) {
      throw new RangeError(`CSV row ${lines.length} has ${row.length} cells, the header has ${header.length}`);
    }
    lines.push(row.map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return field(textCell(value));
}

function textCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

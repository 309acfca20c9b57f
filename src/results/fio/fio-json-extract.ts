/**
 * Finds fio's JSON documents in captured output. fio writes warnings ("note: ...", "fio: ...") to
 * stdout around and sometimes inside the document (fio issues #731, #1685, #2048), and
 * `--status-interval` concatenates one whole document per interval.
 */

export interface ExtractedJson {
  value: Record<string, unknown>;
  /** Offset of the document's opening brace in the input. */
  start: number;
  end: number;
}

// Lines fio is known to interleave with its JSON; dropped only when the raw text does not parse.
const INTERLEAVED_LINE = /^[ \t]*(?:fio: |note: |fio:|error: |warning: ).*$/gm;

/** Every top-level JSON object in the text that looks like a fio report, in order. */
export function extractFioDocuments(text: string): ExtractedJson[] {
  const found: ExtractedJson[] = [];
  let from = 0;
  while (from < text.length) {
    const start = text.indexOf('{', from);
    if (start < 0) break;
    const end = balancedEnd(text, start);
    if (end < 0) {
      from = start + 1;
      continue;
    }
    const parsed = parseObject(text.slice(start, end));
    if (parsed && ('jobs' in parsed || 'fio version' in parsed || 'client_stats' in parsed)) {
      found.push({ value: parsed, start, end });
      from = end;
    } else {
      from = start + 1;
    }
  }
  return found;
}

function parseObject(candidate: string): Record<string, unknown> | undefined {
  for (const text of [candidate, candidate.replace(INTERLEAVED_LINE, '')]) {
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

/** Index just past the brace closing the one at `start`, or -1; braces inside strings do not count. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      // A raw newline cannot occur in a JSON string: this quote was junk, not JSON.
      else if (c === 0x0a) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * Finds fio's JSON documents in captured output. fio writes warnings ("note: ...", "fio: ...") to
 * stdout around and sometimes inside the document (fio issues #731, #1685, #2048), and
 * `--status-interval` concatenates one whole document per interval.
 */

interface ExtractedJson {
  value: Record<string, unknown>;
  /** Offset of the document's opening brace in the input. */
  start: number;
  end: number;
}

// Lines fio is known to interleave with its JSON; dropped only when the raw text does not parse.
const INTERLEAVED_LINE = /^[ \t]*(?:fio: |note: |fio:|error: |warning: ).*$/gm;

/** Keys only a fio report has at its top level; a candidate without one is not parsed at all. */
const FIO_KEYS = ['"jobs"', '"fio version"', '"client_stats"'];

/**
 * Characters handed to JSON.parse, at most this many times the input (plus a little): junk made of
 * nested would-be documents that never parse cannot make extraction quadratic.
 */
const PARSE_BUDGET_FACTOR = 4;

/**
 * Every top-level JSON object in the text that looks like a fio report, in order. Linear: one pass
 * pairs every brace with its match, candidates without a fio key are never parsed, and parsing
 * stops once its budget is spent.
 */
export function extractFioDocuments(text: string): ExtractedJson[] {
  const { starts, ends } = pairBraces(text);
  const markers = markerOffsets(text);
  const found: ExtractedJson[] = [];
  let budget = PARSE_BUDGET_FACTOR * text.length + 65_536;
  let marker = 0;
  let from = 0;
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k]!;
    const end = ends[k]!;
    if (start < from || end < 0) continue;
    while (marker < markers.length && markers[marker]! < start) marker++;
    if (marker >= markers.length || markers[marker]! >= end) continue;
    // The raw form and, failing that, the form without interleaved lines.
    budget -= 2 * (end - start);
    if (budget < 0) break;
    const parsed = parseObject(text.slice(start, end));
    if (parsed && ('jobs' in parsed || 'fio version' in parsed || 'client_stats' in parsed)) {
      found.push({ value: parsed, start, end });
      from = end;
    }
  }
  return found;
}

/** Sorted offsets of every fio key in the text. */
function markerOffsets(text: string): number[] {
  const all: number[] = [];
  for (const key of FIO_KEYS) {
    for (let i = text.indexOf(key); i >= 0; i = text.indexOf(key, i + key.length)) all.push(i);
  }
  return all.sort((a, b) => a - b);
}

/**
 * Every `{` in order with the index just past its matching `}` (-1 when it has none), in one pass
 * with a stack; braces inside strings do not count, and a raw newline ends a string (JSON strings
 * cannot hold one: that quote was junk).
 */
function pairBraces(text: string): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  const open: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22 || c === 0x0a) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b) {
      open.push(starts.length);
      starts.push(i);
      ends.push(-1);
    } else if (c === 0x7d) {
      const k = open.pop();
      if (k !== undefined) ends[k] = i + 1;
    }
  }
  return { starts, ends };
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

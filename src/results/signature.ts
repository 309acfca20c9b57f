import { createHash } from 'node:crypto';

/**
 * Failure signatures: the same defect hitting forty cases must read as one line. The message is
 * normalised so what varies between cases (uuids, names, numbers, addresses, paths, times) drops
 * out and what names the defect (the error code, the words of the message) stays.
 */

interface FailureSignature {
  /** Short stable id: `<CODE>:<10 hex>`, e.g. `VM_BAD_POWER_STATE:1c0f6a2b9e`. */
  signature: string;
  code: string;
  /** The message with variable parts replaced by placeholders like `<uuid>`, `<n>`. */
  normalized: string;
}

const MAX_NORMALIZED = 600;

// Order matters: the broad patterns (numbers) run last so they do not break the specific ones.
const RULES: readonly (readonly [RegExp, string])[] = [
  // OpaqueRef:<uuid> and OpaqueRef:NULL as xapi prints unconverted references.
  [/OpaqueRef:(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|NULL)/gi, '<ref>'],
  // xe prints a known object as "<uuid> (<name-label>)": the name is as variable as the uuid.
  // A parameter line ends with the name, which may itself hold parentheses: take up to the line end.
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b \([^\n]*\)[ \t]*$/gim, '<uuid> (<name>)'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b \([^()\n]*\)/gi, '<uuid> (<name>)'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b/gi, '<mac>'],
  // ISO 8601 and xensource.log times (20231005T12:34:56.789Z), syslog and ctime dates.
  [/\b\d{4}-?\d{2}-?\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [
    /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}:\d{2}(?: \d{4})?/g,
    '<time>',
  ],
  [/\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}:\d{2}\b/g, '<time>'],
  [/\b\d{2}:\d{2}:\d{2}(?:\.\d+)?\b/g, '<time>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, '<ip>'],
  [
    /\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?\b/gi,
    '<ip>',
  ],
  // Absolute paths (and Windows drive paths): which disk or file is incidental.
  [/(?<![\w<>])(?:[A-Za-z]:\\|\/)[\w.@%+~/\\-]+/g, '<path>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  // Long hex runs (hashes, ids) with a digit and a letter, so plain words and numbers are left to other rules.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  [/(?<![\w<])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g, '<n>'],
];

/** The message with its variable parts replaced, whitespace collapsed, and cut to a bounded length. */
export function normalizeMessage(message: string): string {
  let text = message;
  for (const [pattern, placeholder] of RULES) text = text.replace(pattern, placeholder);
  text = text
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');
  return text.length > MAX_NORMALIZED ? text.slice(0, MAX_NORMALIZED) : text;
}

/**
 * The error code of an xe failure when the caller has none: the two-line `Error code: X` form, or
 * an upper-case identifier at the start of the message.
 */
export function detectErrorCode(message: string): string | undefined {
  const explicit = /^Error code: ([A-Z][A-Z0-9_]+)/m.exec(message);
  if (explicit) return explicit[1];
  const leading = /^\s*([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/.exec(message);
  return leading?.[1];
}

/** Signature of a failure; `code` may be empty, then it is taken from the message or "UNKNOWN". */
export function describeFailure(code: string | null | undefined, message: string): FailureSignature {
  const c = code && code.trim() !== '' ? code.trim() : (detectErrorCode(message) ?? 'UNKNOWN');
  // Numbered SM failures (SR_BACKEND_FAILURE_90) are distinct defects: keep the number in the code.
  const normalized = normalizeMessage(message);
  const hash = createHash('sha256').update(`${c}\n${normalized}`, 'utf8').digest('hex').slice(0, 10);
  return { signature: `${c}:${hash}`, code: c, normalized };
}

/** The stable short signature string stored with a failed case (see describeFailure). */
export function failureSignature(code: string | null | undefined, message: string): string {
  return describeFailure(code, message).signature;
}

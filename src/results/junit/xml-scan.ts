/**
 * A light, linear scan of an XML document's tags: it enforces the limits a JUnit report never needs
 * to exceed (depth, attributes per element, element count) before the parser sees the document, and
 * tells which element is open at an offset (for error messages). Each character is looked at a
 * bounded number of times; no regular expression can backtrack over the input.
 */

const XML_LIMITS = { maxDepth: 256, maxAttributes: 256, maxElements: 1_000_000 };

interface XmlScanProblem {
  offset: number;
  message: string;
  path: string;
}

interface Open {
  name: string;
  index: number;
  counts: Map<string, number>;
}

/** Letters, `_` and `:` start a name; digits, `.` and `-` may follow (ASCII is enough to find tags). */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d;
}

/**
 * Scans up to `stopAt` (the whole text by default). Returns the first limit exceeded, or the path of
 * the elements open at `stopAt`. Malformed markup is skipped here: the validator reports it.
 */
export function scanXml(
  text: string,
  stopAt = text.length,
  limits = XML_LIMITS,
): { problem: XmlScanProblem | null; path: string } {
  const stack: Open[] = [];
  const rootCounts = new Map<string, number>();
  const path = (): string => stack.map((s) => `${s.name}[${s.index}]`).join('/');
  let elements = 0;
  let i = 0;
  while (i < stopAt) {
    const lt = text.indexOf('<', i);
    if (lt < 0 || lt >= stopAt) break;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */ && text.startsWith('<!--', lt)) {
      i = skipPast(text, lt + 4, '-->');
      continue;
    }
    if (next === 0x21 && text.startsWith('<![CDATA[', lt)) {
      i = skipPast(text, lt + 9, ']]>');
      continue;
    }
    if (next === 0x3f /* ? */ || next === 0x21) {
      i = skipPast(text, lt + 2, '>');
      continue;
    }
    const closing = next === 0x2f;
    let j = lt + (closing ? 2 : 1);
    if (j >= text.length || !isNameStart(text.charCodeAt(j))) {
      i = lt + 1;
      continue;
    }
    const nameStart = j;
    while (j < text.length && isNameChar(text.charCodeAt(j))) j++;
    const name = text.slice(nameStart, j);
    // The rest of the tag: quoted values may hold '>'; each quoted value is one attribute.
    let attributes = 0;
    let selfClosing = false;
    while (j < text.length && text[j] !== '>') {
      const c = text[j]!;
      if (c === '"' || c === "'") {
        const close = text.indexOf(c, j + 1);
        j = close < 0 ? text.length : close + 1;
        attributes++;
        continue;
      }
      if (c === '<') break; // an unfinished tag: the validator explains it
      selfClosing = c === '/';
      j++;
    }
    i = j + 1;
    if (closing) {
      let k = stack.length - 1;
      while (k >= 0 && stack[k]!.name !== name) k--;
      if (k >= 0) stack.length = k;
      continue;
    }
    if (++elements > limits.maxElements) {
      return {
        problem: { offset: lt, message: `more than ${limits.maxElements} elements`, path: path() },
        path: path(),
      };
    }
    if (attributes > limits.maxAttributes) {
      return {
        problem: { offset: lt, message: `<${name}> has more than ${limits.maxAttributes} attributes`, path: path() },
        path: path(),
      };
    }
    const counts = stack[stack.length - 1]?.counts ?? rootCounts;
    const index = (counts.get(name) ?? 0) + 1;
    counts.set(name, index);
    if (!selfClosing) {
      stack.push({ name, index, counts: new Map() });
      if (stack.length > limits.maxDepth) {
        return {
          problem: { offset: lt, message: `elements nested more than ${limits.maxDepth} deep`, path: path() },
          path: path(),
        };
      }
    }
  }
  return { problem: null, path: path() };
}

function skipPast(text: string, from: number, end: string): number {
  const at = text.indexOf(end, from);
  return at < 0 ? text.length : at + end.length;
}

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { ResultsError, ResultsErrorCode } from 'src/results/results.errors';
import { scanXml } from 'src/results/junit/xml-scan';

/** A parsed XML element with decoded attributes and text (text and CDATA joined in order). */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  /** Where it sits, e.g. `testsuites/testsuite[1]/testcase[3]`, for error messages. */
  path: string;
}

export interface ParseXmlOptions {
  /** Named in error messages (a file name, a submission id). */
  source?: string;
  /** Refuse larger documents before parsing (default 64 MiB). */
  maxBytes?: number;
}

type OrderedNode = Record<string, unknown>;

// Entities are decoded here, not by the parser: one pass, only the five XML entities and character
// references, so no document can make the parser expand anything (billion laughs, external entities).
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  commentPropName: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Parses a whole XML document into a tree; errors name the source, line, column and element path. */
export function parseXmlTree(xml: string, opts: ParseXmlOptions = {}): XmlElement {
  const source = opts.source ?? 'XML';
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  if (Buffer.byteLength(xml, 'utf8') > maxBytes) {
    throw new ResultsError(`${source}: document is larger than ${maxBytes} bytes`, ResultsErrorCode.JunitUnsafe, {
      source,
    });
  }
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype) {
    const { line, col } = lineCol(text, doctype.index);
    throw new ResultsError(
      `${source}:${line}:${col}: DOCTYPE declarations are refused (they can define entities that expand without bound); JUnit XML never needs one`,
      ResultsErrorCode.JunitUnsafe,
      { source, line, col },
    );
  }
  // XML 1.0 allows no NUL and no C0 control but tab, newline and carriage return, even escaped.
  const control = forbiddenCharAt(text);
  if (control >= 0) {
    const { line, col } = lineCol(text, control);
    const code = text.charCodeAt(control).toString(16).toUpperCase().padStart(4, '0');
    throw new ResultsError(
      `${source}:${line}:${col}: character U+${code} is not allowed in XML`,
      ResultsErrorCode.JunitMalformed,
      {
        source,
        line,
        col,
      },
    );
  }
  const scanned = scanXml(text);
  if (scanned.problem) {
    const { line, col } = lineCol(text, scanned.problem.offset);
    const path = shortPath(scanned.problem.path);
    throw new ResultsError(
      `${source}:${line}:${col}: refused${path ? ` in ${path}` : ''}: ${scanned.problem.message}`,
      ResultsErrorCode.JunitUnsafe,
      { source, line, col, path },
    );
  }
  // The common case, a well-formed report, takes one pass of a strict XML 1.0 parser. A document it
  // refuses goes the long way (validator, then parser), which explains the refusal as before.
  const strict = parseStrict(text);
  if (strict) return strict;
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    const path = elementPathAt(text, offsetOf(text, line, col));
    throw new ResultsError(
      `${source}:${line}:${col}: malformed XML${path ? ` in ${path}` : ''}: ${msg}`,
      ResultsErrorCode.JunitMalformed,
      { source, line, col, path },
    );
  }
  const nodes = parser.parse(text) as OrderedNode[];
  const roots = toElements(nodes, '', source);
  if (roots.length !== 1) {
    throw new ResultsError(
      `${source}: expected one root element, found ${roots.length}`,
      ResultsErrorCode.JunitMalformed,
      { source },
    );
  }
  return roots[0]!;
}

interface Opening {
  element: XmlElement;
  /** Path with every index, `testsuites[1]/testsuite[2]`, from which children's paths are made. */
  fullPath: string;
  seen: Map<string, number>;
}

/**
 * The tree from saxes, which checks well-formedness, entities and character references as it goes
 * (XML 1.0: an unknown entity, a bare "&", a forbidden character reference or a second root is an
 * error) and normalises whitespace in attribute values as XML says; undefined on any error.
 */
function parseStrict(text: string): XmlElement | undefined {
  const parser = new SaxesParser({ xmlns: false, position: false });
  const roots: XmlElement[] = [];
  const rootSeen = new Map<string, number>();
  const open: Opening[] = [];
  parser.on('opentag', (tag) => {
    const parent = open[open.length - 1];
    const seen = parent ? parent.seen : rootSeen;
    const index = (seen.get(tag.name) ?? 0) + 1;
    seen.set(tag.name, index);
    const fullPath = `${parent ? `${parent.fullPath}/` : ''}${tag.name}[${index}]`;
    const element: XmlElement = {
      name: tag.name,
      attrs: { ...(tag.attributes as Record<string, string>) },
      children: [],
      text: '',
      path: shortPath(fullPath),
    };
    (parent ? parent.element.children : roots).push(element);
    open.push({ element, fullPath, seen: new Map() });
  });
  const addText = (t: string): void => {
    const current = open[open.length - 1];
    if (current) current.element.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => void open.pop());
  try {
    parser.write(text).close();
  } catch {
    return undefined;
  }
  return roots.length === 1 ? roots[0] : undefined;
}

function toElements(nodes: readonly OrderedNode[], parentPath: string, source: string): XmlElement[] {
  const out: XmlElement[] = [];
  const seen = new Map<string, number>();
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (name === undefined || name === '#text' || name === '#cdata') continue;
    const index = (seen.get(name) ?? 0) + 1;
    seen.set(name, index);
    const path = `${parentPath ? `${parentPath}/` : ''}${name}[${index}]`;
    const rawAttrs = (node[':@'] ?? {}) as Record<string, unknown>;
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawAttrs)) {
      // XML attribute-value normalisation: literal whitespace becomes a space; &#10; stays a newline.
      attrs[k] = decodeEntities(String(v).replace(/[\t\n\r]/g, ' '), source, `${path}/@${k}`);
    }
    const children = (node[name] ?? []) as OrderedNode[];
    let text = '';
    for (const child of children) {
      if ('#text' in child) text += decodeEntities(String(child['#text']), source, path);
      else if ('#cdata' in child) text += cdataText(child['#cdata']);
    }
    out.push({ name, attrs, children: toElements(children, path, source), text, path: shortPath(path) });
  }
  return out;
}

function cdataText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  return value
    .map((v) => {
      const t = (v as Record<string, unknown>)['#text'];
      return typeof t === 'string' ? t : '';
    })
    .join('');
}

/** `testsuites[1]/testsuite[2]` → `testsuites/testsuite[2]`: index 1 of a lone root adds nothing. */
function shortPath(path: string): string {
  return path.replace(/^([^/[]+)\[1\]/, '$1');
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string, source: string, path: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) fail(source, path, `bare "&" (write &amp;)`);
    const named = NAMED[ref];
    if (named !== undefined) return named;
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (!m) fail(source, path, `unknown entity &${ref};`);
    const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
    // XML 1.0 characters only: no NUL, no C0 control but tab/newline/CR, no lone surrogate half.
    const allowed =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff);
    if (!allowed) fail(source, path, `invalid character reference &${ref};`);
    return String.fromCodePoint(code);
  });
}

function fail(source: string, path: string, what: string): never {
  throw new ResultsError(`${source}: ${shortPath(path)}: ${what}`, ResultsErrorCode.JunitMalformed, {
    source,
    path: shortPath(path),
  });
}

/** Offset of the first character XML 1.0 forbids (NUL, C0 controls but tab/LF/CR, U+FFFE/U+FFFF), or -1. */
function forbiddenCharAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x9 && c !== 0xa && c !== 0xd) || c === 0xfffe || c === 0xffff) return i;
  }
  return -1;
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, col: offset - last };
}

function offsetOf(text: string, line: number, col: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + Math.max(0, col - 1));
}

/** The path of open elements at an offset (used only to explain errors). */
function elementPathAt(text: string, offset: number): string {
  return shortPath(scanXml(text, offset, { maxDepth: Infinity, maxAttributes: Infinity, maxElements: Infinity }).path);
}

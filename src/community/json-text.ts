import { CommunityError, CommunityErrorCode } from 'src/community/community.errors';

/** Line and column (1-based) of a character offset. */
function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}

/**
 * JSON.parse with an error that names the source, line and column. V8's own message gives no
 * position for some errors and quotes the input, so on failure a small scanner finds where and why.
 */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const { offset, reason } = findJsonError(text);
    const { line, col } = lineColAt(text, offset);
    throw new CommunityError(
      `${source}:${line}:${col}: malformed JSON: ${reason}`,
      CommunityErrorCode.SubmissionMalformed,
      {
        source,
        line,
        col,
      },
    );
  }
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Where a text stops being JSON (only called on text JSON.parse refused). */
function findJsonError(text: string): { offset: number; reason: string } {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const what = (): string => (i >= text.length ? 'the end of the text' : `'${text[i] === '\n' ? '\\n' : text[i]}'`);
  const expect = (ch: string): void => {
    if (text[i] !== ch) throw new Stop(i, `expected '${ch}', found ${what()}`);
    i++;
  };
  const str = (): void => {
    expect('"');
    for (;;) {
      if (i >= text.length) throw new Stop(i, 'unterminated string');
      const c = text.charCodeAt(i);
      if (c === 34) return void i++;
      if (c < 0x20) throw new Stop(i, 'control character inside a string (escape it)');
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i, 'bad \\u escape');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Stop(i, 'bad escape in string');
      } else i++;
    }
  };
  const value = (depth: number): void => {
    if (depth > 512) throw new Stop(i, 'nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Stop(i, `expected a property name in double quotes, found ${what()}`);
        str();
        ws();
        expect(':');
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else throw new Stop(i, `expected ',' or '}' after a property, found ${what()}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else throw new Stop(i, `expected ',' or ']' after an element, found ${what()}`);
      }
    }
    if (c === '"') return str();
    const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!lit) throw new Stop(i, `unexpected ${what()}`);
    i += lit[0].length;
  };
  try {
    value(0);
    ws();
    if (i < text.length) throw new Stop(i, `unexpected ${what()} after the value`);
    return { offset: i, reason: 'not valid JSON' };
  } catch (err) {
    if (err instanceof Stop) return { offset: err.offset, reason: err.reason };
    throw err;
  }
}

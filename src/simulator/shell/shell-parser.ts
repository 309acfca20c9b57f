/**
 * The small shell the simulated hosts and guests run exec requests through. Supported:
 * - words, 'single quotes', "double quotes" (backslash escapes \" \\ \$ \`), backslash escapes
 * - `;`, `&&`, `||` between pipelines; `|` pipes; a trailing `&` runs the pipeline in the background
 * - redirections `> f`, `>> f`, `2> f`, `2>> f`, `2>&1`, `&> f`, `< f` (also glued: `>/dev/null`)
 * - `# comments`, newlines as `;`
 * Not supported (rejected with a clear error): `$VAR`/`$(...)`/backticks expansion, globs, subshells,
 * here-documents, functions. Real scripts the product sends are plain command lines.
 */

export interface Redirect {
  fd: 1 | 2 | 0 | 'both';
  target: string;
  append: boolean;
}

export interface SimpleCommand {
  argv: string[];
  redirects: Redirect[];
}

export interface Pipeline {
  commands: SimpleCommand[];
  background: boolean;
}

export interface ListItem {
  pipeline: Pipeline;
  /** how the NEXT item is chained to this one */
  then: ';' | '&&' | '||' | null;
}

export class ShellSyntaxError extends Error {}

type Token = { kind: 'word'; value: string } | { kind: 'op'; value: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let word: string | null = null;
  const flush = (): void => {
    if (word !== null) tokens.push({ kind: 'word', value: word });
    word = null;
  };
  while (i < src.length) {
    const c = src.charAt(i);
    if (c === ' ' || c === '\t') {
      flush();
      i++;
    } else if (c === '\n') {
      flush();
      tokens.push({ kind: 'op', value: ';' });
      i++;
    } else if (c === '#' && word === null) {
      while (i < src.length && src.charAt(i) !== '\n') i++;
    } else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated single quote');
      word = (word ?? '') + src.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let acc = '';
      while (j < src.length && src.charAt(j) !== '"') {
        const d = src.charAt(j);
        if (d === '\\' && '"\\$`'.includes(src.charAt(j + 1))) {
          acc += src.charAt(j + 1);
          j += 2;
        } else if (d === '$' || d === '`') {
          throw new ShellSyntaxError(`expansion (${d}) is not supported by the simulated shell`);
        } else {
          acc += d;
          j++;
        }
      }
      if (j >= src.length) throw new ShellSyntaxError('unterminated double quote');
      word = (word ?? '') + acc;
      i = j + 1;
    } else if (c === '\\') {
      word = (word ?? '') + src.charAt(i + 1);
      i += 2;
    } else if (c === '$' || c === '`' || c === '(' || c === ')' || c === '*' || c === '?') {
      if ((c === '*' || c === '?') && word !== null) {
        word += c;
        i++;
        continue;
      }
      throw new ShellSyntaxError(`'${c}' (expansion, globbing or subshell) is not supported by the simulated shell`);
    } else {
      const rest = src.slice(i);
      const op = ['&&', '||', '2>&1', '2>>', '2>', '&>', '>>', '>', '<', ';', '|', '&'].find((o) => rest.startsWith(o));
      if (op && !(op.startsWith('2') && word !== null)) {
        flush();
        tokens.push({ kind: 'op', value: op });
        i += op.length;
      } else {
        word = (word ?? '') + c;
        i++;
      }
    }
  }
  flush();
  return tokens;
}

export function parseShell(src: string): ListItem[] {
  const tokens = tokenize(src);
  const items: ListItem[] = [];
  let commands: SimpleCommand[] = [];
  let current: SimpleCommand = { argv: [], redirects: [] };
  const endCommand = (): void => {
    if (current.argv.length === 0) {
      if (current.redirects.length > 0) throw new ShellSyntaxError('redirection without a command');
      return;
    }
    commands.push(current);
    current = { argv: [], redirects: [] };
  };
  const endPipeline = (then: ListItem['then'], background: boolean): void => {
    endCommand();
    if (commands.length === 0) {
      if (then === '&&' || then === '||' || background) {
        throw new ShellSyntaxError(`syntax error near '${then ?? '&'}'`);
      }
      return;
    }
    items.push({ pipeline: { commands, background }, then });
    commands = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    if (t.kind === 'word') {
      current.argv.push(t.value);
      continue;
    }
    switch (t.value) {
      case ';':
        endPipeline(';', false);
        break;
      case '&':
        endPipeline(';', true);
        break;
      case '&&':
      case '||':
        endPipeline(t.value, false);
        break;
      case '|':
        endCommand();
        if (commands.length === 0) throw new ShellSyntaxError("syntax error near '|'");
        break;
      case '2>&1':
        current.redirects.push({ fd: 2, target: '&1', append: false });
        break;
      default: {
        const target = tokens[i + 1];
        if (!target || target.kind !== 'word') throw new ShellSyntaxError(`missing file after '${t.value}'`);
        i++;
        const fd = t.value === '<' ? 0 : t.value.startsWith('2') ? 2 : t.value === '&>' ? 'both' : 1;
        current.redirects.push({ fd, target: target.value, append: t.value.endsWith('>>') });
      }
    }
  }
  endPipeline(null, false);
  const last = items[items.length - 1];
  if (last && (last.then === '&&' || last.then === '||')) {
    throw new ShellSyntaxError('command line ends with an operator');
  }
  return items;
}

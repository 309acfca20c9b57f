import { type Document, LineCounter, type Node } from 'yaml';
import { parseUntrustedYaml, yamlShapeProblem } from 'src/common/input/yaml-limits';

/** One problem of a user's YAML file, at the line and column (1-based) it concerns. */
export interface YamlProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** `file:line:col: message`, the one way problems of user files are written. */
export function formatYamlProblem(p: YamlProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** A user's YAML document read without error, with the positions of its nodes. */
export class UserYaml {
  constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The problem `message` at a node (its first character), or at a character offset of the text. */
  problemAt(at: Node | number | null | undefined, message: string): YamlProblem {
    const offset = typeof at === 'number' ? at : (at?.range?.[0] ?? 0);
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col, message };
  }
}

interface ReadYamlOptions {
  /** Larger texts are refused before parsing; user files are small, so anything far larger is a mistake or an attack. */
  maxChars: number;
  /** What the file is, for the size message ("a campaign", "an inventory"). */
  what: string;
  /** Refuse a key repeated in one mapping as a YAML error (the default); false leaves it to the caller. */
  uniqueKeys?: boolean;
}

/**
 * The one reader of YAML written by users (campaigns, inventories, nested lab files, external
 * suite lists): size, nesting and syntax problems come back as positioned problems, never as a
 * throw, a stack overflow or a parse that takes more than linear time.
 */
export function readUserYaml(
  text: string,
  file: string,
  options: ReadYamlOptions,
): { yaml: UserYaml; problems: [] } | { yaml?: undefined; problems: YamlProblem[] } {
  if (text.length > options.maxChars) {
    const message = `larger than ${options.maxChars} characters; ${options.what} should be far smaller`;
    return { problems: [{ file, line: 1, col: 1, message }] };
  }
  const shape = yamlShapeProblem(text);
  if (shape) return { problems: [{ file, line: shape.line, col: shape.col, message: `YAML ${shape.message}` }] };
  const lines = new LineCounter();
  const doc = parseUntrustedYaml(text, {
    lineCounter: lines,
    uniqueKeys: options.uniqueKeys ?? true,
    prettyErrors: false,
  });
  const yaml = new UserYaml(file, doc, lines);
  if (doc.errors.length === 0) return { yaml, problems: [] };
  return {
    problems: doc.errors.slice(0, 20).map((e) => {
      const message = /call stack/i.test(e.message)
        ? 'nested too deeply to read'
        : (e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'syntax error');
      return yaml.problemAt(e.pos[0], `YAML: ${message}`);
    }),
  };
}

import { type DocumentOptions, type ParseOptions, parseDocument, type SchemaOptions } from 'yaml';

/**
 * A linear pre-check of YAML text before the `yaml` package parses it: that parser recurses per
 * nesting level, so `- - - - …` or `[[[[…` tens of thousands deep exhausts its stack or memory
 * (and a 64 KB line of `- ` brought the process down). Campaigns, inventories and lab files never
 * nest deeper than a few levels; this refuses what is far beyond, with the line and column.
 */
interface YamlShapeProblem {
  line: number;
  col: number;
  message: string;
}

const YAML_LIMITS = { maxDepth: 64, maxIndent: 512 };

const FLOW_OPENER_AFTER = new Set([':', '-', ',', '[', '{', '?']);

export function yamlShapeProblem(text: string, limits = YAML_LIMITS): YamlShapeProblem | null {
  let line = 1;
  let lineStart = 0;
  let flow = 0;
  let i = 0;
  while (i < text.length) {
    // Indentation, then a chain of block indicators ("- - ? : ") at the start of the line.
    let j = i;
    while (j < text.length && text.charCodeAt(j) === 0x20) j++;
    if (j - lineStart > limits.maxIndent) {
      return { line, col: j - lineStart + 1, message: `indented more than ${limits.maxIndent} columns` };
    }
    let chain = 0;
    for (;;) {
      const c = text[j];
      const next = text[j + 1];
      if ((c === '-' || c === '?' || c === ':') && (next === ' ' || next === '\n' || next === undefined)) {
        if (++chain > limits.maxDepth) {
          return { line, col: j - lineStart + 1, message: `nested more than ${limits.maxDepth} levels on one line` };
        }
        j++;
        while (text.charCodeAt(j) === 0x20) j++;
      } else break;
    }
    // The rest of the line: flow collections opened after an indicator (or at the start).
    let previous = '[';
    for (; j < text.length && text.charCodeAt(j) !== 0x0a; j++) {
      const c = text[j]!;
      if (c === ' ' || c === '\t') continue;
      if ((c === '[' || c === '{') && FLOW_OPENER_AFTER.has(previous)) {
        if (++flow > limits.maxDepth) {
          return { line, col: j - lineStart + 1, message: `flow collections nested more than ${limits.maxDepth} deep` };
        }
      } else if ((c === ']' || c === '}') && flow > 0) {
        flow--;
      }
      previous = c;
    }
    i = j + 1;
    line++;
    lineStart = i;
  }
  return null;
}

/**
 * `parseDocument` for text from users: the caller checks yamlShapeProblem first. The package builds
 * an Error per syntax problem, and capturing each one's stack trace made junk text cost ~50 µs a
 * character; those stacks are never shown, so none are captured while parsing.
 */
export function parseUntrustedYaml(
  text: string,
  options: ParseOptions & DocumentOptions & SchemaOptions,
): ReturnType<typeof parseDocument> {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseDocument(text, options);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

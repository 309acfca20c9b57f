import { valueText } from 'src/matrix/canonical';
import { MatrixError, MatrixErrorCode } from 'src/matrix/matrix.errors';
import type { Params, Value } from 'src/matrix/matrix.types';

/*
 * The constraint / expectation language, parsed here (never eval'd):
 *
 *   rule       := IF expr THEN expr [ELSE expr] | expr
 *   expr       := term { (OR | '||') term }
 *   term       := factor { (AND | '&&') factor }
 *   factor     := (NOT | '!') factor | '(' expr ')' | TRUE | FALSE | comparison
 *   comparison := name op literal | name [NOT] IN '[' literal {',' literal} ']'
 *   op         := '==' | '!=' | '<>' | '<' | '<=' | '>' | '>='
 *
 * Keywords are case-insensitive. A name is a parameter, or `param.field` for a field of an object
 * value. A literal is a bare word (letters, digits, `_ . : / + @ -`) or a quoted string. Values are
 * compared by their text (see valueText); `<`, `>` compare numerically when both sides are numbers.
 * `IF a THEN b` holds when a is false or b is true; with `ELSE c`, when a ? b : c.
 * Example: `IF scope IN [cross-pool, cross-pool-from-older] THEN storage <> shared`.
 */

type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { kind: 'const'; value: boolean }
  | { kind: 'not'; arg: Expr }
  | { kind: 'and' | 'or'; args: Expr[] }
  | { kind: 'if'; cond: Expr; then: Expr; else?: Expr }
  | { kind: 'cmp'; name: string; op: CompareOp; literal: string; offset: number }
  | { kind: 'in'; name: string; negated: boolean; literals: string[]; offset: number };

interface Token {
  type: 'word' | 'string' | 'op' | 'punct' | 'end';
  text: string;
  offset: number;
}

const WORD = /[A-Za-z0-9_.:/+@-]/;
const MAX_EXPRESSION_LENGTH = 4000;
const MAX_NESTING = 64;

function syntax(message: string, offset: number): MatrixError {
  return new MatrixError(message, MatrixErrorCode.ExpressionSyntax, undefined, offset);
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "'") {
      const start = i++;
      let text = '';
      while (i < src.length && src[i] !== ch) {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        text += src[i];
        i++;
      }
      if (i >= src.length) throw syntax(`unterminated string starting at column ${start + 1}`, start);
      i++;
      tokens.push({ type: 'string', text, offset: start });
    } else if (WORD.test(ch)) {
      const start = i;
      while (i < src.length && WORD.test(src[i] as string)) i++;
      tokens.push({ type: 'word', text: src.slice(start, i), offset: start });
    } else {
      const two = src.slice(i, i + 2);
      if (['==', '!=', '<>', '<=', '>=', '&&', '||'].includes(two)) {
        tokens.push({ type: 'op', text: two, offset: i });
        i += 2;
      } else if ('=<>!'.includes(ch)) {
        tokens.push({ type: 'op', text: ch, offset: i });
        i++;
      } else if ('()[]{},'.includes(ch)) {
        tokens.push({ type: 'punct', text: ch, offset: i });
        i++;
      } else {
        throw syntax(`unexpected character '${ch}'`, i);
      }
    }
  }
  tokens.push({ type: 'end', text: '', offset: src.length });
  return tokens;
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.type === 'word' && t.text.toUpperCase() === word;
  }

  private expectKeyword(word: string): void {
    if (!this.isKeyword(word)) throw syntax(`expected ${word} but found ${describe(this.peek())}`, this.peek().offset);
    this.pos++;
  }

  parseRule(): Expr {
    let expr: Expr;
    if (this.isKeyword('IF')) {
      this.pos++;
      const cond = this.parseExpr();
      this.expectKeyword('THEN');
      const then = this.parseExpr();
      let otherwise: Expr | undefined;
      if (this.isKeyword('ELSE')) {
        this.pos++;
        otherwise = this.parseExpr();
      }
      expr = { kind: 'if', cond, then, else: otherwise };
    } else {
      expr = this.parseExpr();
    }
    const t = this.peek();
    if (t.type !== 'end') throw syntax(`unexpected ${describe(t)} after the end of the expression`, t.offset);
    return expr;
  }

  private parseExpr(): Expr {
    if (++this.depth > MAX_NESTING) throw syntax('expression nested too deeply', this.peek().offset);
    const args = [this.parseTerm()];
    while (this.isKeyword('OR') || (this.peek().type === 'op' && this.peek().text === '||')) {
      this.pos++;
      args.push(this.parseTerm());
    }
    this.depth--;
    return args.length === 1 ? (args[0] as Expr) : { kind: 'or', args };
  }

  private parseTerm(): Expr {
    const args = [this.parseFactor()];
    while (this.isKeyword('AND') || (this.peek().type === 'op' && this.peek().text === '&&')) {
      this.pos++;
      args.push(this.parseFactor());
    }
    return args.length === 1 ? (args[0] as Expr) : { kind: 'and', args };
  }

  private parseFactor(): Expr {
    const t = this.peek();
    if (this.isKeyword('NOT') || (t.type === 'op' && t.text === '!')) {
      this.pos++;
      if (++this.depth > MAX_NESTING) throw syntax('expression nested too deeply', t.offset);
      const arg = this.parseFactor();
      this.depth--;
      return { kind: 'not', arg };
    }
    if (t.type === 'punct' && t.text === '(') {
      this.pos++;
      const inner = this.parseExpr();
      const close = this.peek();
      if (close.type !== 'punct' || close.text !== ')') {
        throw syntax(`expected ')' but found ${describe(close)}`, close.offset);
      }
      this.pos++;
      return inner;
    }
    if (this.isKeyword('TRUE') || this.isKeyword('FALSE')) {
      this.pos++;
      return { kind: 'const', value: t.text.toUpperCase() === 'TRUE' };
    }
    if (t.type !== 'word' || isReserved(t.text)) {
      throw syntax(`expected a parameter name but found ${describe(t)}`, t.offset);
    }
    this.pos++;
    return this.parseComparison(t);
  }

  private parseComparison(name: Token): Expr {
    let negated = false;
    if (this.isKeyword('NOT')) {
      this.pos++;
      negated = true;
      if (!this.isKeyword('IN')) {
        throw syntax(`expected IN after NOT but found ${describe(this.peek())}`, this.peek().offset);
      }
    }
    if (this.isKeyword('IN')) {
      this.pos++;
      const open = this.peek();
      if (open.type !== 'punct' || (open.text !== '[' && open.text !== '{')) {
        throw syntax(`expected '[' after IN but found ${describe(open)}`, open.offset);
      }
      this.pos++;
      const literals = [this.parseLiteral()];
      while (this.peek().type === 'punct' && this.peek().text === ',') {
        this.pos++;
        literals.push(this.parseLiteral());
      }
      const close = this.peek();
      if (close.type !== 'punct' || (close.text !== ']' && close.text !== '}')) {
        throw syntax(`expected ',' or ']' but found ${describe(close)}`, close.offset);
      }
      this.pos++;
      return { kind: 'in', name: name.text, negated, literals, offset: name.offset };
    }
    const op = this.peek();
    if (op.type !== 'op' || ['&&', '||', '!'].includes(op.text)) {
      throw syntax(
        `expected a comparison (==, !=, <, <=, >, >=, IN) after '${name.text}' but found ${describe(op)}`,
        op.offset,
      );
    }
    if (op.text === '=') {
      // A lone `=` reads as an assignment in most languages; taking it as `==` hid typos such as `<=`.
      throw syntax(`'=' is not a comparison: write '${name.text} == …' to test equality`, op.offset);
    }
    this.pos++;
    const normalized: CompareOp = op.text === '<>' ? '!=' : (op.text as CompareOp);
    return { kind: 'cmp', name: name.text, op: normalized, literal: this.parseLiteral(), offset: name.offset };
  }

  private parseLiteral(): string {
    const t = this.peek();
    if (t.type === 'string' || (t.type === 'word' && !isReserved(t.text))) {
      this.pos++;
      return t.text;
    }
    throw syntax(`expected a value but found ${describe(t)}`, t.offset);
  }
}

const RESERVED = new Set(['IF', 'THEN', 'ELSE', 'AND', 'OR', 'NOT', 'IN']);

function isReserved(word: string): boolean {
  return RESERVED.has(word.toUpperCase());
}

function describe(t: Token): string {
  if (t.type === 'end') return 'the end of the expression';
  if (t.type === 'string') return `the string "${t.text}"`;
  return `'${t.text}'`;
}

export function parseExpression(src: string): Expr {
  if (src.length > MAX_EXPRESSION_LENGTH) throw syntax(`expression longer than ${MAX_EXPRESSION_LENGTH} characters`, 0);
  return new Parser(tokenize(src)).parseRule();
}

/** The comparisons of an expression, in source order: the names it refers to and where. */
export function comparisonsOf(expr: Expr): Array<Expr & { kind: 'cmp' | 'in' }> {
  switch (expr.kind) {
    case 'const':
      return [];
    case 'not':
      return comparisonsOf(expr.arg);
    case 'and':
    case 'or':
      return expr.args.flatMap(comparisonsOf);
    case 'if':
      return [expr.cond, expr.then, ...(expr.else ? [expr.else] : [])].flatMap(comparisonsOf);
    case 'cmp':
    case 'in':
      return [expr];
  }
}

/** Names an expression refers to. */
export function referencedNames(expr: Expr, into: Set<string> = new Set()): Set<string> {
  switch (expr.kind) {
    case 'const':
      break;
    case 'not':
      referencedNames(expr.arg, into);
      break;
    case 'and':
    case 'or':
      expr.args.forEach((a) => referencedNames(a, into));
      break;
    case 'if':
      referencedNames(expr.cond, into);
      referencedNames(expr.then, into);
      if (expr.else) referencedNames(expr.else, into);
      break;
    case 'cmp':
    case 'in':
      into.add(expr.name);
      break;
  }
  return into;
}

/** Does a value satisfy a comparison leaf? `undefined` value means the parameter is absent. */
export function leafHolds(expr: Expr & { kind: 'cmp' | 'in' }, value: Value | undefined): boolean {
  const text = value === undefined ? undefined : valueText(value);
  if (expr.kind === 'in') {
    const found = text !== undefined && expr.literals.some((l) => literalText(l) === text);
    return expr.negated ? !found : found;
  }
  const lit = literalText(expr.literal);
  switch (expr.op) {
    case '==':
      return text === lit;
    case '!=':
      return text !== lit;
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (text === undefined) return false;
      const a = Number(text);
      const b = Number(lit);
      const cmp =
        Number.isFinite(a) && Number.isFinite(b) && text !== '' && lit !== ''
          ? a - b
          : text < lit
            ? -1
            : text > lit
              ? 1
              : 0;
      return expr.op === '<' ? cmp < 0 : expr.op === '<=' ? cmp <= 0 : expr.op === '>' ? cmp > 0 : cmp >= 0;
    }
  }
}

/** A literal is written as text; it matches a value whose valueText is the same (quotes stripped). */
function literalText(literal: string): string {
  return valueText(literal);
}

/** Looks a name up in params: the parameter itself, else a field path inside an object value. */
export function lookup(params: Params, name: string): Value | undefined {
  if (Object.prototype.hasOwnProperty.call(params, name)) return params[name];
  const parts = name.split('.');
  for (let split = parts.length - 1; split >= 1; split--) {
    const head = parts.slice(0, split).join('.');
    if (!Object.prototype.hasOwnProperty.call(params, head)) continue;
    let current: Value | undefined = params[head];
    for (const field of parts.slice(split)) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
      current = Object.prototype.hasOwnProperty.call(current, field) ? current[field] : undefined;
      if (current === undefined) return undefined;
    }
    return current;
  }
  return undefined;
}

/** Evaluates an expression on a complete set of parameters (expectations, `only` filters). */
export function evaluate(expr: Expr, params: Params): boolean {
  switch (expr.kind) {
    case 'const':
      return expr.value;
    case 'not':
      return !evaluate(expr.arg, params);
    case 'and':
      return expr.args.every((a) => evaluate(a, params));
    case 'or':
      return expr.args.some((a) => evaluate(a, params));
    case 'if':
      return evaluate(expr.cond, params) ? evaluate(expr.then, params) : expr.else ? evaluate(expr.else, params) : true;
    case 'cmp':
    case 'in':
      return leafHolds(expr, lookup(params, expr.name));
  }
}

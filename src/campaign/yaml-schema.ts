import { isAlias, isMap, isScalar, isSeq, type Node, Scalar, visit } from 'yaml';
import type { Diagnostic } from 'src/campaign/campaign.errors';
import type { UserYaml } from 'src/common/input/yaml-reader';
import type { Value } from 'src/matrix/matrix.types';

/**
 * A small schema language checked directly on the `yaml` package's nodes, so that every error
 * points at the line and column of the offending node, unknown keys are caught, and all errors of
 * a file are collected in one pass. Validators return the typed value, or BAD after recording why.
 */
export const BAD = Symbol('bad');
type Result<T> = T | typeof BAD;
export type Validator<T> = (node: Node | null, ctx: SchemaContext, what: string) => Result<T>;

const MAX_NODES = 200_000;
const MAX_DEPTH = 64;
const MAX_DIAGNOSTICS = 100;

export class SchemaContext {
  readonly diagnostics: Diagnostic[] = [];
  private readonly aliases = new Map<unknown, Node | undefined>();
  readonly aliasNodes: Node[] = [];
  private visited = 0;
  depth = 0;

  readonly file: string;

  constructor(private readonly yaml: UserYaml) {
    this.file = yaml.file;
    // One pass in document order: each alias gets the last anchor defined before it. Resolving
    // aliases through the library instead walks the document per alias, quadratic on alias bombs.
    const anchors = new Map<string, Node>();
    visit(yaml.doc, {
      Node: (_key, node) => {
        if (node.anchor) anchors.set(node.anchor, node);
      },
      Alias: (_key, alias) => {
        this.aliasNodes.push(alias);
        this.aliases.set(alias, anchors.get(alias.source));
      },
    });
  }

  error(node: Node | null | undefined, message: string, offset = 0): void {
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) return;
    this.errorAt(node?.range?.[0] ?? 0, message, offset);
  }

  errorAt(position: number, message: string, offset = 0): void {
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) return;
    this.diagnostics.push(this.yaml.problemAt(position + offset, message));
  }

  /** Follows aliases and counts nodes, so that alias bombs end in an error instead of a hang. */
  deref(node: Node | null): Node | null | typeof BAD {
    if (++this.visited > MAX_NODES) {
      if (this.visited === MAX_NODES + 1) {
        this.error(
          node,
          `the document expands to more than ${MAX_NODES} nodes (through aliases?); refusing to read further`,
        );
      }
      return BAD;
    }
    if (node && isAlias(node)) {
      const target = this.aliases.get(node);
      if (!target) {
        this.error(node, `alias *${node.source} refers to no anchor defined before it`);
        return BAD;
      }
      return target;
    }
    return node;
  }

  get exhausted(): boolean {
    return this.visited > MAX_NODES || this.diagnostics.length >= MAX_DIAGNOSTICS;
  }
}

export function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
    if (typeof v === 'number') return `a number (${v})`;
    if (typeof v === 'boolean') return `a boolean (${v})`;
    return `a ${typeof v}`;
  }
  return 'an alias';
}

function scalarOf<T>(pick: (v: unknown) => v is T, expected: string): Validator<T> {
  return (raw, ctx, what) => {
    const node = ctx.deref(raw);
    if (node === BAD) return BAD;
    if (node && isScalar(node) && pick(node.value)) return node.value;
    ctx.error(node ?? raw, `${what}: expected ${expected}, found ${describe(node)}`);
    return BAD;
  };
}

const str_ = (opts: { pattern?: RegExp; hint?: string; maxLength?: number } = {}): Validator<string> => {
  const base = scalarOf((v): v is string => typeof v === 'string', 'a string');
  return (raw, ctx, what) => {
    const v = base(raw, ctx, what);
    if (v === BAD) return BAD;
    if (v.trim() === '') {
      ctx.error(raw, `${what}: expected a non-empty string`);
      return BAD;
    }
    if (opts.maxLength !== undefined && v.length > opts.maxLength) {
      ctx.error(raw, `${what}: expected at most ${opts.maxLength} characters, found ${v.length}`);
      return BAD;
    }
    if (opts.pattern && !opts.pattern.test(v)) {
      ctx.error(raw, `${what}: expected ${opts.hint ?? `text matching ${opts.pattern}`}, found ${JSON.stringify(v)}`);
      return BAD;
    }
    return v;
  };
};

/** ` from 1 to 64`, ` ≥ 0`: a number's range, in errors and in the reference. */
const between = (opts: { min?: number; max?: number }): string =>
  opts.min !== undefined && opts.max !== undefined
    ? ` from ${opts.min} to ${opts.max}`
    : opts.min !== undefined
      ? ` ≥ ${opts.min}`
      : opts.max !== undefined
        ? ` ≤ ${opts.max}`
        : '';

const num_ = (opts: { min?: number; max?: number; integer?: boolean } = {}): Validator<number> => {
  const kind = opts.integer ? 'a whole number' : 'a number';
  const base = scalarOf((v): v is number => typeof v === 'number' && Number.isFinite(v), `${kind}${between(opts)}`);
  return (raw, ctx, what) => {
    const v = base(raw, ctx, what);
    if (v === BAD) return BAD;
    if (
      (opts.integer && !Number.isInteger(v)) ||
      (opts.min !== undefined && v < opts.min) ||
      (opts.max !== undefined && v > opts.max)
    ) {
      ctx.error(raw, `${what}: expected ${kind}${between(opts)}, found ${v}`);
      return BAD;
    }
    return v;
  };
};

const bool_ = (): Validator<boolean> => scalarOf((v): v is boolean => typeof v === 'boolean', 'true or false');

const oneOf_ = <T extends string>(values: readonly T[]): Validator<T> =>
  scalarOf(
    (v): v is T => typeof v === 'string' && (values as readonly string[]).includes(v),
    `one of ${values.join(', ')}`,
  );

/** Durations: seconds as a number, or text such as `90s`, `30m`, `2h`, `1h30m`. */
const duration_ = (): Validator<number> => (raw, ctx, what) => {
  const node = ctx.deref(raw);
  if (node === BAD) return BAD;
  if (node && isScalar(node)) {
    if (typeof node.value === 'number' && node.value > 0 && Number.isFinite(node.value)) return node.value;
    if (typeof node.value === 'string') {
      const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(node.value.trim());
      if (m && node.value.trim() !== '') {
        const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
        if (seconds > 0) return seconds;
      }
    }
  }
  ctx.error(
    node ?? raw,
    `${what}: expected a duration such as 90s, 30m, 2h or a number of seconds, found ${describe(node)}`,
  );
  return BAD;
};

const list_ =
  <T>(item: Validator<T>, opts: { min?: number; max?: number } = {}): Validator<T[]> =>
  (raw, ctx, what) => {
    const node = ctx.deref(raw);
    if (node === BAD) return BAD;
    if (!node || !isSeq(node)) {
      ctx.error(node ?? raw, `${what}: expected a list, found ${describe(node)}`);
      return BAD;
    }
    if (opts.min !== undefined && node.items.length < opts.min) {
      ctx.error(
        node,
        `${what}: expected at least ${opts.min} item${opts.min === 1 ? '' : 's'}, found ${node.items.length}`,
      );
      return BAD;
    }
    if (opts.max !== undefined && node.items.length > opts.max) {
      ctx.error(node, `${what}: expected at most ${opts.max} items, found ${node.items.length}`);
      return BAD;
    }
    const out: T[] = [];
    let bad = false;
    node.items.forEach((child, i) => {
      if (ctx.exhausted) {
        bad = true;
        return;
      }
      const v = item(child as Node | null, ctx, `${what}[${i}]`);
      if (v === BAD) bad = true;
      else out.push(v);
    });
    return bad ? BAD : out;
  };

/** A string, or a list of strings (read as a list). */
const strings_ = (): Validator<string[]> => (raw, ctx, what) => {
  const node = ctx.deref(raw);
  if (node === BAD) return BAD;
  if (node && isScalar(node)) {
    const one = str()(node, ctx, what);
    return one === BAD ? BAD : [one];
  }
  return list(str())(node, ctx, what);
};

function keyText(key: unknown): string | null {
  if (key instanceof Scalar && (typeof key.value === 'string' || typeof key.value === 'number')) {
    return String(key.value);
  }
  return null;
}

/** A map with any keys (checked by `key`) and values checked by `value`, in document order. */
const record_ =
  <T>(value: Validator<T>, opts: { key?: RegExp; keyHint?: string } = {}): Validator<Array<[string, T]>> =>
  (raw, ctx, what) => {
    const node = ctx.deref(raw);
    if (node === BAD) return BAD;
    if (!node || !isMap(node)) {
      ctx.error(node ?? raw, `${what}: expected a map, found ${describe(node)}`);
      return BAD;
    }
    if (++ctx.depth > MAX_DEPTH) {
      ctx.error(node, `${what}: nested more than ${MAX_DEPTH} levels deep`);
      ctx.depth--;
      return BAD;
    }
    const out: Array<[string, T]> = [];
    let bad = false;
    for (const pair of node.items) {
      if (ctx.exhausted) {
        bad = true;
        break;
      }
      const keyNode = pair.key as Node | null;
      const name = keyText(keyNode);
      if (name === null) {
        ctx.error(keyNode ?? node, `${what}: expected a text key, found ${describe(keyNode)}`);
        bad = true;
        continue;
      }
      if (opts.key && !opts.key.test(name)) {
        ctx.error(keyNode, `${what}: key ${JSON.stringify(name)} is not ${opts.keyHint ?? `matching ${opts.key}`}`);
        bad = true;
        continue;
      }
      const v = value(pair.value as Node | null, ctx, `${what}.${name}`);
      if (v === BAD) bad = true;
      else out.push([name, v]);
    }
    ctx.depth--;
    return bad ? BAD : out;
  };

interface Field<T> {
  v: Validator<T>;
  required?: boolean;
  /** What the key means, for the generated reference (docs/campaigns.md). */
  doc?: string;
  /** The value taken when the key is absent, as a campaign would write it. */
  default?: string;
}

export type Shape = Record<string, Field<unknown>>;
export type Typed<S extends Shape> = { [K in keyof S]?: S[K] extends Field<infer T> ? T : never };

/** A map with known keys: unknown keys and missing required keys are errors. */
const object_ =
  <S extends Shape>(
    shape: S,
    extraCheck?: (value: Typed<S>, node: Node, ctx: SchemaContext, what: string) => void,
  ): Validator<Typed<S>> =>
  (raw, ctx, what) => {
    const node = ctx.deref(raw);
    if (node === BAD) return BAD;
    if (!node || !isMap(node)) {
      ctx.error(node ?? raw, `${what}: expected a map, found ${describe(node)}`);
      return BAD;
    }
    if (++ctx.depth > MAX_DEPTH) {
      ctx.error(node, `${what}: nested more than ${MAX_DEPTH} levels deep`);
      ctx.depth--;
      return BAD;
    }
    const out: Record<string, unknown> = {};
    let bad = false;
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (ctx.exhausted) {
        bad = true;
        break;
      }
      const keyNode = pair.key as Node | null;
      const name = keyText(keyNode);
      const field = name === null ? undefined : shape[name];
      if (name === null || !field || !Object.prototype.hasOwnProperty.call(shape, name)) {
        ctx.error(
          keyNode ?? node,
          `${what}: unknown key ${name === null ? describe(keyNode) : `'${name}'`} (expected one of: ${Object.keys(shape).join(', ')})`,
        );
        bad = true;
        continue;
      }
      seen.add(name);
      const v = field.v(pair.value as Node | null, ctx, `${what}.${name}`);
      if (v === BAD) bad = true;
      else out[name] = v;
    }
    for (const [name, field] of Object.entries(shape)) {
      if (field.required && !seen.has(name)) {
        ctx.error(node, `${what}: missing required key '${name}'`);
        bad = true;
      }
    }
    ctx.depth--;
    if (bad) return BAD;
    const typed = out as Typed<S>;
    if (extraCheck) {
      const before = ctx.diagnostics.length;
      extraCheck(typed, node, ctx, what);
      if (ctx.diagnostics.length > before) return BAD;
    }
    return typed;
  };

/** Any JSON-like value (axis values, parameters, scenario settings), depth- and size-limited. */
const anyValue_ =
  (): Validator<Value> =>
  (raw, ctx, what): Result<Value> => {
    const node = ctx.deref(raw);
    if (node === BAD) return BAD;
    if (node === null) return null;
    if (isScalar(node)) {
      const v = node.value;
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      ctx.error(node, `${what}: expected text, a number, true/false, a list or a map, found ${describe(node)}`);
      return BAD;
    }
    if (isSeq(node)) {
      if (++ctx.depth > MAX_DEPTH) {
        ctx.error(node, `${what}: nested more than ${MAX_DEPTH} levels deep`);
        ctx.depth--;
        return BAD;
      }
      const out: Value[] = [];
      let bad = false;
      for (const [i, child] of node.items.entries()) {
        if (ctx.exhausted) return BAD;
        const v = anyValue_()(child as Node | null, ctx, `${what}[${i}]`);
        if (v === BAD) bad = true;
        else out.push(v);
      }
      ctx.depth--;
      return bad ? BAD : out;
    }
    const entries = record_(anyValue_())(node, ctx, what);
    return entries === BAD ? BAD : Object.fromEntries(entries);
  };

/** Finds the node at a path of keys and indexes below `node`, following aliases. */
export function nodeAt(node: Node | null, path: Array<string | number>, ctx: SchemaContext): Node | null {
  let current: Node | null = node;
  for (const step of path) {
    const resolved = current ? ctx.deref(current) : null;
    if (resolved === BAD || !resolved) return current;
    if (isMap(resolved)) {
      const pair = resolved.items.find((p) => keyText(p.key) === String(step));
      if (!pair) return resolved;
      current = pair.value as Node | null;
    } else if (isSeq(resolved) && typeof step === 'number') {
      current = (resolved.items[step] as Node | undefined) ?? resolved;
    } else {
      return resolved;
    }
  }
  return current ? (ctx.deref(current) === BAD ? current : (ctx.deref(current) as Node | null)) : null;
}

// ---- what each validator accepts, for the generated campaign reference (docs/campaigns.md) ----

/** The shape of what a validator accepts: a type label, and what lists, maps and objects hold. */
interface TypeDoc {
  type: string;
  item?: TypeDoc;
  value?: TypeDoc;
  shape?: Shape;
}

const typeDocs = new WeakMap<object, TypeDoc>();

/** Records what `validator` accepts, for the reference; returns it unchanged. */
export function documented<T>(validator: Validator<T>, doc: TypeDoc): Validator<T> {
  typeDocs.set(validator, doc);
  return validator;
}

export function typeDocOf(validator: Validator<unknown>): TypeDoc {
  return typeDocs.get(validator) ?? { type: 'value' };
}

export const str = (opts: { pattern?: RegExp; hint?: string; maxLength?: number } = {}): Validator<string> =>
  documented(str_(opts), { type: opts.hint ? `text: ${opts.hint}` : 'text' });
export const num = (opts: { min?: number; max?: number; integer?: boolean } = {}): Validator<number> =>
  documented(num_(opts), { type: `${opts.integer ? 'whole number' : 'number'}${between(opts)}` });
export const bool = (): Validator<boolean> => documented(bool_(), { type: 'true or false' });
export const oneOf = <T extends string>(values: readonly T[]): Validator<T> =>
  documented(oneOf_(values), { type: values.map((v) => `\`${v}\``).join(' or ') });
export const duration = (): Validator<number> =>
  documented(duration_(), { type: 'duration (`90s`, `30m`, `2h`, `1h30m` or seconds)' });
export const list = <T>(item: Validator<T>, opts: { min?: number; max?: number } = {}): Validator<T[]> => {
  const inner = typeDocOf(item);
  return documented(list_(item, opts), {
    type: `list of ${inner.shape ? 'maps' : inner.type.replace(/^map of/, 'maps of')}${opts.min ? ` (at least ${opts.min})` : ''}`,
    item: inner,
  });
};
export const strings = (): Validator<string[]> => documented(strings_(), { type: 'text or list of text' });
export const record = <T>(
  value: Validator<T>,
  opts: { key?: RegExp; keyHint?: string } = {},
): Validator<Array<[string, T]>> => {
  const inner = typeDocOf(value);
  return documented(record_(value, opts), { type: `map of name → ${inner.shape ? 'map' : inner.type}`, value: inner });
};
export const object = <S extends Shape>(
  shape: S,
  extraCheck?: (value: Typed<S>, node: Node, ctx: SchemaContext, what: string) => void,
): Validator<Typed<S>> => documented(object_(shape, extraCheck), { type: 'map', shape });
export const anyValue = (): Validator<Value> =>
  documented(anyValue_(), { type: 'any value (text, number, true/false, list or map)' });

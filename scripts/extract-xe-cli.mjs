#!/usr/bin/env node
// Extracts the facts the simulated `xe` needs from a local xen-api checkout (github.com/xapi-project/xen-api):
// the CLI command table (cli_frontend.ml), the classes whose -list/-param-* commands are generated and their
// record fields (cli_operations.ml gen_cmds, records.ml), and the API error docs (datamodel_errors.ml,
// api_errors.ml). Writes JSON data (names, parameters, texts, flags), never code.
//
//   node scripts/extract-xe-cli.mjs <xen-api checkout> <out.json>
//
// The checkout must be a git work tree at the wanted tag; its commit and tag are recorded in the output.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [root, out] = process.argv.slice(2);
if (!root || !out) {
  process.stderr.write('usage: extract-xe-cli.mjs <xen-api checkout> <out.json>\n');
  process.exit(2);
}

const FILES = {
  frontend: 'ocaml/xapi-cli-server/cli_frontend.ml',
  operations: 'ocaml/xapi-cli-server/cli_operations.ml',
  records: 'ocaml/xapi-cli-server/records.ml',
  errors: 'ocaml/idl/datamodel_errors.ml',
  apiErrors: 'ocaml/xapi-consts/api_errors.ml',
};

// ---- a small OCaml lexer: strings (with escapes and line continuations), comments, chars, words, symbols ----

function lex(src) {
  const toks = [];
  let i = 0;
  const n = src.length;
  const readString = () => {
    // at opening quote
    let s = '';
    i += 1;
    while (i < n && src[i] !== '"') {
      if (src[i] === '\\') {
        const c = src[i + 1];
        if (c === '\n') {
          i += 2;
          while (src[i] === ' ' || src[i] === '\t') i += 1;
          continue;
        }
        const simple = { n: '\n', t: '\t', r: '\r', b: '\b', '\\': '\\', '"': '"', "'": "'", ' ': ' ' };
        if (c in simple) {
          s += simple[c];
          i += 2;
        } else if (/[0-9]/.test(c)) {
          s += String.fromCharCode(parseInt(src.slice(i + 1, i + 4), 10));
          i += 4;
        } else if (c === 'x') {
          s += String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16));
          i += 4;
        } else {
          s += '\\' + c;
          i += 2;
        }
      } else {
        s += src[i];
        i += 1;
      }
    }
    i += 1;
    return s;
  };
  const skipComment = () => {
    let depth = 1;
    i += 2;
    while (i < n && depth > 0) {
      if (src.startsWith('(*', i)) {
        depth += 1;
        i += 2;
      } else if (src.startsWith('*)', i)) {
        depth -= 1;
        i += 2;
      } else if (src[i] === '"') {
        readString();
      } else i += 1;
    }
  };
  while (i < n) {
    const c = src[i];
    if (/\s/.test(c)) {
      i += 1;
    } else if (src.startsWith('(*', i) && !src.startsWith('(*)', i)) {
      skipComment();
    } else if (c === '"') {
      toks.push({ t: 'str', v: readString() });
    } else if (c === '{' && /^\{([a-z_]*)\|/.test(src.slice(i, i + 20))) {
      const id = /^\{([a-z_]*)\|/.exec(src.slice(i, i + 20))[1];
      const end = src.indexOf(`|${id}}`, i);
      toks.push({ t: 'str', v: src.slice(i + id.length + 2, end) });
      i = end + id.length + 2;
    } else if (c === "'" && (src[i + 2] === "'" || (src[i + 1] === '\\' && /'/.test(src.slice(i + 3, i + 6))))) {
      const end = src.indexOf("'", i + 2);
      toks.push({ t: 'char', v: src.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_'.]*/.exec(src.slice(i, i + 200));
      toks.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9A-Za-z_.]*/.exec(src.slice(i, i + 50));
      toks.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (c === '~' || c === '?') {
      const m = /^[~?][a-z_][A-Za-z0-9_']*/.exec(src.slice(i, i + 100));
      if (m) {
        toks.push({ t: 'label', v: m[0].slice(1) });
        i += m[0].length;
      } else {
        toks.push({ t: 'sym', v: c });
        i += 1;
      }
    } else {
      const two = src.slice(i, i + 2);
      if (['::', '->', '<-', ':=', '||', '&&', '<>', '@@', '|>'].includes(two)) {
        toks.push({ t: 'sym', v: two });
        i += 2;
      } else {
        toks.push({ t: 'sym', v: c });
        i += 1;
      }
    }
  }
  return toks;
}

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);
const isSym = (tok, v) => tok && tok.t === 'sym' && tok.v === v;

/** index just past the bracket group starting at `i` */
function skipGroup(toks, i) {
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    const tk = toks[j];
    if (tk.t === 'sym' && OPEN.has(tk.v)) depth += 1;
    if (tk.t === 'sym' && CLOSE.has(tk.v)) {
      depth -= 1;
      if (depth === 0) return j + 1;
    }
  }
  throw new Error(`unbalanced group at token ${i}`);
}

/** splits toks[from, to) on a separator symbol at bracket depth 0 */
function splitTop(toks, from, to, sep) {
  const parts = [];
  let depth = 0;
  let start = from;
  for (let j = from; j < to; j++) {
    const tk = toks[j];
    if (tk.t === 'sym' && OPEN.has(tk.v)) depth += 1;
    else if (tk.t === 'sym' && CLOSE.has(tk.v)) depth -= 1;
    else if (depth === 0 && tk.t === 'sym' && tk.v === sep) {
      parts.push([start, j]);
      start = j + 1;
    }
  }
  if (start < to) parts.push([start, to]);
  return parts;
}

// ---- evaluation of the few expression shapes the facts are written in ----

class Env {
  constructor() {
    this.strings = new Map();
    this.lists = new Map();
  }
}

function evalString(toks, [from, to], env, unresolved) {
  return splitTop(toks, from, to, '^')
    .map(([a, b]) => {
      if (b - a === 1 && toks[a].t === 'str') return toks[a].v;
      if (isSym(toks[a], '(') && skipGroup(toks, a) === b) return evalString(toks, [a + 1, b - 1], env, unresolved);
      if (b - a === 1 && toks[a].t === 'id' && env.strings.has(toks[a].v)) return env.strings.get(toks[a].v);
      const text = toks
        .slice(a, b)
        .map((tk) => tk.v)
        .join(' ');
      unresolved.push(text);
      return `{${text}}`;
    })
    .join('');
}

function evalStringList(toks, [from, to], env, unresolved) {
  const out = [];
  for (const [a, b] of splitTop(toks, from, to, '@')) {
    if (isSym(toks[a], '[') && skipGroup(toks, a) === b) {
      for (const part of splitTop(toks, a + 1, b - 1, ';')) out.push(evalString(toks, part, env, unresolved));
    } else if (isSym(toks[a], '(') && skipGroup(toks, a) === b) {
      out.push(...evalStringList(toks, [a + 1, b - 1], env, unresolved));
    } else if (b - a === 1 && toks[a].t === 'id' && env.lists.has(toks[a].v)) {
      out.push(...env.lists.get(toks[a].v));
    } else {
      unresolved.push(
        toks
          .slice(a, b)
          .map((tk) => tk.v)
          .join(' '),
      );
    }
  }
  return out;
}

/** top-level `let name = <string expr>` and `let name = [<strings>]` bindings */
function topLevelBindings(toks, env) {
  for (let j = 0; j < toks.length - 3; j++) {
    if (toks[j].t !== 'id' || toks[j].v !== 'let' || toks[j + 1].t !== 'id' || !isSym(toks[j + 2], '=')) continue;
    const start = j + 3;
    let end = start;
    while (end < toks.length && !(toks[end].t === 'id' && ['let', 'and', 'in'].includes(toks[end].v))) {
      end = toks[end].t === 'sym' && OPEN.has(toks[end].v) ? skipGroup(toks, end) : end + 1;
    }
    const unresolved = [];
    if (toks[start].t === 'str' || toks[start].t === 'id') {
      const v = evalString(toks, [start, end], env, unresolved);
      if (unresolved.length === 0) env.strings.set(toks[j + 1].v, v);
    } else if (isSym(toks[start], '[')) {
      const v = evalStringList(toks, [start, end], env, unresolved);
      if (unresolved.length === 0) env.lists.set(toks[j + 1].v, v);
    }
  }
}

// ---- cli_frontend.ml: the command table ----

function recordFields(toks, [from, to]) {
  const fields = {};
  for (const [a, b] of splitTop(toks, from, to, ';')) {
    if (toks[a].t === 'id' && isSym(toks[a + 1], '=')) fields[toks[a].v] = [a + 2, b];
  }
  return fields;
}

function parseFlags(toks, [from, to]) {
  const flags = [];
  let deprecated;
  if (!isSym(toks[from], '[')) throw new Error('flags is not a list');
  for (const [a, b] of splitTop(toks, from + 1, skipGroup(toks, from) - 1, ';')) {
    const name = toks[a].v;
    if (name === 'Deprecated') {
      const unresolved = [];
      deprecated = evalStringList(toks, [a + 1, b], new Env(), unresolved);
    }
    flags.push(name);
  }
  return { flags, deprecated };
}

function extractCommands(src) {
  const toks = lex(src);
  const env = new Env();
  topLevelBindings(toks, env);
  const at = toks.findIndex((tk, j) => tk.t === 'id' && tk.v === 'cmdtable_data' && isSym(toks[j + 1], ':'));
  let j = at;
  while (!isSym(toks[j], '[')) j += 1;
  const end = skipGroup(toks, j) - 1;
  const commands = {};
  const problems = [];
  for (const [a, b] of splitTop(toks, j + 1, end, ';')) {
    // ( "name" , { ... } )
    if (!isSym(toks[a], '(') || toks[a + 1].t !== 'str') throw new Error(`unexpected entry at ${a}`);
    const name = toks[a + 1].v;
    const brace = a + 3;
    const f = recordFields(toks, [brace + 1, skipGroup(toks, brace) - 1]);
    const unresolved = [];
    const reqd = evalStringList(toks, f.reqd, env, unresolved);
    const optn = evalStringList(toks, f.optn, env, unresolved);
    const help = evalString(toks, f.help, env, unresolved);
    const { flags, deprecated } = parseFlags(toks, f.flags);
    const impl = toks
      .slice(...f.implementation)
      .map((tk) => tk.v)
      .join(' ');
    if (unresolved.length > 0) problems.push(`${name}: ${unresolved.join(' | ')}`);
    commands[name] = {
      reqd,
      optn,
      help,
      flags,
      ...(deprecated ? { deprecated } : {}),
      withFd: /^With_fd/.test(impl),
    };
    void b;
  }
  return { commands, problems, env };
}

// ---- cli_operations.ml: generated <class>-list / -param-* commands ----

function extractGenerated(src) {
  const toks = lex(src);
  const classes = {};
  const start = toks.findIndex((tk, j) => tk.t === 'id' && tk.v === 'gen_cmds' && toks[j - 1]?.v === 'let');
  const stop = skipGroup(
    toks,
    toks.findIndex((tk, j) => j > start && isSym(tk, '[')),
  );
  for (let j = start; j < stop; j++) {
    if (toks[j].t !== 'id' || toks[j].v !== 'mk') continue;
    let k = j + 1;
    while (!(toks[k].t === 'id' && /_record$/.test(toks[k].v))) k += 1;
    const record = toks[k].v;
    const cls = toks[k + 1].v;
    const filtersEnd = skipGroup(toks, k + 2);
    const filters = [];
    for (const [a, b] of splitTop(toks, k + 3, filtersEnd - 1, ';')) {
      const strs = toks.slice(a, b).filter((tk) => tk.t === 'str');
      filters.push([strs[0].v, strs[1].v]);
    }
    const defaultsEnd = skipGroup(toks, filtersEnd);
    const defaults = evalStringList(toks, [filtersEnd, defaultsEnd], new Env(), []);
    classes[cls] = { record, filters, defaults };
  }
  // The help texts of the generated commands (make_param_funs): `( cli_name "<op>" , reqd , optn , help , …`
  const templates = {};
  const mpf = toks.findIndex((tk, j) => tk.t === 'id' && tk.v === 'make_param_funs' && toks[j - 1]?.v === 'let');
  for (let j = mpf; j < start; j++) {
    if (toks[j].t !== 'id' || toks[j].v !== 'cli_name' || toks[j + 1].t !== 'str' || !isSym(toks[j - 1], '(')) continue;
    const parts = splitTop(toks, j, skipGroup(toks, j - 1) - 1, ',');
    const env = new Env();
    env.strings.set('plural', '{plural}');
    const unresolved = [];
    const help = evalString(toks, parts[3], env, unresolved).replace(
      /\{String\.concat [^}]*clearable\}/,
      '{clearable}',
    );
    templates[toks[j + 1].v] = help;
  }
  return { classes, templates };
}

// ---- records.ml: the fields of each record, with what can be done to them ----

const FIELD_LABELS = [
  'set',
  'add_to_set',
  'remove_from_set',
  'add_to_map',
  'remove_from_map',
  'clear_map',
  'set_in_map',
  'set_map',
  'get_set',
  'get_map',
];

function extractRecords(src) {
  const toks = lex(src);
  const records = {};
  for (let j = 0; j < toks.length; j++) {
    if (!(toks[j].t === 'id' && toks[j].v === 'let' && /_record$/.test(toks[j + 1]?.v ?? ''))) continue;
    if (toks[j + 2]?.v !== 'rpc') continue;
    const name = toks[j + 1].v;
    let end = j + 2;
    while (
      end < toks.length &&
      !(toks[end].v === 'let' && /_record$/.test(toks[end + 1]?.v ?? '') && toks[end + 2]?.v === 'rpc')
    ) {
      end += 1;
    }
    const fields = [];
    for (let k = j; k < end; k++) {
      if (toks[k].t !== 'id' || toks[k].v !== 'make_field') continue;
      const field = { name: null };
      let m = k + 1;
      while (m < end) {
        const tk = toks[m];
        if (isSym(tk, '(') && isSym(toks[m + 1], ')')) break;
        if (tk.t === 'label') {
          const label = tk.v;
          const valueAt = isSym(toks[m + 1], ':') ? m + 2 : m + 1;
          const valueEnd =
            isSym(toks[valueAt], '(') || isSym(toks[valueAt], '[') ? skipGroup(toks, valueAt) : valueAt + 1;
          if (label === 'name') field.name = toks[valueAt].t === 'str' ? toks[valueAt].v : null;
          else if (['hidden', 'expensive', 'deprecated', 'case_insensitive'].includes(label)) {
            if (toks[valueAt].v === 'true') field[label] = true;
          } else if (FIELD_LABELS.includes(label)) field[label] = true;
          m = valueAt === m + 1 && !isSym(toks[m + 1], ':') ? m + 1 : valueEnd;
          continue;
        }
        m = tk.t === 'sym' && OPEN.has(tk.v) ? skipGroup(toks, m) : m + 1;
      }
      if (field.name === null) throw new Error(`${name}: a field without a literal name`);
      fields.push(field);
      k = m;
    }
    records[name] = fields;
  }
  return records;
}

// ---- datamodel_errors.ml + api_errors.ml: every error's doc line and parameter names ----

function extractErrors(dmSrc, apiSrc) {
  // `let x = add_error "X"`, `let x = "X"` or `let x = add_error $ prefix ^ suffix` over earlier bindings
  const env = new Env();
  const apiToks = lex(apiSrc).filter((tk) => !(tk.t === 'id' && tk.v === 'add_error') && !isSym(tk, '$'));
  topLevelBindings(apiToks, env);
  const codes = env.strings;
  const toks = lex(dmSrc);
  const errors = {};
  const problems = [];
  for (let j = 0; j < toks.length; j++) {
    if (!(toks[j].t === 'id' && toks[j].v === 'error' && /^Api_errors\./.test(toks[j + 1]?.v ?? ''))) continue;
    const id = toks[j + 1].v.slice('Api_errors.'.length);
    const code = codes.get(id);
    if (!code) {
      problems.push(`unknown Api_errors.${id}`);
      continue;
    }
    const listEnd = skipGroup(toks, j + 2);
    const unresolved = [];
    const params = evalStringList(toks, [j + 2, listEnd], new Env(), unresolved);
    let doc = '';
    if (toks[listEnd]?.t === 'label' && toks[listEnd].v === 'doc') {
      let k = listEnd + 2;
      const parts = [];
      let end = k;
      while (!(isSym(toks[end], '(') && isSym(toks[end + 1], ')'))) {
        end = toks[end].t === 'sym' && OPEN.has(toks[end].v) ? skipGroup(toks, end) : end + 1;
      }
      parts.push([k, end]);
      doc = evalString(toks, parts[0], new Env(), unresolved);
    }
    if (unresolved.length > 0) problems.push(`${code}: ${unresolved.join(' | ')}`);
    errors[code] = { params, doc };
  }
  return { errors, problems };
}

// ---- main ----

const read = (file) => readFileSync(join(root, file), 'utf8');
const git = (...args) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();

const front = extractCommands(read(FILES.frontend));
const generated = extractGenerated(read(FILES.operations));
const records = extractRecords(read(FILES.records));
const errs = extractErrors(read(FILES.errors), read(FILES.apiErrors));
for (const cls of Object.values(generated.classes)) {
  if (!records[cls.record]) throw new Error(`no ${cls.record} in records.ml`);
}

const data = {
  source: {
    repository: 'https://github.com/xapi-project/xen-api',
    tag: git('describe', '--tags', '--exact-match'),
    commit: git('rev-parse', 'HEAD'),
    files: Object.values(FILES),
    extractedBy: 'scripts/extract-xe-cli.mjs',
  },
  selectorsInfo: {
    vm: front.env.strings.get('vmselectorsinfo'),
    host: front.env.strings.get('hostselectorsinfo'),
    sr: front.env.strings.get('srselectorsinfo'),
  },
  commands: front.commands,
  generated,
  records,
  errors: errs.errors,
};
writeFileSync(out, `${JSON.stringify(data, null, 1)}\n`);
const problems = [...front.problems, ...errs.problems];
process.stderr.write(
  `${data.source.tag} ${data.source.commit}: ${Object.keys(front.commands).length} commands, ` +
    `${Object.keys(generated.classes).length} generated classes, ${Object.keys(records).length} records, ` +
    `${Object.keys(errs.errors).length} errors; ${problems.length} unresolved\n` +
    problems.map((p) => `  ${p}\n`).join(''),
);

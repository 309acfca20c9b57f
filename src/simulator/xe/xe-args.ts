import { XeCliError, syntaxError } from 'src/simulator/xe/xe-errors';

/** Parameters the client consumes or every command accepts; never record filters (xe-cli.md §1.2). */
export const CLIENT_PARAMS = [
  'server',
  'port',
  'username',
  'password',
  'passwordfile',
  'nossl',
  'debug',
  'debugonfail',
  'traceparent',
];
export const STD_PARAMS = [
  'server',
  'password',
  'port',
  'username',
  'minimal',
  'force',
  'multiple',
  'all',
  'message-priority',
  'trace',
];

export interface XeArgs {
  command: string;
  params: Map<string, string>;
}

/** Splits argv like xe does: `k=v` at the first `=`, `--flag` → `flag=true`; client-side params dropped. */
export function parseXeArgs(argv: string[]): XeArgs | null {
  const [command, ...rest] = argv;
  if (command === undefined) return null;
  if (command.includes('=') || command.startsWith('-')) throw syntaxError();
  const params = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] ?? '';
    let key: string;
    let value: string;
    if (token.startsWith('--')) {
      key = token.slice(2);
      value = 'true';
    } else if (['-s', '-p', '-u', '-pw', '-pwf', '-h'].includes(token)) {
      i += 1;
      continue;
    } else if (token.startsWith('-')) {
      throw syntaxError();
    } else {
      const eq = token.indexOf('=');
      if (eq < 0) throw syntaxError();
      key = token.slice(0, eq);
      value = token.slice(eq + 1);
    }
    if (CLIENT_PARAMS.includes(key)) continue;
    if (params.has(key)) throw new XeCliError(`Parameter ${key} is defined multiple times, define it only once.`);
    params.set(key, value);
  }
  return { command, params };
}

/** `prefix:key=value` map parameters such as vdi:<uuid>=<sr> */
export function mapParams(params: Map<string, string>, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of params) if (k.startsWith(`${prefix}:`)) out.set(k.slice(prefix.length + 1), v);
  return out;
}

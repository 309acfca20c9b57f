import { syntaxError } from 'src/simulator/xe/xe-errors';

/** Parameters the client consumes or every command accepts; never record filters (xe-cli.md §1.2). */
const CLIENT_PARAMS = [
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

interface XeArgs {
  command: string;
  params: Map<string, string>;
}

/** cli_frontend.ml switch_map: the one-dash switches the server understands (each takes a value). */
const SWITCHES: Record<string, string> = {
  '-u': 'username',
  '-pw': 'password',
  '-s': 'server',
  '-h': 'server',
  '-p': 'port',
};

/**
 * Splits argv like xe does (newcli.ml parse_args, then cli_frontend.ml parse_params_2): `k=v` at
 * the first `=`, a bare word is `word=` (empty value), `--flag` is `flag=true`, a one-dash switch
 * takes the next word; client-side parameters are dropped. Repeated keys keep the first (List.assoc).
 */
export function parseXeArgs(argv: string[]): XeArgs | null {
  const [command, ...rest] = argv;
  if (command === undefined) return null;
  if (command.includes('=')) throw syntaxError();
  const params = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] ?? '';
    let key: string;
    let value: string;
    if (token.startsWith('--')) {
      key = token.slice(2);
      value = 'true';
    } else if (token.startsWith('-')) {
      const switched = SWITCHES[token];
      if (switched === undefined || i + 1 >= rest.length) throw syntaxError();
      key = switched;
      value = rest[i + 1] ?? '';
      i += 1;
    } else {
      const eq = token.indexOf('=');
      key = eq < 0 ? token : token.slice(0, eq);
      value = eq < 0 ? '' : token.slice(eq + 1);
    }
    if (CLIENT_PARAMS.includes(key)) continue;
    if (!params.has(key)) params.set(key, value);
  }
  return { command, params };
}

/** `prefix:key=value` map parameters such as vdi:<uuid>=<sr> */
export function mapParams(params: Map<string, string>, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of params) if (k.startsWith(`${prefix}:`)) out.set(k.slice(prefix.length + 1), v);
  return out;
}

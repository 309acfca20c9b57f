import { shellQuote } from 'src/remote/shell-quote';

type XeScalar = string | number | boolean;
/** A value for one xe parameter: a scalar, or a map sent as `name:key=value` words. */
export type XeArgValue = XeScalar | Readonly<Record<string, XeScalar>> | undefined;
export type XeArgs = Readonly<Record<string, XeArgValue>>;

export interface XeFlags {
  minimal?: boolean;
  force?: boolean;
  multiple?: boolean;
  live?: boolean;
}

const COMMAND = /^[a-z][a-z0-9-]*$/;
const PARAM = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const MAP_KEY = /^[^\s=]+$/;

function scalar(value: XeScalar): string {
  return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
}

/** The argv of one xe call, unquoted: `['xe', 'vm-start', 'uuid=…', 'on=…']`. */
export function xeArgv(command: string, args: XeArgs = {}, flags: XeFlags = {}): string[] {
  if (!COMMAND.test(command)) throw new Error(`xe: not a command name: ${JSON.stringify(command)}`);
  const argv = ['xe', command];
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined) continue;
    if (!PARAM.test(name)) throw new Error(`xe ${command}: not a parameter name: ${JSON.stringify(name)}`);
    if (typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (!MAP_KEY.test(key)) throw new Error(`xe ${command}: not a key of map ${name}: ${JSON.stringify(key)}`);
        argv.push(`${name}:${key}=${scalar(v)}`);
      }
    } else {
      argv.push(`${name}=${scalar(value)}`);
    }
  }
  for (const flag of ['minimal', 'force', 'multiple', 'live'] as const) if (flags[flag]) argv.push(`--${flag}`);
  return argv;
}

/** The command line for the remote shell, every word quoted. */
export function xeCommandLine(command: string, args?: XeArgs, flags?: XeFlags): string {
  return xeArgv(command, args, flags).map(shellQuote).join(' ');
}

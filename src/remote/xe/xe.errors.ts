import { DomainError } from 'src/common/errors/domain-error';
import { ExecResult } from 'src/remote/exec-result';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
import { lookupErrorDescription } from 'src/remote/xe/xe-error-catalogue';

/** Codes for failures the xe CLI reports itself, without an xapi error code. */
export enum XeCliErrorCode {
  /** `Error: <message>` from the CLI server. */
  Cli = 'XE_CLI_ERROR',
  NoMatch = 'XE_NO_MATCH',
  KeyNotInMap = 'XE_KEY_NOT_IN_MAP',
  UnknownCommand = 'XE_UNKNOWN_COMMAND',
  MissingParameter = 'XE_MISSING_PARAMETER',
  SyntaxError = 'XE_SYNTAX_ERROR',
  AuthenticationFailed = 'XE_AUTHENTICATION_FAILED',
  NotInstalled = 'XE_NOT_INSTALLED',
  Unrecognised = 'XE_UNRECOGNISED_FAILURE',
  UnexpectedOutput = 'XE_UNEXPECTED_OUTPUT',
}

/**
 * An xe command that ran and failed: a product answer, not an infra problem. `code` is xapi's own
 * code (VM_BAD_POWER_STATE, SR_BACKEND_FAILURE_90, …) or an XeCliErrorCode.
 */
export class XeError extends DomainError<string> {
  constructor(
    message: string,
    code: string,
    readonly command: string,
    readonly host: string,
    /** Parameters by name, as xe printed them (datamodel form). */
    readonly params: Readonly<Record<string, string>>,
    /** Parameters in order (both forms). */
    readonly paramValues: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message, code, { command, host, params, paramValues, exitCode });
  }
}

const CLIENT_SIDE_OUTAGE = [
  /^Error: Connection refused/,
  /^Error: .*\(calling connect/,
  /^Unable to contact server\./,
  /^Lost connection to the server\./,
  /^Failed to contact a running management agent\./,
];

function splitParams(raw: string): string[] {
  // xe joins with ", "; a trailing empty parameter leaves "…, " whose space a trim may have eaten.
  const text = raw.endsWith(',') ? `${raw} ` : raw;
  return text === '' ? [] : text.split(', ');
}

function describe(code: string, params: Readonly<Record<string, string>>, values: readonly string[]): string {
  const named = Object.entries(params);
  const shown = named.length ? named.map(([k, v]) => `${k}: ${v}`) : values.map((v) => JSON.stringify(v));
  return shown.length ? `${code} (${shown.join(', ')})` : code;
}

/**
 * Turns a failed xe run into the error it stands for: an XeError carrying the real code and
 * parameters, or a RemoteError when xapi itself is not answering (toolstack restarting).
 */
export function xeFailure(command: string, host: string, result: ExecResult): XeError | RemoteError {
  const lines = result.stderr
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '' && !l.startsWith('Message: time='));
  const first = (lines[0] ?? '').trim();
  const make = (code: string, message: string, params: Record<string, string> = {}, values: string[] = []) =>
    new XeError(
      `xe ${command} on ${host} failed: ${message}`,
      code,
      command,
      host,
      params,
      values,
      result.exitCode,
      result.stderr.slice(0, 8192),
    );

  if (CLIENT_SIDE_OUTAGE.some((re) => re.test(first))) {
    return new RemoteError(
      `host ${host}: xapi is not answering xe ${command}: ${first}`,
      RemoteErrorCode.XapiUnavailable,
      host,
    );
  }

  const codeLine = lines.findIndex((l) => l.startsWith('Error code: '));
  if (codeLine >= 0) {
    const code = lines[codeLine]!.slice('Error code: '.length).trim();
    const paramLine = lines[codeLine + 1];
    const values = paramLine?.startsWith('Error parameters: ') ? splitParams(paramLine.slice(18)) : [];
    return make(code, describe(code, {}, values), {}, values);
  }

  const entry = lookupErrorDescription(first);
  if (entry) {
    if (entry.code === 'HOST_STILL_BOOTING') {
      return new RemoteError(
        `host ${host}: xapi is still starting (xe ${command})`,
        RemoteErrorCode.XapiUnavailable,
        host,
        {
          xapiCode: entry.code,
        },
      );
    }
    const params: Record<string, string> = {};
    const values: string[] = [];
    for (const line of lines.slice(1)) {
      const at = line.indexOf(': ');
      if (at <= 0) continue;
      params[line.slice(0, at)] = line.slice(at + 2);
      values.push(line.slice(at + 2));
    }
    return make(entry.code, `${describe(entry.code, params, values)}: ${first}`, params, values);
  }

  let m: RegExpExecArray | null;
  if ((m = /^Error: (.*)$/.exec(first))) {
    const text = m[1]!;
    if (/^No matching \S+ found$/.test(text) || /^Host .* not found$/.test(text)) {
      return make(XeCliErrorCode.NoMatch, text);
    }
    const key = /^Key (.*) not found in map$/.exec(text);
    if (key) return make(XeCliErrorCode.KeyNotInMap, text, { key: key[1]! }, [key[1]!]);
    return make(XeCliErrorCode.Cli, text);
  }
  if ((m = /^Unknown command: (.*)$/.exec(first))) {
    return make(XeCliErrorCode.UnknownCommand, first, { command: m[1]! }, [m[1]!]);
  }
  if ((m = /^Required parameter not found: (.*)$/.exec(first))) {
    return make(XeCliErrorCode.MissingParameter, first, { parameter: m[1]! }, [m[1]!]);
  }
  if (first.startsWith('Syntax error:')) return make(XeCliErrorCode.SyntaxError, first);
  if (first === 'Authentication failed' || first.startsWith('Username/password must be specified')) {
    return make(XeCliErrorCode.AuthenticationFailed, first);
  }
  if (result.exitCode === 127 || /(^|\s)xe: (command )?not found/.test(first)) {
    return make(XeCliErrorCode.NotInstalled, first || 'xe not found on the host');
  }
  const exit = result.signal ? `killed by ${result.signal}` : `exit ${result.exitCode}`;
  return make(XeCliErrorCode.Unrecognised, first ? `${first} (${exit})` : `${exit} with no message`);
}

import { XcpVersion } from 'src/simulator/model/types';
import { cliTable } from 'src/simulator/xe/cli-table';

/**
 * The three ways xe fails (xapi_cli.ml exception_handler): an API error (datamodel doc line plus
 * `name: value` lines, or `Error code:`/`Error parameters:` for codes without a doc entry), a
 * CLI-side failure (`Error: <message>`), and usage errors (unknown command, missing parameter).
 */
export class XeApiError extends Error {
  constructor(
    readonly code: string,
    readonly params: string[] = [],
  ) {
    super(`${code}: [ ${params.join('; ')} ]`);
  }
}

export class XeCliError extends Error {}

export class XeUsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/** The client failed before or while talking to xapi; the text is printed as-is. */
export class XeClientError extends Error {}

export function unknownCommand(name: string): XeUsageError {
  return new XeUsageError([`Unknown command: ${name}`, "For usage run: 'xe help'"]);
}

export function requiredParam(name: string): XeUsageError {
  return new XeUsageError([`Required parameter not found: ${name}`, "For usage run: 'xe help'"]);
}

/** A real command of this release that the simulator does not model: said plainly, never faked. */
export function notSimulated(name: string, version: string): XeClientError {
  return new XeClientError(
    `Error: '${name}' is a real xe command of XCP-ng ${version} that this simulated host does not implement (simulated)`,
  );
}

export function syntaxError(): XeUsageError {
  return new XeUsageError(['Syntax error: ', "For usage run: 'xe help'"]);
}

/**
 * Renders an API error the way `xe` prints it on stderr (Cli_util.server_error): a code with a
 * datamodel entry prints its doc line and `name: value` lines (`<unknown>` for a missing value,
 * `<extra>` for a surplus one); any other code prints `Error code:` / `Error parameters:`.
 */
export function renderApiError(err: XeApiError, version: XcpVersion): string {
  const entry = cliTable(version).errors[err.code];
  if (!entry) return `Error code: ${err.code}\nError parameters: ${err.params.join(', ')}\n`;
  const lines = [entry.doc];
  const count = Math.max(entry.params.length, err.params.length);
  for (let i = 0; i < count; i++) {
    const name = entry.params[i];
    const value = err.params[i];
    if (name === undefined) lines.push(`<extra>: ${value ?? ''}`);
    else lines.push(`${name}: ${value ?? '<unknown>'}`);
  }
  return `${lines.join('\n')}\n`;
}

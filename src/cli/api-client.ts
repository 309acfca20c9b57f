import { Option } from 'commander';
import { CliError, ExitCode } from 'src/common/errors/cli-error';

/** Where a server command talks to, and as whom: `--url`/`SHAKEDOWN_URL`, `--token`/`SHAKEDOWN_TOKEN`. */
export interface ServerOptions {
  url: string;
  token?: string;
}

export const urlOption = (): Option =>
  new Option('--url <url>', 'Shakedown server').env('SHAKEDOWN_URL').default('http://127.0.0.1:3000');
export const tokenOption = (): Option =>
  new Option('--token <token>', 'API token (better: the SHAKEDOWN_TOKEN variable)').env('SHAKEDOWN_TOKEN');

interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * One call to the server's API. A refusal becomes a CliError quoting the server's code and message
 * (and Retry-After); an unreachable server says which origin it tried. The token goes in the
 * Authorization header only, never in a message.
 */
export async function callApi(
  server: ServerOptions,
  method: 'GET' | 'POST',
  path: string,
  body?: { contentType: string; text: string },
  opts: { needsToken?: boolean; what?: string } = {},
): Promise<ApiAnswer> {
  if (opts.needsToken !== false && !server.token) {
    throw new CliError('no token: pass --token or set SHAKEDOWN_TOKEN', ExitCode.Usage);
  }
  let url: URL;
  try {
    url = new URL(path, server.url);
  } catch {
    throw new CliError(`--url ${server.url}: not a URL`, ExitCode.Usage);
  }
  const headers: Record<string, string> = {};
  if (server.token) headers.authorization = `Bearer ${server.token}`;
  if (body) headers['content-type'] = body.contentType;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, ...(body ? { body: body.text } : {}) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new CliError(`cannot reach ${url.origin}: ${cause}`);
  }
  const text = await res.text();
  let answer: unknown = {};
  try {
    answer = JSON.parse(text);
  } catch {
    // A proxy's HTML error page: the status line says enough.
  }
  if (!res.ok) {
    const a = (answer ?? {}) as Record<string, unknown>;
    const retry = res.headers.get('retry-after');
    const message = typeof a['message'] === 'string' ? a['message'] : res.statusText;
    throw new CliError(
      `${opts.what ?? path.replace(/^\/api\/v1\//, '')} refused (${res.status}${typeof a['error'] === 'string' ? ` ${a['error']}` : ''}): ${message}${retry ? ` (retry after ${retry} s)` : ''}`,
    );
  }
  return { status: res.status, body: answer as ApiAnswer['body'] };
}

export const postJson = (server: ServerOptions, path: string, value: unknown, needsToken = true): Promise<ApiAnswer> =>
  callApi(server, 'POST', path, { contentType: 'application/json', text: JSON.stringify(value) }, { needsToken });

/** Rows as aligned columns, the last one left ragged. */
export function columns(rows: readonly string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

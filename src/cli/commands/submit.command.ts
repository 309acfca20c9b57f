import { Command, Option } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import { CliError, ExitCode } from 'src/common/errors/cli-error';

interface SubmitOptions {
  kind: 'bundle' | 'junit' | 'fio';
  release: string;
  hardware?: string;
  url: string;
  token?: string;
  campaign?: string;
  param: string[];
}

// Far above any sane result file; the server enforces its own (configurable) cap anyway.
const MAX_FILE_BYTES = 256 * 1024 * 1024;

async function readText(path: string, what: string): Promise<string> {
  try {
    const info = await stat(path);
    if (info.size > MAX_FILE_BYTES) throw new CliError(`${what} ${path} is larger than ${MAX_FILE_BYTES} bytes`);
    return await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function parseParam(value: string, previous: string[] = []): string[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=.+$/.test(value)) {
    throw new CliError(`--param ${value}: expected NAME=VALUE`, ExitCode.Usage);
  }
  return [...previous, value];
}

/** Sends one result file with its hardware profile to a Shakedown server. */
export async function submitFile(
  file: string,
  opts: SubmitOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  if (!opts.token) throw new CliError('no token: pass --token or set SHAKEDOWN_TOKEN', ExitCode.Usage);
  if (!opts.hardware) {
    throw new CliError(
      'no hardware profile: pass --hardware FILE (`shakedown lab collect-hardware HOST` writes one)',
      ExitCode.Usage,
    );
  }
  const content = await readText(file, 'result file');
  let hardware: unknown;
  try {
    hardware = JSON.parse(await readText(opts.hardware, 'hardware profile'));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`hardware profile ${opts.hardware} is not JSON: ${(err as Error).message}`);
  }
  const params = Object.fromEntries(opts.param.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  const body = JSON.stringify({
    kind: opts.kind,
    release: opts.release,
    content,
    hardware,
    ...(opts.campaign ? { campaign: opts.campaign } : {}),
    ...(opts.param.length ? { params } : {}),
  });
  let url: URL;
  try {
    url = new URL('/api/v1/submissions', opts.url);
  } catch {
    throw new CliError(`--url ${opts.url}: not a URL`, ExitCode.Usage);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/vnd.shakedown.submission+json' },
      body,
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new CliError(`cannot reach ${url.origin}: ${cause}`);
  }
  const text = await res.text();
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // A proxy's HTML error page: the status line says enough.
  }
  if (!res.ok) {
    const retry = res.headers.get('retry-after');
    const message = typeof answer['message'] === 'string' ? answer['message'] : res.statusText;
    throw new CliError(
      `submission refused (${res.status}${typeof answer['error'] === 'string' ? ` ${answer['error']}` : ''}): ${message}${retry ? ` (retry after ${retry} s)` : ''}`,
    );
  }
  const summary = answer['summary'] as { counts?: Record<string, number> } | undefined;
  const counts = Object.entries(summary?.counts ?? {})
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  const verb = res.status === 201 ? 'submitted' : 'already submitted';
  out.write(
    `${verb}: ${String(answer['id'])} (${String(answer['status'])}) on ${String(answer['hardwareClass'])}${counts ? `: ${counts}` : ''}\n`,
  );
}

/** `shakedown submit FILE --kind bundle|junit|fio --release R --hardware FILE --url URL --token T`. */
export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description('Submit a result file (Shakedown bundle, pytest JUnit XML or fio JSON) with its hardware profile')
    .argument('<file>', 'the result file')
    .addOption(
      new Option('--kind <kind>', 'what the file is').choices(['bundle', 'junit', 'fio']).makeOptionMandatory(),
    )
    .requiredOption('--release <release>', 'the XCP-ng release the results are for, e.g. 8.3.0')
    .option('--hardware <file>', 'hardware profile JSON (from `shakedown lab collect-hardware HOST`)')
    .addOption(new Option('--url <url>', 'Shakedown server').env('SHAKEDOWN_URL').default('http://127.0.0.1:3000'))
    .addOption(new Option('--token <token>', 'API token (better: the SHAKEDOWN_TOKEN variable)').env('SHAKEDOWN_TOKEN'))
    .option('--campaign <name>', 'campaign whose cases the results belong to')
    .option('--param <name=value>', 'a parameter the file cannot tell (fio: sr_kind=ext); repeatable', parseParam, [])
    .action(async (file: string, opts: SubmitOptions) => submitFile(file, opts));
}

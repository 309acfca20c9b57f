import { Command, Option } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import { callApi, tokenOption, urlOption } from 'src/cli/api-client';
import { CliError, ExitCode } from 'src/common/errors/cli-error';

type Kind = 'bundle' | 'junit' | 'fio';

interface SubmitOptions {
  kind?: Kind;
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

/**
 * What a result file is, from its first bytes: JUnit XML starts with `<` (after a BOM or blanks), a
 * bundle is JSON with `"format": "shakedown.bundle"`, fio's JSON output carries `"fio version"`.
 */
export function detectKind(content: string): Kind | undefined {
  const head = content.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('<')) return /<testsuites?\b/.test(head.slice(0, 4096)) ? 'junit' : undefined;
  if (!head.startsWith('{')) return undefined;
  const start = head.slice(0, 4096);
  if (/"format"\s*:\s*"shakedown\.bundle"/.test(start)) return 'bundle';
  if (/"fio version"\s*:/.test(start)) return 'fio';
  return undefined;
}

/** Sends one result file with its hardware profile to a Shakedown server. */
async function submitFile(
  file: string,
  opts: SubmitOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  if (!opts.token) throw new CliError('no token: pass --token or set SHAKEDOWN_TOKEN', ExitCode.Usage);
  const content = await readText(file, 'result file');
  const kind = opts.kind ?? detectKind(content);
  if (!kind) {
    throw new CliError(
      `${file}: neither JUnit XML, fio JSON (--output-format=json) nor a Shakedown bundle; say which with --kind`,
      ExitCode.Usage,
    );
  }
  if (!opts.hardware) {
    throw new CliError(
      'no hardware profile: pass --hardware FILE (`shakedown lab collect-hardware HOST` writes one)',
      ExitCode.Usage,
    );
  }
  let hardware: unknown;
  try {
    hardware = JSON.parse(await readText(opts.hardware, 'hardware profile'));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`hardware profile ${opts.hardware} is not JSON: ${(err as Error).message}`);
  }
  const params = Object.fromEntries(opts.param.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  const body = JSON.stringify({
    kind,
    release: opts.release,
    content,
    hardware,
    ...(opts.campaign ? { campaign: opts.campaign } : {}),
    ...(opts.param.length ? { params } : {}),
  });
  const { status, body: answer } = await callApi(
    { url: opts.url, token: opts.token },
    'POST',
    '/api/v1/submissions',
    { contentType: 'application/vnd.shakedown.submission+json', text: body },
    { what: 'submission' },
  );
  const summary = answer['summary'] as { counts?: Record<string, number> } | undefined;
  const counts = Object.entries(summary?.counts ?? {})
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  const verb = status === 201 ? 'submitted' : 'already submitted';
  out.write(
    `${verb}: ${String(answer['id'])} (${String(answer['status'])}) on ${String(answer['hardwareClass'])}${counts ? `: ${counts}` : ''}\n`,
  );
}

/** `shakedown submit FILE --release R --hardware FILE [--kind bundle|junit|fio] --url URL --token T`. */
export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description('Submit a result file (Shakedown bundle, pytest JUnit XML or fio JSON) with its hardware profile')
    .argument('<file>', 'the result file')
    .addOption(
      new Option('--kind <kind>', 'what the file is (default: recognised from its content)').choices([
        'bundle',
        'junit',
        'fio',
      ]),
    )
    .requiredOption('--release <release>', 'the XCP-ng release the results are for, e.g. 8.3.0')
    .option('--hardware <file>', 'hardware profile JSON (from `shakedown lab collect-hardware HOST`)')
    .addOption(urlOption())
    .addOption(tokenOption())
    .option('--campaign <name>', "campaign whose cases the results belong to (default: the release's plan)")
    .option('--param <name=value>', 'a parameter the file cannot tell (fio: sr_kind=ext); repeatable', parseParam, [])
    .action(async (file: string, opts: SubmitOptions) => submitFile(file, opts));
}

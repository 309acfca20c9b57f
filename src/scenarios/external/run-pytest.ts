import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExternalSuite } from 'src/config/external-suites';

interface SuiteRun {
  exitCode: number | null;
  output: string;
  junit: string | null;
}

/** What a child may inherit from the worker: enough to find programs and write temporary files. */
const BASE_ENV = ['PATH', 'LANG', 'LC_ALL', 'HOME', 'TMPDIR'];

/**
 * The child's whole environment: the allow-list above, the variables the operator listed for this
 * suite, and what Shakedown passes (pool address, user, the one password). The worker's own
 * secrets (admin token, database URL, other credentials) never reach it.
 */
export function childEnvironment(
  suite: ExternalSuite,
  extra: Record<string, string>,
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_ENV, ...suite.passEnv]) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  // No .pyc files written into the operator's checkout; no per-user site-packages imported.
  env.PYTHONDONTWRITEBYTECODE = '1';
  env.PYTHONNOUSERSITE = '1';
  return { ...env, ...extra };
}

/**
 * Runs pytest of a declared suite in its folder. The password goes through the environment, never
 * the command line, so it shows up in no process list, step or log. `args` are the operator's and
 * the checked selection (see pytest-selection.ts); nothing else reaches pytest.
 */
export async function runPytest(opts: {
  suite: ExternalSuite;
  args: string[];
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<SuiteRun> {
  const dir = await mkdtemp(join(tmpdir(), 'shakedown-pytest-'));
  const junitPath = join(dir, 'junit.xml');
  try {
    const child = spawn(
      opts.suite.interpreter,
      ['-m', 'pytest', `--junitxml=${junitPath}`, '-p', 'no:cacheprovider', ...opts.args],
      {
        cwd: opts.suite.folder,
        env: childEnvironment(opts.suite, opts.env),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const keep = (b: Buffer): void => {
      if (output.length < 1_000_000) output += b.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const kill = (): void => void child.kill('SIGTERM');
    opts.signal.addEventListener('abort', kill, { once: true });
    const timer = setTimeout(kill, opts.timeoutMs);
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    }).finally(() => {
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', kill);
    });
    const junit = await readFile(junitPath, 'utf8').catch(() => null);
    return { exitCode, output, junit };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

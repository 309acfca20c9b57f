import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePassword } from 'src/remote/credentials';
import { parseJunitXml } from 'src/results/junit/junit-import';
import { junitCaseKey } from 'src/results/junit/pytest-ids';
import { isFailure } from 'src/results/outcome';
import { ScenarioContext, ScenarioDefinition } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { settingList, settingNumber, settingString } from 'src/scenarios/support/params';

export interface SuiteRun {
  exitCode: number | null;
  output: string;
  junit: string | null;
}

/**
 * Runs pytest on the worker. The password goes through the environment (SHAKEDOWN_HOST_PASSWORD),
 * never the command line, so it shows up in no process list, step or log.
 */
export async function runPytest(opts: {
  cwd: string;
  args: string[];
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<SuiteRun> {
  const dir = await mkdtemp(join(tmpdir(), 'shakedown-pytest-'));
  const junitPath = join(dir, 'junit.xml');
  try {
    const child = spawn(
      'python3',
      ['-m', 'pytest', ...opts.args, `--junitxml=${junitPath}`, '-p', 'no:cacheprovider'],
      {
        cwd: opts.cwd,
        env: { ...process.env, ...opts.env },
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

async function masterPassword(ctx: ScenarioContext): Promise<string | undefined> {
  const master = ctx.pool('pool').master;
  const cred = master.target.credential;
  if ('passwordEnv' in cred || 'passwordFile' in cred) return resolvePassword(master.name, cred, process.env);
  return undefined;
}

/**
 * XCP-ng's own pytest suite (or any pytest suite: `with: { suite_dir, args }`) against the leased
 * pool: `--hosts=<master address>` plus the address, user and password in the environment. Each
 * test becomes a step and the counts become measurements; a failed or errored test fails the case.
 */
const xcpNgTests: ScenarioDefinition = {
  id: 'external.xcp-ng-tests',
  family: 'external',
  title: "XCP-ng's pytest suite (xcp-ng-tests) against the leased pool, JUnit XML imported",
  kind: 'automated',
  metrics: [
    { metric: 'external.tests_passed', unit: 'tests', direction: 'higher' },
    { metric: 'external.tests_failed', unit: 'tests', direction: 'lower' },
    { metric: 'external.tests_skipped', unit: 'tests', direction: 'lower' },
  ],
  needs: (_p, campaign, settings) => ({
    pools: [
      {
        role: 'pool',
        minHosts: Math.max(1, Math.floor(settingNumber(settings, 'min_hosts', 1))),
        version: campaign.release,
      },
    ],
  }),
  async run(ctx) {
    const suiteDir = settingString(ctx.settings, 'suite_dir');
    if (!suiteDir) {
      throw new ScenarioError(
        'external.xcp-ng-tests needs with.suite_dir: a checkout of xcp-ng-tests on the worker',
        ScenarioErrorCode.BadParams,
      );
    }
    const master = ctx.pool('pool').master;
    const password = await masterPassword(ctx);
    const args = [...settingList(ctx.settings, 'args'), `--hosts=${master.address}`];
    const env: Record<string, string> = {
      SHAKEDOWN_HOST: master.address,
      SHAKEDOWN_HOST_PORT: String(master.target.port),
      SHAKEDOWN_HOST_USER: master.target.username,
      ...(password !== undefined ? { SHAKEDOWN_HOST_PASSWORD: password } : {}),
    };
    const run = await ctx.step(`python3 -m pytest ${args.join(' ')}`, () =>
      runPytest({
        cwd: suiteDir,
        args,
        env,
        timeoutMs: settingNumber(ctx.settings, 'timeout_s', 7200) * 1000,
        signal: ctx.signal,
      }),
    );
    const redacted = password ? run.output.split(password).join('***') : run.output;
    await ctx.artifact('pytest-output.txt', redacted);
    if (!run.junit) {
      throw new ScenarioError(
        `pytest wrote no JUnit XML (exit ${run.exitCode}): ${redacted.slice(-500)}`,
        ScenarioErrorCode.CheckFailed,
      );
    }
    await ctx.artifact('junit.xml', run.junit, 'application/xml');
    const report = parseJunitXml(run.junit);
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const c of report.cases) {
      // Each test id becomes a case of the run with its own key, reported beside everything else.
      ctx.reportCase({
        caseKey: junitCaseKey(c),
        scenario: 'external.xcp-ng-tests',
        params: { test: c.id },
        outcome: c.outcome,
        message: c.message?.slice(0, 2000),
        durationMs: c.durationMs,
        output: redactText(c.stdout ?? '', password),
      });
      if (c.outcome === 'passed' || c.outcome === 'xfailed') counts.passed++;
      else if (c.outcome === 'skipped') counts.skipped++;
      else if (isFailure(c.outcome)) counts.failed++;
    }
    ctx.measure({ metric: 'external.tests_passed', unit: 'tests', direction: 'higher', samples: [counts.passed] });
    ctx.measure({ metric: 'external.tests_failed', unit: 'tests', direction: 'lower', samples: [counts.failed] });
    ctx.measure({ metric: 'external.tests_skipped', unit: 'tests', direction: 'lower', samples: [counts.skipped] });
    ctx.log(
      `${report.cases.length} tests reported as cases: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    );
    // The runner case itself passes when the suite ran and reported; failing tests fail as their own cases.
  },
};

function redactText(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}

export function externalScenarios(): ScenarioDefinition[] {
  return [xcpNgTests];
}

import { resolvePassword } from 'src/remote/credentials';
import { parseJunitXml } from 'src/results/junit/junit-import';
import { junitCaseKey } from 'src/results/junit/pytest-ids';
import { isFailure } from 'src/results/outcome';
import { ScenarioContext, ScenarioDefinition } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { settingList, settingNumber, settingString, withSettings } from 'src/scenarios/support/params';
import { ExternalSuite, ExternalSuites } from 'src/config/external-suites';
import {
  EXTERNAL_WITH_KEYS,
  keywordProblem,
  markerProblem,
  PytestSelection,
  selectionArgs,
  testIdProblem,
} from 'src/scenarios/external/pytest-selection';
import { runPytest } from 'src/scenarios/external/run-pytest';

async function masterPassword(ctx: ScenarioContext): Promise<string | undefined> {
  const master = ctx.pool('pool').master;
  const cred = master.target.credential;
  if ('passwordEnv' in cred || 'passwordFile' in cred) return resolvePassword(master.name, cred, process.env);
  return undefined;
}

/**
 * The campaign's `with:` for an external suite, checked again on the worker (the campaign loader
 * checks it first): the suite must be one this worker's operator declared, and each selection must
 * be allowed by that suite and pass the selection grammar.
 */
function chosenSuite(
  settings: Record<string, unknown>,
  suites: ExternalSuites,
): {
  suite: ExternalSuite;
  selection: PytestSelection;
} {
  const bad = (message: string, field: string): ScenarioError =>
    new ScenarioError(`external.xcp-ng-tests: with.${field}: ${message}`, ScenarioErrorCode.BadParams, { field });
  const refused = Object.keys(withSettings(settings)).filter((k) => !EXTERNAL_WITH_KEYS.includes(k));
  if (refused.length > 0) {
    throw bad('not a setting of external suites (suites are declared by the operator)', refused[0]!);
  }
  const name = settingString(settings, 'suite');
  if (!name) throw bad('name the suite to run (one declared in SHAKEDOWN_EXTERNAL_SUITES)', 'suite');
  const suite = suites.get(name);
  if (!suite) {
    throw bad(
      `this worker declares no suite '${name}' (declared: ${[...suites.keys()].join(', ') || 'none'})`,
      'suite',
    );
  }
  const selection: PytestSelection = {};
  const tests = settingList(settings, 'tests');
  if (tests.length > 0) {
    if (!suite.allow.tests) throw bad(`suite ${name} does not allow selecting tests by id`, 'tests');
    tests.forEach((id, i) => {
      const problem = testIdProblem(id);
      if (problem) throw bad(problem, `tests[${i}]`);
    });
    selection.tests = tests;
  }
  const keyword = settingString(settings, 'k');
  if (keyword !== undefined) {
    if (!suite.allow.keyword) throw bad(`suite ${name} does not allow -k`, 'k');
    const problem = keywordProblem(keyword);
    if (problem) throw bad(problem, 'k');
    selection.keyword = keyword;
  }
  const markers = settingString(settings, 'm');
  if (markers !== undefined) {
    if (!suite.allow.markers) throw bad(`suite ${name} does not allow -m`, 'm');
    const problem = markerProblem(markers);
    if (problem) throw bad(problem, 'm');
    selection.markers = markers;
  }
  return { suite, selection };
}

/**
 * XCP-ng's own pytest suite (or any pytest suite the operator declared) against the leased pool:
 * `--hosts=<master address>` plus the address, user and password in the environment. Each test
 * becomes a step and the counts become measurements; a failed or errored test fails the case.
 */
const xcpNgTests = (suites: ExternalSuites): ScenarioDefinition => ({
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
    const { suite, selection } = chosenSuite(ctx.settings, suites);
    const master = ctx.pool('pool').master;
    const password = await masterPassword(ctx);
    const args = [...suite.args, `--hosts=${master.address}`, ...selectionArgs(selection)];
    const env: Record<string, string> = {
      SHAKEDOWN_HOST: master.address,
      SHAKEDOWN_HOST_PORT: String(master.target.port),
      SHAKEDOWN_HOST_USER: master.target.username,
      ...(password !== undefined ? { [suite.passwordEnv]: password } : {}),
    };
    const run = await ctx.step(`${suite.interpreter} -m pytest ${args.join(' ')} (suite ${suite.name})`, () =>
      runPytest({
        suite,
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
});

function redactText(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}

export function externalScenarios(suites: ExternalSuites): ScenarioDefinition[] {
  return [xcpNgTests(suites)];
}

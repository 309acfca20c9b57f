import type { CampaignCase } from 'src/campaign/campaign.types';
import { DomainError } from 'src/common/errors/domain-error';
import { parseBundleText } from 'src/community/bundle-import';
import { CommunityError, CommunityErrorCode } from 'src/community/community.errors';
import { caseHash, caseKey } from 'src/matrix/case-key';
import type { Params } from 'src/matrix/matrix.types';
import { fioMeasurements } from 'src/results/fio/fio-measurements';
import { parseFioOutput } from 'src/results/fio/fio-parse';
import { parseJunitXml } from 'src/results/junit/junit-import';
import { junitCaseKey, XCP_NG_TESTS_SCENARIO } from 'src/results/junit/pytest-ids';
import { gatherSamples, isSuccess, worstOutcome } from 'src/results/outcome';
import type { Measurement, Outcome } from 'src/results/outcome';
import { ResultsError } from 'src/results/results.errors';

export type SubmissionKind = 'bundle' | 'junit' | 'fio';

interface MappedCase {
  caseKey: string;
  caseHash: string;
  suite: string;
  scenario: string;
  params: Record<string, unknown>;
  outcome: Outcome;
  errorCode: string | null;
  reason: string | null;
  durationMs: number | null;
  measurements: Measurement[];
}

export interface MappedSubmission {
  campaign: string;
  baseline: string | null;
  simulated: boolean;
  labSnapshot: Record<string, unknown>;
  cases: MappedCase[];
  summary: Record<string, unknown>;
}

interface MappingContext {
  release: string;
  /** Cases of the release's campaign, by key: a result that is one of them takes its identity. */
  campaignCases: ReadonlyMap<string, CampaignCase>;
  /** The campaign case an xcp-ng-tests result counts for, by pytest node id (the campaign's `xcp_ng_tests`). */
  caseForTest?: (nodeId: string) => CampaignCase | undefined;
  campaignName?: string;
  /** Extra parameters the submitter states (fio: `sr_kind`), used to line results up with campaign cases. */
  params?: Params;
}

const FIO_SCENARIO = 'perf.fio';
const MAX_REASON = 4000;

/**
 * Turns a submitted file into cases of the results store:
 * - a Shakedown bundle keeps its case keys, outcomes and measurements;
 * - JUnit XML: each testcase is keyed as the results layer keys it (`junitCaseKey`: Shakedown's own
 *   export carries the case key, anything else becomes `external.xcp-ng-tests[test=<node id>]`),
 *   and takes the campaign case's scenario and parameters when the key is one of the campaign's, or
 *   when the campaign's `xcp_ng_tests` table maps the pytest node id to one of its cases;
 * - fio JSON: one `perf.fio` case with the fio measurements; it is the campaign's
 *   `perf.fio[release=candidate,sr_kind=S,workload=RW]` case when the submitter names `sr_kind` and
 *   the job's rw and block size are those of that campaign workload, else a case keyed by the job's
 *   own parameters (rw, bs, iodepth, numjobs, ioengine, direct).
 * Parse errors of the results layer come back as submission errors (400), position included.
 */
export function mapSubmission(kind: SubmissionKind, content: string, ctx: MappingContext): MappedSubmission {
  try {
    if (kind === 'bundle') return mapBundle(content, ctx);
    if (kind === 'junit') return mapJunit(content, ctx);
    return mapFio(content, ctx);
  } catch (err) {
    if (err instanceof ResultsError) {
      const code = /MALFORMED|BAD_JSON|NO_JSON/.test(err.code)
        ? CommunityErrorCode.SubmissionMalformed
        : CommunityErrorCode.SubmissionInvalid;
      throw new CommunityError(err.message, code, { ...err.details, cause: err.code });
    }
    if (err instanceof DomainError) throw err;
    throw err;
  }
}

function mapBundle(content: string, ctx: MappingContext): MappedSubmission {
  const bundle = parseBundleText(content);
  if (bundle.run.release !== ctx.release) {
    throw new CommunityError(
      `release: the submission says ${ctx.release} but the bundle's run tested ${bundle.run.release}`,
      CommunityErrorCode.SubmissionInvalid,
    );
  }
  // Cases without an outcome had not finished when the bundle was written: they are not results.
  const cases = bundle.cases.flatMap<MappedCase>((c) =>
    c.outcome === null
      ? []
      : [
          {
            caseKey: c.caseKey,
            caseHash: caseHash(c.caseKey),
            suite: c.suite || (ctx.campaignCases.get(c.caseKey)?.suite ?? c.scenario),
            scenario: c.scenario,
            params: c.params,
            outcome: c.outcome,
            errorCode: c.errorCode,
            reason: clip(c.reason),
            durationMs: c.durationMs,
            measurements: c.measurements.map((m) => ({
              metric: m.metric,
              unit: m.unit,
              direction: m.direction,
              samples: m.samples,
              value: m.value,
              context: m.context as Measurement['context'],
            })),
          },
        ],
  );
  return {
    campaign: bundle.run.campaign,
    baseline: bundle.run.baselineRelease,
    simulated: bundle.run.simulated,
    labSnapshot: { hosts: bundle.lab.hosts },
    cases,
    summary: { counts: countBy(cases), bundleRun: bundle.run.number },
  };
}

function mapJunit(content: string, ctx: MappingContext): MappedSubmission {
  const report = parseJunitXml(content, { source: 'content' });
  const byKey = new Map<string, MappedCase>();
  for (const c of report.cases) {
    const own = junitCaseKey(c);
    const known = ctx.campaignCases.get(own) ?? ctx.caseForTest?.(c.id);
    const key = known?.caseKey ?? own;
    const external = own === caseKey(XCP_NG_TESTS_SCENARIO, { test: c.id });
    const mapped: MappedCase = {
      caseKey: key,
      caseHash: caseHash(key),
      suite: known?.suite ?? (external ? 'xcp-ng-tests' : c.suite),
      scenario: known?.scenario ?? (external ? XCP_NG_TESTS_SCENARIO : c.classname),
      params: known?.params ?? (external ? { test: c.id } : {}),
      outcome: c.outcome,
      errorCode: c.phase ? `pytest-${c.phase}-error` : null,
      reason: clip(c.message ?? null),
      durationMs: Math.round(c.durationMs),
      measurements: [],
    };
    // A campaign case that several tests count for names each test that did not pass.
    if (known && own !== key && !isSuccess(c.outcome)) {
      mapped.reason = clip(`${c.id}: ${c.outcome}${c.message ? `: ${c.message}` : ''}`);
    }
    const previous = byKey.get(key);
    // Several testcases on one key (a re-run inside one file, or tests of one campaign case): keep
    // the worse outcome, as the results layer folds, and every reason.
    if (previous) {
      previous.outcome = worstOutcome([previous.outcome, mapped.outcome]) ?? previous.outcome;
      if (known && own !== key && mapped.reason) {
        previous.reason = clip(previous.reason ? `${previous.reason}\n${mapped.reason}` : mapped.reason);
      }
    } else byKey.set(key, mapped);
  }
  const cases = [...byKey.values()];
  const declared = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const s of report.suites) {
    for (const k of Object.keys(declared) as Array<keyof typeof declared>) declared[k] += s.declared[k] ?? 0;
  }
  return {
    campaign: ctx.campaignName ?? 'junit',
    baseline: null,
    simulated: false,
    labSnapshot: {},
    cases,
    summary: { counts: countBy(cases), declared, testcases: report.cases.reduce((n, c) => n + c.reports, 0) },
  };
}

function mapFio(content: string, ctx: MappingContext): MappedSubmission {
  const result = parseFioOutput(content, 'content');
  const job = result.jobs[0];
  if (!job) throw new CommunityError('content: the fio report has no job', CommunityErrorCode.SubmissionInvalid);
  const options = { ...result.globalOptions, ...job.options };
  const own: Params = {};
  const rw = options['rw'] ?? options['readwrite'];
  for (const [name, value] of [
    ['rw', rw],
    ['bs', options['bs']],
    ['iodepth', options['iodepth']],
    ['numjobs', options['numjobs']],
    ['ioengine', options['ioengine']],
    ['direct', options['direct']],
  ] as const) {
    if (value !== undefined) own[name] = value;
  }
  const campaignCase = matchCampaignFio(ctx, rw, options['bs']);
  const params: Params = campaignCase?.params ?? { ...own, ...(ctx.params ?? {}) };
  const key = campaignCase?.caseKey ?? caseKey(FIO_SCENARIO, params);
  const failedJob = result.jobs.find((j) => j.error !== 0);
  const measurements = gatherSamples([fioMeasurements(result)], { fio_version: result.fioVersion });
  return {
    campaign: ctx.campaignName ?? 'fio',
    baseline: null,
    simulated: false,
    labSnapshot: {},
    cases: [
      {
        caseKey: key,
        caseHash: caseHash(key),
        suite: campaignCase?.suite ?? 'perf-fio',
        scenario: FIO_SCENARIO,
        params,
        outcome: failedJob ? 'failed' : 'passed',
        errorCode: failedJob ? `FIO_ERROR_${failedJob.error}` : null,
        reason: failedJob ? `fio job ${failedJob.name} ended with error ${failedJob.error}` : null,
        durationMs: job.jobRuntimeMs ?? null,
        measurements,
      },
    ],
    summary: {
      counts: { [failedJob ? 'failed' : 'passed']: 1 },
      fioVersion: result.fioVersion,
      jobs: result.jobs.length,
    },
  };
}

function matchCampaignFio(
  ctx: MappingContext,
  rw: string | undefined,
  bs: string | undefined,
): CampaignCase | undefined {
  const srKind = ctx.params?.['sr_kind'];
  if (rw === undefined || bs === undefined || typeof srKind !== 'string') return undefined;
  const key = caseKey(FIO_SCENARIO, { release: 'candidate', sr_kind: srKind, workload: rw });
  const found = ctx.campaignCases.get(key);
  const commands = found?.settings.with['fio_commands'];
  const command = commands && typeof commands === 'object' && !Array.isArray(commands) ? commands[rw] : undefined;
  return typeof command === 'string' && command.includes(`--bs=${bs} `) ? found : undefined;
}

function countBy(cases: readonly MappedCase[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of cases) out[c.outcome] = (out[c.outcome] ?? 0) + 1;
  return out;
}

function clip(text: string | null): string | null {
  return text !== null && text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text;
}

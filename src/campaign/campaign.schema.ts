import { isMap, isScalar, type Node, Scalar } from 'yaml';
import { SCENARIOS, SR_KINDS } from 'src/campaign/scenario-catalog';
import {
  anyValue,
  BAD,
  bool,
  describe,
  documented,
  duration,
  list,
  nodeAt,
  num,
  object,
  oneOf,
  record,
  type SchemaContext,
  str,
  strings,
  type Validator,
} from 'src/campaign/yaml-schema';
import { checkMatrix } from 'src/matrix/expand';
import { parseExpression } from 'src/matrix/expression';
import { MatrixError } from 'src/matrix/matrix.errors';
import type { MatrixSpec, Params, Strategy, Value } from 'src/matrix/matrix.types';

const ID = /^[a-z0-9][a-z0-9._-]*$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;
const CRON = /^\s*\S+(\s+\S+){4}\s*$/;

const params = (): Validator<Params> =>
  documented(
    (raw, ctx, what) => {
      const entries = record(anyValue())(raw, ctx, what);
      return entries === BAD ? BAD : Object.fromEntries(entries);
    },
    { type: 'map of parameter → value' },
  );

const strategy = (): Validator<Strategy> =>
  documented(strategyValidator, { type: '`full`, `pairwise` or `{ nwise: t }`' });

const strategyValidator: Validator<Strategy> = (raw, ctx, what) => {
  const node = ctx.deref(raw);
  if (node === BAD) return BAD;
  if (node && isScalar(node) && (node.value === 'full' || node.value === 'pairwise')) return node.value;
  if (node && isMap(node)) {
    const v = object({ nwise: { v: num({ integer: true, min: 1, max: 6 }), required: true } })(node, ctx, what);
    return v === BAD ? BAD : { nwise: v.nwise as number };
  }
  ctx.error(node ?? raw, `${what}: expected full, pairwise or { nwise: t }, found ${describe(node)}`);
  return BAD;
};

export const requirementsSchema = object({
  pools: { v: num({ integer: true, min: 1, max: 64 }), doc: 'Pools the lab must have.' },
  hosts_per_pool: { v: num({ integer: true, min: 1, max: 64 }), doc: 'Hosts each of those pools must have.' },
  sr_kinds: {
    v: documented(list(oneOf(SR_KINDS)), { type: 'list of [SR kinds](#sr-kinds)' }),
    doc: 'Storage-repository types that must be present, as xapi names them (`nfs`, `lvmoiscsi`, `ext`, …).',
  },
  versions: {
    v: list(str()),
    doc: 'Releases installed somewhere in the lab: `baseline`, `candidate` or a version such as `8.2.1`.',
  },
  hardware: { v: list(str()), doc: 'Hardware tags (classes) every host used must carry.' },
  updated: {
    v: bool(),
    default: 'false',
    doc: "`true`: the cases run on candidate-release pools only after the run's `updates:` step succeeded there (the campaign needs an `updates:` block); baseline-release roles stay un-updated, so old-vs-new compares before and after the candidates.",
  },
});

export const settingsShape = {
  repeat: {
    v: num({ integer: true, min: 1, max: 1000 }),
    default: '1',
    doc: 'Repetitions of each case (measurements get one sample per repetition).',
  },
  adaptive: {
    v: object({
      max: { v: num({ integer: true, min: 1, max: 1000 }), required: true, doc: 'Never more repetitions than this.' },
      cv: {
        v: num({ min: 0, max: 100 }),
        required: true,
        doc: 'Stop once the coefficient of variation (percent) is at most this.',
      },
    }),
    doc: 'Repeat until the measurements are stable instead of a fixed `repeat`.',
  },
  timeout: { v: duration(), default: '30m', doc: 'Time a case may take in all, teardown included.' },
  step_timeout: { v: duration(), default: '10m', doc: 'Time one step (one command on a host) may take.' },
  thresholds: {
    v: record(num({ min: 0, max: 1000 })),
    default: '{}',
    doc: 'Metric → smallest change (percent) that counts as a regression or an improvement.',
  },
  status_report: {
    v: bool(),
    default: 'false',
    doc: 'Collect a full status report (xen-bugtool) from the hosts when a case fails.',
  },
};

const matrixSchema = object({
  axes: {
    v: record(list(anyValue(), { min: 1 })),
    default: '{}',
    doc: "Parameter → its values (values may be maps); the first axis varies slowest. Names and values must be the scenario's (`shakedown scenarios`).",
  },
  exclude: {
    v: list(params()),
    doc: 'Partial combinations to drop (GitHub Actions semantics, applied first).',
  },
  include: {
    v: list(params()),
    doc: 'GitHub Actions `include`: extends the matching combinations, or adds a case of its own.',
  },
  constraints: {
    v: list(str()),
    doc: 'Rules every combination must satisfy, in the [expression language](#expressions).',
  },
  expect: {
    v: list(
      object({
        when: { v: str(), doc: 'The cases it applies to ([expression](#expressions)); absent: every case.' },
        outcome: { v: oneOf(['fail'] as const), required: true, doc: 'The expected outcome.' },
        error: {
          v: str({ pattern: ERROR_CODE, hint: 'an xapi error code in capitals, such as VM_LACKS_FEATURE' }),
          doc: 'The xapi error code the failure must carry to count as expected (xfailed).',
        },
        reason: { v: str(), doc: 'Why it must fail, shown beside the case.' },
      }),
    ),
    doc: 'Cases that must fail, first match wins: a failure with that error counts as expected (xfailed).',
  },
  strategy: {
    v: strategy(),
    default: 'full',
    doc: 'Every valid combination (`full`), or a covering set in which every pair (`pairwise`) or t-tuple of values appears.',
  },
  seed: {
    v: num({ integer: true, min: 0, max: 2 ** 31 - 1 }),
    default: '1',
    doc: 'Makes a pairwise or n-wise selection reproducible; change it for another selection.',
  },
  seed_rows: { v: list(params()), doc: 'Combinations a pairwise or n-wise selection must contain.' },
});

/** Points a MatrixError at its YAML node, and inside an expression at the offending character. */
function reportMatrixError(err: MatrixError, matrixNode: Node | null, ctx: SchemaContext, what: string): void {
  const path = (err.where ?? '')
    .split(/[.[\]]+/)
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const node = nodeAt(matrixNode, path, ctx);
  ctx.error(
    node,
    `${what}.matrix${err.where ? `.${err.where}` : ''}: ${err.message}`,
    offsetInScalar(node, err.offset),
  );
}

/** Where a character of an expression is in its YAML scalar (past the opening quote, if any). */
function offsetInScalar(node: Node | null, offset: number | undefined): number {
  if (offset === undefined || !(node instanceof Scalar)) return 0;
  if (node.type === 'PLAIN') return offset;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return offset + 1;
  return 0;
}

function checkAgainstContract(
  scenario: string,
  matrix: MatrixSpec,
  matrixNode: Node | null,
  ctx: SchemaContext,
  what: string,
): void {
  const contract = SCENARIOS[scenario];
  if (!contract) return;
  const known = Object.keys(contract.params);
  const checkParam = (name: string, value: Value | undefined, path: Array<string | number>): void => {
    if (!(name in contract.params)) {
      ctx.error(
        nodeAt(matrixNode, path, ctx),
        `${what}.matrix: scenario ${scenario} has no parameter '${name}' (parameters: ${known.join(', ') || 'none'})`,
      );
      return;
    }
    const allowed = contract.params[name];
    if (value !== undefined && allowed && !(typeof value === 'string' && allowed.includes(value))) {
      ctx.error(
        nodeAt(matrixNode, path, ctx),
        `${what}.matrix: ${JSON.stringify(value)} is not a value of ${scenario} parameter '${name}' (expected one of: ${allowed.join(', ')})`,
      );
    }
  };
  for (const [name, values] of Object.entries(matrix.axes)) {
    if (!(name in contract.params)) checkParam(name, undefined, ['axes', name]);
    else values.forEach((v, i) => checkParam(name, v, ['axes', name, i]));
  }
  (matrix.include ?? []).forEach((entry, i) => {
    for (const [name, v] of Object.entries(entry)) checkParam(name, v, ['include', i, name]);
  });
}

function checkExpression(src: string, node: Node | null, ctx: SchemaContext, what: string): void {
  try {
    parseExpression(src);
  } catch (err) {
    if (!(err instanceof MatrixError)) throw err;
    ctx.error(node, `${what}: ${err.message}`, offsetInScalar(node, err.offset));
  }
}

export const suiteSchema = object(
  {
    id: {
      v: str({ pattern: ID, hint: 'a lower-case id (letters, digits, . _ -)' }),
      required: true,
      doc: 'Unique in the campaign; `--suite` and reports name the suite by it.',
    },
    scenario: {
      v: str(),
      required: true,
      doc: 'What the cases do: one of the scenarios listed [below](#scenarios) (`shakedown scenarios`).',
    },
    title: { v: str(), required: true, doc: 'One line shown in reports.' },
    covers: {
      v: strings(),
      default: '[]',
      doc: "The test-plan bullet(s) this suite covers, word for word; the release page's rows.",
    },
    matrix: { v: matrixSchema, doc: 'The parameter combinations to run; absent: one case without parameters.' },
    ...settingsShape,
    requires: { v: requirementsSchema, doc: 'What the lab must offer for every case of the suite.' },
    requires_when: {
      v: list(
        object({
          when: { v: str(), required: true, doc: 'The cases it applies to ([expression](#expressions)).' },
          requires: { v: requirementsSchema, required: true, doc: 'What those cases need besides `requires`.' },
        }),
      ),
      doc: 'Extra requirements for some cases only.',
    },
    manual: {
      v: bool(),
      default: 'false',
      doc: 'The cases are done by a person (`shakedown run record`); manual scenarios need it.',
    },
    checklist: { v: list(str(), { min: 1 }), doc: 'The steps the person follows; only for manual suites.' },
    with: {
      v: record(anyValue()),
      default: '{}',
      doc: 'Scenario settings; strings may use `${name}` for a parameter. `external.xcp-ng-tests` checks its own keys ([below](#with-external-xcp-ng-tests)).',
    },
  },
  (suite, node, ctx, what) => {
    const scenario = suite.scenario as string;
    const contract = SCENARIOS[scenario];
    if (!contract) {
      ctx.error(
        nodeAt(node, ['scenario'], ctx),
        `${what}.scenario: unknown scenario '${scenario}' (known: ${Object.keys(SCENARIOS).join(', ')})`,
      );
    } else if (contract.manual && suite.manual !== true) {
      ctx.error(
        nodeAt(node, ['scenario'], ctx),
        `${what}: scenario ${scenario} is a manual check: set manual: true and a checklist`,
      );
    }
    if (contract?.with && suite.with !== undefined) {
      contract.with(nodeAt(node, ['with'], ctx), ctx, `${what}.with`);
    }
    if (suite.manual === true && !suite.checklist) {
      ctx.error(node, `${what}: manual: true needs a checklist (the steps a person follows)`);
    }
    if (suite.checklist && suite.manual !== true) {
      ctx.error(
        nodeAt(node, ['checklist'], ctx),
        `${what}.checklist: only manual suites have a checklist (add manual: true)`,
      );
    }
    (suite.requires_when ?? []).forEach((rule, i) =>
      checkExpression(
        rule.when as string,
        nodeAt(node, ['requires_when', i, 'when'], ctx),
        ctx,
        `${what}.requires_when[${i}].when`,
      ),
    );
    if (suite.matrix) {
      const matrixNode = nodeAt(node, ['matrix'], ctx);
      const spec = toMatrixSpec(suite.matrix);
      checkAgainstContract(scenario, spec, matrixNode, ctx, what);
      try {
        checkMatrix(spec);
      } catch (err) {
        if (!(err instanceof MatrixError)) throw err;
        reportMatrixError(err, matrixNode, ctx, what);
      }
    }
  },
);

type MatrixValue = Exclude<ReturnType<typeof matrixSchema>, typeof BAD>;

export function toMatrixSpec(m: MatrixValue): MatrixSpec {
  const spec: MatrixSpec = { axes: Object.fromEntries(m.axes ?? []) };
  if (m.exclude) spec.exclude = m.exclude;
  if (m.include) spec.include = m.include;
  if (m.constraints) spec.constraints = m.constraints;
  if (m.expect) {
    spec.expect = m.expect.map((e) => {
      const rule: NonNullable<MatrixSpec['expect']>[number] = { outcome: 'fail' };
      if (e.when !== undefined) rule.when = e.when;
      if (e.error !== undefined) rule.error = e.error;
      if (e.reason !== undefined) rule.reason = e.reason;
      return rule;
    });
  }
  if (m.strategy !== undefined) spec.strategy = m.strategy;
  if (m.seed !== undefined) spec.seed = m.seed;
  if (m.seed_rows) spec.seed_rows = m.seed_rows;
  return spec;
}

/** What may reach a host's yum command line from a campaign: names only, never an option. */
export const RPM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$/;
/** Secrets are named, never written: the environment variable that holds one. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,63}$/;
const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*$/;
export const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const campaignSchema = object(
  {
    name: { v: str(), required: true, doc: 'The campaign name, in reports and schedules.' },
    release: { v: str(), required: true, doc: 'The release under test (the candidate), such as `8.3.0`.' },
    baseline: { v: str(), required: true, doc: 'The release it is compared with, such as `8.2.1`.' },
    description: { v: str(), default: "''", doc: 'A paragraph for the reports.' },
    defaults: {
      v: object(settingsShape),
      doc: 'Settings every suite takes unless it sets its own (`repeat`, `timeout`, … as in a suite).',
    },
    suites: { v: list(suiteSchema, { min: 1 }), required: true, doc: 'What to run ([below](#suites)).' },
    updates: {
      v: object({
        enablerepo: {
          v: str({ pattern: REPO_ID, hint: 'a yum repository id such as xcp-ng-testing' }),
          required: true,
          doc: 'The yum repository holding the update candidates (`--enablerepo`).',
        },
        packages: {
          v: list(str({ pattern: RPM_NAME, hint: 'an RPM name such as xapi-core' }), { min: 1, max: 200 }),
          doc: 'The packages to update from it; absent: every update it offers for installed packages.',
        },
        restart_toolstack: {
          v: oneOf(['auto', 'always', 'never'] as const),
          default: 'auto',
          doc: 'Restart the toolstack after the update; `auto`: when an updated package needs it.',
        },
        reboot: {
          v: oneOf(['auto', 'always', 'never'] as const),
          default: 'auto',
          doc: 'Reboot the hosts after the update; `auto`: when an updated package needs it (kernel, Xen).',
        },
      }),
      doc: 'Update candidates applied to the candidate-release pools before any case (`yum update PACKAGES --enablerepo=REPO`, master first); the baseline pools stay as they are.',
    },
    notify: {
      v: object({
        when: {
          v: oneOf(['end', 'regression'] as const),
          default: 'end',
          doc: '`end`: every run end; `regression`: only runs with regressions or that ended in error.',
        },
        webhooks: {
          v: list(
            object({
              url_env: {
                v: str({ pattern: ENV_NAME, hint: 'the NAME of an environment variable holding the URL' }),
                required: true,
                doc: 'The environment variable holding the webhook URL (never the URL itself: it is a secret).',
              },
              format: {
                v: oneOf(['json', 'text'] as const),
                default: 'json',
                doc: '`json`: the run notice as a document; `text`: `{"text": …}` as Slack, Mattermost or Matrix hooks take.',
              },
              token_env: {
                v: str({ pattern: ENV_NAME, hint: 'the NAME of an environment variable holding a token' }),
                doc: 'The environment variable holding a bearer token for the endpoint, if it wants one.',
              },
            }),
            { max: 20 },
          ),
          default: '[]',
          doc: 'Webhooks told of the run end (retried with backoff; a failing one never fails the run).',
        },
        email: {
          v: list(str({ pattern: EMAIL, hint: 'an e-mail address such as qa@example.org' }), { max: 50 }),
          default: '[]',
          doc: 'Addresses e-mailed at the run end, through SHAKEDOWN_SMTP_HOST.',
        },
      }),
      doc: 'Who is told when a run ends: verdict, regressions and outcome changes, the run page URL.',
    },
    nested_lab: {
      v: str(),
      doc: 'A nested lab file (relative to the campaign) provisioned before the run and destroyed after it.',
    },
    xcp_ng_tests: {
      v: list(
        object({
          test: {
            v: str({ pattern: /^[^\s]+$/, hint: 'a pytest node id, * matching any characters' }),
            required: true,
            doc: 'A pytest node id of xcp-ng-tests; `*` matches any characters.',
          },
          suite: { v: str(), required: true, doc: 'The suite (its `id`) the result counts for.' },
          params: { v: params(), default: '{}', doc: 'The parameters of the case it counts for.' },
        }),
      ),
      doc: 'Submitted xcp-ng-tests results → the case they count for on coverage; the first matching rule wins.',
    },
    schedule: {
      v: object({
        cron: {
          v: str({ pattern: CRON, hint: 'a cron line with five fields, such as "0 2 * * 1"' }),
          required: true,
          doc: 'When to start a run (UTC), five cron fields.',
        },
        priority: {
          v: num({ integer: true, min: 0, max: 100 }),
          default: '50',
          doc: 'Queue priority of the scheduled runs (higher first).',
        },
      }),
      doc: 'The default of `shakedown run schedule`.',
    },
  },
  (campaign, node, ctx) => {
    const seen = new Map<string, number>();
    (campaign.suites ?? []).forEach((suite, i) => {
      const id = suite.id as string;
      if (seen.has(id)) {
        ctx.error(
          nodeAt(node, ['suites', i, 'id'], ctx),
          `suites[${i}].id: '${id}' is already the id of suites[${seen.get(id)}]`,
        );
      } else {
        seen.set(id, i);
      }
    });
    if (!campaign.updates) {
      // A suite that tests the candidates cannot run when nothing applies them: said at load, where it is written.
      (campaign.suites ?? []).forEach((suite, i) => {
        const at: Array<Array<string | number>> = [];
        if (suite.requires?.updated) at.push(['suites', i, 'requires', 'updated']);
        (suite.requires_when ?? []).forEach((rule, j) => {
          if (rule.requires?.updated) at.push(['suites', i, 'requires_when', j, 'requires', 'updated']);
        });
        for (const path of at) {
          ctx.error(
            nodeAt(node, path, ctx),
            `campaign${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}: updated: true needs the campaign's updates: block (the candidates applied before these cases run)`,
          );
        }
      });
    }
    (campaign.xcp_ng_tests ?? []).forEach((rule, i) => {
      if (!seen.has(rule.suite as string)) {
        ctx.error(
          nodeAt(node, ['xcp_ng_tests', i, 'suite'], ctx),
          `xcp_ng_tests[${i}].suite: no suite '${String(rule.suite)}' in this campaign`,
        );
      }
    });
  },
);

import { isMap, isScalar, type Node, Scalar } from 'yaml';
import { SCENARIOS } from 'src/campaign/scenario-catalog';
import {
  anyValue,
  BAD,
  bool,
  describe,
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

const params = (): Validator<Params> => (raw, ctx, what) => {
  const entries = record(anyValue())(raw, ctx, what);
  return entries === BAD ? BAD : Object.fromEntries(entries);
};

const strategy = (): Validator<Strategy> => (raw, ctx, what) => {
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
  pools: { v: num({ integer: true, min: 1, max: 64 }) },
  hosts_per_pool: { v: num({ integer: true, min: 1, max: 64 }) },
  sr_kinds: { v: list(str()) },
  versions: { v: list(str()) },
  hardware: { v: list(str()) },
});

export const settingsShape = {
  repeat: { v: num({ integer: true, min: 1, max: 1000 }) },
  adaptive: {
    v: object({
      max: { v: num({ integer: true, min: 1, max: 1000 }), required: true },
      cv: { v: num({ min: 0, max: 100 }), required: true },
    }),
  },
  timeout: { v: duration() },
  step_timeout: { v: duration() },
  thresholds: { v: record(num({ min: 0, max: 1000 })) },
  status_report: { v: bool() },
};

const matrixSchema = object({
  axes: { v: record(list(anyValue(), { min: 1 })) },
  exclude: { v: list(params()) },
  include: { v: list(params()) },
  constraints: { v: list(str()) },
  expect: {
    v: list(
      object({
        when: { v: str() },
        outcome: { v: oneOf(['fail'] as const), required: true },
        error: { v: str({ pattern: ERROR_CODE, hint: 'an xapi error code in capitals, such as VM_LACKS_FEATURE' }) },
        reason: { v: str() },
      }),
    ),
  },
  strategy: { v: strategy() },
  seed: { v: num({ integer: true, min: 0, max: 2 ** 31 - 1 }) },
  seed_rows: { v: list(params()) },
});

/** Points a MatrixError at its YAML node, and inside an expression at the offending character. */
function reportMatrixError(err: MatrixError, matrixNode: Node | null, ctx: SchemaContext, what: string): void {
  const path = (err.where ?? '')
    .split(/[.[\]]+/)
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const node = nodeAt(matrixNode, path, ctx);
  let offset = 0;
  if (err.offset !== undefined && node instanceof Scalar) {
    if (node.type === 'PLAIN') offset = err.offset;
    else if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') offset = err.offset + 1;
  }
  ctx.error(node, `${what}.matrix${err.where ? `.${err.where}` : ''}: ${err.message}`, offset);
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
    const offset = node instanceof Scalar && node.type === 'PLAIN' ? (err.offset ?? 0) : 0;
    ctx.error(node, `${what}: ${err.message}`, offset);
  }
}

export const suiteSchema = object(
  {
    id: { v: str({ pattern: ID, hint: 'a lower-case id (letters, digits, . _ -)' }), required: true },
    scenario: { v: str(), required: true },
    title: { v: str(), required: true },
    covers: { v: strings() },
    matrix: { v: matrixSchema },
    ...settingsShape,
    requires: { v: requirementsSchema },
    requires_when: {
      v: list(object({ when: { v: str(), required: true }, requires: { v: requirementsSchema, required: true } })),
    },
    manual: { v: bool() },
    checklist: { v: list(str(), { min: 1 }) },
    with: { v: record(anyValue()) },
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
export const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const campaignSchema = object(
  {
    name: { v: str(), required: true },
    release: { v: str(), required: true },
    baseline: { v: str(), required: true },
    description: { v: str() },
    defaults: { v: object(settingsShape) },
    suites: { v: list(suiteSchema, { min: 1 }), required: true },
    /**
     * Update candidates applied to the candidate-release pools before any case (the baseline pools stay
     * as they are): `yum update PACKAGES --enablerepo=REPO`, master first. Without `packages`, every
     * update the repository offers for installed packages.
     */
    updates: {
      v: object({
        enablerepo: {
          v: str({ pattern: REPO_ID, hint: 'a yum repository id such as xcp-ng-testing' }),
          required: true,
        },
        packages: { v: list(str({ pattern: RPM_NAME, hint: 'an RPM name such as xapi-core' }), { min: 1, max: 200 }) },
        restart_toolstack: { v: oneOf(['auto', 'always', 'never'] as const) },
        reboot: { v: oneOf(['auto', 'always', 'never'] as const) },
      }),
    },
    /** A nested lab file (relative to the campaign) to provision before the run and destroy after it. */
    nested_lab: { v: str() },
    /** xcp-ng-tests node ids (globs) → the suite (and parameters) whose case a submitted result counts for. */
    xcp_ng_tests: {
      v: list(
        object({
          test: {
            v: str({ pattern: /^[^\s]+$/, hint: 'a pytest node id, * matching any characters' }),
            required: true,
          },
          suite: { v: str(), required: true },
          params: { v: params() },
        }),
      ),
    },
    schedule: {
      v: object({
        cron: { v: str({ pattern: CRON, hint: 'a cron line with five fields, such as "0 2 * * 1"' }), required: true },
        priority: { v: num({ integer: true, min: 0, max: 100 }) },
      }),
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

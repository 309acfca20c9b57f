import { readFileSync, statSync } from 'node:fs';
import { readUserYaml } from 'src/common/input/yaml-reader';
import { type Diagnostic, CampaignError, CampaignErrorCode } from 'src/campaign/campaign.errors';
import type { Campaign, NotifyTarget, Requirements, Suite, SuiteSettings } from 'src/campaign/campaign.types';
import {
  campaignSchema,
  requirementsSchema,
  settingsShape,
  suiteSchema,
  toMatrixSpec,
} from 'src/campaign/campaign.schema';
import { BAD, type Typed, nodeAt, SchemaContext } from 'src/campaign/yaml-schema';

/** Campaign files are written by people; anything larger is a mistake or an attack. */
const MAX_CAMPAIGN_BYTES = 1024 * 1024;
const MAX_ALIASES = 100;

const DEFAULT_SETTINGS: SuiteSettings = {
  repeat: 1,
  timeout: 30 * 60,
  step_timeout: 10 * 60,
  thresholds: {},
  status_report: false,
};

type SettingsValue = Typed<typeof settingsShape>;
type SuiteValue = Exclude<ReturnType<typeof suiteSchema>, typeof BAD>;
type RequirementsValue = Exclude<ReturnType<typeof requirementsSchema>, typeof BAD>;

function mergeSettings(base: SuiteSettings, over: SettingsValue): SuiteSettings {
  const out: SuiteSettings = { ...base, thresholds: { ...base.thresholds } };
  if (over.repeat !== undefined) out.repeat = over.repeat;
  if (over.adaptive !== undefined) out.adaptive = { max: over.adaptive.max as number, cv: over.adaptive.cv as number };
  if (over.timeout !== undefined) out.timeout = over.timeout;
  if (over.step_timeout !== undefined) out.step_timeout = over.step_timeout;
  if (over.thresholds !== undefined) Object.assign(out.thresholds, Object.fromEntries(over.thresholds));
  if (over.status_report !== undefined) out.status_report = over.status_report;
  return out;
}

function toRequirements(r: RequirementsValue | undefined): Requirements {
  const out: Requirements = {};
  if (!r) return out;
  if (r.pools !== undefined) out.pools = r.pools;
  if (r.hosts_per_pool !== undefined) out.hosts_per_pool = r.hosts_per_pool;
  if (r.sr_kinds) out.sr_kinds = r.sr_kinds;
  if (r.versions) out.versions = r.versions;
  if (r.hardware) out.hardware = r.hardware;
  if (r.updated) out.updated = true;
  return out;
}

function toSuite(s: SuiteValue, defaults: SuiteSettings): Suite {
  return {
    id: s.id as string,
    scenario: s.scenario as string,
    title: s.title as string,
    covers: s.covers ?? [],
    matrix: s.matrix ? toMatrixSpec(s.matrix) : { axes: {} },
    settings: mergeSettings(defaults, s),
    requires: toRequirements(s.requires),
    requires_when: (s.requires_when ?? []).map((r) => ({
      when: r.when as string,
      requires: toRequirements(r.requires),
    })),
    manual: s.manual ?? false,
    checklist: s.checklist ?? [],
    with: Object.fromEntries(s.with ?? []),
  };
}

/**
 * Parses and checks a campaign, collecting every problem with its position. Never throws on bad
 * input: truncated, mistyped, huge, deeply nested and alias-bomb files all end as diagnostics.
 */
export function parseCampaign(text: string, filename: string): { campaign?: Campaign; diagnostics: Diagnostic[] } {
  const read = readUserYaml(text, filename, { maxChars: MAX_CAMPAIGN_BYTES, what: 'a campaign' });
  if (!read.yaml) return { diagnostics: read.problems };
  const doc = read.yaml.doc;
  const ctx = new SchemaContext(read.yaml);
  if (ctx.aliasNodes.length > MAX_ALIASES) {
    const alias = ctx.aliasNodes[MAX_ALIASES];
    ctx.error(alias ?? null, `more than ${MAX_ALIASES} aliases: refusing a document that could expand exponentially`);
    return { diagnostics: ctx.diagnostics };
  }
  const root = doc.contents;
  if (root === null) {
    return {
      diagnostics: [
        {
          file: filename,
          line: 1,
          col: 1,
          message: 'the file is empty: expected a campaign map (name, release, baseline, suites)',
        },
      ],
    };
  }
  const value = campaignSchema(root, ctx, 'campaign');
  if (value === BAD || ctx.diagnostics.length > 0) {
    return {
      diagnostics:
        ctx.diagnostics.length > 0
          ? ctx.diagnostics
          : [{ file: filename, line: 1, col: 1, message: 'invalid campaign' }],
    };
  }
  const defaults = mergeSettings(DEFAULT_SETTINGS, value.defaults ?? {});
  const campaign: Campaign = {
    file: filename,
    name: value.name as string,
    release: value.release as string,
    baseline: value.baseline as string,
    description: value.description ?? '',
    defaults,
    suites: (value.suites ?? []).map((s, i) => {
      const { line, col } = read.yaml.problemAt(nodeAt(root, ['suites', i], ctx)?.range?.[0] ?? 0, '');
      return { ...toSuite(s, defaults), at: { line, col } };
    }),
    xcpNgTests: (value.xcp_ng_tests ?? []).map((r) => ({
      test: r.test as string,
      suite: r.suite as string,
      params: r.params ?? {},
    })),
  };
  if (value.updates) {
    campaign.updates = {
      enablerepo: value.updates.enablerepo as string,
      packages: value.updates.packages ?? 'all',
      restartToolstack: value.updates.restart_toolstack ?? 'auto',
      reboot: value.updates.reboot ?? 'auto',
    };
  }
  if (value.notify) {
    campaign.notify = {
      when: value.notify.when ?? 'end',
      targets: [
        ...(value.notify.webhooks ?? []).map((w): NotifyTarget => ({
          kind: 'webhook',
          urlEnv: w.url_env as string,
          format: w.format ?? 'json',
          ...(w.token_env ? { tokenEnv: w.token_env } : {}),
        })),
        ...(value.notify.email?.length ? [{ kind: 'email' as const, to: value.notify.email }] : []),
      ],
    };
  }
  if (value.nested_lab) campaign.nestedLab = value.nested_lab;
  if (value.schedule) {
    campaign.schedule = { cron: value.schedule.cron as string, priority: value.schedule.priority ?? 50 };
  }
  return { campaign, diagnostics: [] };
}

/** Loads a campaign from a file path or from text; throws CampaignError with every diagnostic. */
export function loadCampaign(source: string | { text: string; filename: string }): Campaign {
  let text: string;
  let filename: string;
  if (typeof source === 'string') {
    filename = source;
    try {
      if (statSync(source).size > MAX_CAMPAIGN_BYTES) {
        throw new CampaignError([
          {
            file: filename,
            line: 1,
            col: 1,
            message: `file is larger than ${MAX_CAMPAIGN_BYTES} bytes; a campaign should be far smaller`,
          },
        ]);
      }
      text = readFileSync(source, 'utf8');
    } catch (err) {
      if (err instanceof CampaignError) throw err;
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new CampaignError(
        [{ file: filename, line: 1, col: 1, message: `cannot read the file (${reason})` }],
        CampaignErrorCode.Unreadable,
      );
    }
  } else {
    ({ text, filename } = source);
  }
  const { campaign, diagnostics } = parseCampaign(text, filename);
  if (!campaign) throw new CampaignError(diagnostics);
  return campaign;
}

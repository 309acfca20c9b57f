import type { Coverage, Expectation, MatrixSpec, Params, Value } from 'src/matrix/matrix.types';

/** What a suite (or one of its cases) needs from the lab; the planner matches it to pools and hosts. */
export interface Requirements {
  pools?: number;
  hosts_per_pool?: number;
  sr_kinds?: string[];
  /** Releases that must be installed somewhere in the lab (`baseline`, `candidate` or a version). */
  versions?: string[];
  /** Hardware tags every host used must carry. */
  hardware?: string[];
  /** Candidate-release pools only, after the run's `updates:` step succeeded on them. */
  updated?: boolean;
}

export interface SuiteSettings {
  repeat: number;
  /** Repeat until the coefficient of variation (percent) is at most `cv`, never beyond `max` runs. */
  adaptive?: { max: number; cv: number };
  /** Seconds. */
  timeout: number;
  /** Seconds. */
  step_timeout: number;
  /** Metric → smallest change (percent) that counts as a regression or an improvement. */
  thresholds: Record<string, number>;
  /** Collect a full status report (xen-bugtool) when a case fails. */
  status_report: boolean;
}

export interface Suite {
  id: string;
  scenario: string;
  title: string;
  /** The seed bullet(s) of the test plan this suite covers. */
  covers: string[];
  matrix: MatrixSpec;
  settings: SuiteSettings;
  requires: Requirements;
  /** Extra requirements for the cases matching `when` (same expression language as constraints). */
  requires_when: Array<{ when: string; requires: Requirements }>;
  manual: boolean;
  checklist: string[];
  /** Scenario settings; strings may use ${name} for a parameter or another scalar setting. */
  with: Record<string, Value>;
  /** Where the suite starts in its file, for problems found after loading (a case two suites make). */
  at?: { line: number; col: number };
}

export interface Campaign {
  file: string;
  name: string;
  release: string;
  baseline: string;
  description: string;
  defaults: SuiteSettings;
  suites: Suite[];
  updates?: CampaignUpdates;
  notify?: CampaignNotify;
  schedule?: { cron: string; priority: number };
  /** A nested lab file (relative to the campaign file) provisioned as the run's preparation. */
  nestedLab?: string;
  /** Which campaign case a submitted xcp-ng-tests result counts for, first matching rule wins. */
  xcpNgTests: XcpNgTestRule[];
}

/** The campaign's `updates:` block: what the run's preparation applies to the candidate pools. */
export interface CampaignUpdates {
  enablerepo: string;
  /** 'all': every update the repository offers for installed packages */
  packages: string[] | 'all';
  /** auto: when an updated package ships a toolstack service */
  restartToolstack: 'auto' | 'always' | 'never';
  /** auto: when the kernel, Xen or microcode changed */
  reboot: 'auto' | 'always' | 'never';
}

/** Where a run's end is told: a webhook (its URL read from an environment variable) or e-mail. */
export type NotifyTarget =
  | {
      kind: 'webhook';
      /** name of the environment variable holding the URL (incoming-webhook URLs carry their token) */
      urlEnv: string;
      /** json: Shakedown's document; text: `{"text": …}`, what Slack/Mattermost/Matrix-style hooks accept */
      format: 'json' | 'text';
      /** name of the environment variable holding a bearer token, if the endpoint wants one */
      tokenEnv?: string;
    }
  | { kind: 'email'; to: string[] };

/** The campaign's `notify:` block: who is told when its runs end. */
export interface CampaignNotify {
  /** end: every run end; regression: only a run with regressions (or that ended in error) */
  when: 'end' | 'regression';
  targets: NotifyTarget[];
}

export interface XcpNgTestRule {
  /** A pytest node id; `*` matches any run of characters. */
  test: string;
  suite: string;
  /** Picks the suite's case whose parameters include these (default: its first case). */
  params: Params;
}

export interface CaseSettings extends SuiteSettings {
  requires: Requirements;
  with: Record<string, Value>;
  checklist?: string[];
}

export interface CampaignCase {
  caseKey: string;
  caseHash: string;
  suite: string;
  scenario: string;
  params: Params;
  expectation: Expectation;
  settings: CaseSettings;
  manual: boolean;
}

export interface SuiteExpansion {
  suite: string;
  scenario: string;
  title: string;
  full: number;
  valid: number | null;
  selected: number;
  coverage: Coverage;
  warnings: string[];
  cases: CampaignCase[];
}

export interface CampaignExpansion {
  campaign: string;
  release: string;
  baseline: string;
  suites: SuiteExpansion[];
  total: number;
}

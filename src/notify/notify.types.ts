import type { CampaignNotify } from 'src/campaign/campaign.types';

export type { CampaignNotify, NotifyTarget } from 'src/campaign/campaign.types';

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it */
  secure: boolean;
  from: string;
  user?: string;
  /** name of the environment variable holding the SMTP password */
  passwordEnv?: string;
}

export interface NotifySettings {
  /** told of every run, besides the campaign's own targets */
  global: CampaignNotify | null;
  smtp: SmtpSettings | null;
  attempts: number;
  /** first retry after this long, doubling each time */
  backoffMs: number;
  publicUrl: string;
  /** where the `*_env` names are looked up */
  env: NodeJS.ProcessEnv;
}

/** What a message says about one ended run. */
export interface RunNotice {
  event: 'run.ended' | 'run.regressed';
  run: {
    number: number;
    campaign: string;
    release: string;
    lab: string | null;
    status: string;
    url: string;
    error: string | null;
  };
  verdict: 'passed' | 'failed' | 'regressed' | 'error' | 'cancelled';
  outcomes: Record<string, number>;
  /** compared with the previous ended run of the same campaign on the same lab */
  comparedWith: number | null;
  regressions: Array<{ caseKey: string; from: string; to: string }>;
  changes: Array<{ caseKey: string; from: string; to: string }>;
  /** the candidate packages the run applied, when it had updates */
  packages: Array<{ name: string; from: string | null; to: string | null }>;
  trigger: Record<string, unknown> | null;
}

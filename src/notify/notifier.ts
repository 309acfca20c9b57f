import { DataSource } from 'typeorm';
import { queryRows } from 'src/database/sql';
import { DeliveryFailure, postWebhook, sendEmail, withRetries } from 'src/notify/deliver';
import { CampaignNotify, NotifySettings, NotifyTarget } from 'src/notify/notify.types';
import { NotifyRepository } from 'src/notify/notify.repository';
import { buildRunNotice } from 'src/notify/run-notice';

const label = (t: NotifyTarget): string =>
  t.kind === 'webhook' ? `webhook ${t.urlEnv} (${t.format})` : `email ${t.to.join(',')}`;

/**
 * Tells a run's end to the campaign's targets and the global ones: a webhook (JSON, or the text form
 * chat hooks take) or an e-mail, with the verdict, regressions, outcome changes and the run page's
 * URL. Each target is claimed in the database so one process sends it; failures are retried with
 * backoff, recorded, logged without the target's URL or secret — and never change the run.
 */
export class Notifier {
  private readonly repo: NotifyRepository;

  constructor(
    private readonly db: DataSource,
    private readonly settings: NotifySettings,
    private readonly log: (fields: Record<string, unknown>, message: string, level?: 'info' | 'warn' | 'error') => void,
  ) {
    this.repo = new NotifyRepository(db);
  }

  async runEnded(runId: string): Promise<void> {
    const notice = await buildRunNotice(this.db, runId, this.settings.publicUrl);
    if (!notice || !['finished', 'error', 'cancelled'].includes(notice.run.status)) return;
    const [row] = await queryRows<{ options: { notify?: CampaignNotify | null } }>(
      this.db,
      `SELECT options FROM runs WHERE id = $1`,
      [runId],
    );
    const bad = notice.verdict === 'regressed' || notice.verdict === 'error';
    const targets = [row?.options.notify, this.settings.global]
      .filter((n): n is CampaignNotify => !!n && (n.when === 'end' || bad))
      .flatMap((n) => n.targets);
    await Promise.all(
      targets.map(async (t) => {
        const name = label(t);
        if (!(await this.repo.claim(runId, name))) return;
        let attempts = 0;
        try {
          attempts = await withRetries(this.settings.attempts, this.settings.backoffMs, async () => {
            attempts++;
            await this.send(t, notice);
          });
          await this.repo.record(runId, name, { status: 'sent', attempts });
          this.log({ run: notice.run.number, target: name, attempts }, 'run notification sent');
        } catch (err) {
          const error = err instanceof DeliveryFailure ? err.message : 'unexpected error';
          await this.repo.record(runId, name, { status: 'failed', attempts, error });
          this.log({ run: notice.run.number, target: name, error }, 'run notification failed', 'warn');
        }
      }),
    );
  }

  private async send(t: NotifyTarget, notice: Parameters<typeof postWebhook>[2]): Promise<void> {
    const env = this.settings.env;
    if (t.kind === 'webhook') {
      const url = env[t.urlEnv];
      if (!url) throw new DeliveryFailure(`environment variable ${t.urlEnv} is not set`);
      if (!/^https?:\/\//.test(url)) {
        throw new DeliveryFailure(`environment variable ${t.urlEnv} is not an http(s) URL`);
      }
      const token = t.tokenEnv ? env[t.tokenEnv] : undefined;
      if (t.tokenEnv && !token) throw new DeliveryFailure(`environment variable ${t.tokenEnv} is not set`);
      return postWebhook(url, t.format, notice, token);
    }
    const smtp = this.settings.smtp;
    if (!smtp) throw new DeliveryFailure('no SMTP server configured (SHAKEDOWN_SMTP_HOST)');
    const password = smtp.passwordEnv ? env[smtp.passwordEnv] : undefined;
    if (smtp.passwordEnv && password === undefined) {
      throw new DeliveryFailure(`environment variable ${smtp.passwordEnv} is not set`);
    }
    return sendEmail(smtp, password, t.to, notice);
  }
}

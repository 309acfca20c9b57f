import { AppConfig } from 'src/config/config';
import { NotifySettings, NotifyTarget } from 'src/notify/notify.types';

/** The notifier's settings from the validated configuration; secrets stay in `env`, looked up when sending. */
export function notifySettings(config: AppConfig, env: NodeJS.ProcessEnv = process.env): NotifySettings {
  const webhook = config.get('SHAKEDOWN_NOTIFY_WEBHOOK_URL_ENV');
  const email = config.get('SHAKEDOWN_NOTIFY_EMAIL_TO');
  const targets: NotifyTarget[] = [];
  if (webhook) {
    targets.push({ kind: 'webhook', urlEnv: webhook, format: config.get('SHAKEDOWN_NOTIFY_WEBHOOK_FORMAT') });
  }
  if (email) targets.push({ kind: 'email', to: email.split(',') });
  const host = config.get('SHAKEDOWN_SMTP_HOST');
  const user = config.get('SHAKEDOWN_SMTP_USER');
  const passwordEnv = config.get('SHAKEDOWN_SMTP_PASSWORD_ENV');
  return {
    global: targets.length ? { when: config.get('SHAKEDOWN_NOTIFY_WHEN'), targets } : null,
    smtp: host
      ? {
          host,
          port: config.get('SHAKEDOWN_SMTP_PORT'),
          secure: config.get('SHAKEDOWN_SMTP_SECURE'),
          from: config.get('SHAKEDOWN_SMTP_FROM'),
          ...(user ? { user } : {}),
          ...(passwordEnv ? { passwordEnv } : {}),
        }
      : null,
    attempts: config.get('SHAKEDOWN_NOTIFY_ATTEMPTS'),
    backoffMs: config.get('SHAKEDOWN_NOTIFY_BACKOFF_MS'),
    publicUrl: config.publicUrl,
    env,
  };
}

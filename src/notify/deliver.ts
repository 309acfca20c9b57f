import { setTimeout as delay } from 'node:timers/promises';
import { createTransport } from 'nodemailer';
import { RunNotice, SmtpSettings } from 'src/notify/notify.types';
import { noticeText } from 'src/notify/run-notice';

/** A delivery that did not go through; its message never carries a URL, token or password. */
export class DeliveryFailure extends Error {}

/** Tries `send` up to `attempts` times, waiting backoff, 2×backoff, … between; returns the attempts used. */
export async function withRetries(attempts: number, backoffMs: number, send: () => Promise<void>): Promise<number> {
  for (let i = 1; ; i++) {
    try {
      await send();
      return i;
    } catch (err) {
      if (i >= attempts) {
        throw new DeliveryFailure(`${i} attempt(s), last: ${err instanceof Error ? err.message : String(err)}`);
      }
      await delay(backoffMs * 2 ** (i - 1));
    }
  }
}

/** One POST; the URL and the token stay out of every message (a chat webhook's URL is its secret). */
export async function postWebhook(
  url: string,
  format: 'json' | 'text',
  notice: RunNotice,
  token?: string,
): Promise<void> {
  const body = format === 'json' ? notice : { text: noticeText(notice) };
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
      redirect: 'error',
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new DeliveryFailure(`the endpoint did not answer (${cause ?? (err as Error).name})`);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new DeliveryFailure(`the endpoint answered HTTP ${res.status}`);
}

/** One message over SMTP with nodemailer (STARTTLS when offered, AUTH only with a password given). */
export async function sendEmail(smtp: SmtpSettings, password: string | undefined, to: string[], notice: RunNotice) {
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user && password !== undefined ? { auth: { user: smtp.user, pass: password } } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    logger: false,
    debug: false,
  });
  try {
    await transport.sendMail({
      from: smtp.from,
      to,
      subject: `[shakedown] run ${notice.run.number} ${notice.run.campaign}: ${notice.verdict}`.replace(
        /[\r\n]+/g,
        ' ',
      ),
      text: noticeText(notice),
    });
  } catch (err) {
    const e = err as { code?: string; responseCode?: number };
    throw new DeliveryFailure(`SMTP ${e.responseCode ?? e.code ?? 'error'}`);
  } finally {
    transport.close();
  }
}

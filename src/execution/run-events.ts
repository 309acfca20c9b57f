import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';

/**
 * State changes of runs and cases, broadcast with PostgreSQL NOTIFY so that every process sees them:
 * pages of any API process follow runs that workers on other machines execute, and idle workers wake
 * up when a case is queued or hosts are released instead of waiting for their next poll.
 */
const EVENTS_CHANNEL = 'shakedown_events';

export type RunEvent =
  | { kind: 'run'; runId: string; runNumber: number; status: string }
  | { kind: 'case'; runId: string; runNumber: number; caseId: string; status: string; outcome?: string | null }
  | { kind: 'queued'; runId: string }
  | { kind: 'released' }
  | { kind: 'cancel'; runId: string; caseId?: string };

export async function publishEvent(db: DataSource | EntityManager, event: RunEvent): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify(event)]);
}

export interface EventSubscription {
  close(): Promise<void>;
}

/**
 * The one way to LISTEN: a dedicated connection; reconnects are the caller's concern (workers poll
 * as a fallback, the API re-opens on its next subscriber). `onError` hears of a lost connection.
 */
export async function subscribeEvents(
  url: string,
  onEvent: (event: RunEvent) => void,
  onError: (err: Error) => void = () => undefined,
): Promise<EventSubscription> {
  const client = new Client({ connectionString: url, application_name: 'shakedown-events' });
  await client.connect();
  client.on('notification', (msg) => {
    if (msg.channel !== EVENTS_CHANNEL || !msg.payload) return;
    try {
      onEvent(JSON.parse(msg.payload) as RunEvent);
    } catch {
      // A malformed payload is not ours to act on.
    }
  });
  client.on('error', onError);
  await client.query(`LISTEN ${EVENTS_CHANNEL}`);
  return {
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}

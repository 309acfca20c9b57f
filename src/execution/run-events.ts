import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';

/**
 * State changes of runs and cases, broadcast with PostgreSQL NOTIFY so that every process sees them:
 * pages of any API process follow runs that workers on other machines execute, and idle workers wake
 * up when a case is queued or hosts are released instead of waiting for their next poll.
 */
export const EVENTS_CHANNEL = 'shakedown_events';

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

/** A dedicated connection that LISTENs; reconnects are the caller's concern (it polls as a fallback). */
export async function subscribeEvents(url: string, onEvent: (event: RunEvent) => void): Promise<EventSubscription> {
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
  client.on('error', () => undefined);
  await client.query(`LISTEN ${EVENTS_CHANNEL}`);
  return {
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}

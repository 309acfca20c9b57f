import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import PgBoss from 'pg-boss';

const QUEUE_SETUP_LOCK_KEY = 7_384_003;

/** The only file that knows pg-boss. Queues live in the `pgboss` schema of Shakedown's database. */
export enum QueueName {
  Case = 'shakedown-case',
  RunPrepare = 'shakedown-run-prepare',
}

export interface CaseJob {
  caseId: string;
  /** Must equal cases.dispatch_id when the job is taken, or the job is stale and does nothing. */
  dispatchId: string;
}

export interface RunPrepareJob {
  runId: string;
}

interface TakenJob<T> {
  id: string;
  data: T;
}

// Retries are Shakedown's decision (infra errors only, with backoff), never pg-boss's: a queue
// retry of a product failure would run it twice. Expiry is long because a case may wait for
// hosts and then run for hours; crashed workers are detected through their lease heartbeat instead.
const QUEUE_POLICY = { retryLimit: 0, expireInSeconds: 12 * 3600, retentionDays: 7 };

/** A UUID (version 7 layout) whose order follows (ms, seq): time first, then position in a batch. */
function orderedUuid(ms: number, seq: number): string {
  const time = ms.toString(16).padStart(12, '0').slice(-12);
  const counter = (seq & 0xfff).toString(16).padStart(3, '0');
  const rand = randomBytes(8);
  rand[0] = (rand[0]! & 0x3f) | 0x80; // RFC 4122 variant
  const tail = rand.toString('hex');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${counter}-${tail.slice(0, 4)}-${tail.slice(4, 16)}`;
}

interface QueueOptions {
  maintenance?: boolean;
  /** pg-boss's own errors (maintenance, supervision): they retry by themselves but must be seen. */
  onError?: (err: Error) => void;
}

export class CaseQueue {
  private constructor(private readonly boss: PgBoss) {}

  static async start(url: string, options: QueueOptions = {}): Promise<CaseQueue> {
    // pg-boss creates its schema and queues on first start; two processes doing that at the same
    // moment on a fresh database can collide (CREATE SCHEMA races), so first starts are serialised.
    const lock = new Client({ connectionString: url, application_name: 'shakedown-queue-setup' });
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [QUEUE_SETUP_LOCK_KEY]);
      return await CaseQueue.startUnlocked(url, options);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [QUEUE_SETUP_LOCK_KEY]).catch(() => undefined);
      await lock.end().catch(() => undefined);
    }
  }

  private static async startUnlocked(url: string, options: QueueOptions): Promise<CaseQueue> {
    const boss = new PgBoss({
      connectionString: url,
      max: 4,
      application_name: 'shakedown-queue',
      supervise: options.maintenance ?? true,
      schedule: false,
    });
    // Failing calls surface their own errors; these are the background ones, which retry by themselves.
    boss.on('error', (err: Error) => options.onError?.(err));
    await boss.start();
    for (const name of Object.values(QueueName)) {
      if (!(await boss.getQueue(name))) {
        await boss.createQueue(name, { name, ...QUEUE_POLICY }).catch(async (err: Error) => {
          // Another process created it between our check and our create.
          if (!(await boss.getQueue(name))) throw err;
        });
      }
    }
    return new CaseQueue(boss);
  }

  async enqueueCases(jobs: Array<CaseJob & { priority: number; startAfterSeconds?: number }>): Promise<void> {
    if (!jobs.length) return;
    // Jobs inserted together share created_on; pg-boss then orders them by id, so ids that grow
    // with the batch order keep FIFO within a priority.
    const base = Date.now();
    await this.boss.insert(
      jobs.map((j, i) => ({
        id: orderedUuid(base + Math.floor(i / 4096), i % 4096),
        name: QueueName.Case,
        data: { caseId: j.caseId, dispatchId: j.dispatchId },
        priority: j.priority,
        startAfter: j.startAfterSeconds ? new Date(Date.now() + j.startAfterSeconds * 1000) : undefined,
        ...QUEUE_POLICY,
      })),
    );
  }

  async enqueueRunPrepare(job: RunPrepareJob, priority: number): Promise<void> {
    await this.boss.send(QueueName.RunPrepare, job, { priority, ...QUEUE_POLICY });
  }

  async take<T extends object>(queue: QueueName, count = 1): Promise<Array<TakenJob<T>>> {
    const jobs = await this.boss.fetch<T>(queue, { batchSize: count, priority: true });
    return jobs.map((j) => ({ id: j.id, data: j.data }));
  }

  async complete(queue: QueueName, id: string): Promise<void> {
    await this.boss.complete(queue, id);
  }

  async depth(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const name of Object.values(QueueName)) result[name] = await this.boss.getQueueSize(name);
    return result;
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 5000 });
  }
}

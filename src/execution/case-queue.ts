import PgBoss from 'pg-boss';

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

export interface TakenJob<T> {
  id: string;
  data: T;
}

// Retries are Shakedown's decision (infra errors only, with backoff), never pg-boss's: a queue
// retry of a product failure would run it twice. Expiry is long because a case may wait for
// hosts and then run for hours; crashed workers are detected through their lease heartbeat instead.
const QUEUE_POLICY = { retryLimit: 0, expireInSeconds: 12 * 3600, retentionDays: 7 };

export class CaseQueue {
  private constructor(private readonly boss: PgBoss) {}

  static async start(url: string, options: { maintenance?: boolean } = {}): Promise<CaseQueue> {
    const boss = new PgBoss({
      connectionString: url,
      max: 4,
      application_name: 'shakedown-queue',
      supervise: options.maintenance ?? true,
      schedule: false,
    });
    boss.on('error', () => undefined); // surfaced by failing calls; maintenance errors retry by themselves
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
    await this.boss.insert(
      jobs.map((j) => ({
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

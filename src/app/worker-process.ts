import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { bootstrap } from 'src/app/bootstrap';
import { createProcessContext } from 'src/app/process-context';
import { ExecutionModule } from 'src/execution/execution.module';
import { Worker } from 'src/execution/worker';
import { Workers } from 'src/execution/workers';
import { Notifier } from 'src/notify/notifier';
import { notifySettings } from 'src/notify/notify-settings';

interface RunningWorker {
  worker: Worker;
  concurrency: number;
  close(): Promise<void>;
}

/** A worker process: configuration, database, the execution providers, one worker; stopped gracefully by close(). */
export async function startWorkerProcess(
  options: { env?: NodeJS.ProcessEnv; name?: string; concurrency?: number } = {},
): Promise<RunningWorker> {
  const base = await bootstrap({ env: options.env });
  const { config, logger } = base;
  const context = await createProcessContext(base, [ExecutionModule]);
  try {
    const notifyLog = logger.child({ component: 'notify' });
    const notifier = new Notifier(
      context.get<DataSource>(getDataSourceToken()),
      notifySettings(config, options.env ?? process.env),
      (fields, message, level = 'info') => notifyLog[level](fields, message),
    );
    const concurrency = options.concurrency ?? config.get('SHAKEDOWN_WORKER_CONCURRENCY');
    const leaseTtlMs = config.get('SHAKEDOWN_LEASE_TTL_SECONDS') * 1000;
    const worker = await context.get(Workers).start({
      concurrency,
      name: options.name,
      shutdownGraceMs: config.get('SHAKEDOWN_SHUTDOWN_GRACE_SECONDS') * 1000,
      // A heartbeat several times per TTL, so one slow beat never loses the lease.
      executor: { leaseTtlMs, heartbeatMs: Math.max(200, Math.floor(leaseTtlMs / 5)) },
      reaperIntervalMs: Math.max(500, Math.floor(leaseTtlMs / 3)),
      onRunEnded: (runId) => notifier.runEnded(runId),
    });
    return { worker, concurrency, close: () => context.close() };
  } catch (err) {
    await context.close();
    throw err;
  }
}

import { bootstrap } from 'src/app/bootstrap';
import { GuestBinaries } from 'src/config/guest-binaries';
import { Engine } from 'src/execution/engine';
import { Worker } from 'src/execution/worker';
import { Notifier } from 'src/notify/notifier';
import { notifySettings } from 'src/notify/notify-settings';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';

interface RunningWorker {
  worker: Worker;
  engine: Engine;
  concurrency: number;
  close(): Promise<void>;
}

/** A worker process: configuration, database, engine, one worker; stopped gracefully by close(). */
export async function startWorkerProcess(
  options: { env?: NodeJS.ProcessEnv; name?: string; concurrency?: number } = {},
): Promise<RunningWorker> {
  const base = await bootstrap({ env: options.env });
  const { config, logger, database } = base;
  const engine = await Engine.open({
    databaseUrl: database.url,
    dataDir: config.dataDir,
    guestBinaries: GuestBinaries.of(config.get('SHAKEDOWN_GUEST_BINARIES_DIR')),
    registry: new ScenarioRegistry(defaultScenarios(config.get('SHAKEDOWN_EXTERNAL_SUITES'))),
    logger,
  });
  const notifyLog = logger.child({ component: 'notify' });
  const notifier = new Notifier(
    engine.db,
    notifySettings(config, options.env ?? process.env),
    (fields, message, level = 'info') => notifyLog[level](fields, message),
  );
  const concurrency = options.concurrency ?? config.get('SHAKEDOWN_WORKER_CONCURRENCY');
  const leaseTtlMs = config.get('SHAKEDOWN_LEASE_TTL_SECONDS') * 1000;
  const worker = await engine.startWorker({
    concurrency,
    name: options.name,
    shutdownGraceMs: config.get('SHAKEDOWN_SHUTDOWN_GRACE_SECONDS') * 1000,
    // A heartbeat several times per TTL, so one slow beat never loses the lease.
    executor: { leaseTtlMs, heartbeatMs: Math.max(200, Math.floor(leaseTtlMs / 5)) },
    reaperIntervalMs: Math.max(500, Math.floor(leaseTtlMs / 3)),
    onRunEnded: (runId) => notifier.runEnded(runId),
  });
  return {
    worker,
    engine,
    concurrency,
    async close() {
      await engine.close();
      await base.close();
    },
  };
}

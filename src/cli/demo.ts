import { join, resolve } from 'node:path';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { demoAdminLink } from 'src/app/demo-admin-link';
import { startService } from 'src/app/start-service';
import { CliError } from 'src/common/errors/cli-error';
import { followRun } from 'src/cli/run-progress';
import { AppConfig } from 'src/config/config';
import { RunService } from 'src/execution/run.service';
import { Workers } from 'src/execution/workers';
import { parseInventory } from 'src/lab/inventory.loader';
import { LabRepository } from 'src/lab/lab.repository';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { StaticReportBuilder } from 'src/reports/static-report';
import { startSimulatedLab, SimulatedLab } from 'src/simulator/lab/simulated-lab';

interface DemoOptions {
  campaign: string;
  speed: number;
  concurrency: number;
  skipRun: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where progress lines go (the terminal). */
  out?: NodeJS.WritableStream;
  /** Given the demo's close as soon as there is something to close (a stop signal may come mid-run). */
  closeWith?: (close: () => Promise<void>) => void;
}

interface RunningDemo {
  url: string;
  runNumber?: number;
  runUrl?: string;
  reportFile?: string;
  close(): Promise<void>;
}

/**
 * Everything on one machine: the embedded PostgreSQL, the simulated lab (its inventory imported as
 * lab `sim-default`), the service with its pages, one worker, and a run of the demo campaign
 * followed to its end; then the static report. Data stays in SHAKEDOWN_DATA_DIR for the next start.
 */
export async function runDemo(options: DemoOptions): Promise<RunningDemo> {
  const out = options.out ?? process.stderr;
  const say = (line: string): void => void out.write(`${line}\n`);
  if (!Number.isFinite(options.speed) || options.speed <= 0) throw new CliError('--speed must be a positive number', 2);
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new CliError('--workers must be a whole number ≥ 1', 2);
  }
  const env = { ...(options.env ?? process.env) };
  // Demo logs stay quiet on the terminal: progress is what the newcomer wants to see.
  env.LOG_LEVEL ??= 'warn';
  const config = AppConfig.fromEnv(env);

  say('shakedown: starting the embedded PostgreSQL and the service…');
  // The demo command stops on signals itself: the service (its worker first, its database last), then the lab.
  const service = await startService({ env, shutdownHooks: false });
  const closers: Array<() => Promise<void>> = [() => service.close()];
  let lab: SimulatedLab | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      for (const c of closers.reverse()) await c().catch(() => undefined);
    })());
  options.closeWith?.(close);
  try {
    say(`shakedown: starting the simulated lab (speed ×${options.speed}; every number it produces is simulated)…`);
    lab = await startSimulatedLab({ speed: options.speed, stateDir: join(config.dataDir, 'sim') });
    const simulatedLab = lab;
    closers.splice(0, 0, () => simulatedLab.stop());
    const inventory = parseInventory(JSON.stringify(lab.inventory), 'simulated lab inventory');
    // The worker runs inside the service's composition root: one pool, one queue, one logger.
    const db = service.app.get<DataSource>(getDataSourceToken());
    await new LabRepository(db).upsertInventory(inventory);
    const hosts = inventory.pools.reduce((n, p) => n + p.hosts.length, 0);
    say(
      `shakedown: lab ${inventory.name}: ${inventory.pools.length} pools, ${hosts} simulated hosts on 127.x addresses`,
    );
    await service.app.get(Workers).start({ concurrency: options.concurrency });
    say(`shakedown: sign in as admin (approve tokens, moderate, start runs): ${await demoAdminLink(service)}`);

    if (options.skipRun) {
      say(`shakedown: ready (no demo run). Pages: ${service.url}/`);
      return { url: service.url, close };
    }
    const campaign = resolve(options.campaign);
    const { run, counts } = await service.app
      .get(RunService)
      .start({ campaign, lab: inventory.name, createdBy: 'demo' });
    say(
      `shakedown: run ${run.number} of ${campaign}: ${counts.total} cases (${counts.queued} to run, ${counts.skipped} skipped, ${counts.manual} manual)`,
    );
    say(`shakedown: watch it live at ${service.url}/runs/${run.number}`);
    await followRun(db, run.id, { json: false, databaseUrl: service.database.url });

    const reportDir = resolve('reports', `run-${run.number}`);
    const built = await new StaticReportBuilder(new ResultsReadRepository(db)).build(reportDir, {
      run: run.number,
    });
    const runUrl = `${service.url}/runs/${run.number}`;
    say('');
    say(`run page:      ${runUrl}`);
    say(`static report: ${built.file}`);
    say('(serving pages until Ctrl-C)');
    return { url: service.url, runNumber: run.number, runUrl, reportFile: built.file, close };
  } catch (err) {
    await close();
    throw err;
  }
}

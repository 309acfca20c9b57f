import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { CaseStatus, RunStatus } from 'src/execution/run.types';
import { FinishedCount, MetricsRepository, MetricsSnapshot } from 'src/metrics/metrics.repository';
import { WindowHistogram } from 'src/metrics/window-histogram';
import { OUTCOMES } from 'src/results/outcome';

/** Recent activity (lease waits, SSH commands) is measured over this window. */
const METRICS_WINDOW_SECONDS = 3600;
/**
 * Finished cases are counted over the whole history (a full read of the cases table: about 0.1 s
 * per 200 000 cases), so that count is refreshed at most this often, whatever the scrape interval.
 */
const FINISHED_REFRESH_MS = 60_000;
/** Waiting for free hosts ranges from nothing to hours when a lab is busy. */
const LEASE_WAIT_BOUNDS = [0.5, 1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14400] as const;
/** From `xe vm-param-get` on a LAN (tens of ms) to long migrations and exports (many minutes). */
const SSH_COMMAND_BOUNDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800] as const;

const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'finished', 'cancelling', 'cancelled', 'error'];
const OPEN_CASE_STATUSES: readonly Exclude<CaseStatus, 'done'>[] = ['pending', 'queued', 'waiting', 'running'];
const ORIGINS = ['lab', 'submission'] as const;

interface Readings {
  live: MetricsSnapshot;
  finished: FinishedCount[];
}

/**
 * Prometheus metrics of the whole deployment, read from PostgreSQL at each scrape: workers run in
 * other processes (other machines), and the database is what they share. The registry is this
 * service's own, not prom-client's global one, so that several apps in one process (tests) never
 * collide over metric names.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly logger = new Logger(MetricsService.name);
  private readonly runs: Gauge<'status'>;
  private readonly openCases: Gauge<'status'>;
  private readonly queueDepth: Gauge;
  private readonly finishedCases: Counter<'origin' | 'outcome'>;
  private readonly busyWorkers: Gauge;
  private readonly databaseUp: Gauge;
  private readonly scrapeSeconds: Gauge;
  private readonly leaseWaits: WindowHistogram;
  private readonly sshCommands: WindowHistogram;
  /** Scrapes run one at a time: each one resets and refills the same metrics. */
  private last: Promise<unknown> = Promise.resolve();
  private finished: { at: number; counts: FinishedCount[] } | null = null;

  constructor(private readonly repository: MetricsRepository) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.runs = new Gauge({
      name: 'shakedown_runs',
      help: "Runs by status (a community submission's run once accepted).",
      labelNames: ['status'],
      registers,
    });
    this.openCases = new Gauge({
      name: 'shakedown_cases_open',
      help: 'Cases of unfinished runs by status (pending: not yet queued; waiting: a worker holds it and waits for hosts).',
      labelNames: ['status'],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'shakedown_queue_depth',
      help: 'Cases queued or waiting for hosts: work the workers and the lab have not started.',
      registers,
    });
    this.finishedCases = new Counter({
      name: 'shakedown_cases_finished_total',
      help: `Cases finished since the database was created, by origin (lab: run here; submission: imported and accepted) and outcome. Read from the database at most every ${FINISHED_REFRESH_MS / 1000} s; goes down only when runs are deleted.`,
      labelNames: ['origin', 'outcome'],
      registers,
    });
    this.busyWorkers = new Gauge({
      name: 'shakedown_workers_busy',
      help: 'Worker processes holding at least one case (waiting for hosts or running it).',
      registers,
    });
    this.databaseUp = new Gauge({
      name: 'shakedown_database_up',
      help: '1 when the metrics query answered, 0 when the database did not.',
      registers,
    });
    this.scrapeSeconds = new Gauge({
      name: 'shakedown_metrics_query_seconds',
      help: 'Time the metrics queries took at this scrape.',
      registers,
    });
    this.leaseWaits = new WindowHistogram(
      'shakedown_lease_wait_seconds',
      `Time from queued to started (hosts leased) of cases started in the last ${METRICS_WINDOW_SECONDS} s.`,
      LEASE_WAIT_BOUNDS,
    ).register(this.registry);
    this.sshCommands = new WindowHistogram(
      'shakedown_ssh_command_duration_seconds',
      `Duration of the commands run on hosts and guests over SSH in the last ${METRICS_WINDOW_SECONDS} s.`,
      SSH_COMMAND_BOUNDS,
    ).register(this.registry);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition of every metric, with the database figures read now. */
  scrape(): Promise<string> {
    const next = this.last.then(() => this.refreshAndRender());
    this.last = next.catch(() => undefined);
    return next;
  }

  private async refreshAndRender(): Promise<string> {
    const started = process.hrtime.bigint();
    let readings: Readings | null = null;
    try {
      const [live, finished] = await Promise.all([
        this.repository.snapshot({
          windowSeconds: METRICS_WINDOW_SECONDS,
          leaseWaitBounds: LEASE_WAIT_BOUNDS,
          sshCommandBounds: SSH_COMMAND_BOUNDS,
        }),
        this.finishedCounts(),
      ]);
      readings = { live, finished };
    } catch (err) {
      this.logger.warn(`metrics: the database did not answer: ${(err as Error).message}`);
    }
    this.scrapeSeconds.set(Number(process.hrtime.bigint() - started) / 1e9);
    this.apply(readings);
    return this.registry.metrics();
  }

  private async finishedCounts(): Promise<FinishedCount[]> {
    const now = Date.now();
    if (!this.finished || now - this.finished.at >= FINISHED_REFRESH_MS) {
      this.finished = { at: now, counts: await this.repository.finishedCases() };
    }
    return this.finished.counts;
  }

  private apply(readings: Readings | null): void {
    for (const m of [
      this.runs,
      this.openCases,
      this.queueDepth,
      this.finishedCases,
      this.busyWorkers,
      this.leaseWaits,
      this.sshCommands,
    ]) {
      m.reset();
    }
    this.databaseUp.set(readings ? 1 : 0);
    if (!readings) return;
    const s = readings.live;
    // Every label value is written, zeros included, so that a series exists before its first case.
    for (const status of RUN_STATUSES) this.runs.set({ status }, s.runsByStatus[status] ?? 0);
    for (const status of OPEN_CASE_STATUSES) this.openCases.set({ status }, s.openCasesByStatus[status] ?? 0);
    this.queueDepth.set((s.openCasesByStatus.queued ?? 0) + (s.openCasesByStatus.waiting ?? 0));
    for (const origin of ORIGINS) for (const outcome of OUTCOMES) this.finishedCases.inc({ origin, outcome }, 0);
    for (const f of readings.finished) this.finishedCases.inc({ origin: f.origin, outcome: f.outcome }, f.n);
    this.busyWorkers.set(s.busyWorkers);
    this.leaseWaits.set(s.leaseWaits);
    this.sshCommands.set(s.sshCommands);
  }
}

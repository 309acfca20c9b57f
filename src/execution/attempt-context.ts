import { CommandRunner, ExecOptions, ExecResult } from 'src/remote/exec-result';
import { SshPool } from 'src/remote/ssh-pool';
import type { GuestBinaries } from 'src/config/guest-binaries';
import { SshTarget } from 'src/remote/ssh-target';
import { XeClient } from 'src/remote/xe/xe-client';
import { ArtifactStore } from 'src/results/artifact-store';
import { guestTarget } from 'src/execution/ssh-targets';
import { LabView } from 'src/lab/lab-view';
import { RunRepository } from 'src/execution/run.repository';
import { RunnableCase, StepRecord } from 'src/execution/run.types';
import {
  CampaignFacts,
  CreatedKind,
  GuestInstall,
  HostHandle,
  MeasurementInput,
  PoolHandle,
  ReportedCase,
  ScenarioContext,
  StepPhase,
} from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';

interface AttemptScope {
  runId: string;
  attemptId: string;
  case: RunnableCase;
  lab: LabView;
  campaign: CampaignFacts;
  pools: PoolHandle[];
  simulated: boolean;
  signal: AbortSignal;
  /** The operator's static binaries for guests without repositories. */
  guestBinaries?: GuestBinaries | null;
  /** One holder at a time per name, across workers (a PostgreSQL advisory lock). */
  exclusive?: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
}

interface OpenStep {
  name: string;
  phase: StepPhase;
  startedAt: Date;
  commands: number;
}

const STEP_OUTPUT_LIMIT = 64 * 1024;

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** Commands are shown on the case page: any `…password…=value` argument is masked first. */
export function redactSecrets(command: string): string {
  return command.replace(/(^|\s)([\w:-]*(?:password|passwd|secret|token)[\w:-]*)=('[^']*'|"[^"]*"|\S+)/gi, '$1$2=***');
}

/**
 * What a scenario sees while it runs one attempt of a case. Every command goes through a recording
 * runner, so the case page can show exactly what ran where, with output and timing; objects the
 * scenario creates are recorded before use, so teardown finds them even after a crash.
 */
export class AttemptContext implements ScenarioContext {
  readonly caseKey: string;
  readonly params: Record<string, unknown>;
  readonly settings: Record<string, unknown>;
  readonly campaign: CampaignFacts;
  readonly pools: PoolHandle[];
  readonly signal: AbortSignal;
  readonly guestBinaries: GuestBinaries | null;

  private seq = 0;
  private current: OpenStep | null = null;
  private readonly samples = new Map<string, MeasurementInput>();
  private readonly reported = new Map<string, ReportedCase>();
  private readonly writes: Array<Promise<unknown>> = [];

  constructor(
    private readonly scope: AttemptScope,
    private readonly repo: RunRepository,
    private readonly ssh: SshPool,
    private readonly artifacts: ArtifactStore,
    private readonly logLine: (message: string) => void,
  ) {
    this.caseKey = scope.case.caseKey;
    this.params = scope.case.params;
    this.settings = scope.case.settings;
    this.campaign = scope.campaign;
    this.pools = scope.pools;
    this.signal = scope.signal;
    this.guestBinaries = scope.guestBinaries ?? null;
  }

  pool(role: string): PoolHandle {
    const found = this.pools.find((p) => p.role === role);
    if (!found) {
      throw new ScenarioError(
        `the scenario asked for a "${role}" pool it did not declare (has: ${this.pools.map((p) => p.role).join(', ')})`,
        ScenarioErrorCode.Unexpected,
      );
    }
    return found;
  }

  xe(pool: PoolHandle): XeClient {
    const transport = {
      exec: (target: SshTarget, command: string, options?: ExecOptions) =>
        this.recording(target.name, (cmd, opts) => this.ssh.exec(target, cmd, opts)).exec(command, options),
    };
    return new XeClient(transport, { hosts: pool.hosts.map((h) => h.target), master: pool.master.name });
  }

  runner(host: HostHandle): CommandRunner {
    return this.recording(host.name, (command, options) => this.ssh.exec(host.target, command, options));
  }

  guestRunner(vmName: string, address: string, port?: number): CommandRunner {
    const target = guestTarget(this.scope.lab, vmName, address, port);
    const runner = this.recording(target.name, (command, options) => this.ssh.exec(target, command, options));
    return {
      ...runner,
      writeFile: async (path, data, options = {}) => {
        const started = new Date();
        const step = this.current;
        if (step) step.commands++;
        const signal = options.signal ? AbortSignal.any([options.signal, this.signal]) : this.signal;
        // Shown on the case page like a command: what went where, its size and whether it worked.
        const shown = {
          phase: step?.phase ?? 'act',
          host: target.name,
          command: `sftp put ${path} (${data.length} bytes)`,
        };
        try {
          await this.ssh.writeFile(target, path, data, { ...options, signal });
          this.record({ name: step?.name ?? 'sftp put', ...shown, exitCode: 0, status: 'ok', startedAt: started });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          this.record({ name: step?.name ?? 'sftp put', ...shown, status: 'error', message, startedAt: started });
          throw err;
        }
      },
    };
  }

  async step<T>(
    name: string,
    fn: () => Promise<T>,
    options: { phase?: StepPhase; timeoutMs?: number } = {},
  ): Promise<T> {
    const outer = this.current;
    const step: OpenStep = { name, phase: options.phase ?? 'act', startedAt: new Date(), commands: 0 };
    this.current = step;
    try {
      const value = await fn();
      if (step.commands === 0) this.record({ name, phase: step.phase, status: 'ok', startedAt: step.startedAt });
      return value;
    } catch (err) {
      this.record({
        name,
        phase: step.phase,
        status: 'failed',
        message: err instanceof Error ? err.message : String(err),
        startedAt: step.startedAt,
      });
      throw err;
    } finally {
      this.current = outer;
    }
  }

  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.scope.exclusive ? this.scope.exclusive(name, fn) : fn();
  }

  async track(kind: CreatedKind, ref: string, host: HostHandle, label?: string): Promise<void> {
    // Awaited, not queued: the record must exist before the object is used.
    await this.repo.trackObject({
      runId: this.scope.runId,
      caseId: this.scope.case.id,
      attemptId: this.scope.attemptId,
      hostName: host.name,
      kind,
      ref,
      label,
    });
  }

  async recordGuestInstall(install: GuestInstall): Promise<void> {
    await this.repo.recordGuestInstall({ runId: this.scope.runId, caseId: this.scope.case.id, ...install });
  }

  async untrack(kind: CreatedKind, ref: string): Promise<void> {
    await this.repo.untrackObject(this.scope.case.id, kind, ref);
  }

  reportCase(result: ReportedCase): void {
    this.reported.set(result.caseKey, result);
  }

  /** Results of external suites gathered during the attempt (the last report of a key wins). */
  reportedCases(): ReportedCase[] {
    return [...this.reported.values()];
  }

  measure(m: MeasurementInput): void {
    const existing = this.samples.get(m.metric);
    if (existing) existing.samples.push(...m.samples);
    else this.samples.set(m.metric, { ...m, samples: [...m.samples] });
  }

  async artifact(name: string, content: string | Buffer, mediaType = 'text/plain'): Promise<void> {
    const stored = await this.artifacts.put(content);
    await this.repo.insertArtifact({
      runId: this.scope.runId,
      caseId: this.scope.case.id,
      attemptId: this.scope.attemptId,
      name,
      mediaType,
      ...stored,
    });
  }

  log(message: string): void {
    this.logLine(message);
    this.record({
      name: this.current?.name ?? 'note',
      phase: this.current?.phase ?? 'act',
      status: 'ok',
      message,
      startedAt: new Date(),
    });
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.signal.aborted) return reject(abortError(this.signal));
      const timer = setTimeout(() => (this.signal.removeEventListener('abort', onAbort), resolve()), ms);
      const onAbort = (): void => (clearTimeout(timer), reject(abortError(this.signal)));
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Measurements gathered over every repetition of the attempt. */
  measurements(): MeasurementInput[] {
    return [...this.samples.values()];
  }

  /** Waits for the step records written in the background. */
  async flush(): Promise<void> {
    await Promise.allSettled(this.writes);
  }

  private recording(
    hostName: string,
    exec: (command: string, options?: ExecOptions) => Promise<ExecResult>,
  ): CommandRunner {
    return {
      hostName,
      exec: async (command, options = {}) => {
        const started = new Date();
        const step = this.current;
        if (step) step.commands++;
        const signal = options.signal ? AbortSignal.any([options.signal, this.signal]) : this.signal;
        try {
          const result = await exec(command, { ...options, signal });
          this.record({
            name: step?.name ?? command.split(/\s+/).slice(0, 2).join(' '),
            phase: step?.phase ?? 'act',
            host: hostName,
            command: redactSecrets(command),
            stdout: result.stdout.slice(0, STEP_OUTPUT_LIMIT),
            stderr: result.stderr.slice(0, STEP_OUTPUT_LIMIT),
            exitCode: result.exitCode,
            status: result.exitCode === 0 ? 'ok' : 'failed',
            outputTruncated:
              result.truncated.stdout ||
              result.truncated.stderr ||
              result.stdout.length > STEP_OUTPUT_LIMIT ||
              result.stderr.length > STEP_OUTPUT_LIMIT,
            startedAt: started,
            durationMs: result.durationMs,
          });
          return result;
        } catch (err) {
          this.record({
            name: step?.name ?? 'command',
            phase: step?.phase ?? 'act',
            host: hostName,
            command: redactSecrets(command),
            status: 'error',
            message: err instanceof Error ? err.message : String(err),
            startedAt: started,
          });
          throw err;
        }
      },
    };
  }

  private record(s: Omit<StepRecord, 'seq' | 'durationMs'> & { durationMs?: number }): void {
    const seq = ++this.seq;
    const durationMs = s.durationMs ?? Date.now() - s.startedAt.getTime();
    // Steps are written in the background so recording never slows the scenario; flush() awaits them.
    this.writes.push(this.repo.recordStep(this.scope.attemptId, { ...s, seq, durationMs }).catch(() => undefined));
  }
}

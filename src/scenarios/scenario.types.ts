import { CommandRunner } from 'src/remote/exec-result';
import type { GuestBinaries } from 'src/config/guest-binaries';
import { XeClient } from 'src/remote/xe/xe-client';
import { Outcome } from 'src/results/outcome';
import { SshTarget } from 'src/remote/ssh-target';

/**
 * The contract between the execution engine and the scenarios. A scenario turns one case (scenario
 * id + parameters) into steps on leased hosts; it declares what it needs, acts only through the
 * context (so every command is recorded as a step), records what it creates (so teardown can remove
 * it whatever happens), and hands back measurements. It never touches the database.
 */

export type CaseParams = Record<string, unknown>;

/** What one pool of a case must offer. Pools of a case are leased whole and exclusively. */
export interface PoolNeed {
  /** How the case refers to this pool in its steps ("source", "destination", …). */
  role: string;
  minHosts: number;
  /** SR types that must be present in the pool (e.g. ['nfs'] for shared storage, ['ext'] local). */
  srKinds?: string[];
  /** Every host of the pool runs this version (e.g. the campaign's release or baseline). */
  version?: string;
  /** The pool is mid-upgrade: its hosts run different versions. */
  mixedVersions?: boolean;
  /** Inventory tags every host must carry (hardware classes, `nested`, …). */
  tags?: string[];
  /** The run's update candidates must have been applied to the pool first (suite `requires: { updated: true }`). */
  updated?: boolean;
}

export interface ScenarioNeeds {
  pools: PoolNeed[];
}

/** Campaign-level facts a scenario may need to decide what it needs or checks. */
export interface CampaignFacts {
  release: string;
  baseline?: string;
}

export interface MetricSpec {
  metric: string;
  unit: string;
  direction: 'higher' | 'lower';
  description?: string;
}

export interface MeasurementInput extends MetricSpec {
  /** One value per repetition; a single measurement is one sample. */
  samples: number[];
  context?: Record<string, unknown>;
}

export type StepPhase = 'prepare' | 'act' | 'verify' | 'cleanup';

/** A leased host as a scenario sees it. */
export interface HostHandle {
  name: string;
  address: string;
  version?: string;
  target: SshTarget;
}

export interface PoolHandle {
  role: string;
  name: string;
  master: HostHandle;
  hosts: HostHandle[];
  /**
   * The pool master's xapi password as a reference (the inventory's `xapi_credential`), for
   * `xe vm-migrate remote-password=`; the xe client reads the secret at call time.
   */
  xapiPassword?: { passwordEnv: string } | { passwordFile: string };
}

/**
 * A result the scenario brings back from a suite it ran (one pytest test id of xcp-ng-tests, …):
 * it becomes a case of the run in its own right, with its own case key, so existing suites get
 * scheduled by Shakedown and reported beside everything else.
 */
export interface ReportedCase {
  caseKey: string;
  scenario: string;
  params: CaseParams;
  outcome: Outcome;
  message?: string;
  durationMs?: number;
  output?: string;
}

export type CreatedKind = 'vm' | 'vdi' | 'file' | 'nested-host' | 'other';

export interface ScenarioContext {
  readonly caseKey: string;
  readonly params: CaseParams;
  /** The suite's settings (repeat, thresholds, fio size, timeouts, …) as the campaign wrote them. */
  readonly settings: Record<string, unknown>;
  readonly campaign: CampaignFacts;
  readonly pools: PoolHandle[];
  /** Aborted on cancellation or when the case's time is up: stop promptly, teardown still runs. */
  readonly signal: AbortSignal;
  /** The operator's static binaries for guests without repositories (SHAKEDOWN_GUEST_BINARIES_DIR). */
  readonly guestBinaries?: GuestBinaries | null;

  /** The pool leased for `role` (throws a clear error when the scenario asks for one it did not declare). */
  pool(role: string): PoolHandle;
  /** The typed `xe` CLI of a leased pool (on its master); every call is recorded as a step. */
  xe(pool: PoolHandle): XeClient;
  /** Runs commands on a host; each command is recorded (command, output, exit code, time) in the current step. */
  runner(host: HostHandle): CommandRunner;
  /**
   * Runs commands inside a guest reachable over SSH: its address (and, on the simulated lab, port)
   * come from the VM's `networks`; credentials are the lab's guest credential.
   */
  guestRunner(vmName: string, address: string, port?: number): CommandRunner;
  /** Groups what happens in `fn` as one named step; a throw marks the step failed and propagates. */
  step<T>(name: string, fn: () => Promise<T>, options?: { phase?: StepPhase; timeoutMs?: number }): Promise<T>;
  /** Records an object created on a host before using it, so teardown removes it whatever happens. */
  track(kind: CreatedKind, ref: string, host: HostHandle, label?: string): Promise<void>;
  /**
   * Runs `fn` alone among every case of every worker that asks with the same `name` (the others wait
   * for it): one build of a shared object, such as a pool's prepared template. Absent: no other case
   * runs concurrently (a single-case harness).
   */
  exclusive?<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Software was installed into a guest for this case: counted on the run, per pool and template. */
  recordGuestInstall(install: GuestInstall): Promise<void>;
  /** The scenario removed it itself. */
  untrack(kind: CreatedKind, ref: string): Promise<void>;
  measure(measurement: MeasurementInput): void;
  /** Adds a result of an external suite as a case of the run (replaced if the attempt is retried). */
  reportCase(result: ReportedCase): void;
  artifact(name: string, content: string | Buffer, mediaType?: string): Promise<void>;
  log(message: string): void;
  /** Waits, honouring cancellation; for polling a host's state, never as synchronisation in tests. */
  sleep(ms: number): Promise<void>;
}

export interface GuestInstall {
  pool: string;
  /** the prepared template it went into; null for a case's own guest */
  template: string | null;
  software: string[];
  manager: string;
}

export interface ScenarioDefinition {
  /** Matches the campaign's `scenario:` (e.g. `migration.live`). */
  id: string;
  family: string;
  title: string;
  /** Manual checks wait for a person (outcome manual-pending until recorded). */
  kind: 'automated' | 'manual';
  /** Checklist shown to the tester for manual scenarios. */
  checklist?: string[];
  /** Metrics this scenario may record, for reports to label them before any run. */
  metrics?: MetricSpec[];
  needs(params: CaseParams, campaign: CampaignFacts, settings: Record<string, unknown>): ScenarioNeeds;
  /**
   * Programs this case runs inside its Linux guests (fio, iperf3, stress…): `lab doctor` checks the
   * lab's guests have them or can install them. Names only, from the scenario, never from the campaign.
   */
  guestSoftware?(params: CaseParams): string[];
  /** Several cases of this scenario may share a pool (read-only checks). Default: exclusive. */
  sharesPool?: boolean;
  run(ctx: ScenarioContext): Promise<void>;
}

export type DoctorStatus = 'ok' | 'warn' | 'fail';

/** One requirement of the campaign on the lab, as checked on the lab. */
export interface DoctorRow {
  check: string;
  /** The host, pool or guest it concerns. */
  subject: string;
  status: DoctorStatus;
  detail: string;
  /** What to do about it; empty when ok. */
  fix: string;
  /**
   * What `lab doctor --prepare` may do about it by itself (plug a PBD, install a package): safe and
   * idempotent. Not serialised: JSON output shows the fix text only.
   */
  repair?: () => Promise<string>;
}

export function ok(check: string, subject: string, detail: string): DoctorRow {
  return { check, subject, status: 'ok', detail, fix: '' };
}

/** A check that could not run because xe did not answer on the master. */
export function xeDidNotAnswer(check: string, subject: string, detail: string, command: string): DoctorRow {
  return { check, subject, status: 'fail', detail, fix: `xe ${command} must answer on the master` };
}

/** What the campaign asks of the lab beyond reachability (defaults: every VM kind, one small VM). */
export interface DoctorNeeds {
  /** Template names a VM kind accepts, first match wins; only the kinds the campaign uses. */
  templateHints: Record<string, readonly RegExp[]>;
  /** The largest VM memory one case starts, in bytes: some host of each pool must have it free. */
  vmMemoryBytes: number;
  /** Free space one case needs on an SR (its VM's disk and data files), per SR kind it uses. */
  srFreeBytes: number;
  /** SR kinds the campaign's cases use (empty: any non-ISO SR). */
  srKinds: readonly string[];
  /** Guest-tools cases: the tools ISO must be in the pool's ISO library. */
  toolsIso: boolean;
  /** Storage motion or cross-pool migration: the pool's xapi credential must log into its master. */
  xapiLogin: boolean;
  /** Programs the cases run inside guests (fio, iperf3, stress…). */
  guestSoftware: readonly string[];
}

export const GIB = 1024 ** 3;

/** The operator's static binaries (SHAKEDOWN_GUEST_BINARIES_DIR), as the doctor asks about them. */
export interface StaticBinarySource {
  readonly folder: string;
  has(program: string, machine: string): boolean;
  read(program: string, machine: string): Promise<Buffer | null>;
}

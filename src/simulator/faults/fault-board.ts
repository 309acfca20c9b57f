import { LabModel } from 'src/simulator/model/lab-model';
import { SimulatorError, SimulatorErrorCode } from 'src/simulator/simulator.errors';
import { XeFaultView } from 'src/simulator/xe/xe-context';

/**
 * Faults switchable per host at run time:
 * - `drop[:N]`        the SSH connection is cut mid-command (every command, or the next N)
 * - `hang`            connections are accepted but never answered; exec requests never answer
 * - `reboot[:S]`      the host goes away for S simulated seconds (default 60); its VMs are reset
 * - `xapi-restart[:S]` `xe` fails with xapi's connection-refused text for S s (default 30; 0 = until cleared)
 * - `sr-failure[:OP]` SR operations fail with SR_BACKEND_FAILURE_46 for xe command OP (default: all)
 * - `slow-link[:F]`   the host's links are F times slower (default 10)
 */
const FAULT_KINDS = ['drop', 'hang', 'reboot', 'xapi-restart', 'sr-failure', 'slow-link'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  host: string;
  kind: FaultKind;
  arg?: string;
}

export interface ActiveFault extends FaultSpec {
  /** simulated epoch ms when it ends by itself, or null */
  until: number | null;
  /** remaining hits for count-limited faults (drop:N) */
  remaining: number | null;
}

export function parseFaultFlag(flag: string): FaultSpec {
  const eq = flag.indexOf('=');
  if (eq <= 0) throw new SimulatorError(`fault "${flag}" must read host=kind[:arg]`, SimulatorErrorCode.UnknownFault);
  const host = flag.slice(0, eq);
  const [kind = '', ...rest] = flag.slice(eq + 1).split(':');
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new SimulatorError(
      `fault "${flag}": unknown kind ${kind} (one of ${FAULT_KINDS.join(', ')})`,
      SimulatorErrorCode.UnknownFault,
    );
  }
  return rest.length > 0 ? { host, kind: kind as FaultKind, arg: rest.join(':') } : { host, kind: kind as FaultKind };
}

export class FaultBoard implements XeFaultView {
  private readonly active: ActiveFault[] = [];
  private readonly listeners: Array<(f: ActiveFault, on: boolean) => void> = [];

  constructor(private readonly model: LabModel) {}

  onChange(listener: (fault: ActiveFault, on: boolean) => void): void {
    this.listeners.push(listener);
  }

  set(spec: FaultSpec): ActiveFault {
    const host = this.model.hostByName(spec.host);
    if (!host) throw new SimulatorError(`fault on unknown host ${spec.host}`, SimulatorErrorCode.UnknownHost);
    if (!(FAULT_KINDS as readonly string[]).includes(spec.kind)) {
      throw new SimulatorError(
        `unknown fault kind ${String(spec.kind)} (one of ${FAULT_KINDS.join(', ')})`,
        SimulatorErrorCode.UnknownFault,
      );
    }
    this.clear(spec.host, spec.kind);
    const now = this.model.clock.now();
    let until: number | null = null;
    let remaining: number | null = null;
    if (spec.kind === 'reboot') until = now + (parseFloat(spec.arg ?? '60') || 60) * 1000;
    if (spec.kind === 'xapi-restart') {
      const s = parseFloat(spec.arg ?? '30');
      until = s > 0 ? now + s * 1000 : null;
    }
    if (spec.kind === 'drop' && spec.arg) remaining = parseInt(spec.arg, 10) || null;
    const fault: ActiveFault = { ...spec, until, remaining };
    this.active.push(fault);
    this.listeners.forEach((l) => l(fault, true));
    return fault;
  }

  clear(hostName?: string, kind?: FaultKind): void {
    for (let i = this.active.length - 1; i >= 0; i--) {
      const f = this.active[i];
      if (!f || (hostName !== undefined && f.host !== hostName) || (kind !== undefined && f.kind !== kind)) continue;
      this.active.splice(i, 1);
      this.listeners.forEach((l) => l(f, false));
    }
  }

  list(): ActiveFault[] {
    this.expire();
    return this.active.map((f) => ({ ...f }));
  }

  private expire(): void {
    const now = this.model.clock.now();
    for (const f of [...this.active]) if (f.until !== null && now >= f.until) this.clear(f.host, f.kind);
  }

  find(hostUuid: string, kind: FaultKind): ActiveFault | undefined {
    this.expire();
    const host = this.model.state.hosts.get(hostUuid);
    return host ? this.active.find((f) => f.host === host.name && f.kind === kind) : undefined;
  }

  /** consumes one hit of a count-limited fault */
  take(hostUuid: string, kind: FaultKind): boolean {
    const f = this.find(hostUuid, kind);
    if (!f) return false;
    if (f.remaining !== null) {
      f.remaining -= 1;
      if (f.remaining <= 0) this.clear(f.host, f.kind);
    }
    return true;
  }

  xapiDown(hostUuid: string): boolean {
    return this.find(hostUuid, 'xapi-restart') !== undefined;
  }

  srFailure(hostUuid: string, operation: string): boolean {
    const f = this.find(hostUuid, 'sr-failure');
    return f !== undefined && (f.arg === undefined || f.arg === '*' || f.arg === operation);
  }

  linkSlowdown(hostUuid: string): number {
    const f = this.find(hostUuid, 'slow-link');
    return f ? Math.max(1, parseFloat(f.arg ?? '10') || 10) : 1;
  }
}

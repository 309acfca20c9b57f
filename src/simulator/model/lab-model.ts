import { IdSource } from 'src/simulator/model/ids';
import { SimHost, SimLabState, SimPool, SimSr, SimVdi, SimVm } from 'src/simulator/model/types';
import { SimClock } from 'src/simulator/time/clock';

export function guestAddress(base: string, index: number): string {
  return `${base}.${Math.floor(index / 250)}.${(index % 250) + 1}`;
}

/** Hooks the running lab installs so the model can tell it about guests coming and going. */
export interface OperationRecord {
  /** simulated epoch ms when it finished */
  at: number;
  host: string;
  vm: string;
  operation: string;
  /** modelled duration; every duration the simulator reports is simulated, never measured */
  simulatedSeconds: number;
  simulated: true;
}

interface LabHooks {
  guestStarted(vm: SimVm): void;
  guestStopped(vm: SimVm): void;
  /** the VM record is gone (vm-destroy, vm-uninstall) */
  vmRemoved?(vm: SimVm): void;
  /** xe host-reboot: the host goes down for `seconds` (simulated) and comes back */
  hostRebootRequested?(host: SimHost, seconds: number): void;
  /** whether the host's address answers on the network now (false while it reboots) */
  hostAnswers?(host: SimHost): boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const NO_HOOKS: LabHooks = { guestStarted: () => undefined, guestStopped: () => undefined };

/** State plus the services every command needs (ids, clock); queries that several commands share. */
export class LabModel {
  hooks: LabHooks = NO_HOOKS;
  readonly operations: OperationRecord[] = [];
  /** host uuid → log file path → lines (xensource.log, SMlog, daemon.log, kern.log) */
  readonly logs = new Map<string, Map<string, string[]>>();
  private nextDomId = 1;

  constructor(
    readonly state: SimLabState,
    readonly ids: IdSource,
    readonly clock: SimClock,
    private readonly guestAddressBase: string = '127.20',
    private guestCount: number = 0,
  ) {}

  /** Guests are numbered lab-wide so each gets its own loopback address. */
  allocGuestAddress(): string {
    this.guestCount += 1;
    return guestAddress(this.guestAddressBase, this.guestCount);
  }

  allocDomId(): number {
    this.nextDomId += 1;
    return this.nextDomId;
  }

  log(hostUuid: string, file: string, line: string): void {
    let files = this.logs.get(hostUuid);
    if (!files) {
      files = new Map();
      this.logs.set(hostUuid, files);
    }
    const lines = files.get(file) ?? [];
    const host = this.state.hosts.get(hostUuid);
    const d = new Date(this.clock.now());
    // syslog's stamp; Intl's month name (toLocaleString) cost more than the rest of an xe call.
    const month = MONTHS[d.getUTCMonth()];
    const stamp = `${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
    lines.push(`${stamp} ${host?.name ?? 'localhost'} ${line}`);
    if (lines.length > 5000) lines.splice(0, lines.length - 5000);
    files.set(file, lines);
  }

  recordOperation(host: SimHost, vm: SimVm, operation: string, simulatedSeconds: number): void {
    this.operations.push({
      at: this.clock.now(),
      host: host.name,
      vm: vm.uuid,
      operation,
      simulatedSeconds,
      simulated: true,
    });
    this.log(
      host.uuid,
      '/var/log/xensource.log',
      `xapi: [ info||${1000 + this.operations.length} UNIX /var/lib/xcp/xapi||xapi_vm] ${operation} of VM ${vm.uuid} took ${simulatedSeconds.toFixed(1)} s (simulated)`,
    );
  }

  pool(uuid: string): SimPool {
    const pool = this.state.pools.get(uuid);
    if (!pool) throw new Error(`no pool ${uuid}`);
    return pool;
  }

  host(uuid: string): SimHost {
    const host = this.state.hosts.get(uuid);
    if (!host) throw new Error(`no host ${uuid}`);
    return host;
  }

  hostByName(name: string): SimHost | undefined {
    return [...this.state.hosts.values()].find((h) => h.name === name);
  }

  poolHosts(poolUuid: string): SimHost[] {
    return [...this.state.hosts.values()].filter((h) => h.poolUuid === poolUuid);
  }

  master(poolUuid: string): SimHost {
    return this.host(this.pool(poolUuid).masterUuid);
  }

  isRollingUpgrade(poolUuid: string): boolean {
    return this.pool(poolUuid).otherConfig['rolling_upgrade_in_progress'] === 'true';
  }

  /** Recomputed like xapi's db_gc: a pool whose hosts run different versions is mid-upgrade. */
  refreshRollingUpgrade(poolUuid: string): void {
    const versions = new Set(this.poolHosts(poolUuid).map((h) => h.version));
    const pool = this.pool(poolUuid);
    if (versions.size > 1) pool.otherConfig['rolling_upgrade_in_progress'] = 'true';
    else delete pool.otherConfig['rolling_upgrade_in_progress'];
  }

  vmsOn(hostUuid: string): SimVm[] {
    return [...this.state.vms.values()].filter((vm) => vm.residentOn === hostUuid);
  }

  memoryFree(host: SimHost): number {
    const used = this.vmsOn(host.uuid).reduce((sum, vm) => sum + vm.memory, 0);
    return Math.max(0, host.memoryTotal - host.memoryOverhead - used);
  }

  vmVdis(vm: SimVm): SimVdi[] {
    const out: SimVdi[] = [];
    for (const vbd of this.state.vbds.values()) {
      if (vbd.vmUuid !== vm.uuid || !vbd.vdiUuid) continue;
      const vdi = this.state.vdis.get(vbd.vdiUuid);
      if (vdi) out.push(vdi);
    }
    return out;
  }

  /** SRs with an attached PBD on the host: what a VM placed there can reach. */
  srVisibleFrom(sr: SimSr, hostUuid: string): boolean {
    return [...this.state.pbds.values()].some((p) => p.srUuid === sr.uuid && p.hostUuid === hostUuid && p.attached);
  }

  srHosts(srUuid: string): SimHost[] {
    return [...this.state.pbds.values()].filter((p) => p.srUuid === srUuid).map((p) => this.host(p.hostUuid));
  }

  localSr(hostUuid: string, type: 'ext' | 'lvm' = 'ext'): SimSr | undefined {
    return [...this.state.srs.values()].find(
      (sr) => !sr.shared && sr.type === type && this.srHosts(sr.uuid).some((h) => h.uuid === hostUuid),
    );
  }

  srUsed(srUuid: string): number {
    let used = 0;
    for (const vdi of this.state.vdis.values()) if (vdi.srUuid === srUuid) used += vdi.virtualSize;
    return used;
  }
}

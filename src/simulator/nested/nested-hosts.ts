import { blankVm } from 'src/simulator/config/build-lab';
import { LabModel } from 'src/simulator/model/lab-model';
import { SimHost, SimNetwork, SimPool, SimSr, SimVm, XCP_VERSIONS, XcpVersion } from 'src/simulator/model/types';
import { versionInfo } from 'src/simulator/model/versions';

/** other-config key an "XCP-ng host image" carries: the release installed in it. */
export const HOST_IMAGE_KEY = 'xcp-ng-host-image';
/**
 * Simulated-only trouble an image can carry, for tests of failed provisioning:
 * `hang` — the nested host's sshd accepts connections and never answers;
 * `no-boot` — the nested host never comes up at all.
 */
export const HOST_IMAGE_FAULT_KEY = 'xcp-ng-host-image-fault';

/** Modelled time for an XCP-ng host to boot inside a VM, and for the installer to upgrade it. */
const NESTED_BOOT_SECONDS = 90;
const INSTALLER_SECONDS = 600;

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** What the running lab does for nested hosts: their sshd and delayed work. */
interface NestedEndpoints {
  /** starts the host's sshd on its own address; resolves with the port */
  start(host: SimHost, hanging: () => boolean, port?: number): Promise<number>;
  stop(host: SimHost): Promise<void>;
  later(ms: number, fn: () => void): void;
}

function hostImageVersion(vm: SimVm): XcpVersion | null {
  const v = vm.otherConfig[HOST_IMAGE_KEY];
  return v !== undefined && (XCP_VERSIONS as readonly string[]).includes(v) ? (v as XcpVersion) : null;
}

/**
 * XCP-ng hosts living in VMs of the lab: starting a VM made from a host image brings up a new host
 * (its own pool, dom0, management PIF, local SR, default templates) at the VM's address once it has
 * booted; halting the VM takes the host down; destroying the VM removes it from the lab.
 */
export class NestedHosts {
  /** VM uuid → nested host uuid */
  private readonly hostOf = new Map<string, string>();
  /** host uuid → the port its sshd had: a rebooted host comes back where clients know it */
  private readonly ports = new Map<string, number>();
  private readonly stopping = new Map<string, Promise<void>>();

  constructor(
    private readonly model: LabModel,
    private readonly endpoints: NestedEndpoints,
  ) {}

  isHostImage(vm: SimVm): boolean {
    return !vm.isTemplate && !vm.isControlDomain && hostImageVersion(vm) !== null;
  }

  hostOfVm(vmUuid: string): SimHost | undefined {
    const uuid = this.hostOf.get(vmUuid);
    return uuid ? this.model.state.hosts.get(uuid) : undefined;
  }

  vmOfHost(hostUuid: string): SimVm | undefined {
    for (const [vm, host] of this.hostOf) if (host === hostUuid) return this.model.state.vms.get(vm);
    return undefined;
  }

  /** The VM was started (or rebooted): its host boots and answers SSH when done. */
  started(vm: SimVm): void {
    const host = this.hostOfVm(vm.uuid) ?? this.create(vm);
    this.boot(vm, host, NESTED_BOOT_SECONDS);
  }

  stopped(vm: SimVm): void {
    const host = this.hostOfVm(vm.uuid);
    vm.guest.sshPort = null;
    if (host) this.takeDown(host);
  }

  removed(vm: SimVm): void {
    const host = this.hostOfVm(vm.uuid);
    this.hostOf.delete(vm.uuid);
    if (host) {
      this.takeDown(host);
      this.removeHost(host);
    }
  }

  /**
   * The installer ran with an upgrade answer file: the host goes down, comes back at `version`
   * with its pool membership, SRs and VM records kept (what an upgrade keeps).
   */
  upgrade(vm: SimVm, version: XcpVersion): void {
    const host = this.hostOfVm(vm.uuid);
    if (!host) throw new Error(`VM ${vm.uuid} is not a running XCP-ng host`);
    this.takeDown(host);
    host.version = version;
    const dom0 = this.model.state.vms.get(host.controlDomainUuid);
    if (dom0) dom0.osName = `XCP-ng ${version}`;
    vm.otherConfig[HOST_IMAGE_KEY] = version;
    this.model.refreshRollingUpgrade(host.poolUuid);
    this.model.log(host.uuid, '/var/log/installer.log', `upgrade to XCP-ng ${version} (simulated installer)`);
    this.boot(vm, host, INSTALLER_SECONDS + NESTED_BOOT_SECONDS);
  }

  private boot(vm: SimVm, host: SimHost, seconds: number): void {
    const now = this.model.clock.now();
    vm.guest.bootedAt = now + seconds * 1000;
    const bootedAt = vm.guest.bootedAt;
    if (vm.otherConfig[HOST_IMAGE_FAULT_KEY] === 'no-boot') return;
    this.endpoints.later(this.model.clock.realMsFor(seconds), () => {
      if (vm.powerState !== 'running' || vm.guest.bootedAt !== bootedAt || !this.model.state.hosts.has(host.uuid)) {
        return;
      }
      host.bootedAt = this.model.clock.now();
      const hanging = (): boolean => vm.otherConfig[HOST_IMAGE_FAULT_KEY] === 'hang';
      const known = this.ports.get(host.uuid);
      (this.stopping.get(host.uuid) ?? Promise.resolve())
        .then(() => this.endpoints.start(host, hanging, known))
        .then(
          (port) => {
            this.ports.set(host.uuid, port);
            if (vm.guest.bootedAt === bootedAt && vm.powerState === 'running') vm.guest.sshPort = port;
          },
          () => undefined,
        );
    });
  }

  /** The host stops answering; the VMs it ran are reset, as a power cut would leave them. */
  private takeDown(host: SimHost): void {
    this.stopping.set(
      host.uuid,
      this.endpoints.stop(host).catch(() => undefined),
    );
    for (const guest of this.model.vmsOn(host.uuid)) {
      if (guest.isControlDomain) continue;
      guest.powerState = 'halted';
      guest.residentOn = null;
      guest.domId = -1;
      this.model.hooks.guestStopped(guest);
    }
  }

  private create(vm: SimVm): SimHost {
    const version = hostImageVersion(vm) ?? '8.2.1';
    const m = this.model;
    const parent = vm.residentOn ? m.state.hosts.get(vm.residentOn) : undefined;
    // The parent reports the nested host's address through the guest agent of the image's dom0.
    vm.tools ??= { version: versionInfo(version).guestToolsBundled };
    vm.guest.address ??= m.allocGuestAddress();
    const poolUuid = m.ids.next('pool');
    const host: SimHost = {
      uuid: m.ids.next('host'),
      name: vm.name,
      poolUuid,
      version,
      address: vm.guest.address,
      memoryTotal: vm.memory,
      memoryOverhead: 256 * MIB,
      cpuCount: vm.vcpus,
      cpuModel: parent?.cpuModel ?? 'Intel(R) Xeon(R) (nested)',
      enabled: true,
      linkGbps: parent?.linkGbps ?? 10,
      controlDomainUuid: m.ids.next('vm'),
      bootedAt: m.clock.now(),
    };
    m.state.hosts.set(host.uuid, host);
    const dom0 = blankVm(host.controlDomainUuid, `Control domain on host: ${host.name}`, poolUuid, m.clock.now(), {
      image: 'pv-linux',
      isControlDomain: true,
      powerState: 'running',
      residentOn: host.uuid,
      memory: Math.min(2 * GIB, Math.floor(vm.memory / 4)),
      vcpus: vm.vcpus,
      domId: 0,
      createdIn: version,
      distro: 'xcp-ng',
      osName: `XCP-ng ${version}`,
    });
    m.state.vms.set(dom0.uuid, dom0);
    const net: SimNetwork = {
      uuid: m.ids.next('network'),
      name: 'Pool-wide network associated with eth0',
      bridge: 'xenbr0',
      poolUuid,
    };
    m.state.networks.set(net.uuid, net);
    const pifUuid = m.ids.next('pif');
    m.state.pifs.set(pifUuid, {
      uuid: pifUuid,
      hostUuid: host.uuid,
      networkUuid: net.uuid,
      device: 'eth0',
      mac: m.ids.mac(pifUuid),
      carrier: true,
      management: true,
      ip: host.address,
      speedMbps: host.linkGbps * 1000,
    });
    const diskBytes = m.vmVdis(vm).reduce((a, v) => a + v.virtualSize, 0);
    const sr: SimSr = {
      uuid: m.ids.next('sr'),
      name: 'Local storage',
      type: 'ext',
      shared: false,
      poolUuid,
      physicalSize: Math.max(20 * GIB, Math.round(diskBytes * 0.8)),
      contentType: 'user',
    };
    m.state.srs.set(sr.uuid, sr);
    const pbdUuid = m.ids.next('pbd');
    m.state.pbds.set(pbdUuid, {
      uuid: pbdUuid,
      hostUuid: host.uuid,
      srUuid: sr.uuid,
      deviceConfig: { device: '/dev/xvda3' },
      attached: true,
    });
    const pool: SimPool = { uuid: poolUuid, name: '', masterUuid: host.uuid, defaultSrUuid: sr.uuid, otherConfig: {} };
    m.state.pools.set(poolUuid, pool);
    // A fresh install carries the release's default templates; the parent pool's are the same set.
    for (const t of [...m.state.vms.values()]) {
      if (t.poolUuid !== vm.poolUuid || !t.isDefaultTemplate) continue;
      const copy: SimVm = {
        ...t,
        uuid: m.ids.next('vm'),
        poolUuid,
        otherConfig: { ...t.otherConfig },
        tags: [...t.tags],
        currentOperations: new Map(),
        guest: { address: null, sshPort: null, load: 0, loadUntil: null, bootedAt: 0, files: new Map() },
      };
      m.state.vms.set(copy.uuid, copy);
    }
    this.hostOf.set(vm.uuid, host.uuid);
    m.log(host.uuid, '/var/log/xensource.log', `xapi: nested XCP-ng ${version} host in VM ${vm.uuid} (simulated)`);
    return host;
  }

  /** Removes the host and what only it held: its dom0, PIFs, PBDs, local SRs and their disks; its pool if alone. */
  private removeHost(host: SimHost): void {
    const m = this.model;
    const poolUuid = host.poolUuid;
    const alone = m.poolHosts(poolUuid).length === 1;
    const localSrs = [...m.state.srs.values()].filter(
      (sr) =>
        sr.poolUuid === poolUuid && (alone || (!sr.shared && m.srHosts(sr.uuid).every((h) => h.uuid === host.uuid))),
    );
    const srUuids = new Set(localSrs.map((s) => s.uuid));
    for (const vm of [...m.state.vms.values()]) {
      const onlyHere = alone && vm.poolUuid === poolUuid;
      if (vm.uuid === host.controlDomainUuid || onlyHere) this.dropVm(vm.uuid);
    }
    for (const vdi of [...m.state.vdis.values()]) if (srUuids.has(vdi.srUuid)) m.state.vdis.delete(vdi.uuid);
    for (const vbd of [...m.state.vbds.values()]) {
      if (vbd.vdiUuid && !m.state.vdis.has(vbd.vdiUuid)) vbd.vdiUuid = null;
    }
    for (const pbd of [...m.state.pbds.values()]) {
      if (pbd.hostUuid === host.uuid || srUuids.has(pbd.srUuid)) m.state.pbds.delete(pbd.uuid);
    }
    for (const sr of localSrs) m.state.srs.delete(sr.uuid);
    for (const pif of [...m.state.pifs.values()]) if (pif.hostUuid === host.uuid) m.state.pifs.delete(pif.uuid);
    m.state.hosts.delete(host.uuid);
    m.logs.delete(host.uuid);
    if (alone) {
      for (const net of [...m.state.networks.values()]) {
        if (net.poolUuid === poolUuid) m.state.networks.delete(net.uuid);
      }
      m.state.pools.delete(poolUuid);
      return;
    }
    const pool = m.pool(poolUuid);
    if (pool.masterUuid === host.uuid) {
      // A pool that lost its coordinator for good: the next host takes over, as after an emergency transition.
      const next = m.poolHosts(poolUuid)[0];
      if (next) pool.masterUuid = next.uuid;
    }
    m.refreshRollingUpgrade(poolUuid);
  }

  private dropVm(uuid: string): void {
    const m = this.model;
    for (const vbd of [...m.state.vbds.values()]) {
      if (vbd.vmUuid !== uuid) continue;
      if (vbd.vdiUuid) m.state.vdis.delete(vbd.vdiUuid);
      m.state.vbds.delete(vbd.uuid);
    }
    for (const vif of [...m.state.vifs.values()]) if (vif.vmUuid === uuid) m.state.vifs.delete(vif.uuid);
    m.state.vms.delete(uuid);
  }
}

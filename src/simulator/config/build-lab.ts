import { LabConfig, PoolConfig, TemplateConfig, VmConfig } from 'src/simulator/config/lab-config';
import { IdSource } from 'src/simulator/model/ids';
import { guestAddress, LabModel } from 'src/simulator/model/lab-model';
import { SimHost, SimLabState, SimNetwork, SimPool, SimSr, SimVm } from 'src/simulator/model/types';
import { SimulatorError, SimulatorErrorCode } from 'src/simulator/simulator.errors';
import { SimClock } from 'src/simulator/time/clock';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const DOM0_MEMORY = 4 * GIB;

function emptyState(name: string): SimLabState {
  return {
    name,
    pools: new Map(),
    hosts: new Map(),
    networks: new Map(),
    pifs: new Map(),
    srs: new Map(),
    pbds: new Map(),
    vdis: new Map(),
    vbds: new Map(),
    vifs: new Map(),
    vms: new Map(),
  };
}

function bad(message: string): SimulatorError {
  return new SimulatorError(message, SimulatorErrorCode.InvalidLabConfig);
}

/** Provisioning spec kept in a template's other-config, as xapi does (`disks` key). */
function provisionXml(diskBytes: number): string {
  return `<provision><disk device="0" size="${diskBytes}" sr="" bootable="true" type="system"/></provision>`;
}

export function blankVm(
  uuid: string,
  name: string,
  poolUuid: string,
  now: number,
  fields: Partial<SimVm> & Pick<SimVm, 'image'>,
): SimVm {
  return {
    uuid,
    name,
    description: '',
    poolUuid,
    isTemplate: false,
    isDefaultTemplate: false,
    isControlDomain: false,
    powerState: 'halted',
    residentOn: null,
    affinity: null,
    memory: GIB,
    vcpus: 1,
    firmware: 'bios',
    osName: 'Linux',
    distro: 'other',
    tools: null,
    createdIn: '8.2.1',
    origin: 'recent',
    otherConfig: {},
    tags: [],
    currentOperations: new Map(),
    domId: -1,
    startTime: null,
    installTime: now,
    guest: { address: null, sshPort: null, load: 0, loadUntil: null, bootedAt: now, files: new Map() },
    suspendVdiUuid: null,
    ...fields,
  };
}

class Builder {
  readonly ids: IdSource;
  readonly state: SimLabState;
  guestIndex = 0;

  constructor(
    private readonly config: LabConfig,
    private readonly now: number,
  ) {
    this.ids = new IdSource(`${config.seed}/${config.name}`);
    this.state = emptyState(config.name);
  }

  build(): SimLabState {
    this.config.pools.forEach((p, i) => this.addPool(p, i));
    return this.state;
  }

  private addPool(cfg: PoolConfig, poolIndex: number): void {
    const poolUuid = cfg.uuid ?? this.ids.uuidFor(`pool:${cfg.name}`);
    const devices = Array.from({ length: cfg.nics }, (_, i) => `eth${i}`);
    const networks = devices.map((dev, i): SimNetwork => {
      const net: SimNetwork = {
        uuid: this.ids.uuidFor(`network:${cfg.name}:${dev}`),
        name: `Pool-wide network associated with ${dev}`,
        bridge: `xenbr${i}`,
        poolUuid,
      };
      this.state.networks.set(net.uuid, net);
      return net;
    });
    const hosts = cfg.hosts.map((h, hostIndex) => {
      if (this.findHost(h.name)) throw bad(`lab ${this.config.name}: host name ${h.name} is used twice`);
      const host: SimHost = {
        uuid: h.uuid ?? this.ids.uuidFor(`host:${h.name}`),
        name: h.name,
        poolUuid,
        version: h.version,
        address: `${this.config.address_base}.${poolIndex + 1}.${hostIndex + 1}`,
        memoryTotal: h.memory_gib * GIB,
        memoryOverhead: 512 * MIB,
        cpuCount: h.cpus,
        cpuModel: h.cpu_model,
        enabled: true,
        linkGbps: h.link_gbps,
        controlDomainUuid: h.dom0_uuid ?? this.ids.uuidFor(`dom0:${h.name}`),
        bootedAt: this.now - 3 * 24 * 3600 * 1000,
      };
      this.state.hosts.set(host.uuid, host);
      this.addDom0(host);
      networks.forEach((net, i) => this.addPif(host, net, `eth${i}`, i === 0));
      for (const type of h.local_srs) {
        const sr = this.addSr(
          `local:${h.name}:${type}`,
          type === 'ext' ? 'Local storage' : 'Local LVM storage',
          type,
          false,
          poolUuid,
          h.local_sr_gib,
        );
        this.addPbd(host, sr, type === 'ext' ? { device: '/dev/sda3' } : { device: '/dev/sdb' });
      }
      return host;
    });
    const masterName = cfg.master ?? cfg.hosts[0]?.name;
    const master = hosts.find((h) => h.name === masterName);
    if (!master) throw bad(`pool ${cfg.name}: master ${masterName ?? '?'} is not one of its hosts`);
    const shared = cfg.shared_srs.map((s) => {
      const sr = this.addSr(`shared:${cfg.name}:${s.name}`, s.name, s.type, true, poolUuid, s.size_gib, s.uuid);
      const deviceConfig: Record<string, string> =
        s.type === 'nfs'
          ? { server: '127.0.0.1', serverpath: `/exports/${cfg.name}`, nfsversion: '3' }
          : { target: '127.0.0.1', targetIQN: `iqn.2024-01.sim:${cfg.name}`, SCSIid: `36001405${sr.uuid.slice(0, 8)}` };
      hosts.forEach((h) => this.addPbd(h, sr, deviceConfig));
      return sr;
    });
    const defaultSr = cfg.default_sr ? shared.find((s) => s.name === cfg.default_sr) : shared[0];
    if (cfg.default_sr && !defaultSr) throw bad(`pool ${cfg.name}: default_sr ${cfg.default_sr} is not a shared SR`);
    const pool: SimPool = {
      uuid: poolUuid,
      name: cfg.name,
      masterUuid: master.uuid,
      defaultSrUuid: defaultSr?.uuid ?? null,
      otherConfig: {},
    };
    if (new Set(hosts.map((h) => h.version)).size > 1) pool.otherConfig['rolling_upgrade_in_progress'] = 'true';
    this.state.pools.set(poolUuid, pool);
    this.config.templates.forEach((t) => this.addTemplate(poolUuid, cfg.name, t));
    cfg.vms.forEach((v) => this.addVm(poolUuid, cfg, hosts, master, networks[0] as SimNetwork, v));
  }

  private findHost(name: string): SimHost | undefined {
    return [...this.state.hosts.values()].find((h) => h.name === name);
  }

  private addDom0(host: SimHost): void {
    const dom0 = blankVm(host.controlDomainUuid, `Control domain on host: ${host.name}`, host.poolUuid, this.now, {
      image: 'pv-linux',
      isControlDomain: true,
      powerState: 'running',
      residentOn: host.uuid,
      memory: DOM0_MEMORY,
      vcpus: Math.min(16, host.cpuCount),
      domId: 0,
      startTime: host.bootedAt,
      createdIn: host.version,
      distro: 'xcp-ng',
      osName: `XCP-ng ${host.version}`,
    });
    this.state.vms.set(dom0.uuid, dom0);
  }

  private addPif(host: SimHost, net: SimNetwork, device: string, management: boolean): void {
    const uuid = this.ids.uuidFor(`pif:${host.name}:${device}`);
    this.state.pifs.set(uuid, {
      uuid,
      hostUuid: host.uuid,
      networkUuid: net.uuid,
      device,
      mac: this.ids.mac(`pif:${host.name}:${device}`),
      carrier: true,
      management,
      ip: management ? host.address : '',
      speedMbps: host.linkGbps * 1000,
    });
  }

  private addSr(
    key: string,
    name: string,
    type: SimSr['type'],
    shared: boolean,
    poolUuid: string,
    gib: number,
    uuid?: string,
  ): SimSr {
    const sr: SimSr = {
      uuid: uuid ?? this.ids.uuidFor(`sr:${key}`),
      name,
      type,
      shared,
      poolUuid,
      physicalSize: gib * GIB,
      contentType: 'user',
    };
    this.state.srs.set(sr.uuid, sr);
    return sr;
  }

  private addPbd(host: SimHost, sr: SimSr, deviceConfig: Record<string, string>): void {
    const uuid = this.ids.uuidFor(`pbd:${host.name}:${sr.uuid}`);
    this.state.pbds.set(uuid, { uuid, hostUuid: host.uuid, srUuid: sr.uuid, deviceConfig, attached: true });
  }

  private addTemplate(poolUuid: string, poolName: string, t: TemplateConfig): void {
    const vm = blankVm(this.ids.uuidFor(`template:${poolName}:${t.name}`), t.name, poolUuid, this.now, {
      image: t.image,
      firmware: t.firmware,
      osName: t.os,
      distro: t.distro,
      repositories: t.repositories,
      isTemplate: true,
      isDefaultTemplate: true,
      memory: t.memory_mib * MIB,
      vcpus: t.vcpus,
      description: `Template for ${t.os}`,
      otherConfig: { disks: provisionXml(t.disk_gib * GIB), default_template: 'true' },
    });
    this.state.vms.set(vm.uuid, vm);
  }

  private addVm(
    poolUuid: string,
    pool: PoolConfig,
    hosts: SimHost[],
    master: SimHost,
    net: SimNetwork,
    v: VmConfig,
  ): void {
    const host = v.host ? hosts.find((h) => h.name === v.host) : undefined;
    if (v.host && !host) throw bad(`pool ${pool.name}: VM ${v.name}: host ${v.host} is not in the pool`);
    const placed = host ?? master;
    const running = v.power_state === 'running';
    this.guestIndex += 1;
    const vm = blankVm(v.uuid ?? this.ids.uuidFor(`vm:${pool.name}:${v.name}`), v.name, poolUuid, this.now, {
      image: v.image,
      firmware: v.firmware,
      osName: v.os,
      distro: v.distro,
      software: [...v.software],
      repositories: v.repositories,
      memory: v.memory_mib * MIB,
      vcpus: v.vcpus,
      tools: v.tools ? { version: v.tools } : null,
      createdIn: v.created_in,
      origin: v.origin,
      powerState: v.power_state,
      residentOn: running ? placed.uuid : null,
      domId: running ? this.nextDomId() : -1,
      startTime: running ? this.now - 3600 * 1000 : null,
      // Simulator-only keys: real xapi keeps no such record, the lab's test subjects need them.
      otherConfig: { 'sim-created-in': v.created_in, 'sim-origin': v.origin },
    });
    vm.guest.address = guestAddress(this.config.guest_address_base, this.guestIndex);
    this.state.vms.set(vm.uuid, vm);
    v.disks.forEach((d, i) => {
      let srUuid: string | undefined;
      if (d.sr === 'local' || d.sr === 'local-lvm') {
        srUuid = [...this.state.srs.values()].find(
          (s) => s.uuid === this.ids.uuidFor(`sr:local:${placed.name}:${d.sr === 'local' ? 'ext' : 'lvm'}`),
        )?.uuid;
      } else {
        srUuid = [...this.state.srs.values()].find((s) => s.poolUuid === poolUuid && s.name === d.sr)?.uuid;
      }
      if (!srUuid) throw bad(`pool ${pool.name}: VM ${v.name}: disk ${i}: no SR ${d.sr} on ${placed.name}`);
      const vdiUuid = this.ids.uuidFor(`vdi:${vm.uuid}:${i}`);
      this.state.vdis.set(vdiUuid, {
        uuid: vdiUuid,
        name: `${v.name} ${i}`,
        description: '',
        srUuid,
        virtualSize: d.size_gib * GIB,
        physicalUtilisation: Math.round(d.size_gib * GIB * d.used),
        readOnly: false,
        type: i === 0 ? 'system' : 'user',
      });
      const vbdUuid = this.ids.uuidFor(`vbd:${vm.uuid}:${i}`);
      this.state.vbds.set(vbdUuid, {
        uuid: vbdUuid,
        vmUuid: vm.uuid,
        vdiUuid,
        device: `xvd${String.fromCharCode(97 + i)}`,
        userdevice: String(i),
        type: 'Disk',
        bootable: i === 0,
      });
    });
    const vifUuid = this.ids.uuidFor(`vif:${vm.uuid}:0`);
    this.state.vifs.set(vifUuid, {
      uuid: vifUuid,
      vmUuid: vm.uuid,
      networkUuid: net.uuid,
      device: '0',
      mac: this.ids.mac(`vif:${vm.uuid}:0`),
    });
  }

  private domIds = 0;
  private nextDomId(): number {
    this.domIds += 1;
    return this.domIds;
  }
}

interface BuiltLab {
  model: LabModel;
  config: LabConfig;
}

export function buildLab(config: LabConfig, speed: number, now: number = Date.now()): BuiltLab {
  const builder = new Builder(config, now);
  const state = builder.build();
  const model = new LabModel(
    state,
    builder.ids,
    new SimClock(speed, now),
    config.guest_address_base,
    builder.guestIndex,
  );
  const highestDomId = Math.max(0, ...[...state.vms.values()].map((vm) => vm.domId));
  while (model.allocDomId() < highestDomId);
  return { model, config };
}

import { OVS_COMMANDS, TCPDUMP_COMMANDS } from 'src/simulator/shell/commands/network-tool-commands';
import { PING_COMMANDS } from 'src/simulator/shell/commands/ping-command';
import { GUEST_IP_COMMANDS } from 'src/simulator/shell/commands/guest-ip-command';
import { INTERNAL_PEM, writeInternalPem } from 'src/simulator/xe/commands/certificate-commands';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ServerChannel } from 'ssh2';
import { buildLab } from 'src/simulator/config/build-lab';
import { LabConfig, loadLabConfig } from 'src/simulator/config/lab-config';
import { startControlApi, ControlApi } from 'src/simulator/faults/control-api';
import { ActiveFault, FaultBoard, FaultSpec } from 'src/simulator/faults/fault-board';
import { hostVirtualFile, initDom0Files } from 'src/simulator/lab/host-files';
import { linkSharedSrMounts } from 'src/simulator/lab/sr-mounts';
import { InventoryHostJson, LabInventoryJson } from 'src/simulator/lab/lab-inventory';
import { LabModel, OperationRecord } from 'src/simulator/model/lab-model';
import { SimHost, SimVm } from 'src/simulator/model/types';
import { PublishedBuilds, publishedBuilds } from 'src/simulator/packages/published-builds';
import { CORE_COMMANDS } from 'src/simulator/shell/commands/core-commands';
import { DOM0_COMMANDS } from 'src/simulator/shell/commands/dom0-commands';
import { DISK_COMMANDS } from 'src/simulator/shell/commands/disk-commands';
import { RAID_COMMANDS } from 'src/simulator/shell/commands/raid-commands';
import { FILE_COMMANDS } from 'src/simulator/shell/commands/file-command';
import { HTTP_CLIENT_COMMANDS } from 'src/simulator/shell/commands/http-client-commands';
import { FIO_COMMANDS } from 'src/simulator/shell/commands/fio-command';
import { GUEST_COMMANDS } from 'src/simulator/shell/commands/guest-commands';
import { guestCommandTable } from 'src/simulator/shell/commands/guest-package-commands';
import { runWindowsCommand } from 'src/simulator/guest/windows-shell';
import { XE_SHELL_COMMANDS } from 'src/simulator/shell/commands/xe-shell-command';
import { OD_COMMANDS } from 'src/simulator/shell/commands/od-command';
import { HARDWARE_COMMANDS, initHostFiles } from 'src/simulator/shell/commands/hardware-commands';
import { PACKAGE_COMMANDS } from 'src/simulator/shell/commands/package-commands';
import { haltProcesses, killAll, PROCESS_COMMANDS } from 'src/simulator/shell/commands/process-commands';
import { TOOLS_CD_COMMANDS } from 'src/simulator/shell/commands/tools-cd-commands';
import { nestedShellCommands } from 'src/simulator/nested/installer-command';
import { NestedHosts } from 'src/simulator/nested/nested-hosts';
import { runShell } from 'src/simulator/shell/shell-runner';
import { CommandTable, ShellEnv, Vfs } from 'src/simulator/shell/shell-types';
import { SftpFiles } from 'src/simulator/ssh/sftp-server';
import { loadOrCreateHostCertificate } from 'src/simulator/lab/host-certificate';
import { NETDATA_PORT } from 'src/simulator/lab/netdata-http';
import { startXapiConfig, XapiListeners } from 'src/simulator/lab/xapi-http';
import { registerServerCertificate } from 'src/simulator/xe/commands/certificate-commands';
import { FolderVfs, MemoryVfs } from 'src/simulator/shell/vfs';
import { SimulatorError, SimulatorErrorCode } from 'src/simulator/simulator.errors';
import { fingerprint, loadOrCreateKeyPair, loadOrCreatePassword } from 'src/simulator/ssh/keys';
import { SshEndpoint } from 'src/simulator/ssh/ssh-endpoint';
import { bootSeconds } from 'src/simulator/time/durations';
import { runXe } from 'src/simulator/xe/xe-emulator';
import { XeContext } from 'src/simulator/xe/xe-context';

/** The shipped default lab; compiled code (dist/) reads it from the source tree, tsc copies no YAML. */
export const DEFAULT_LAB_CONFIG =
  [
    join(__dirname, '..', 'labs', 'default-lab.yaml'),
    join(__dirname, '..', '..', '..', '..', 'src', 'simulator', 'labs', 'default-lab.yaml'),
  ].find((p) => existsSync(p)) ?? join(__dirname, '..', 'labs', 'default-lab.yaml');
const DEFAULT_STATE_DIR = '.shakedown/sim';
/** the host's server certificate and key, as gencert writes them */
const XAPI_SSL_PEM = '/etc/xensource/xapi-ssl.pem';

interface SimulatedLabOptions {
  /** a parsed config or a YAML file path; the shipped default lab when absent */
  config?: LabConfig | string;
  /** simulated seconds per real second (default 1) */
  speed?: number;
  /** host keys, client key, root password and hosts' files live here (default .shakedown/sim) */
  stateDir?: string;
  /** SSH port for every host and guest; 0 (default) = ephemeral, each endpoint its own */
  port?: number;
  faults?: FaultSpec[];
  /** start the loopback HTTP fault-control API (default true) */
  controlApi?: boolean;
}

export interface FaultControl {
  set(spec: FaultSpec): ActiveFault;
  clear(host?: string, kind?: FaultSpec['kind']): void;
  list(): ActiveFault[];
}

interface VmView {
  uuid: string;
  name: string;
  powerState: string;
  host: string | null;
  pool: string;
  vdis: Array<{ uuid: string; sr: string; srType: string }>;
  guest: { address: string | null; sshPort: number | null };
}

export interface LabSnapshot {
  simulated: true;
  pools: Array<{ name: string; master: string; rollingUpgrade: boolean }>;
  hosts: Array<{ name: string; version: string; address: string; port: number; listening: boolean }>;
  vms: VmView[];
  vdis: Array<{ uuid: string; name: string; sr: string; srType: string; host: string | null; attachedTo: string[] }>;
  operations: OperationRecord[];
  faults: ActiveFault[];
}

export interface SimulatedLab {
  inventory: LabInventoryJson;
  faults: FaultControl;
  model: LabModel;
  /** builds published into the lab's repositories since it started (`lab publish`, POST /packages) */
  packages: PublishedBuilds;
  snapshot(): LabSnapshot;
  /** non-template, non-dom0 VMs resident on (or, halted, with disks on local SRs of) the host */
  vmsOn(hostName: string): VmView[];
  /** where the host's xapi listens for HTTP and HTTPS (80 and 443 on a lab with real ports) */
  xapiPorts(hostName: string): { http: number; https: number; netdata: number };
  stop(): Promise<void>;
}

/** What sshd sets for a session: SSH_CLIENT (`addr port server-port`) and SSH_CONNECTION (with the server's address). */
function sessionVars(serverAddress: string, sshClient: string): Record<string, string> {
  const [ip = '', port = '', serverPort = ''] = sshClient.split(' ');
  return { SSH_CLIENT: sshClient, SSH_CONNECTION: `${ip} ${port} ${serverAddress} ${serverPort}` };
}

const HOST_COMMANDS: CommandTable = {
  ...CORE_COMMANDS,
  ...XE_SHELL_COMMANDS,
  ...OD_COMMANDS,
  ...FILE_COMMANDS,
  ...PACKAGE_COMMANDS,
  ...HARDWARE_COMMANDS,
  ...DOM0_COMMANDS,
  ...DISK_COMMANDS,
  ...RAID_COMMANDS,
  ...HTTP_CLIENT_COMMANDS,
  ...PROCESS_COMMANDS,
  ...PING_COMMANDS,
  ...TCPDUMP_COMMANDS,
  ...OVS_COMMANDS,
};
const GUEST_TABLE: CommandTable = {
  ...CORE_COMMANDS,
  ...PROCESS_COMMANDS,
  ...FIO_COMMANDS,
  ...GUEST_COMMANDS,
  ...GUEST_IP_COMMANDS,
  ...TOOLS_CD_COMMANDS,
  ...PING_COMMANDS,
  ...TCPDUMP_COMMANDS,
};

/** What SFTP (scp, sftp) reaches of a host or guest: the files its shell sees. */
const sftpFiles = (vfs: Vfs): SftpFiles => ({
  fs: () => vfs.shellFs(),
  readOnly: (path) => vfs.isVirtual(path),
  changed: async () => vfs.sync?.(),
});

class Lab implements SimulatedLab {
  inventory!: LabInventoryJson;
  readonly faults: FaultControl;
  readonly packages: PublishedBuilds;
  private readonly board: FaultBoard;
  private readonly hostEndpoints = new Map<string, SshEndpoint>();
  /** XCP-ng hosts running in VMs of this lab (nested pools) */
  private readonly nested: NestedHosts;
  private readonly hostCommands: CommandTable;
  private readonly hostVfs = new Map<string, FolderVfs>();
  private readonly guestEndpoints = new Map<string, SshEndpoint>();
  private readonly webListeners = new Map<string, XapiListeners>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly client: { privatePath: string; publicKey: string };
  private readonly password: { path: string; password: string };
  private control: ControlApi | null = null;
  private stopped = false;

  constructor(
    readonly model: LabModel,
    private readonly config: LabConfig,
    private readonly stateDir: string,
    private readonly port: number,
  ) {
    this.board = new FaultBoard(model);
    this.packages = publishedBuilds(model);
    this.faults = {
      set: (s) => this.board.set(s),
      clear: (h, k) => this.board.clear(h, k),
      list: () => this.board.list(),
    };
    this.client = loadOrCreateKeyPair(stateDir, 'client_ed25519', 'shakedown-sim-client');
    this.password = loadOrCreatePassword(stateDir);
    this.board.onChange((f, on) => this.onFault(f, on));
    this.nested = new NestedHosts(model, {
      start: (host, hanging, port) => this.startHostEndpoint(host, hanging, port),
      stop: (host) => this.stopHostEndpoint(host),
      later: (ms, fn) => this.later(ms, fn),
    });
    this.hostCommands = { ...HOST_COMMANDS, ...nestedShellCommands(this.nested) };
    model.hooks = {
      guestStarted: (vm) => this.guestStarted(vm),
      guestStopped: (vm) => this.guestStopped(vm),
      vmRemoved: (vm) => this.nested.removed(vm),
      // The xe call answers before the host goes down, as xapi's does.
      hostRebootRequested: (host, seconds) =>
        this.later(
          100,
          () => void this.board.set({ host: host.name, kind: 'reboot', arg: String(Math.max(1, seconds)) }),
        ),
      hostAnswers: (host) => !this.board.find(host.uuid, 'reboot'),
    };
  }

  private credentials(): { user: string; password: string; clientPublicKey: string } {
    return { user: 'root', password: this.password.password, clientPublicKey: this.client.publicKey };
  }

  private xeContext(host: SimHost): XeContext {
    return {
      model: this.model,
      host,
      faults: this.board,
      hostPath: (h, path) => this.hostVfs.get(h.uuid)?.real(path) ?? join(this.stateDir, 'hosts', h.name, 'fs', path),
      authenticate: (user, password) => user === 'root' && password === this.password.password,
    };
  }

  async start(controlApi: boolean, faults: FaultSpec[]): Promise<void> {
    const started: Array<Promise<unknown>> = [];
    for (const host of this.model.state.hosts.values()) started.push(this.startHostEndpoint(host));
    await Promise.all(started);
    for (const vm of this.model.state.vms.values()) {
      if (vm.powerState === 'running' && !vm.isControlDomain) this.guestStarted(vm);
    }
    if (controlApi) this.control = await startControlApi(this);
    for (const f of [...this.config.faults, ...faults]) this.board.set(f as FaultSpec);
    this.inventory = this.buildInventory();
  }

  /** A host's sshd with a dom0 shell speaking xe; also used for nested hosts when their VM has booted. */
  private async startHostEndpoint(host: SimHost, hanging?: () => boolean, port?: number): Promise<number> {
    // Nested hosts get renamed; their files and key follow their uuid instead.
    const id = hanging ? `nested-${host.uuid}` : host.name;
    const faultActive = (kind: string): boolean => this.board.find(host.uuid, kind as FaultSpec['kind']) !== undefined;
    const vfs = new FolderVfs(join(this.stateDir, 'hosts', id, 'fs'), (p) =>
      hostVirtualFile(this.model, host, p, faultActive),
    );
    await vfs.init();
    await initDom0Files(vfs);
    await initHostFiles(vfs, this.model, host);
    writeInternalPem(this.model, host, vfs.real(INTERNAL_PEM));
    await linkSharedSrMounts(vfs, this.model, host, join(this.stateDir, 'srs'));
    this.hostVfs.set(host.uuid, vfs);
    await this.startWebListeners(host, id, vfs);
    const key = loadOrCreateKeyPair(join(this.stateDir, 'keys'), `host-${id}`, host.name);
    const env: ShellEnv = {
      kind: 'host',
      model: this.model,
      hostname: host.name,
      vfs,
      host: () => host,
      xe: (argv) => runXe(this.xeContext(host), argv),
      bootedAt: () => host.bootedAt,
      faultActive,
    };
    const endpoint = new SshEndpoint({
      name: host.name,
      address: host.address,
      port: this.port,
      hostPrivateKey: key.privateKey,
      credentials: this.credentials(),
      hanging: () => hanging?.() === true || this.board.find(host.uuid, 'hang') !== undefined,
      exec: (command, channel, drop, signal, sshClient) =>
        this.hostExec(host, env, command, channel, drop, signal, sessionVars(host.address, sshClient)),
      files: sftpFiles(vfs),
    });
    await this.hostEndpoints.get(host.uuid)?.stop();
    this.hostEndpoints.set(host.uuid, endpoint);
    return endpoint.start(port).catch((err: unknown) => {
      throw new SimulatorError(
        `host ${host.name}: cannot listen on ${host.address}:${this.port} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        SimulatorErrorCode.StartFailed,
      );
    });
  }

  /**
   * xapi's HTTP and HTTPS listeners with the host's own self-signed certificate, also its
   * /etc/xensource/xapi-ssl.pem. A lab on a privileged SSH port (22) takes 80 and 443 as a real
   * host does; otherwise each listener gets an ephemeral port (`xapiPorts`).
   */
  private async startWebListeners(host: SimHost, id: string, vfs: FolderVfs): Promise<void> {
    const tls = await loadOrCreateHostCertificate(join(this.stateDir, 'keys'), id, host);
    registerServerCertificate(this.model, host.uuid, tls.x509);
    await vfs.write(XAPI_SSL_PEM, Buffer.from(`${tls.key.trimEnd()}\n${tls.cert}`), false);
    const real = this.port > 0 && this.port < 1024;
    const web = new XapiListeners({
      host,
      vfs,
      httpPort: real ? 80 : 0,
      httpsPort: real ? 443 : 0,
      netdataPort: real ? NETDATA_PORT : 0,
      key: tls.key,
      cert: tls.cert,
    });
    await this.webListeners.get(host.uuid)?.stop();
    this.webListeners.set(host.uuid, web);
    await web.start().catch((err: unknown) => {
      throw new SimulatorError(
        `host ${host.name}: xapi cannot listen on ${host.address}:${real ? '80/443' : 'ephemeral ports'} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        SimulatorErrorCode.StartFailed,
      );
    });
  }

  xapiPorts(hostName: string): { http: number; https: number; netdata: number } {
    const host = this.model.hostByName(hostName);
    const web = host ? this.webListeners.get(host.uuid) : undefined;
    if (!host || !web) throw new SimulatorError(`no simulated host ${hostName}`, SimulatorErrorCode.UnknownHost);
    return { ...web.ports };
  }

  private async stopHostEndpoint(host: SimHost): Promise<void> {
    const endpoint = this.hostEndpoints.get(host.uuid);
    this.hostEndpoints.delete(host.uuid);
    await endpoint?.stop();
    const web = this.webListeners.get(host.uuid);
    this.webListeners.delete(host.uuid);
    await web?.stop();
  }

  private async hostExec(
    host: SimHost,
    env: ShellEnv,
    command: string,
    channel: ServerChannel,
    drop: () => void,
    signal: AbortSignal,
    vars: Record<string, string>,
  ): Promise<number> {
    if (this.board.take(host.uuid, 'drop')) {
      const out: Buffer[] = [];
      await runShell(
        command,
        env,
        this.hostCommands,
        { stdout: (c) => out.push(Buffer.from(c)), stderr: () => undefined },
        signal,
        vars,
      );
      const all = Buffer.concat(out);
      channel.write(all.subarray(0, Math.floor(all.length / 2)));
      drop();
      return 255;
    }
    return runShell(
      command,
      env,
      this.hostCommands,
      { stdout: (c) => void channel.write(c), stderr: (c) => void channel.stderr.write(c) },
      signal,
      vars,
    );
  }

  private onFault(f: ActiveFault, on: boolean): void {
    const host = this.model.hostByName(f.host);
    const endpoint = host ? this.hostEndpoints.get(host.uuid) : undefined;
    if (!host || !endpoint || this.stopped) return;
    const web = this.webListeners.get(host.uuid);
    if (f.kind === 'reboot' && on) {
      killAll(host);
      void endpoint.stop();
      void web?.stop();
      for (const vm of this.model.vmsOn(host.uuid)) {
        if (vm.isControlDomain) continue;
        vm.powerState = 'halted';
        vm.residentOn = null;
        vm.domId = -1;
        this.guestStopped(vm);
      }
      const until = f.until ?? this.model.clock.now();
      this.later(this.model.clock.realMsFor((until - this.model.clock.now()) / 1000), () =>
        this.board.clear(f.host, 'reboot'),
      );
    } else if (f.kind === 'reboot' && !on) {
      host.bootedAt = this.model.clock.now();
      void endpoint.start(endpoint.port).catch(() => undefined);
      const vfs = this.hostVfs.get(host.uuid);
      if (web && vfs) void startXapiConfig(host, vfs).then(() => web.start().catch(() => undefined));
    } else if (f.kind === 'hang' && !on) {
      endpoint.dropAll();
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    this.timers.add(t);
  }

  /** A guest gets its own sshd once booted: a shell for Linux guests, cmd.exe and PowerShell for Windows ones. */
  private guestStarted(vm: SimVm): void {
    if (!this.stopped && this.nested.isHostImage(vm)) {
      this.nested.started(vm);
      return;
    }
    if (this.stopped || vm.isControlDomain || !vm.guest.address) return;
    this.guestStopped(vm);
    const delay = this.model.clock.realMsFor(Math.max(0, vm.guest.bootedAt - this.model.clock.now()) / 1000);
    const bootedAt = vm.guest.bootedAt;
    this.later(delay, () => {
      if (vm.powerState !== 'running' || vm.guest.bootedAt !== bootedAt || this.guestEndpoints.has(vm.uuid)) return;
      const key = loadOrCreateKeyPair(join(this.stateDir, 'keys'), `guest-${vm.uuid}`, vm.name);
      const vfs = new MemoryVfs(vm.guest.files, (p) =>
        p === '/etc/os-release' ? Buffer.from(`PRETTY_NAME="${vm.osName}"\nID=${vm.distro}\n`) : null,
      );
      const env: ShellEnv = {
        kind: 'guest',
        model: this.model,
        hostname: vm.name,
        vfs,
        host: () => this.model.host(vm.residentOn ?? [...this.model.state.hosts.keys()][0] ?? ''),
        vm,
        bootedAt: () => vm.guest.bootedAt,
        reboot: () =>
          this.later(0, () => {
            if (vm.powerState !== 'running') return;
            killAll(vm);
            this.guestStopped(vm);
            vm.startTime = this.model.clock.now();
            vm.guest.bootedAt = this.model.clock.now() + bootSeconds(vm) * 1000;
            vm.guest.load = 0;
            this.guestStarted(vm);
          }),
      };
      const endpoint = new SshEndpoint({
        name: vm.name,
        address: vm.guest.address ?? '127.0.0.1',
        port: this.port,
        hostPrivateKey: key.privateKey,
        credentials: this.credentials(),
        hanging: () => false,
        files: sftpFiles(vfs),
        exec: async (command, channel, _drop, signal, sshClient) => {
          const sink = {
            stdout: (c: string | Buffer) => void channel.write(c),
            stderr: (c: string) => void channel.stderr.write(c),
          };
          // Windows guests run OpenSSH with cmd.exe and PowerShell, not a POSIX shell.
          if (vm.image === 'hvm-windows') return runWindowsCommand(command, vm, this.model, sink);
          const vars = sessionVars(vm.guest.address ?? '127.0.0.1', sshClient);
          return runShell(command, env, guestCommandTable(GUEST_TABLE, vm), sink, signal, vars);
        },
      });
      this.guestEndpoints.set(vm.uuid, endpoint);
      endpoint.start().then(
        (port) => {
          vm.guest.sshPort = port;
        },
        () => this.guestEndpoints.delete(vm.uuid),
      );
    });
  }

  private guestStopped(vm: SimVm): void {
    if (this.nested.isHostImage(vm)) {
      this.nested.stopped(vm);
      return;
    }
    // Processes end with a halt; a suspended VM keeps them in its memory image (and so may a checkpoint).
    if (vm.powerState === 'halted') haltProcesses(vm);
    const endpoint = this.guestEndpoints.get(vm.uuid);
    vm.guest.sshPort = null;
    if (!endpoint) return;
    this.guestEndpoints.delete(vm.uuid);
    void endpoint.stop();
  }

  private buildInventory(): LabInventoryJson {
    const pools = [...this.model.state.pools.values()].map((pool) => {
      const hosts: InventoryHostJson[] = this.model.poolHosts(pool.uuid).map((host) => {
        const srTypes = [
          ...new Set(
            [...this.model.state.srs.values()]
              .filter((sr) => this.model.srVisibleFrom(sr, host.uuid))
              .map((sr) => sr.type),
          ),
        ].sort();
        return {
          name: host.name,
          address: host.address,
          port: this.hostEndpoints.get(host.uuid)?.port ?? this.port,
          user: 'root',
          credential: 'sim-root',
          host_key: fingerprint(
            loadOrCreateKeyPair(join(this.stateDir, 'keys'), `host-${host.name}`, host.name).publicKey,
          ),
          version: host.version,
          tags: ['simulated', ...srTypes.map((t) => `sr:${t}`)],
        };
      });
      const master = this.model.host(pool.masterUuid).name;
      const tags = ['simulated', ...(this.model.isRollingUpgrade(pool.uuid) ? ['rolling-upgrade'] : [])];
      return { name: pool.name, master, tags, hosts, xapi_credential: 'sim-root-password' };
    });
    const inv: LabInventoryJson = {
      name: this.model.state.name,
      simulated: true,
      credentials: {
        'sim-root': { key_file: resolve(this.client.privatePath) },
        'sim-root-password': { password_file: resolve(this.password.path) },
      },
      guest_credential: 'sim-root',
      pools,
    };
    if (this.control) inv.control_url = this.control.url;
    if (this.port !== 0) inv.guest_port = this.port;
    return inv;
  }

  private vmView(vm: SimVm): VmView {
    return {
      uuid: vm.uuid,
      name: vm.name,
      powerState: vm.powerState,
      host: vm.residentOn ? this.model.host(vm.residentOn).name : null,
      pool: this.model.pool(vm.poolUuid).name,
      vdis: this.model
        .vmVdis(vm)
        .map((v) => ({ uuid: v.uuid, sr: v.srUuid, srType: this.model.state.srs.get(v.srUuid)?.type ?? '' })),
      guest: { address: vm.guest.address, sshPort: vm.guest.sshPort },
    };
  }

  snapshot(): LabSnapshot {
    const m = this.model;
    return {
      simulated: true,
      pools: [...m.state.pools.values()].map((p) => ({
        name: p.name,
        master: m.host(p.masterUuid).name,
        rollingUpgrade: m.isRollingUpgrade(p.uuid),
      })),
      hosts: [...m.state.hosts.values()].map((h) => ({
        name: h.name,
        version: h.version,
        address: h.address,
        port: this.hostEndpoints.get(h.uuid)?.port ?? 0,
        listening: this.hostEndpoints.get(h.uuid)?.listening ?? false,
      })),
      vms: [...m.state.vms.values()].filter((v) => !v.isTemplate && !v.isControlDomain).map((v) => this.vmView(v)),
      vdis: [...m.state.vdis.values()].map((v) => {
        const sr = m.state.srs.get(v.srUuid);
        const hosts = sr && !sr.shared ? m.srHosts(sr.uuid) : [];
        return {
          uuid: v.uuid,
          name: v.name,
          sr: v.srUuid,
          srType: sr?.type ?? '',
          host: hosts[0]?.name ?? null,
          attachedTo: [...m.state.vbds.values()].filter((b) => b.vdiUuid === v.uuid).map((b) => b.vmUuid),
        };
      }),
      operations: [...m.operations],
      faults: this.board.list(),
    };
  }

  vmsOn(hostName: string): VmView[] {
    const host = this.model.hostByName(hostName);
    if (!host) throw new SimulatorError(`no simulated host ${hostName}`, SimulatorErrorCode.UnknownHost);
    return [...this.model.state.vms.values()]
      .filter((v) => !v.isTemplate && !v.isControlDomain)
      .filter(
        (v) =>
          v.residentOn === host.uuid ||
          (v.residentOn === null && this.model.vmVdis(v).some((d) => this.snapshotLocalHost(d.srUuid) === host.uuid)),
      )
      .map((v) => this.vmView(v));
  }

  private snapshotLocalHost(srUuid: string): string | null {
    const sr = this.model.state.srs.get(srUuid);
    if (!sr || sr.shared) return null;
    return this.model.srHosts(sr.uuid)[0]?.uuid ?? null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const vm of this.model.state.vms.values()) killAll(vm);
    for (const host of this.model.state.hosts.values()) killAll(host);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.control?.close();
    await Promise.all(
      [...this.hostEndpoints.values(), ...this.guestEndpoints.values(), ...this.webListeners.values()].map((e) =>
        e.stop(),
      ),
    );
    this.guestEndpoints.clear();
  }
}

/** Starts a simulated lab: every host (and booted Linux guest) listens for SSH on its own loopback address. */
export async function startSimulatedLab(options: SimulatedLabOptions = {}): Promise<SimulatedLab> {
  const config =
    typeof options.config === 'object' ? options.config : loadLabConfig(options.config ?? DEFAULT_LAB_CONFIG);
  const { model } = buildLab(config, options.speed ?? 1);
  const lab = new Lab(model, config, resolve(options.stateDir ?? DEFAULT_STATE_DIR), options.port ?? 0);
  try {
    await lab.start(options.controlApi ?? true, options.faults ?? []);
  } catch (err) {
    await lab.stop();
    throw err;
  }
  return lab;
}

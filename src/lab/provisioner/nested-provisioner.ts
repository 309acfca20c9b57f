import { posix } from 'node:path';
import { loadInventoryFile } from 'src/lab/inventory.loader';
import { Inventory, InventoryHost, InventoryPool } from 'src/lab/inventory.types';
import { LabInventory } from 'src/lab/lab-inventory';
import { LabRepository } from 'src/lab/lab.repository';
import { upgradeAnswerFile } from 'src/lab/provisioner/answer-file';
import { waitForStep } from 'src/lab/provisioner/bounded-wait';
import { NestedLabSpec, NestedPoolSpec } from 'src/lab/provisioner/nested-lab.types';
import { HostVmRecord, NestedLabState, NestedStateFile, statePathFor } from 'src/lab/provisioner/nested-state';
import { ProvisionerError, ProvisionerErrorCode } from 'src/lab/provisioner/provisioner.errors';
import { Env, resolvePassword } from 'src/remote/credentials';
import { shellQuote } from 'src/remote/shell-quote';
import { SshPool } from 'src/remote/ssh-pool';
import { CredentialRef, SshTarget } from 'src/remote/ssh-target';
import { XeClient } from 'src/remote/xe/xe-client';
import { parseMap, parseSingle } from 'src/remote/xe/xe-output';

const GIB = 1024 ** 3;
/** Marks every VM a nested lab creates on its parent (other-config), naming the lab. */
const NESTED_LAB_KEY = 'shakedown-nested-lab';
const NESTED_IMAGE_KEY = 'shakedown-nested-image';

interface ProvisionerDeps {
  ssh: SshPool;
  /** stores the nested lab's inventory; without it the inventory is only returned */
  repo?: LabRepository;
  /** one line per step */
  progress?: (line: string) => void;
  env?: Env;
  signal?: AbortSignal;
}

export interface DestroyReport {
  vmsRemoved: string[];
  imagesRemoved: string[];
  problems: string[];
}

interface NestedHost {
  pool: NestedPoolSpec;
  index: number;
  name: string;
  vmUuid: string;
  target: SshTarget;
  hostUuid: string;
  version: string;
}

interface Parent {
  inventory: LabInventory;
  hostName: string;
  hostUuid: string;
  version: string;
  xe: XeClient;
  credential: CredentialRef;
  password: { passwordEnv: string } | { passwordFile: string };
}

function hostName(pool: NestedPoolSpec, index: number): string {
  return `${pool.name}-${index + 1}`;
}

/** Provisions and tears down the nested pools a lab file describes, on the physical host it names. */
export class NestedLabProvisioner {
  private readonly stateFile: NestedStateFile;
  /** SSH targets of the nested hosts met so far, to drop their connections on teardown */
  private readonly targets = new Map<string, SshTarget>();
  private state: NestedLabState;

  constructor(
    readonly spec: NestedLabSpec,
    private readonly deps: ProvisionerDeps,
  ) {
    this.stateFile = new NestedStateFile(statePathFor(spec.file));
    this.state = {
      lab: spec.name,
      parentPool: spec.parent.pool,
      parentHost: spec.parent.host ?? '',
      images: [],
      vms: [],
    };
  }

  private say(line: string): void {
    this.deps.progress?.(line);
  }

  private checkCancel(host: string, step: string): void {
    if (this.deps.signal?.aborted) {
      throw new ProvisionerError(`nested host ${host}: ${step}: cancelled`, ProvisionerErrorCode.Cancelled, {
        host,
        step,
      });
    }
  }

  /** Runs one step; any failure becomes an error naming the host and the step. */
  private async step<T>(host: string, step: string, run: () => Promise<T>): Promise<T> {
    this.checkCancel(host, step);
    this.say(`[${host}] ${step}`);
    try {
      return await run();
    } catch (err) {
      if (err instanceof ProvisionerError) throw err;
      throw new ProvisionerError(
        `nested host ${host}: ${step} failed: ${err instanceof Error ? err.message : String(err)}`,
        ProvisionerErrorCode.StepFailed,
        { host, step },
      );
    }
  }

  private async save(): Promise<void> {
    await this.stateFile.write(this.state);
  }

  private async openParent(): Promise<Parent> {
    const inventory = new LabInventory(await loadInventoryFile(this.spec.parent.inventory));
    const pool = inventory.pool(this.spec.parent.pool);
    const name = this.spec.parent.host ?? pool.master;
    if (!pool.hosts.some((h) => h.name === name)) {
      throw new ProvisionerError(`parent: host ${name} is not in pool ${pool.name}`, ProvisionerErrorCode.StepFailed);
    }
    const credential = inventory.inventory.credentials[this.spec.access.credential];
    const password = inventory.inventory.credentials[this.spec.access.password];
    if (!credential) {
      throw new ProvisionerError(
        `access.credential ${this.spec.access.credential} is not a credential of ${this.spec.parent.inventory}`,
        ProvisionerErrorCode.StepFailed,
      );
    }
    if (!password || !('passwordEnv' in password || 'passwordFile' in password)) {
      throw new ProvisionerError(
        `access.password ${this.spec.access.password} must be a password credential (password_env or password_file) of ${this.spec.parent.inventory}`,
        ProvisionerErrorCode.StepFailed,
      );
    }
    // xe on the physical host itself: image files are local to it, and xe forwards to the pool master.
    const xe = new XeClient(
      this.deps.ssh,
      { hosts: [inventory.sshTarget(name)], master: name },
      { env: this.deps.env },
    );
    const [host] = await xe.host.list({ nameLabel: name });
    if (!host) throw new ProvisionerError(`parent: xe knows no host named ${name}`, ProvisionerErrorCode.StepFailed);
    const version = (await xe.host.version(host.uuid)).productVersion ?? '';
    this.state.parentHost = name;
    return { inventory, hostName: name, hostUuid: host.uuid, version, xe, credential, password };
  }

  /** Builds every pool of the lab file; on failure or cancel, removes what it made, then throws. */
  async provision(): Promise<Inventory> {
    const previous = await this.stateFile.read();
    if (previous && previous.vms.length > 0) {
      throw new ProvisionerError(
        `lab ${this.spec.name} is already provisioned (${this.stateFile.path}); destroy it first`,
        ProvisionerErrorCode.StepFailed,
      );
    }
    if (previous) this.state = { ...previous, vms: [] };
    const parent = await this.openParent();
    await this.save();
    try {
      const images = await this.images(parent);
      const pools: InventoryPool[] = [];
      for (const pool of this.spec.pools) pools.push(await this.buildPool(parent, pool, images));
      const inventory: Inventory = {
        name: this.spec.name,
        simulated: parent.inventory.inventory.simulated,
        credentials: {
          [this.spec.access.credential]: parent.credential,
          [this.spec.access.password]: parent.password,
        },
        pools,
      };
      const guest = parent.inventory.inventory.guestCredential;
      const guestRef = guest ? parent.inventory.inventory.credentials[guest] : undefined;
      if (guest && guestRef) {
        inventory.guestCredential = guest;
        inventory.credentials[guest] = guestRef;
      }
      if (parent.inventory.inventory.guestPort) inventory.guestPort = parent.inventory.inventory.guestPort;
      if (this.deps.repo) await this.deps.repo.upsertInventory(inventory);
      this.say(`lab ${this.spec.name}: ${pools.length} nested pool(s) ready, recorded in the inventory`);
      return inventory;
    } catch (err) {
      this.say(`provisioning failed; removing what was created`);
      const report = await this.teardown(parent, this.spec.keepImage);
      if (report.problems.length && err instanceof Error) {
        err.message += `\nteardown left problems: ${report.problems.join('; ')}`;
      }
      throw err;
    }
  }

  /** Removes every nested VM (and its disks) the state file lists, the images unless kept, and the lab's inventory. */
  async destroy(opts: { keepImage?: boolean } = {}): Promise<DestroyReport> {
    const stored = await this.stateFile.read();
    if (stored) this.state = stored;
    const parent = await this.openParent();
    const report = await this.teardown(parent, opts.keepImage ?? this.spec.keepImage);
    if (this.deps.repo) {
      await this.deps.repo.upsertInventory({
        name: this.spec.name,
        simulated: parent.inventory.inventory.simulated,
        credentials: {},
        pools: [],
      });
    }
    if (report.problems.length) {
      throw new ProvisionerError(
        `lab ${this.spec.name}: teardown incomplete: ${report.problems.join('; ')} (state kept in ${this.stateFile.path})`,
        ProvisionerErrorCode.StepFailed,
        { ...report },
      );
    }
    return report;
  }

  // ---------------------------------------------------------------------------------------- images

  private async images(parent: Parent): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const versions = [...new Set(this.spec.pools.map((p) => p.version))];
    for (const version of versions) {
      const name = `shakedown-image-${version}`;
      out.set(
        version,
        await this.step(parent.hostName, `image ${version}`, async () => {
          const existing = (await parent.xe.vm.list({ nameLabel: name }))[0];
          if (existing) {
            this.say(`[${parent.hostName}] image ${version}: reusing VM ${existing.uuid}`);
            if (!this.state.images.some((i) => i.vmUuid === existing.uuid || i.name === name)) {
              this.state.images.push({ version, name, vmUuid: existing.uuid, imported: false });
              await this.save();
            }
            return existing.uuid;
          }
          const record = { version, name, vmUuid: null as string | null, imported: true };
          this.state.images.push(record);
          await this.save();
          const src = this.spec.images[version]!;
          const sr = await this.parentSr(parent);
          const uuids =
            'path' in src
              ? await parent.xe.vm.import({ filename: src.path, srUuid: sr })
              : [
                  parseSingle(
                    await parent.xe.call('vm-import', { url: src.url, 'sr-uuid': sr }, {}, { timeoutMs: 3_600_000 }),
                  ),
                ];
          const uuid = uuids[0];
          if (!uuid) throw new Error('vm-import printed no VM uuid');
          record.vmUuid = uuid;
          await this.save();
          await parent.xe.vm.setParams(uuid, {
            'name-label': name,
            'other-config': { [NESTED_IMAGE_KEY]: version, [NESTED_LAB_KEY]: this.spec.name },
          });
          this.say(`[${parent.hostName}] image ${version}: imported as VM ${uuid}`);
          return uuid;
        }),
      );
    }
    return out;
  }

  private async parentSr(parent: Parent): Promise<string> {
    const srs = await parent.xe.records('sr-list', { params: 'uuid,name-label,type,shared,host' });
    const want = this.spec.parent.sr;
    const sr =
      want === 'local'
        ? srs.find((s) => s.host === parent.hostName && (s.type === 'ext' || s.type === 'lvm'))
        : srs.find((s) => s['name-label'] === want);
    if (!sr?.uuid) throw new Error(`no SR ${want === 'local' ? `local to ${parent.hostName}` : want} on the parent`);
    return sr.uuid;
  }

  // ----------------------------------------------------------------------------------------- pools

  private async buildPool(parent: Parent, pool: NestedPoolSpec, images: Map<string, string>): Promise<InventoryPool> {
    const hosts: NestedHost[] = [];
    for (let i = 0; i < pool.hosts; i++) hosts.push(await this.bootHost(parent, pool, i, images.get(pool.version)!));
    const master = hosts[0]!;
    const masterXe = this.xeOn([master], master.name);
    await this.step(master.name, `name the pool ${pool.name}`, async () => {
      const [poolUuid] = await masterXe.minimal('pool-list', { params: 'uuid' });
      await masterXe.paramSet('pool', poolUuid ?? '', { 'name-label': pool.name });
    });
    for (const member of hosts.slice(1)) await this.join(parent, member, master);
    const xe = this.xeOn(hosts, master.name);
    let sharedSr: string | undefined;
    if (pool.sharedSr) {
      const s = pool.sharedSr;
      sharedSr = await this.step(master.name, `create shared SR ${s.name}`, async () =>
        parseSingle(
          await xe.call('sr-create', {
            'name-label': s.name,
            type: 'nfs',
            shared: true,
            'content-type': 'user',
            'device-config': { server: s.server, serverpath: s.path },
          }),
        ),
      );
    }
    for (const vm of pool.vms) {
      const on = hosts[vm.host - 1]!;
      await this.step(on.name, `VM ${vm.name} (${vm.template}, origin ${vm.origin})`, async () => {
        const uuid = await xe.vm.install({ template: vm.template, nameLabel: vm.name, srUuid: sharedSr });
        await xe.vm.setParams(uuid, { 'other-config': { 'shakedown-origin': vm.origin } });
        await xe.vm.start(uuid, { onHost: on.hostUuid });
      });
    }
    if (pool.upgrade) {
      const upgrade = pool.upgrade;
      // XCP-ng requires the master first; the rest follow in order.
      for (const host of hosts.slice(0, upgrade.hosts)) {
        if (upgrade.method === 'installer') {
          await this.upgradeByInstaller(parent, host, hosts, upgrade.to, upgrade.iso ?? '');
        } else await this.upgradeByYum(host, hosts, upgrade.to, upgrade.enableRepo);
      }
    }
    const versions = new Set(hosts.map((h) => h.version));
    const tags = ['nested', `parent:${parent.hostName}`, ...(versions.size > 1 ? ['rolling-upgrade'] : [])];
    if (parent.inventory.inventory.simulated) tags.push('simulated');
    const invHosts: InventoryHost[] = [];
    for (const h of hosts) {
      const pinned = await this.deps.ssh.hostKeys.get({ name: h.target.name, lab: h.target.lab });
      const host: InventoryHost = {
        name: h.name,
        address: h.target.address,
        port: h.target.port,
        user: 'root',
        credential: this.spec.access.credential,
        version: h.version,
        tags: ['nested', `parent:${parent.hostName}`, 'sr:ext', ...(sharedSr ? ['sr:nfs'] : [])],
      };
      if (pinned) host.hostKey = pinned.fingerprint;
      invHosts.push(host);
    }
    this.say(`[${pool.name}] pool ready: ${hosts.map((h) => `${h.name} ${h.version}`).join(', ')}`);
    return { name: pool.name, master: master.name, tags, hosts: invHosts };
  }

  private xeOn(hosts: NestedHost[], master: string): XeClient {
    return new XeClient(this.deps.ssh, { hosts: hosts.map((h) => h.target), master }, { env: this.deps.env });
  }

  private async bootHost(parent: Parent, pool: NestedPoolSpec, index: number, image: string): Promise<NestedHost> {
    const name = hostName(pool, index);
    const record: HostVmRecord = { pool: pool.name, name, vmUuid: null };
    this.state.vms.push(record);
    await this.save();
    const vmUuid = await this.step(name, 'clone the image', async () => {
      const out = await parent.xe.call(
        'vm-clone',
        { uuid: image, 'new-name-label': name },
        {},
        { timeoutMs: 1_800_000 },
      );
      return parseSingle(out);
    });
    record.vmUuid = vmUuid;
    await this.save();
    const nestedKey = parent.version.startsWith('8.2') ? 'exp-nested-hvm' : 'nested-virt';
    await this.step(name, `set ${pool.memoryGib} GiB, ${pool.vcpus} vCPUs, platform:${nestedKey}=true`, async () => {
      const bytes = pool.memoryGib * GIB;
      await parent.xe.vm.setParams(vmUuid, {
        'memory-static-max': bytes,
        'memory-dynamic-max': bytes,
        'memory-dynamic-min': bytes,
        'VCPUs-max': pool.vcpus,
        'VCPUs-at-startup': pool.vcpus,
        platform: { [nestedKey]: 'true' },
        'other-config': { [NESTED_LAB_KEY]: this.spec.name },
        'name-description': `nested XCP-ng ${pool.version} host of lab ${this.spec.name}`,
      });
    });
    await this.step(name, `start on ${parent.hostName}`, () => parent.xe.vm.start(vmUuid, { onHost: parent.hostUuid }));
    const endpoint = await this.step(name, 'wait for its address', () =>
      waitForStep(
        name,
        'wait for its address',
        this.spec.timeouts.bootMs,
        () => parent.xe.vm.guestEndpoint(vmUuid).then((e) => e ?? undefined),
        {
          signal: this.deps.signal,
        },
      ),
    );
    const target: SshTarget = {
      name,
      address: endpoint.address,
      port: endpoint.sshPort ?? 22,
      username: 'root',
      credential: parent.credential,
      // Nested hosts inherit the parent's nature: simulated ones end a command with its channel.
      stopRemote: parent.inventory.sshTarget(parent.hostName).stopRemote ?? 'process-group',
    };
    this.targets.set(name, target);
    // The guest agent may report the address before sshd listens (and, on a simulated lab, before its
    // port is known): each probe reads the endpoint again rather than knocking on the first one forever.
    await this.waitSsh(target, 'wait for SSH', this.spec.timeouts.bootMs, async () => {
      const now = await parent.xe.vm.guestEndpoint(vmUuid);
      if (!now) return;
      target.address = now.address;
      target.port = now.sshPort ?? 22;
    });
    const hostUuid = await this.waitXapi(target, this.spec.timeouts.xapiMs);
    const xe = new XeClient(this.deps.ssh, { hosts: [target], master: name }, { env: this.deps.env });
    await this.step(name, `set hostname ${name}`, async () => {
      await xe.call('host-set-hostname-live', { 'host-uuid': hostUuid, 'host-name': name });
      await xe.paramSet('host', hostUuid, { 'name-label': name });
    });
    const version = (await xe.host.version(hostUuid)).productVersion ?? pool.version;
    this.say(`[${name}] up: XCP-ng ${version} at ${target.address}:${target.port}`);
    return { pool, index, name, vmUuid, target, hostUuid, version };
  }

  private async waitSsh(
    target: SshTarget,
    step: string,
    timeoutMs: number,
    refresh: () => Promise<void> = async () => undefined,
  ): Promise<void> {
    this.say(`[${target.name}] ${step} (up to ${Math.round(timeoutMs / 1000)} s)`);
    await waitForStep(
      target.name,
      step,
      timeoutMs,
      async (left) => {
        await refresh();
        const r = await this.deps.ssh.exec(target, 'true', { timeoutMs: Math.min(15_000, left) });
        return r.exitCode === 0 ? true : undefined;
      },
      { signal: this.deps.signal, intervalMs: 500 },
    );
  }

  private async waitXapi(target: SshTarget, timeoutMs: number): Promise<string> {
    this.say(`[${target.name}] wait for xapi (up to ${Math.round(timeoutMs / 1000)} s)`);
    return waitForStep(
      target.name,
      'wait for xapi',
      timeoutMs,
      async (left) => {
        const r = await this.deps.ssh.exec(target, 'xe host-list params=uuid --minimal', {
          timeoutMs: Math.min(15_000, left),
        });
        const uuid = r.stdout.trim().split(',')[0];
        return r.exitCode === 0 && uuid ? uuid : undefined;
      },
      { signal: this.deps.signal, intervalMs: 500 },
    );
  }

  private async join(parent: Parent, member: NestedHost, master: NestedHost): Promise<void> {
    await this.step(member.name, `join the pool of ${master.name}`, async () => {
      const password = await resolvePassword(member.name, parent.password, this.deps.env ?? process.env);
      const xe = new XeClient(this.deps.ssh, { hosts: [member.target], master: member.name }, { env: this.deps.env });
      const out = await xe.call('pool-join', {
        'master-address': master.target.address,
        'master-username': 'root',
        'master-password': password,
      });
      if (/cannot contact/i.test(out)) throw new Error(out.trim().split('\n')[0]);
    });
    const xe = this.xeOn([master], master.name);
    await waitForStep(
      member.name,
      `appear in the pool of ${master.name}`,
      this.spec.timeouts.joinMs,
      async () => ((await xe.host.list()).some((h) => h.uuid === member.hostUuid) ? true : undefined),
      { signal: this.deps.signal },
    );
  }

  /** Major upgrade: an answer file on the parent, the installer booted by the parent's command, then the new version. */
  private async upgradeByInstaller(
    parent: Parent,
    host: NestedHost,
    pool: NestedHost[],
    to: string,
    iso: string,
  ): Promise<void> {
    await this.evacuate(host, pool);
    const xml = upgradeAnswerFile({
      existingInstallation: this.spec.installer.existingInstallation,
      source: { type: 'local' },
    });
    const path = posix.join(this.spec.installer.answerFileDir, `${host.vmUuid}.xml`);
    const runner = this.deps.ssh.runner(parent.inventory.sshTarget(parent.hostName));
    await this.step(host.name, `write the upgrade answer file ${path} on ${parent.hostName}`, async () => {
      const dir = await runner.exec(`mkdir -p ${shellQuote(this.spec.installer.answerFileDir)}`, { timeoutMs: 30_000 });
      if (dir.exitCode !== 0) throw new Error(`mkdir: exit ${dir.exitCode}: ${dir.stderr.trim()}`);
      // Carried in the command line, not stdin: it holds no secret, and every dom0 shell takes it that way.
      const r = await runner.exec(`echo ${shellQuote(xml.trimEnd())} > ${shellQuote(path)}`, { timeoutMs: 30_000 });
      if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr.trim()}`);
    });
    await this.step(host.name, `boot the installer ${iso} (upgrade to ${to})`, async () => {
      const cmd = [this.spec.installer.bootCommand, `vm-uuid=${host.vmUuid}`, `answerfile=${path}`, `iso=${iso}`]
        .map(shellQuote)
        .join(' ');
      const r = await runner.exec(cmd, { timeoutMs: 300_000 });
      if (r.exitCode === 127) {
        throw new ProvisionerError(
          `nested host ${host.name}: the parent ${parent.hostName} has no ${this.spec.installer.bootCommand}; booting the installer is the parent's step (installer.boot_command)`,
          ProvisionerErrorCode.NotSupported,
          { host: host.name, step: 'boot the installer' },
        );
      }
      if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`);
    });
    this.deps.ssh.disconnect(host.target);
    await this.waitVersion(host, to);
  }

  /** Minor update: `yum update` on the host, then its reported version. */
  private async upgradeByYum(host: NestedHost, pool: NestedHost[], to: string, repo?: string): Promise<void> {
    await this.evacuate(host, pool);
    await this.step(host.name, `yum update${repo ? ` --enablerepo=${repo}` : ''}`, async () => {
      const r = await this.deps.ssh.exec(
        host.target,
        `yum update -y${repo ? ` --enablerepo=${shellQuote(repo)}` : ''}`,
        {
          timeoutMs: this.spec.timeouts.upgradeMs,
        },
      );
      if (r.exitCode === 127) {
        throw new ProvisionerError(
          `nested host ${host.name}: yum is not available on this host (the simulated lab has no yum yet); use method: installer`,
          ProvisionerErrorCode.NotSupported,
          { host: host.name, step: 'yum update' },
        );
      }
      if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr.trim().slice(0, 400)}`);
    });
    await this.waitVersion(host, to);
  }

  private async evacuate(host: NestedHost, pool: NestedHost[]): Promise<void> {
    const xe = this.xeOn(pool, pool[0]!.name);
    const resident = await xe.host.residentVms(host.hostUuid);
    if (resident.length === 0) return;
    await this.step(host.name, `evacuate ${resident.length} VM(s)`, () => xe.host.evacuate(host.hostUuid));
  }

  private async waitVersion(host: NestedHost, to: string): Promise<void> {
    let seen = host.version;
    this.say(`[${host.name}] wait for XCP-ng ${to} (up to ${Math.round(this.spec.timeouts.upgradeMs / 1000)} s)`);
    await waitForStep(
      host.name,
      `come back at ${to}`,
      this.spec.timeouts.upgradeMs,
      async (left) => {
        const r = await this.deps.ssh.exec(
          host.target,
          `xe host-param-get uuid=${shellQuote(host.hostUuid)} param-name=software-version`,
          { timeoutMs: Math.min(15_000, left) },
        );
        if (r.exitCode !== 0) return undefined;
        seen = parseMap(r.stdout.trim())['product_version'] ?? seen;
        return seen === to ? true : undefined;
      },
      { signal: this.deps.signal, intervalMs: 500, lastSeen: () => `reports ${seen}` },
    );
    host.version = to;
    this.say(`[${host.name}] upgraded to XCP-ng ${to}`);
  }

  // -------------------------------------------------------------------------------------- teardown

  private async teardown(parent: Parent, keepImage: boolean): Promise<DestroyReport> {
    const report: DestroyReport = { vmsRemoved: [], imagesRemoved: [], problems: [] };
    const removeVm = async (uuid: string | null, name: string): Promise<boolean> => {
      try {
        const found = uuid ?? (await parent.xe.vm.list({ nameLabel: name }))[0]?.uuid ?? null;
        if (!found) return true;
        const state = await parent.xe.vm.powerState(found).catch(() => null);
        if (state === null) return true;
        if (state !== 'halted') await parent.xe.vm.shutdown(found, { force: true });
        await parent.xe.vm.uninstall(found);
        return true;
      } catch (err) {
        report.problems.push(`VM ${name}: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      }
    };
    for (const vm of [...this.state.vms].reverse()) {
      this.say(`[${vm.name}] remove VM and disks`);
      const target = this.targets.get(vm.name);
      if (target) this.deps.ssh.disconnect(target);
      if (await removeVm(vm.vmUuid, vm.name)) {
        report.vmsRemoved.push(vm.name);
        this.state.vms = this.state.vms.filter((v) => v !== vm);
        await this.save();
      }
    }
    if (!keepImage) {
      for (const image of [...this.state.images]) {
        if (!image.imported) continue;
        this.say(`[${parent.hostName}] remove image ${image.version}`);
        if (await removeVm(image.vmUuid, image.name)) {
          report.imagesRemoved.push(image.name);
          this.state.images = this.state.images.filter((i) => i !== image);
          await this.save();
        }
      }
    }
    if (this.state.vms.length === 0 && (keepImage || this.state.images.every((i) => !i.imported))) {
      if (keepImage) await this.save();
      else await this.stateFile.remove();
    }
    return report;
  }
}

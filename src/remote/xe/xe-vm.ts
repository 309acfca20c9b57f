import { XeArgs } from 'src/remote/xe/xe-args';
import { parseMap, parseMinimal, parseRef, parseSingle } from 'src/remote/xe/xe-output';
import {
  Compression,
  GuestEndpoint,
  MigrateRequest,
  PowerState,
  XeCallOptions,
  XeCaller,
  XeVm,
} from 'src/remote/xe/xe.types';

const POWER_STATES: readonly PowerState[] = ['halted', 'paused', 'running', 'suspended'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Lifecycle operations wait for the guest; give them room unless the caller says otherwise. */
const LIFECYCLE_TIMEOUT_MS = 600_000;
const TRANSFER_TIMEOUT_MS = 3_600_000;

function powerState(text: string): PowerState {
  const p = text.trim().toLowerCase() as PowerState;
  if (!POWER_STATES.includes(p)) throw new Error(`xe printed an unknown power state: ${JSON.stringify(text)}`);
  return p;
}

function lifecycle(options: XeCallOptions = {}): XeCallOptions {
  return { timeoutMs: LIFECYCLE_TIMEOUT_MS, ...options };
}

/** The last non-empty line of stdout (commands that print explanations before their result). */
function lastLine(stdout: string): string {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  return (lines[lines.length - 1] ?? '').trim();
}

export class XeVmApi {
  constructor(private readonly xe: XeCaller) {}

  /** Installs a VM from a template (uuid or name-label); returns the new VM's uuid. */
  async install(
    request: { template: string; nameLabel: string; srUuid?: string },
    options?: XeCallOptions,
  ): Promise<string> {
    const template = UUID.test(request.template)
      ? { 'template-uuid': request.template }
      : { template: request.template };
    const out = await this.xe.call(
      'vm-install',
      { ...template, 'new-name-label': request.nameLabel, 'sr-uuid': request.srUuid },
      {},
      lifecycle(options),
    );
    return parseSingle(out);
  }

  async list(
    filter: { nameLabel?: string; powerState?: PowerState; residentOn?: string } = {},
    options?: XeCallOptions,
  ): Promise<XeVm[]> {
    const records = await this.xe.records(
      'vm-list',
      {
        'name-label': filter.nameLabel,
        'power-state': filter.powerState,
        'resident-on': filter.residentOn,
        'is-control-domain': false,
        params: 'uuid,name-label,power-state',
      },
      options,
    );
    return records.map((r) => ({
      uuid: r.uuid ?? '',
      nameLabel: r['name-label'] ?? '',
      powerState: powerState(r['power-state'] ?? ''),
    }));
  }

  param(uuid: string, name: string, options?: XeCallOptions & { key?: string }): Promise<string> {
    return this.xe.paramGet('vm', uuid, name, options);
  }

  /** Sets plain fields (`{ 'name-label': 'x' }`) and map keys (`{ 'other-config': { k: 'v' } }`). */
  setParams(uuid: string, values: XeArgs, options?: XeCallOptions): Promise<void> {
    return this.xe.paramSet('vm', uuid, values, options);
  }

  async powerState(uuid: string, options?: XeCallOptions): Promise<PowerState> {
    return powerState(await this.param(uuid, 'power-state', options));
  }

  /** The host the VM runs on, or null when it runs nowhere. */
  async residentOn(uuid: string, options?: XeCallOptions): Promise<string | null> {
    return parseRef(await this.param(uuid, 'resident-on', options));
  }

  async networks(uuid: string, options?: XeCallOptions): Promise<Record<string, string>> {
    return parseMap(await this.param(uuid, 'networks', options));
  }

  /**
   * The guest's SSH address: `0/ip` (else the first IPv4 the tools report), never a link-local
   * 169.254.* one; and the simulator-only `0/ssh-port` when present. null while the guest has none.
   */
  async guestEndpoint(uuid: string, options?: XeCallOptions): Promise<GuestEndpoint | null> {
    return guestEndpointFrom(await this.networks(uuid, options));
  }

  async start(
    uuid: string,
    opts: { onHost?: string; paused?: boolean; force?: boolean } = {},
    options?: XeCallOptions,
  ) {
    await this.xe.call(
      'vm-start',
      { uuid, on: opts.onHost, paused: opts.paused },
      { force: opts.force },
      lifecycle(options),
    );
  }

  async shutdown(uuid: string, opts: { force?: boolean } = {}, options?: XeCallOptions): Promise<void> {
    await this.xe.call('vm-shutdown', { uuid }, { force: opts.force }, lifecycle(options));
  }

  async reboot(uuid: string, opts: { force?: boolean } = {}, options?: XeCallOptions): Promise<void> {
    await this.xe.call('vm-reboot', { uuid }, { force: opts.force }, lifecycle(options));
  }

  async suspend(uuid: string, options?: XeCallOptions): Promise<void> {
    await this.xe.call('vm-suspend', { uuid }, {}, lifecycle(options));
  }

  async resume(uuid: string, opts: { onHost?: string; force?: boolean } = {}, options?: XeCallOptions): Promise<void> {
    await this.xe.call('vm-resume', { uuid, on: opts.onHost }, { force: opts.force }, lifecycle(options));
  }

  /** Removes the VM record, keeping its disks. */
  async destroy(uuid: string, options?: XeCallOptions): Promise<void> {
    await this.xe.call('vm-destroy', { uuid }, {}, options);
  }

  /** Removes the VM and its disks. */
  async uninstall(uuid: string, options?: XeCallOptions): Promise<void> {
    await this.xe.call('vm-uninstall', { uuid }, { force: true }, lifecycle(options));
  }

  /** uuids of the VM's disks (CD drives and empty VBDs left out). */
  async disks(uuid: string, options?: XeCallOptions): Promise<string[]> {
    const vdis = await this.xe.minimal('vbd-list', { 'vm-uuid': uuid, type: 'Disk', params: 'vdi-uuid' }, options);
    return vdis.map(parseRef).filter((v): v is string => v !== null);
  }

  /**
   * Live or offline migration: within the pool (host only), with storage motion (vdiMap) or to
   * another pool (remote). xe requires remote-* for any storage motion, even inside one pool.
   * Returns the new VM's uuid when `copy` is set.
   */
  async migrate(request: MigrateRequest, options?: XeCallOptions): Promise<{ newVmUuid?: string }> {
    const storage = request.vdiMap !== undefined || request.vifMap !== undefined || request.remote !== undefined;
    if (storage && !request.remote) {
      throw new Error(
        `vm-migrate of ${request.vm}: storage motion needs remote (master address, username, password reference), even within one pool`,
      );
    }
    const args: Record<string, XeArgs[string]> = {
      uuid: request.vm,
      host: request.host,
      live: request.live,
      copy: request.copy,
      compress: request.compress,
    };
    if (request.remote) {
      args['remote-master'] = request.remote.master;
      args['remote-username'] = request.remote.username;
      args['remote-password'] = await this.xe.resolvePassword(request.remote.password);
      args['remote-network'] = request.remote.network;
    }
    if (request.vdiMap) args.vdi = request.vdiMap;
    if (request.vifMap) args.vif = request.vifMap;
    const out = await this.xe.call(
      'vm-migrate',
      args,
      { force: request.force },
      { timeoutMs: TRANSFER_TIMEOUT_MS, ...options },
    );
    if (!request.copy) return {};
    const last = lastLine(out);
    return UUID.test(last) ? { newVmUuid: last } : {};
  }

  /** Exports to a file on the pool master. */
  async export(
    request: { vm: string; filename: string; compression?: Compression },
    options?: XeCallOptions,
  ): Promise<void> {
    const compress =
      request.compression === undefined || request.compression === 'none' ? 'false' : request.compression;
    await this.xe.call(
      'vm-export',
      { uuid: request.vm, filename: request.filename, compress },
      {},
      { timeoutMs: TRANSFER_TIMEOUT_MS, ...options },
    );
  }

  /** Imports from a file on the pool master (compression is detected by xapi); returns the new VM uuids. */
  async import(
    request: { filename: string; srUuid?: string; force?: boolean; preserve?: boolean },
    options?: XeCallOptions,
  ): Promise<string[]> {
    const out = await this.xe.call(
      'vm-import',
      { filename: request.filename, 'sr-uuid': request.srUuid, preserve: request.preserve },
      { force: request.force },
      { timeoutMs: TRANSFER_TIMEOUT_MS, ...options },
    );
    return parseMinimal(lastLine(out));
  }
}

export function guestEndpointFrom(networks: Readonly<Record<string, string>>): GuestEndpoint | null {
  const usable = (ip: string | undefined): ip is string => !!ip && ip.trim() !== '' && !ip.startsWith('169.254.');
  let address = networks['0/ip'];
  if (!usable(address)) {
    const key = Object.keys(networks)
      .filter((k) => /^\d+\/ipv4\/\d+$/.test(k) && usable(networks[k]))
      .sort()[0];
    address = key === undefined ? undefined : networks[key];
  }
  if (!usable(address)) return null;
  const port = Number(networks['0/ssh-port']);
  return Number.isInteger(port) && port > 0 && port < 65536
    ? { address: address.trim(), sshPort: port }
    : { address: address.trim() };
}

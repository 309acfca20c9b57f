import { resolvePassword, Env } from 'src/remote/credentials';
import { ExecResult } from 'src/remote/exec-result';
import { SshPool } from 'src/remote/ssh-pool';
import { SshTarget } from 'src/remote/ssh-target';
import { XeArgs, XeArgValue, XeFlags, xeCommandLine } from 'src/remote/xe/xe-args';
import { XeHostApi, XePoolApi } from 'src/remote/xe/xe-host';
import { XeRecord, parseMinimal, parseRecords, parseSingle } from 'src/remote/xe/xe-output';
import { XeNetworkApi, XePbdApi, XeSrApi, XeVdiApi } from 'src/remote/xe/xe-storage';
import { XeVmApi } from 'src/remote/xe/xe-vm';
import { XeError, xeFailure } from 'src/remote/xe/xe.errors';
import { PasswordRef, XeCallOptions, XeCaller, XeClass } from 'src/remote/xe/xe.types';

interface XePoolEndpoint {
  /** Every host of the pool, so the client can follow the master when it moves. */
  hosts: readonly SshTarget[];
  /** Name of the current master among `hosts`. */
  master: string;
}

/** What the client needs of the SSH layer; the engine passes a recording wrapper so every call is a step. */
type XeTransport = Pick<SshPool, 'exec'>;

export interface XeClientOptions {
  /** Per-call timeout when the call gives none (lifecycle and migration calls pass their own). */
  defaultTimeoutMs?: number;
  env?: Env;
}

/**
 * The typed `xe` CLI of one pool. Every call runs on the pool master over the shared SSH pool;
 * failures become XeError (product answer) or RemoteError (infra). Helpers are grouped per class:
 * `xe.vm.start(uuid, { onHost })`, `xe.vm.migrate({ vm, host, live })`, `xe.host.version(uuid)`, …
 */
export class XeClient implements XeCaller {
  readonly host: XeHostApi;
  readonly pool: XePoolApi;
  readonly vm: XeVmApi;
  readonly sr: XeSrApi;
  readonly pbd: XePbdApi;
  readonly pif: XeNetworkApi;
  readonly vdi: XeVdiApi;
  private master: SshTarget;

  constructor(
    private readonly ssh: XeTransport,
    private readonly endpoint: XePoolEndpoint,
    private readonly options: XeClientOptions = {},
  ) {
    this.master = this.target(endpoint.master);
    this.host = new XeHostApi(this);
    this.pool = new XePoolApi(this, (address) => this.followMasterTo(address));
    this.vm = new XeVmApi(this);
    this.sr = new XeSrApi(this);
    this.pbd = new XePbdApi(this);
    this.pif = new XeNetworkApi(this);
    this.vdi = new XeVdiApi(this);
  }

  get masterName(): string {
    return this.master.name;
  }

  /** Points the client at another host of the pool (after a master change seen from outside). */
  useMaster(hostName: string): void {
    this.master = this.target(hostName);
  }

  async call(command: string, args: XeArgs = {}, flags: XeFlags = {}, options: XeCallOptions = {}): Promise<string> {
    const line = xeCommandLine(command, args, flags);
    const first = await this.run(command, line, options);
    if (first.exitCode === 0) return first.stdout;
    const err = xeFailure(command, this.master.name, first);
    // A member answers HOST_IS_SLAVE with the master's address: follow it once and retry there.
    const masterAddress =
      err instanceof XeError && err.code === 'HOST_IS_SLAVE' ? err.params['Master IP address'] : undefined;
    if (masterAddress && this.followMasterTo(masterAddress)) {
      const second = await this.run(command, line, options);
      if (second.exitCode === 0) return second.stdout;
      throw xeFailure(command, this.master.name, second);
    }
    throw err;
  }

  async records(command: string, args: XeArgs = {}, options?: XeCallOptions): Promise<XeRecord[]> {
    return parseRecords(await this.call(command, args, {}, options));
  }

  async minimal(command: string, args: XeArgs = {}, options?: XeCallOptions): Promise<string[]> {
    return parseMinimal(await this.call(command, args, { minimal: true }, options));
  }

  async paramGet(
    cls: XeClass,
    uuid: string,
    param: string,
    options: XeCallOptions & { key?: string } = {},
  ): Promise<string> {
    const { key, ...rest } = options;
    return parseSingle(await this.call(`${cls}-param-get`, { uuid, 'param-name': param, 'param-key': key }, {}, rest));
  }

  async paramSet(
    cls: XeClass,
    uuid: string,
    values: Readonly<Record<string, XeArgValue>>,
    options?: XeCallOptions,
  ): Promise<void> {
    await this.call(`${cls}-param-set`, { uuid, ...values }, {}, options);
  }

  resolvePassword(ref: PasswordRef): Promise<string> {
    return resolvePassword(this.master.name, ref, this.options.env ?? process.env);
  }

  private run(command: string, line: string, options: XeCallOptions): Promise<ExecResult> {
    return this.ssh.exec(this.master, line, {
      timeoutMs: options.timeoutMs ?? this.options.defaultTimeoutMs ?? 120_000,
      signal: options.signal,
      label: `xe ${command}`,
    });
  }

  private followMasterTo(address: string): boolean {
    const next = this.endpoint.hosts.find((h) => h.address === address);
    if (!next || next.name === this.master.name) return false;
    this.master = next;
    return true;
  }

  private target(name: string): SshTarget {
    const found = this.endpoint.hosts.find((h) => h.name === name);
    if (!found) {
      throw new Error(
        `xe: host ${name} is not one of this pool's hosts (${this.endpoint.hosts.map((h) => h.name).join(', ')})`,
      );
    }
    return found;
  }
}

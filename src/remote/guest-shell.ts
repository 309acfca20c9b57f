import { CommandRunner, ExecOptions, ExecResult } from 'src/remote/exec-result';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
import { FileWriteOptions } from 'src/remote/ssh-connection';
import { SshPool } from 'src/remote/ssh-pool';
import { CredentialRef, SshTarget } from 'src/remote/ssh-target';
import { XeCallOptions, GuestEndpoint } from 'src/remote/xe/xe.types';

/** How to log into guests: the lab's guest credential and port (inventory `guest_credential`, `guest_port`). */
export interface GuestAccess {
  username: string;
  credential: CredentialRef;
  /** How a cancelled command is stopped in the guest (see SshTarget). */
  stopRemote?: 'process-group' | 'channel';
  /** Used when the VM's networks carry no `0/ssh-port` (real guests). Default 22. */
  port?: number;
}

/** The one thing the guest shell needs from xe: where a VM answers. */
interface GuestLocator {
  guestEndpoint(vmUuid: string, options?: XeCallOptions): Promise<GuestEndpoint | null>;
}

const CONNECTION_CODES = new Set<RemoteErrorCode>([
  RemoteErrorCode.ConnectionRefused,
  RemoteErrorCode.Unreachable,
  RemoteErrorCode.ConnectionLost,
]);

/**
 * Runs commands inside VMs over SSH, through the same pool as the hosts: same deadlines, caps and
 * reconnects, and each guest's host key pinned on first use under the name `vm:<uuid>`.
 */
export class GuestShell {
  private readonly endpoints = new Map<string, SshTarget>();

  constructor(
    private readonly ssh: SshPool,
    private readonly locator: GuestLocator,
    private readonly access: GuestAccess,
  ) {}

  /** Where the VM answers now; asks xe for its `networks` unless it is already known. */
  async target(vmUuid: string, options: XeCallOptions = {}): Promise<SshTarget> {
    const known = this.endpoints.get(vmUuid);
    if (known) return known;
    const name = `vm:${vmUuid}`;
    const endpoint = await this.locator.guestEndpoint(vmUuid, options);
    if (!endpoint) {
      throw new RemoteError(
        `guest ${vmUuid}: no IP address in its networks yet (guest tools not reporting)`,
        RemoteErrorCode.Unreachable,
        name,
      );
    }
    const target: SshTarget = {
      name,
      address: endpoint.address,
      port: endpoint.sshPort ?? this.access.port ?? 22,
      username: this.access.username,
      credential: this.access.credential,
      ...(this.access.stopRemote ? { stopRemote: this.access.stopRemote } : {}),
    };
    this.endpoints.set(vmUuid, target);
    return target;
  }

  async exec(vmUuid: string, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const target = await this.target(vmUuid, { timeoutMs: options.timeoutMs, signal: options.signal });
    try {
      return await this.ssh.exec(target, command, options);
    } catch (err) {
      // The guest may have moved (reboot, migration, new lease): look its address up again next time.
      if (err instanceof RemoteError && CONNECTION_CODES.has(err.code)) this.forget(vmUuid);
      throw err;
    }
  }

  /** Writes a file in the guest over SFTP (a static binary for a guest without repositories). */
  async writeFile(vmUuid: string, path: string, data: Buffer, options: FileWriteOptions = {}): Promise<void> {
    const target = await this.target(vmUuid, { timeoutMs: options.timeoutMs, signal: options.signal });
    await this.ssh.writeFile(target, path, data, options);
  }

  runner(vmUuid: string): CommandRunner {
    return {
      hostName: `vm:${vmUuid}`,
      exec: (command, options) => this.exec(vmUuid, command, options),
      writeFile: (path, data, options) => this.writeFile(vmUuid, path, data, options),
    };
  }

  /** Drops what is known about a VM (after it was destroyed or re-addressed). */
  forget(vmUuid: string): void {
    const target = this.endpoints.get(vmUuid);
    if (target) this.ssh.disconnect(target);
    this.endpoints.delete(vmUuid);
  }
}

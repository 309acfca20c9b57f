import { Env } from 'src/remote/credentials';
import { CommandRunner, ExecOptions, ExecResult } from 'src/remote/exec-result';
import { HostKeyStore, InMemoryHostKeyStore } from 'src/remote/host-key';
import { FileWriteOptions, SshConnection, SshConnectionSettings } from 'src/remote/ssh-connection';
import { SshTarget, targetKey } from 'src/remote/ssh-target';

interface SshPoolOptions {
  /** Concurrent channels per host; more commands wait in a queue. Default 8 (OpenSSH allows 10). */
  maxChannelsPerHost?: number;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Per-command timeout when the caller gives none. */
  defaultTimeoutMs?: number;
  /** Output cap per stream when the caller gives none. */
  maxOutputBytes?: number;
  hostKeys?: HostKeyStore;
  /** Where credential references are looked up; defaults to process.env. */
  env?: Env;
}

interface SshPoolStats {
  hosts: number;
  open: number;
  connects: number;
}

/** All SSH connections of a process: one per host, reused by every command to it. */
export class SshPool {
  private readonly connections = new Map<string, SshConnection>();
  private readonly settings: SshConnectionSettings;
  private closed = false;

  constructor(options: SshPoolOptions = {}) {
    this.settings = {
      maxChannels: options.maxChannelsPerHost ?? 8,
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 10_000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
      defaultTimeoutMs: options.defaultTimeoutMs ?? 300_000,
      maxOutputBytes: options.maxOutputBytes ?? 4 * 1024 * 1024,
      hostKeys: options.hostKeys ?? new InMemoryHostKeyStore(),
      env: options.env ?? process.env,
    };
  }

  get hostKeys(): HostKeyStore {
    return this.settings.hostKeys;
  }

  exec(target: SshTarget, command: string, options?: ExecOptions): Promise<ExecResult> {
    return this.connection(target).exec(command, options);
  }

  /** Writes a file on the host over SFTP, through the host's one connection. */
  writeFile(target: SshTarget, path: string, data: Buffer, options?: FileWriteOptions): Promise<void> {
    return this.connection(target).writeFile(path, data, options);
  }

  runner(target: SshTarget): CommandRunner {
    return {
      hostName: target.name,
      exec: (command, options) => this.exec(target, command, options),
      writeFile: (path, data, options) => this.writeFile(target, path, data, options),
    };
  }

  /** Drops a host's connection (running commands fail as ConnectionLost); the next command reconnects. */
  disconnect(target: SshTarget): void {
    this.connections.get(targetKey(target))?.disconnect();
  }

  stats(): SshPoolStats {
    let open = 0;
    let connects = 0;
    for (const c of this.connections.values()) {
      if (c.isOpen) open++;
      connects += c.connectCount;
    }
    return { hosts: this.connections.size, open, connects };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
  }

  private connection(target: SshTarget): SshConnection {
    const key = targetKey(target);
    let conn = this.connections.get(key);
    if (!conn) {
      conn = new SshConnection(target, this.settings);
      // A closed pool hands out closed connections, which refuse every command with PoolClosed.
      if (this.closed) conn.close();
      else this.connections.set(key, conn);
    }
    return conn;
  }
}

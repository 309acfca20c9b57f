import { performance } from 'node:perf_hooks';
import { Client, ClientChannel } from 'ssh2';
import { CallDeadline } from 'src/remote/call-deadline';
import { CappedBuffer } from 'src/remote/capped-buffer';
import { Env, resolveAuth } from 'src/remote/credentials';
import { ExecOptions, ExecResult } from 'src/remote/exec-result';
import { HostKeyStore, PinnedHostKey, fingerprintOf } from 'src/remote/host-key';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
import {
  describeStop,
  killProcessGroup,
  REMOTE_STOP_GRACE_MS,
  RemotePidProbe,
  RemoteStop,
  stopChannel,
} from 'src/remote/remote-stop';
import { SshTarget, describeCredential } from 'src/remote/ssh-target';

export interface SshConnectionSettings {
  maxChannels: number;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  defaultTimeoutMs: number;
  maxOutputBytes: number;
  hostKeys: HostKeyStore;
  env: Env;
}

interface Waiter {
  grant(): void;
}

export interface FileWriteOptions {
  /** Permission bits set after the write (default 0644). */
  mode?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One SFTP session: write the file, set its mode, end the session. */
function sftpWrite(client: Client, host: string, path: string, data: Buffer, mode: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    client.sftp((err, sftp) => {
      const failed = (why: Error): RemoteError =>
        new RemoteError(
          `host ${host}: SFTP could not write ${path}: ${why.message}`,
          RemoteErrorCode.ChannelFailed,
          host,
        );
      if (err) return reject(failed(err));
      const done = (e?: Error | null): void => {
        sftp.end();
        if (e) reject(failed(e));
        else resolve();
      };
      sftp.writeFile(path, data, (e) => (e ? done(e) : sftp.chmod(path, mode, done)));
    });
  });
}

/** Names a command in errors without its arguments, which may carry secrets. */
function commandLabel(command: string): string {
  return command.trimStart().split(/\s/, 1)[0] || 'command';
}

/**
 * One host's SSH connection, shared by all commands to that host (each runs on its own channel).
 * Opens lazily, re-opens after a drop, and bounds concurrent channels (OpenSSH refuses more than
 * MaxSessions, 10 by default), queueing the rest.
 */
export class SshConnection {
  private client?: Client;
  private connecting?: Promise<Client>;
  private active = 0;
  private readonly queue: Waiter[] = [];
  /** Fails the commands running on the current connection when it drops. */
  private readonly inflight = new Set<(err: RemoteError) => void>();
  /** Set once the host offered a key other than the pinned one: nothing runs on it afterwards. */
  private refusal?: RemoteError;
  private closed = false;
  connectCount = 0;

  constructor(
    readonly target: SshTarget,
    private readonly settings: SshConnectionSettings,
  ) {}

  get isOpen(): boolean {
    return this.client !== undefined;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    return this.onChannel(options.label ?? commandLabel(command), options, (client, deadline) =>
      this.run(client, command, options, deadline, started),
    );
  }

  /**
   * Writes `data` to `path` on the host over SFTP (OpenSSH's sftp-server, as scp does), then sets
   * `mode`: for files a host has no package for (a guest's static binary). Same deadline, channel
   * slots and host-key pin as a command.
   */
  async writeFile(path: string, data: Buffer, options: FileWriteOptions = {}): Promise<void> {
    await this.onChannel(`sftp write ${path}`, options, (client, deadline) =>
      deadline.race(sftpWrite(client, this.target.name, path, data, options.mode ?? 0o644)),
    );
  }

  /** One call on a channel slot of the connection, within the caller's deadline. */
  private async onChannel<T>(
    label: string,
    options: { timeoutMs?: number; signal?: AbortSignal },
    fn: (client: Client, deadline: CallDeadline) => Promise<T>,
  ): Promise<T> {
    const host = this.target.name;
    const deadline = new CallDeadline(host, label, options.timeoutMs ?? this.settings.defaultTimeoutMs, options.signal);
    try {
      if (deadline.expired) throw deadline.expired;
      if (this.refusal) await this.stillRefused();
      if (this.closed) throw new RemoteError(`host ${host}: the SSH pool is closed`, RemoteErrorCode.PoolClosed, host);
      await this.acquire(deadline);
      try {
        const client = await deadline.race(this.ensureClient());
        return await fn(client, deadline);
      } finally {
        this.release();
      }
    } finally {
      deadline.dispose();
    }
  }

  /**
   * A host refused for its key stays refused until its pin changes (another process, or an operator's
   * `lab trust`, may have re-pinned it meanwhile): then the next command connects again.
   */
  private async stillRefused(): Promise<void> {
    const refusal = this.refusal!;
    const pin = await this.settings.hostKeys.get({ name: this.target.name, lab: this.target.lab });
    if (pin && pin.fingerprint !== refusal.details.expected) this.refusal = undefined;
    else throw refusal;
  }

  /** Drops the connection; running commands fail with ConnectionLost, the next one reconnects. */
  disconnect(): void {
    const client = this.client;
    if (client) {
      this.lost(client, 'disconnected by the client');
      client.end();
    }
  }

  close(): void {
    this.closed = true;
    this.disconnect();
  }

  private acquire(deadline: CallDeadline): Promise<void> {
    if (this.active < this.settings.maxChannels) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          off();
          resolve();
        },
      };
      const off = deadline.on((reason) => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        reject(reason);
      });
      this.queue.push(waiter);
    });
  }

  private release(): void {
    const next = this.queue.shift();
    // The slot passes straight to the next waiter, so `active` stays as it is.
    if (next) next.grant();
    else this.active--;
  }

  private ensureClient(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (!this.connecting) {
      this.connecting = this.connect().finally(() => {
        this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const t = this.target;
    const keys = this.settings.hostKeys;
    const subject = { name: t.name, lab: t.lab };
    // The store first: a lab's pin may have been changed on purpose since the target was built.
    const pinned: PinnedHostKey | undefined =
      (await keys.get(subject)) ?? (t.hostKey ? { fingerprint: t.hostKey, source: 'inventory' } : undefined);
    const auth = await resolveAuth(t.name, t.credential, this.settings.env);
    const client = new Client();
    this.connectCount++;

    return new Promise<Client>((resolve, reject) => {
      let settled = false;
      let mismatch: { expected: PinnedHostKey; offered: string } | undefined;
      let storeFailure: Error | undefined;

      const fail = (err: RemoteError): void => {
        if (settled) return;
        settled = true;
        client.end();
        reject(err);
      };
      const verifyKey = (offered: string, expected: PinnedHostKey, verify: (ok: boolean) => void): void => {
        if (expected.fingerprint === offered) return verify(true);
        mismatch = { expected, offered };
        // Recorded before refusing, so that whoever looks next (lab check, the lab's page) sees it.
        Promise.resolve(keys.recordMismatch?.(subject, offered))
          .catch(() => undefined)
          .finally(() => verify(false));
      };

      client.on('connect', () => client.setNoDelay(true));
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        if (this.closed) {
          client.end();
          reject(new RemoteError(`host ${t.name}: the SSH pool is closed`, RemoteErrorCode.PoolClosed, t.name));
          return;
        }
        this.client = client;
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        if (settled) return; // after ready, 'close' follows and reports the drop
        if (mismatch) {
          this.refusal = new RemoteError(
            `host ${t.name} (${t.address}:${t.port}): host key mismatch: expected ${mismatch.expected.fingerprint} ` +
              `(pinned from ${mismatch.expected.source}), offered ${mismatch.offered}; refusing to run anything on this host`,
            RemoteErrorCode.HostKeyMismatch,
            t.name,
            {
              expected: mismatch.expected.fingerprint,
              offered: mismatch.offered,
              pinnedFrom: mismatch.expected.source,
            },
          );
          return fail(this.refusal);
        }
        if (storeFailure) {
          return fail(
            new RemoteError(
              `host ${t.name}: could not record its host key: ${storeFailure.message}`,
              RemoteErrorCode.ChannelFailed,
              t.name,
            ),
          );
        }
        fail(this.connectError(err));
      });
      client.on('close', () => {
        if (!settled) {
          fail(
            new RemoteError(
              `host ${t.name} (${t.address}:${t.port}): connection closed during the SSH handshake`,
              RemoteErrorCode.ConnectionLost,
              t.name,
            ),
          );
          return;
        }
        this.lost(client, 'connection closed');
      });
      client.on('end', () => this.lost(client, 'connection ended'));

      client.connect({
        host: t.address,
        port: t.port,
        username: t.username,
        ...auth,
        readyTimeout: this.settings.connectTimeoutMs,
        keepaliveInterval: this.settings.keepaliveIntervalMs,
        keepaliveCountMax: this.settings.keepaliveCountMax,
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void): void => {
          const offered = fingerprintOf(key);
          if (pinned) return verifyKey(offered, pinned, verify);
          keys.recordFirstUse(subject, offered).then(
            (pin) => verifyKey(offered, pin, verify),
            (err: unknown) => {
              storeFailure = err instanceof Error ? err : new Error(String(err));
              verify(false);
            },
          );
        },
      });
    });
  }

  private connectError(err: Error & { level?: string; code?: string }): RemoteError {
    const t = this.target;
    const where = `host ${t.name} (${t.address}:${t.port})`;
    if (err.level === 'client-authentication') {
      return new RemoteError(
        `${where}: authentication as ${t.username} failed (${describeCredential(t.credential)})`,
        RemoteErrorCode.AuthFailed,
        t.name,
      );
    }
    if (err.level === 'client-timeout') {
      return new RemoteError(
        `${where}: no SSH handshake within ${this.settings.connectTimeoutMs} ms`,
        RemoteErrorCode.Timeout,
        t.name,
      );
    }
    if (err.code === 'ECONNREFUSED') {
      return new RemoteError(`${where}: connection refused`, RemoteErrorCode.ConnectionRefused, t.name);
    }
    if (err.code && ['EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(err.code)) {
      return new RemoteError(`${where}: unreachable (${err.code})`, RemoteErrorCode.Unreachable, t.name);
    }
    return new RemoteError(`${where}: SSH connection failed: ${err.message}`, RemoteErrorCode.ConnectionLost, t.name);
  }

  private lost(client: Client, why: string): void {
    if (this.client !== client) return;
    this.client = undefined;
    const t = this.target;
    const err = new RemoteError(
      `host ${t.name} (${t.address}:${t.port}): ${why} while a command was running`,
      RemoteErrorCode.ConnectionLost,
      t.name,
    );
    for (const fail of [...this.inflight]) fail(err);
  }

  private run(
    client: Client,
    command: string,
    options: ExecOptions,
    deadline: CallDeadline,
    started: number,
  ): Promise<ExecResult> {
    const cap = options.maxOutputBytes ?? this.settings.maxOutputBytes;
    const stdout = new CappedBuffer(cap);
    const stderr = new CappedBuffer(cap);
    let exitCode: number | null = null;
    let signal: string | undefined;
    let channel: ClientChannel | undefined;
    let channelClosed = false;
    let stopping = false;
    const host = this.target.name;
    const killGroup = options.killRemoteOnCancel ?? this.target.stopRemote !== 'channel';
    const pidProbe = killGroup ? new RemotePidProbe(stderr) : undefined;
    const wire = pidProbe ? `${pidProbe.prefix}${command}` : command;

    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      const result = (): ExecResult => ({
        exitCode,
        ...(signal === undefined ? {} : { signal }),
        stdout: stdout.text(),
        stderr: stderr.text(),
        durationMs: performance.now() - started,
        truncated: { stdout: stdout.truncated, stderr: stderr.truncated },
      });
      const settle = (err?: RemoteError): void => {
        if (settled) return;
        settled = true;
        this.inflight.delete(onDrop);
        off();
        if (!err) return resolve(result());
        // Partial output helps explain a hang; it is output, not the command line.
        err.details.partial = result();
        reject(err);
      };
      const onDrop = (err: RemoteError): void => settle(err);
      this.inflight.add(onDrop);

      /** Ends the command on the host before reporting the cancellation, and says how. */
      const stop = async (): Promise<RemoteStop> => {
        if (!pidProbe) {
          if (channel) stopChannel(channel);
          return channel ? { how: 'channel-closed' } : { how: 'not-started' };
        }
        const pid = await pidProbe.awaitPid(REMOTE_STOP_GRACE_MS);
        if (pid !== undefined) {
          await killProcessGroup(client, pid, REMOTE_STOP_GRACE_MS);
          if (channel) stopChannel(channel);
          return { how: 'process-group-killed', pid };
        }
        if (channel) stopChannel(channel);
        if (channelClosed) return { how: 'ended' };
        return channel ? { how: 'process-group-unknown' } : { how: 'not-started' };
      };
      const off = deadline.on((reason) => {
        stopping = true;
        void stop().then((how) => {
          reason.details.remoteStop = how;
          reason.message += `; on the host: ${describeStop(how)}`;
          settle(reason);
        });
      });

      client.exec(wire, (err, ch) => {
        if (err) {
          pidProbe?.closed();
          return settle(
            new RemoteError(
              `host ${host}: could not open a channel for ${options.label ?? commandLabel(command)}: ${err.message}`,
              RemoteErrorCode.ChannelFailed,
              host,
            ),
          );
        }
        if (settled) {
          stopChannel(ch);
          return;
        }
        channel = ch;
        ch.on('data', (d: Buffer) => stdout.push(d));
        ch.stderr.on('data', (d: Buffer) => (pidProbe ? pidProbe.push(d) : stderr.push(d)));
        ch.on('exit', (code: number | null, sig?: string) => {
          exitCode = typeof code === 'number' ? code : null;
          if (sig) signal = sig;
        });
        ch.on('close', () => {
          channelClosed = true;
          pidProbe?.closed();
          // While a cancellation stops the command, it reports; the close is part of that.
          if (!stopping) settle();
        });
        if (options.stdin !== undefined) ch.write(options.stdin);
        ch.end();
      });
    });
  }
}

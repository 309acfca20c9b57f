import { performance } from 'node:perf_hooks';
import { Client, ClientChannel } from 'ssh2';
import { CallDeadline } from 'src/remote/call-deadline';
import { CappedBuffer } from 'src/remote/capped-buffer';
import { Env, resolveAuth } from 'src/remote/credentials';
import { ExecOptions, ExecResult } from 'src/remote/exec-result';
import { HostKeyStore, PinnedHostKey, fingerprintOf } from 'src/remote/host-key';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
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

/** Names a command in errors without its arguments, which may carry secrets. */
export function commandLabel(command: string): string {
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
    const host = this.target.name;
    const label = options.label ?? commandLabel(command);
    const deadline = new CallDeadline(host, label, options.timeoutMs ?? this.settings.defaultTimeoutMs, options.signal);
    try {
      if (deadline.expired) throw deadline.expired;
      if (this.refusal) await this.stillRefused();
      if (this.closed) throw new RemoteError(`host ${host}: the SSH pool is closed`, RemoteErrorCode.PoolClosed, host);
      await this.acquire(deadline);
      try {
        const client = await deadline.race(this.ensureClient());
        return await this.run(client, command, options, deadline, started);
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
    const host = this.target.name;
    const pidProbe = options.killRemoteOnCancel ? new RemotePidProbe(stderr) : undefined;
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
      const off = deadline.on((reason) => {
        if (channel) stopChannel(channel);
        if (pidProbe?.pid !== undefined) killProcessGroup(client, pidProbe.pid);
        settle(reason);
      });

      client.exec(wire, (err, ch) => {
        if (err) {
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
        ch.on('close', () => settle());
        if (options.stdin !== undefined) ch.write(options.stdin);
        ch.end();
      });
    });
  }
}

const PID_MARK = '__shakedown_pid=';

/**
 * Learns the process group of the remote command from a first stderr line the command itself
 * prints, and hides that line. OpenSSH starts each session command in its own session (setsid), so
 * the shell's $$ leads the group that holds everything the command started.
 */
class RemotePidProbe {
  readonly prefix = `echo ${PID_MARK}$$ >&2; `;
  pid?: number;
  private head = '';
  private done = false;

  constructor(private readonly stderr: CappedBuffer) {}

  push(chunk: Buffer): void {
    if (this.done) return this.stderr.push(chunk);
    this.head += chunk.toString('latin1');
    const nl = this.head.indexOf('\n');
    if (nl < 0 && this.head.length < 64) return;
    this.done = true;
    const line = nl < 0 ? this.head : this.head.slice(0, nl);
    const match = line.startsWith(PID_MARK) ? /^\d+$/.exec(line.slice(PID_MARK.length)) : null;
    if (match) this.pid = Number(match[0]);
    const rest = match ? this.head.slice(nl + 1) : this.head;
    if (rest) this.stderr.push(Buffer.from(rest, 'latin1'));
  }
}

/** Kills a remote process group from a channel of its own (fire and forget: the caller has moved on). */
function killProcessGroup(client: Client, pid: number): void {
  try {
    client.exec(`kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid} 2>/dev/null; true`, (err, ch) => {
      if (err) return;
      ch.on('close', () => undefined);
      ch.resume();
      ch.stderr.resume();
      ch.end();
    });
  } catch {
    // The connection is gone; so is the session that ran the command.
  }
}

/** The parts of an ssh2 channel needed to send a signal request after stdin is closed. */
interface ChannelInternals {
  outgoing?: { id: number; state: string };
  _client?: { _protocol?: { signal(id: number, name: string): void } };
}

/**
 * Asks the remote side to kill the command, then closes the channel. OpenSSH's sshd honours
 * "signal" requests only with privilege separation, which it skips for root logins (XCP-ng hosts):
 * there, `killRemoteOnCancel` is what actually stops the command. ssh2's public signal() stays silent once stdin is closed, but RFC 4254 allows the
 * request until the channel closes, and we always close stdin; so the request goes out directly.
 */
function stopChannel(ch: ClientChannel): void {
  try {
    const internals = ch as unknown as ChannelInternals;
    const state = internals.outgoing?.state;
    if (internals.outgoing && (state === 'open' || state === 'eof')) {
      internals._client?._protocol?.signal(internals.outgoing.id, 'KILL');
    }
  } catch {
    // The channel may already be half-closed; closing it is what matters.
  }
  try {
    ch.close();
  } catch {
    // Already closed.
  }
}

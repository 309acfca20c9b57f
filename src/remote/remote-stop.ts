import { Client, ClientChannel } from 'ssh2';
import { CappedBuffer } from 'src/remote/capped-buffer';

/**
 * How long a cancelled command may take to report its process group (or to end) before its channel
 * is simply closed. Normally the report is the first line the command prints, within milliseconds.
 */
export const REMOTE_STOP_GRACE_MS = 5_000;

/** What was done on the host to stop a cancelled command; the step's error message says it. */
export type RemoteStop =
  | { how: 'not-started' }
  | { how: 'ended' }
  | { how: 'channel-closed' }
  | { how: 'process-group-killed'; pid: number }
  | { how: 'process-group-unknown' };

export function describeStop(stop: RemoteStop): string {
  switch (stop.how) {
    case 'not-started':
      return 'the command had not started';
    case 'ended':
      return 'the command had already ended';
    case 'channel-closed':
      return 'its channel was closed';
    case 'process-group-killed':
      return `process group ${stop.pid} killed (SIGKILL from a second channel)`;
    case 'process-group-unknown':
      return `its process group never reported itself within ${REMOTE_STOP_GRACE_MS} ms; only its channel was closed`;
  }
}

const PID_MARK = '__shakedown_pid=';
/** What every command is prefixed with when its process group may have to be killed. */
export const PID_REPORT_PREFIX = `echo ${PID_MARK}$$ >&2; `;

/**
 * Learns the process group of the remote command from a first stderr line the command itself
 * prints, and hides that line. OpenSSH starts each session command in its own session (setsid), so
 * the shell's $$ leads the group that holds everything the command started.
 */
export class RemotePidProbe {
  readonly prefix = PID_REPORT_PREFIX;
  pid?: number;
  private head = '';
  private done = false;
  private readonly waiters = new Set<(pid: number | undefined) => void>();

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
    this.settle(this.pid);
  }

  /** The channel closed: no report will come any more. */
  closed(): void {
    this.done = true;
    this.settle(this.pid);
  }

  /** The pid, once reported; undefined if the command ended without one or `graceMs` passed. */
  awaitPid(graceMs: number): Promise<number | undefined> {
    if (this.done) return Promise.resolve(this.pid);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        resolve(undefined);
      }, graceMs);
      const done = (pid: number | undefined): void => {
        clearTimeout(timer);
        resolve(pid);
      };
      this.waiters.add(done);
    });
  }

  private settle(pid: number | undefined): void {
    for (const w of [...this.waiters]) w(pid);
    this.waiters.clear();
  }
}

/**
 * Kills a remote process group from a channel of its own: OpenSSH ignores "signal" requests for
 * some sessions (root logins without privilege separation), a second command never is. Resolves
 * when that channel closes, or after `graceMs`.
 */
export function killCommand(pid: number): string {
  return `kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid} 2>/dev/null; true`;
}

export function killProcessGroup(client: Client, pid: number, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, graceMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    try {
      client.exec(killCommand(pid), (err, ch) => {
        if (err) return done();
        ch.on('close', done);
        ch.resume();
        ch.stderr.resume();
        ch.end();
      });
    } catch {
      // The connection is gone; so is the session that ran the command.
      done();
    }
  });
}

/** The parts of an ssh2 channel needed to send a signal request after stdin is closed. */
interface ChannelInternals {
  outgoing?: { id: number; state: string };
  _client?: { _protocol?: { signal(id: number, name: string): void } };
}

/**
 * Asks the remote side to kill the command, then closes the channel. ssh2's public signal() stays
 * silent once stdin is closed, but RFC 4254 allows the request until the channel closes, and we
 * always close stdin; so the request goes out directly. Servers that honour it stop the command;
 * for the others the process-group kill above is what does.
 */
export function stopChannel(ch: ClientChannel): void {
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

/** What one command run on a host produced. A non-zero exit is reported, not thrown: callers judge it. */
export interface ExecResult {
  /** null when the command ended without an exit status (killed by a signal, or the channel closed). */
  exitCode: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** true when that stream went over the size cap and the rest was dropped. */
  truncated: { stdout: boolean; stderr: boolean };
}

export interface ExecOptions {
  /** Whole-call deadline, including waiting for a free channel and (re)connecting. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Cap per stream, in bytes. */
  maxOutputBytes?: number;
  /** Written to the command's stdin, which is then closed. */
  stdin?: string | Buffer;
  /**
   * On timeout or abort, also kill the command's process group on the host (from a second channel)
   * before reporting. On by default, unless the target says its commands end with their channel
   * (`stopRemote: 'channel'`). Needs a POSIX shell on the far side: the command gets a one-line
   * prefix that reports its pid on stderr, hidden again.
   */
  killRemoteOnCancel?: boolean;
  /** Names the command in errors instead of its text, which may carry secrets. Defaults to the program name. */
  label?: string;
}

/** Anything that runs a command somewhere: a host through the pool, a guest, a test double. */
export interface CommandRunner {
  readonly hostName: string;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Writes a file there over SFTP, where the runner reaches an SSH server (guest static binaries). */
  writeFile?(
    path: string,
    data: Buffer,
    options?: { mode?: number; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<void>;
}

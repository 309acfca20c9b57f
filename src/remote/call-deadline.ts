import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';

type Listener = (reason: RemoteError) => void;

/**
 * One command's end condition: its timeout or its caller's AbortSignal, whichever comes first.
 * Every stage of a call (queueing, connecting, running) subscribes and cleans up on its own.
 */
export class CallDeadline {
  private reason?: RemoteError;
  private readonly listeners = new Set<Listener>();
  private readonly timer?: NodeJS.Timeout;
  private readonly onAbort?: () => void;

  constructor(
    private readonly host: string,
    private readonly label: string,
    timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {
    if (signal?.aborted) {
      this.reason = this.aborted();
      return;
    }
    if (signal) {
      this.onAbort = () => this.fire(this.aborted());
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    if (Number.isFinite(timeoutMs) && timeoutMs > 0) {
      this.timer = setTimeout(
        () =>
          this.fire(
            new RemoteError(`host ${host}: ${label} timed out after ${timeoutMs} ms`, RemoteErrorCode.Timeout, host, {
              timeoutMs,
            }),
          ),
        timeoutMs,
      );
    }
  }

  get expired(): RemoteError | undefined {
    return this.reason;
  }

  /** Calls `listener` once when the deadline passes (at once if it has); returns an unsubscribe. */
  on(listener: Listener): () => void {
    if (this.reason) {
      listener(this.reason);
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Settles with `promise`, or rejects when the deadline passes first. */
  race<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const off = this.on(reject);
      promise.then(
        (value) => {
          off();
          resolve(value);
        },
        (err: unknown) => {
          off();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
    this.listeners.clear();
  }

  private aborted(): RemoteError {
    return new RemoteError(`host ${this.host}: ${this.label} was aborted`, RemoteErrorCode.Aborted, this.host);
  }

  private fire(reason: RemoteError): void {
    if (this.reason) return;
    this.reason = reason;
    if (this.timer) clearTimeout(this.timer);
    for (const listener of [...this.listeners]) listener(reason);
    this.listeners.clear();
  }
}

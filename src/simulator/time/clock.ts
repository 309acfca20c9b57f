/**
 * Modelled time. Long operations take simulated seconds; the clock turns them into real waits
 * divided by the speed factor, so a 90 s migration takes 90 ms at speed 1000. `now()` is the
 * simulated wall clock: it runs `speed` times faster than the real one from the lab's start.
 */
export class SimClock {
  private readonly realStart = Date.now();
  private readonly simStart: number;

  constructor(
    readonly speed: number,
    simStart: number = Date.now(),
  ) {
    if (!(speed > 0)) throw new Error(`speed must be > 0, got ${speed}`);
    this.simStart = simStart;
  }

  /** simulated epoch milliseconds */
  now(): number {
    return this.simStart + (Date.now() - this.realStart) * this.speed;
  }

  realMsFor(simSeconds: number): number {
    return (simSeconds * 1000) / this.speed;
  }

  /** waits `simSeconds` of simulated time */
  wait(simSeconds: number, signal?: AbortSignal): Promise<void> {
    const ms = this.realMsFor(simSeconds);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new Error('aborted'));
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

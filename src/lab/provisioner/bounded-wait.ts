import { ProvisionerError, ProvisionerErrorCode } from 'src/lab/provisioner/provisioner.errors';

/**
 * Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes; the error names the
 * host and the step, with the last thing seen. Probes get the time left, to bound their own calls.
 */
export async function waitForStep<T>(
  host: string,
  step: string,
  timeoutMs: number,
  probe: (remainingMs: number) => Promise<T | undefined>,
  opts: { intervalMs?: number; signal?: AbortSignal; lastSeen?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (opts.signal?.aborted) {
      throw new ProvisionerError(`nested host ${host}: ${step}: cancelled`, ProvisionerErrorCode.Cancelled, {
        host,
        step,
      });
    }
    const remaining = deadline - Date.now();
    try {
      const value = await probe(Math.max(1, remaining));
      if (value !== undefined) return value;
    } catch (err) {
      // A probe squeezed into the deadline's last moment times out on its own budget: the error
      // worth naming is the one before it.
      if (!last || remaining >= 1_000) last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) {
      const seen = opts.lastSeen?.() ?? last;
      throw new ProvisionerError(
        `nested host ${host}: ${step}: no answer within ${Math.round(timeoutMs / 1000)} s${seen ? ` (last: ${seen})` : ''}`,
        ProvisionerErrorCode.StepTimedOut,
        { host, step },
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(opts.intervalMs ?? 250, Math.max(1, deadline - Date.now()))));
  }
}

import { ScenarioContext } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';

interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns a value other than undefined, within a bound. On timeout the
 * failure says what was awaited and what was last seen, so a case never ends as a bare timeout.
 */
export async function waitFor<T>(
  ctx: Pick<ScenarioContext, 'sleep'>,
  what: string,
  probe: () => Promise<T | undefined>,
  options: WaitOptions & { lastSeen?: () => string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const intervalMs = options.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      const seen = options.lastSeen ? `; last seen: ${options.lastSeen()}` : '';
      throw new ScenarioError(
        `${what} did not happen within ${Math.round(timeoutMs / 1000)} s${seen}`,
        ScenarioErrorCode.CheckFailed,
        {
          waitedFor: what,
          timeoutMs,
        },
      );
    }
    await ctx.sleep(intervalMs);
  }
}

export function check(condition: unknown, message: string, details: Record<string, unknown> = {}): asserts condition {
  if (!condition) throw new ScenarioError(message, ScenarioErrorCode.CheckFailed, details);
}

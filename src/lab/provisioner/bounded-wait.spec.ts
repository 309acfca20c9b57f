import { waitForStep } from 'src/lab/provisioner/bounded-wait';
import { ProvisionerError } from 'src/lab/provisioner/provisioner.errors';

describe('waitForStep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('should return the first value a probe gives, passing it the time left', async () => {
    const budgets: number[] = [];
    let calls = 0;
    const done = waitForStep('h1', 'wait for SSH', 10_000, async (left) => {
      budgets.push(left);
      calls += 1;
      return calls === 3 ? 'up' : undefined;
    });
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(done).resolves.toBe('up');
    expect(budgets).toHaveLength(3);
    expect(budgets[0]).toBe(10_000);
    expect(budgets[2]).toBeLessThan(budgets[0]!);
  });

  it('should name the last real failure, not the probe cut short by the deadline', async () => {
    const done = waitForStep(
      'nmix-1',
      'wait for SSH',
      2_000,
      async (left) => {
        if (left < 1_000) throw new Error(`true timed out after ${left} ms`);
        throw new Error('connect ECONNREFUSED 127.0.0.9:22');
      },
      { intervalMs: 500 },
    );
    const failure = expect(done).rejects.toThrow(
      'nested host nmix-1: wait for SSH: no answer within 2 s (last: connect ECONNREFUSED 127.0.0.9:22)',
    );
    await jest.advanceTimersByTimeAsync(3_000);
    await failure;
    await expect(done).rejects.toBeInstanceOf(ProvisionerError);
  });
});

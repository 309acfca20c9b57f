import { RateLimiter } from 'src/auth/rate-limiter';

describe(RateLimiter.name, () => {
  it('should allow a burst, then ask to wait until a request has refilled', () => {
    let now = 0;
    const limiter = new RateLimiter(60, 3, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
    now += 1000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
  });

  it('should name the wait in whole seconds for slow budgets', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 1, () => now);
    expect(limiter.take('x')).toBe(0);
    expect(limiter.take('x')).toBe(30);
    now += 29_000;
    expect(limiter.take('x')).toBe(1);
  });
});

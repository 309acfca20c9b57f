import { lastTick } from 'src/execution/scheduler';

describe(lastTick.name, () => {
  it('should find the most recent tick at or before now, in UTC', () => {
    const now = new Date('2026-11-25T10:07:30Z');
    expect(lastTick('*/5 * * * *', now).toISOString()).toBe('2026-11-25T10:05:00.000Z');
    expect(lastTick('0 3 * * *', now).toISOString()).toBe('2026-11-25T03:00:00.000Z');
    expect(lastTick('7 10 * * *', new Date('2026-11-25T10:07:00Z')).toISOString()).toBe('2026-11-25T10:07:00.000Z');
  });

  it('should name a bad expression', () => {
    expect(() => lastTick('every tuesday', new Date())).toThrow(/invalid cron expression "every tuesday"/);
  });
});

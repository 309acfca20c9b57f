import {
  countOutcomes,
  gatherSamples,
  isFailure,
  isNotRun,
  isOutcome,
  isRetryable,
  isSuccess,
  OUTCOMES,
  worstOutcome,
} from 'src/results/outcome';

describe('outcomes', () => {
  it('counts failed, xpassed and infra-error as failures, and nothing else', () => {
    expect(OUTCOMES.filter(isFailure)).toEqual(['failed', 'xpassed', 'infra-error']);
    expect(OUTCOMES.filter(isSuccess)).toEqual(['passed', 'xfailed']);
    expect(OUTCOMES.filter(isNotRun)).toEqual(['skipped', 'cancelled', 'manual-pending']);
    expect(OUTCOMES.filter(isRetryable)).toEqual(['infra-error']);
  });

  it('classifies every outcome exactly once', () => {
    for (const o of OUTCOMES) expect([isFailure(o), isSuccess(o), isNotRun(o)].filter(Boolean)).toHaveLength(1);
  });

  it('picks the worst outcome: a product failure outranks an infrastructure error', () => {
    expect(worstOutcome(['passed', 'infra-error', 'failed'])).toBe('failed');
    expect(worstOutcome(['xfailed', 'passed'])).toBe('xfailed');
    expect(worstOutcome([])).toBeUndefined();
  });

  it('counts outcomes with totals', () => {
    expect(countOutcomes(['passed', 'failed', 'failed', 'skipped'])).toMatchObject({
      passed: 1,
      failed: 2,
      skipped: 1,
      total: 4,
      failures: 2,
    });
    expect(isOutcome('xpassed')).toBe(true);
    expect(isOutcome('error')).toBe(false);
  });
});

describe('gatherSamples', () => {
  it('gathers repeated values into measurements whose value is the median', () => {
    const rep = (v: number) => [{ metric: 'fio.read.iops', unit: 'IOPS', direction: 'higher' as const, value: v }];
    expect(gatherSamples([rep(3), rep(1), rep(2), rep(10)], { vm: 'a' })).toEqual([
      {
        metric: 'fio.read.iops',
        unit: 'IOPS',
        direction: 'higher',
        samples: [3, 1, 2, 10],
        value: 2.5,
        context: { vm: 'a' },
      },
    ]);
  });

  it('refuses a metric whose unit changes between repetitions', () => {
    expect(() =>
      gatherSamples([
        [{ metric: 'm', unit: 'ms', direction: 'lower', value: 1 }],
        [{ metric: 'm', unit: 's', direction: 'lower', value: 1 }],
      ]),
    ).toThrow('metric m: unit/direction changed between repetitions (ms/lower vs s/lower)');
  });
});

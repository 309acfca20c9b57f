import { compareSamples, policyFor } from 'src/results/stats/compare';
import { compareMeasurementSets } from 'src/results/stats/compare-sets';
import { mannWhitneyU } from 'src/results/stats/mann-whitney';
import { samplesNeededPerSide, smallestPossibleP } from 'src/results/stats/power';
import { mulberry32, normal } from 'src/common/random';
import { summarize } from 'src/results/stats/summary';

const draw = (seed: number, n: number, mean: number, cv: number) => {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => normal(r, mean, mean * cv));
};

describe('summarize', () => {
  it('gives median, mean, sample stddev and CV', () => {
    const s = summarize([10, 12, 11, 13, 9]);
    expect(s).toMatchObject({ n: 5, mean: 11, median: 11, min: 9, max: 13 });
    expect(s.stddev).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.cv).toBeCloseTo(Math.sqrt(2.5) / 11, 12);
  });
});

describe('mannWhitneyU', () => {
  it('matches the exact distribution without ties (scipy: U=0, p=2/252 for 5 vs 5 fully separated)', () => {
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r).toEqual({ u: 0, p: 2 / 252, method: 'exact' });
  });

  it('handles ties exactly (identical samples give p = 1)', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5, 5]).p).toBe(1);
    // 3 vs 3 can never reach 0.05: the smallest two-sided p is 2/20.
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).p).toBeCloseTo(0.1, 12);
  });

  it('uses the normal approximation for large samples, close to the exact value', () => {
    expect(mannWhitneyU(draw(1, 30, 100, 0.05), draw(2, 30, 103, 0.05)).method).toBe('normal');
    for (let seed = 0; seed < 20; seed++) {
      const x = draw(seed * 2 + 1, 25, 100, 0.05);
      const y = draw(seed * 2 + 2, 25, 102, 0.05);
      const exact = mannWhitneyU(x, y);
      expect(exact.method).toBe('exact');
      expect(Math.abs(mannWhitneyU(x, y, 'normal').p - exact.p)).toBeLessThan(0.01);
    }
  });
});

describe('compareSamples verdicts', () => {
  it('A/A samples from one distribution never give improved/regressed, and are "unchanged" ≥ 95% of seeds', () => {
    const runs = 400;
    let unchanged = 0;
    let changed = 0;
    for (let seed = 0; seed < runs; seed++) {
      const c = compareSamples(
        {
          metric: 'fio.read.iops',
          direction: 'higher',
          baseline: draw(seed * 2 + 1, 10, 1000, 0.03),
          candidate: draw(seed * 2 + 2, 10, 1000, 0.03),
        },
        { resamples: 500 },
      );
      if (c.verdict === 'unchanged') unchanged++;
      if (c.verdict === 'improved' || c.verdict === 'regressed') changed++;
    }
    expect(changed).toBe(0);
    expect(unchanged / runs).toBeGreaterThanOrEqual(0.95);
  });

  it('A/A with high noise (CV 15 %) is flagged noisy and still almost never improved/regressed', () => {
    const runs = 400;
    let changed = 0;
    let noisy = 0;
    for (let seed = 0; seed < runs; seed++) {
      const c = compareSamples(
        {
          metric: 'x',
          direction: 'lower',
          baseline: draw(seed * 2 + 1, 10, 50, 0.15),
          candidate: draw(seed * 2 + 2, 10, 50, 0.15),
        },
        { resamples: 500 },
      );
      if (c.verdict === 'improved' || c.verdict === 'regressed') changed++;
      if (c.noisy) noisy++;
    }
    expect(changed / runs).toBeLessThanOrEqual(0.05);
    expect(noisy).toBeGreaterThan(runs * 0.95);
  });

  it('a 20 % drop of a higher-is-better metric with low noise is "regressed"', () => {
    for (let seed = 0; seed < 50; seed++) {
      const c = compareSamples({
        metric: 'fio.read.iops',
        direction: 'higher',
        baseline: draw(seed * 2 + 1, 10, 1000, 0.02),
        candidate: draw(seed * 2 + 2, 10, 800, 0.02),
      });
      expect(c).toMatchObject({ verdict: 'regressed', reason: 'significant-change', noisy: false });
      expect(c.deltaPct!).toBeLessThan(-15);
      expect(c.pValue!).toBeLessThan(0.05);
    }
  });

  it('honours direction: a 20 % latency drop is "improved", a 20 % latency rise "regressed"', () => {
    const base = draw(7, 10, 200, 0.02);
    expect(
      compareSamples({ metric: 'lat', direction: 'lower', baseline: base, candidate: draw(8, 10, 160, 0.02) }).verdict,
    ).toBe('improved');
    expect(
      compareSamples({ metric: 'lat', direction: 'lower', baseline: base, candidate: draw(8, 10, 240, 0.02) }).verdict,
    ).toBe('regressed');
    expect(
      compareSamples({ metric: 'bw', direction: 'higher', baseline: base, candidate: draw(8, 10, 240, 0.02) }).verdict,
    ).toBe('improved');
  });

  it('a significant change smaller than the minimum effect is "unchanged"; a lower threshold makes it count', () => {
    const base = draw(11, 20, 1000, 0.01);
    const cand = draw(12, 20, 950, 0.01);
    const c = compareSamples({ metric: 'm', direction: 'higher', baseline: base, candidate: cand });
    expect(c).toMatchObject({ verdict: 'unchanged', reason: 'below-minimum-effect' });
    expect(c.pValue!).toBeLessThan(0.05);
    expect(
      compareSamples({ metric: 'm', direction: 'higher', baseline: base, candidate: cand }, { minEffectPct: 3 })
        .verdict,
    ).toBe('regressed');
  });

  it('a 20 % shift drowned in noise with few samples is "inconclusive", flagged noisy', () => {
    const c = compareSamples({
      metric: 'm',
      direction: 'higher',
      baseline: [100, 60, 140, 90],
      candidate: [80, 130, 50, 75],
    });
    expect(c).toMatchObject({ verdict: 'inconclusive', reason: 'too-noisy', noisy: true });
  });

  it('the 95 % interval covers the true shift at its nominal rate', () => {
    // True shift −10 % of the median; 10 samples a side as xcp-ng-tests takes. Percentile bootstrap of
    // medians runs slightly conservative here (measured 96 % at n = 5, 10, 15; 97 % at n = 30).
    const runs = 500;
    let covered = 0;
    for (let seed = 0; seed < runs; seed++) {
      const c = compareSamples(
        {
          metric: 'm',
          direction: 'higher',
          baseline: draw(seed * 2 + 1, 10, 1000, 0.05),
          candidate: draw(seed * 2 + 2, 10, 900, 0.05),
          seed,
        },
        { resamples: 1000 },
      );
      if (c.interval!.low <= -10 && -10 <= c.interval!.high) covered++;
    }
    const rate = covered / runs;
    expect(rate).toBeGreaterThanOrEqual(0.92);
    expect(rate).toBeLessThanOrEqual(0.985);
  });

  it('is reproducible: the same input gives the same interval', () => {
    const input = {
      metric: 'm',
      direction: 'higher' as const,
      baseline: draw(1, 8, 10, 0.1),
      candidate: draw(2, 8, 11, 0.1),
      seedKey: 'case-a',
    };
    expect(compareSamples(input).interval).toEqual(compareSamples(input).interval);
  });
});

describe('compareSamples edge cases', () => {
  it('n = 1 on a side is "inconclusive" (too few samples), with the numbers still shown', () => {
    const c = compareSamples({ metric: 'm', direction: 'higher', baseline: [100], candidate: [50] });
    expect(c).toMatchObject({
      verdict: 'inconclusive',
      reason: 'too-few-samples',
      deltaPct: -50,
      pValue: null,
      interval: null,
    });
  });

  it('zero variance: equal constants are "unchanged", distinct constants a clear change', () => {
    const same = compareSamples({
      metric: 'm',
      direction: 'higher',
      baseline: [5, 5, 5, 5, 5],
      candidate: [5, 5, 5, 5, 5],
    });
    expect(same).toMatchObject({ verdict: 'unchanged', deltaPct: 0, pValue: 1, noisy: false });
    expect(same.interval).toMatchObject({ low: 0, high: 0 });
    const moved = compareSamples({
      metric: 'm',
      direction: 'higher',
      baseline: [5, 5, 5, 5, 5],
      candidate: [4, 4, 4, 4, 4],
    });
    expect(moved).toMatchObject({ verdict: 'regressed', deltaPct: -20 });
    expect(moved.interval).toMatchObject({ low: -20, high: -20 });
  });

  it('zero baseline: all zeros on both sides are unchanged; zero vs non-zero is inconclusive', () => {
    expect(
      compareSamples({ metric: 'errors', direction: 'lower', baseline: [0, 0, 0], candidate: [0, 0, 0] }).verdict,
    ).toBe('unchanged');
    const c = compareSamples({ metric: 'errors', direction: 'lower', baseline: [0, 0, 0, 0], candidate: [3, 4, 5, 3] });
    expect(c).toMatchObject({ verdict: 'inconclusive', reason: 'zero-baseline', deltaPct: null });
  });

  it('non-finite samples make it inconclusive rather than throwing', () => {
    expect(
      compareSamples({ metric: 'm', direction: 'higher', baseline: [1, 2, Number.NaN], candidate: [1, 2, 3] }).reason,
    ).toBe('non-finite-samples');
  });
});

describe('policies and sets', () => {
  it('applies per-metric rules, later rules winning', () => {
    const rules = [
      { metric: 'fio.*_us', policy: { minEffectPct: 20 } },
      { metric: 'fio.read.clat_p99_us', policy: { minEffectPct: 30, noisyCvPct: 10 } },
    ];
    expect(policyFor('fio.read.iops', rules).minEffectPct).toBe(10);
    expect(policyFor('fio.write.lat_mean_us', rules).minEffectPct).toBe(20);
    expect(policyFor('fio.read.clat_p99_us', rules)).toMatchObject({ minEffectPct: 30, noisyCvPct: 10, alpha: 0.05 });
  });

  it('lines up measurements by case key and metric and reports one-sided metrics', () => {
    const m = (metric: string, samples: number[]) => ({
      metric,
      unit: 'IOPS',
      direction: 'higher' as const,
      samples,
      value: samples[0]!,
    });
    const out = compareMeasurementSets(
      [
        { caseKey: 'fio[rw=read]', measurement: m('fio.read.iops', [100, 101, 99]) },
        { caseKey: 'fio[rw=read]', measurement: m('fio.read.iops', [100, 102]) },
        { caseKey: 'fio[rw=read]', measurement: m('fio.read.bw_bytes', [1, 2, 3]) },
      ],
      [
        { caseKey: 'fio[rw=read]', measurement: m('fio.read.iops', [70, 71, 69, 70, 72]) },
        { caseKey: 'fio[rw=write]', measurement: m('fio.write.iops', [5, 5, 5]) },
      ],
    );
    expect(out.map((o) => [o.caseKey, o.metric, o.status])).toEqual([
      ['fio[rw=read]', 'fio.read.bw_bytes', 'only-baseline'],
      ['fio[rw=read]', 'fio.read.iops', 'compared'],
      ['fio[rw=write]', 'fio.write.iops', 'only-candidate'],
    ]);
    const compared = out[1]!;
    expect(compared.status === 'compared' && compared.comparison.baseline.n).toBe(5);
    expect(compared.status === 'compared' && compared.comparison.verdict).toBe('regressed');
  });
});

describe('what a sample size can conclude', () => {
  it('the smallest possible p is the exact test’s most extreme arrangement', () => {
    expect(smallestPossibleP(3, 3)).toBeCloseTo(mannWhitneyU([1, 2, 3], [4, 5, 6]).p, 12);
    expect(smallestPossibleP(5, 5)).toBeCloseTo(mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).p, 12);
    expect(smallestPossibleP(2, 4)).toBeCloseTo(mannWhitneyU([1, 2], [3, 4, 5, 6]).p, 12);
  });

  it('4 per side reach 0.05, 5 per side reach 0.01', () => {
    expect(samplesNeededPerSide(0.05)).toBe(4);
    expect(samplesNeededPerSide(0.01)).toBe(5);
    expect(samplesNeededPerSide(0.05, 7)).toBe(7);
  });

  it('3 vs 3 with a clear +12.8 % is "inconclusive" because underpowered, and says 4 per side would do', () => {
    const c = compareSamples({
      metric: 'm',
      direction: 'higher',
      baseline: [100, 101, 99],
      candidate: [113, 114, 112],
    });
    expect(c).toMatchObject({ verdict: 'inconclusive', reason: 'underpowered', samplesNeeded: 4 });
    expect(c.deltaPct!).toBeCloseTo(13, 5);
    const four = compareSamples({
      metric: 'm',
      direction: 'higher',
      baseline: [100, 101, 99, 100],
      candidate: [113, 114, 112, 113],
    });
    expect(four).toMatchObject({ verdict: 'improved', samplesNeeded: null });
  });
});

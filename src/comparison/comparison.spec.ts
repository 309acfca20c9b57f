import { buildComparisonRows, byAttention, countVerdicts } from 'src/comparison/build-comparison';
import { comparisonWarnings } from 'src/comparison/comparison-warnings';
import { comparableKey } from 'src/comparison/comparable-key';
import { policyRulesFromSettings } from 'src/comparison/thresholds';
import type { ComparableMeasurement } from 'src/reports/read/read-models';
import { policyFor } from 'src/results/stats/compare';

const m = (over: Partial<ComparableMeasurement>): ComparableMeasurement => ({
  caseId: 'c',
  caseKey: 'k',
  caseHash: 'h',
  metric: 'fio.read.iops',
  unit: 'IOPS',
  direction: 'higher',
  samples: [100, 101, 99, 100, 102],
  value: 100,
  release: null,
  simulated: false,
  context: {},
  runNumber: 1,
  scenario: 'storage.fio',
  params: { rw: 'read' },
  settings: {},
  outcome: 'passed',
  ...over,
});

describe('comparableKey', () => {
  it('drops only the release parameter', () => {
    expect(comparableKey('fio', { release: '8.2', rw: 'read' })).toBe('fio[rw=read]');
    expect(comparableKey('fio', { release: '8.3', rw: 'read' })).toBe(comparableKey('fio', { rw: 'read' }));
    expect(comparableKey('boot', { release: 'x' })).toBe('boot');
  });
});

describe('policyRulesFromSettings', () => {
  it('reads numbers, percent strings and policy objects; a specific metric beats the catch-all', () => {
    const rules = policyRulesFromSettings({
      thresholds: {
        'fio.*.clat_p99_us': { minEffectPct: 25, noisyCvPct: 8 },
        default: '5%',
        'fio.read.iops': 3,
        junk: 'x',
      },
    });
    expect(policyFor('fio.read.iops', rules).minEffectPct).toBe(3);
    expect(policyFor('fio.write.iops', rules).minEffectPct).toBe(5);
    expect(policyFor('fio.read.clat_p99_us', rules)).toMatchObject({ minEffectPct: 25, noisyCvPct: 8 });
  });

  it('ignores settings without usable thresholds', () => {
    expect(policyRulesFromSettings({})).toEqual([]);
    expect(policyRulesFromSettings({ thresholds: [1, 2] })).toEqual([]);
  });
});

describe('buildComparisonRows', () => {
  it('lines sides up without the release, applies the case thresholds, keeps one-sided metrics', () => {
    const base = [
      m({ params: { rw: 'read', release: '8.2' }, samples: [100, 101, 99, 100, 102, 98] }),
      m({ metric: 'fio.read.bw', unit: 'B/s', samples: [5, 5, 5] }),
    ];
    const cand = [
      m({
        params: { rw: 'read', release: '8.3' },
        samples: [94, 95, 93, 94, 96, 95],
        settings: { thresholds: { 'fio.read.iops': 5 } },
      }),
      m({ scenario: 'boot', params: {}, metric: 'boot.seconds', unit: 's', direction: 'lower', samples: [30, 31, 29] }),
    ];
    const rows = buildComparisonRows(base, cand);
    expect(rows.map((r) => [r.key, r.metric, r.status, r.verdict])).toEqual([
      ['boot', 'boot.seconds', 'only-candidate', 'missing'],
      ['storage.fio[rw=read]', 'fio.read.bw', 'only-baseline', 'missing'],
      ['storage.fio[rw=read]', 'fio.read.iops', 'compared', 'regressed'],
    ]);
    const iops = rows[2]!;
    expect(iops.minEffectPct).toBe(5);
    expect(iops.deltaPct!).toBeCloseTo(-5.5, 5);
    expect(iops.ciLow!).toBeLessThan(iops.deltaPct!);
    expect(iops.ciHigh!).toBeGreaterThan(iops.deltaPct!);
    expect(countVerdicts(rows)).toEqual({ improved: 0, regressed: 1, unchanged: 0, inconclusive: 0, missing: 2 });
  });

  it('calls units that differ incomparable instead of comparing them', () => {
    const [r] = buildComparisonRows([m({ unit: 'IOPS' })], [m({ unit: 'kIOPS' })]);
    expect(r).toMatchObject({ status: 'incomparable', verdict: 'inconclusive', reason: 'unit-mismatch' });
  });

  it('flags noisy samples and keeps them', () => {
    const [r] = buildComparisonRows([m({ samples: [100, 60, 140, 90] })], [m({ samples: [80, 130, 50, 75] })]);
    expect(r).toMatchObject({ noisy: true, verdict: 'inconclusive' });
    expect(r!.candidate!.samples).toEqual([80, 130, 50, 75]);
  });
});

describe('guidance: sample sizes, large inconclusive changes, hardware', () => {
  it('3 vs 3 samples: the row says 4 a side would do, is flagged large and sorted before improvements', () => {
    const rows = buildComparisonRows(
      [m({ samples: [100, 101, 99] }), m({ metric: 'fio.write.iops', samples: [100, 101, 99, 100, 100] })],
      [m({ samples: [113, 114, 112] }), m({ metric: 'fio.write.iops', samples: [130, 131, 129, 130, 130] })],
    ).sort(byAttention);
    expect(rows.map((r) => [r.metric, r.verdict, r.largeInconclusive, r.samplesNeeded])).toEqual([
      ['fio.read.iops', 'inconclusive', true, 4],
      ['fio.write.iops', 'improved', false, null],
    ]);
    const warnings = comparisonWarnings(rows, {}, {});
    expect(warnings[0]).toBe(
      "1 comparison cannot reach significance with 3 vs 3 samples, whatever the numbers: repeat each case at least 4 times per side (a suite's 'repeat: 4')",
    );
    expect(warnings[1]).toMatch(/^1 inconclusive change is at least the minimum effect \(largest \+13\.0 %/);
  });

  it('warns when the sides ran on different hardware classes, not when they match or are unknown', () => {
    const a = { hardwareClasses: ['intel-xeon-e5-v4 / ixgbe / megaraid_sas'] };
    const b = { hardwareClasses: ['amd-epyc-7002 / mlx5_core / nvme'] };
    expect(comparisonWarnings([], a, b)).toEqual([
      'different hardware: baseline on intel-xeon-e5-v4 / ixgbe / megaraid_sas, candidate on amd-epyc-7002 / mlx5_core / nvme; a change may come from the hardware rather than the release',
    ]);
    expect(comparisonWarnings([], a, a)).toEqual([]);
    expect(comparisonWarnings([], a, {})).toEqual([]);
  });

  it('counts a new failure as regressed and a fix as improved', () => {
    expect(countVerdicts([], [{ kind: 'new-failure' }, { kind: 'fixed' }, { kind: 'other' }])).toMatchObject({
      regressed: 1,
      improved: 1,
    });
  });
});

import { compareCharts, hardwarePageModel } from 'src/community/hardware-pages.model';
import type { ComparedMetric } from 'src/community/community-read.service';

const metric = (over: Partial<ComparedMetric>): ComparedMetric => ({
  caseKey: 'perf.fio[workload=randread]',
  metric: 'fio.read.iops',
  unit: 'IOPS',
  direction: 'higher',
  a: 100,
  b: 50,
  ratio: 0.5,
  better: 'a',
  ...over,
});

describe(compareCharts.name, () => {
  const side = (label: string, simulated: boolean) => ({
    submission: label,
    submitter: 's',
    hardwareClass: simulated ? 'simulated / x / y' : 'x / y / z',
    name: label,
    serverModel: 'm',
    release: '8.3.0',
    label,
    simulated,
  });

  it('draws one chart per unit and direction, A and B side by side, simulated sides labelled', () => {
    const charts = compareCharts(
      [
        metric({}),
        metric({ metric: 'fio.write.iops', a: 80, b: null }),
        metric({ metric: 'fio.read.clat_p99_us', unit: 'us', direction: 'lower', a: 900, b: 450 }),
        metric({ metric: 'fio.read.bw', unit: 'KiB/s', a: null, b: null }),
      ],
      side('one', false),
      side('two', true),
    );
    expect(charts.map((c) => [c.title, c.labels.length])).toEqual([
      ['IOPS, higher is better', 2],
      ['us, lower is better', 1],
    ]);
    expect(charts[0]!.series).toEqual([
      { name: 'A: one', color: expect.any(String), values: [100, 80] },
      { name: 'B: two [SIMULATED]', color: expect.any(String), values: [50, null] },
    ]);
  });
});

describe(hardwarePageModel.name, () => {
  it('groups the newest submissions under their class and marks the unmoderated ones', () => {
    const entry = {
      hardwareClass: 'x / y / z',
      submissions: 2,
      unmoderated: 1,
      systems: 1,
      releases: ['8.3.0'],
      lastAt: new Date(),
    };
    const sub = (id: string, status: 'accepted' | 'pending') => ({
      id,
      submitter: 's',
      kind: 'fio',
      release: '8.3.0',
      status,
      hardwareClass: 'x / y / z',
      name: null,
      serverModel: 'm',
      createdAt: new Date(),
      runNumber: 3,
      simulated: false,
      counts: { passed: 2, failed: 1 },
      measurements: 4,
    });
    const model = hardwarePageModel([entry], [sub('1', 'accepted'), sub('2', 'pending')]);
    expect(model.classes[0]!.latest.map((s) => [s.id, s.unmoderated])).toEqual([
      ['1', false],
      ['2', true],
    ]);
    expect(model.classes[0]!.latest[0]!.outcomes).toEqual([
      { outcome: 'passed', n: 2 },
      { outcome: 'failed', n: 1 },
    ]);
    expect(model.simulated).toBe(false);
  });
});

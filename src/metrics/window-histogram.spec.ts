import { Registry } from 'prom-client';
import { WindowHistogram } from 'src/metrics/window-histogram';

describe(WindowHistogram.name, () => {
  it('prints the counts it was given in the Prometheus histogram format', async () => {
    const registry = new Registry();
    const h = new WindowHistogram('x_seconds', 'Something, in seconds.', [0.5, 1, 5]).register(registry);
    h.set({ count: 4, sum: 7.25, cumulative: [1, 2, 3] });
    expect(await registry.metrics()).toBe(
      [
        '# HELP x_seconds Something, in seconds.',
        '# TYPE x_seconds histogram',
        'x_seconds_bucket{le="0.5"} 1',
        'x_seconds_bucket{le="1"} 2',
        'x_seconds_bucket{le="5"} 3',
        'x_seconds_bucket{le="+Inf"} 4',
        'x_seconds_sum 7.25',
        'x_seconds_count 4',
        '',
      ].join('\n'),
    );
  });

  it('leaves its samples out when reset (no data is not zero)', async () => {
    const registry = new Registry();
    const h = new WindowHistogram('x_seconds', 'Something.', [1]).register(registry);
    h.set({ count: 1, sum: 1, cumulative: [1] });
    h.reset();
    expect(await registry.metrics()).toBe('# HELP x_seconds Something.\n# TYPE x_seconds histogram\n');
  });

  it('refuses bounds that do not increase and counts that do not match them', () => {
    expect(() => new WindowHistogram('x', 'x', [1, 1])).toThrow('x: bucket bounds must increase: 1, 1');
    expect(() => new WindowHistogram('x', 'x', [1, 2]).set({ count: 0, sum: 0, cumulative: [0] })).toThrow(
      'x: 1 bucket counts for 2 bounds',
    );
  });

  it('answers the JSON form with the same values', async () => {
    const registry = new Registry();
    new WindowHistogram('x', 'x', [1]).register(registry).set({ count: 2, sum: 3, cumulative: [1] });
    const [json] = await registry.getMetricsAsJSON();
    expect(json).toMatchObject({
      name: 'x',
      type: 'histogram',
      values: expect.arrayContaining([{ metricName: 'x_count', labels: {}, value: 2 }]),
    });
  });
});

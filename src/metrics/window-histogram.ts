import { Metric, Registry } from 'prom-client';

/** Counts of one window, as a query returns them: `cumulative[i]` = values ≤ `bounds[i]`. */
export interface WindowCounts {
  count: number;
  sum: number;
  cumulative: number[];
}

interface ExportedValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A Prometheus histogram of a window of recent rows (the last hour of SSH commands, say), computed by
 * the database at scrape time. prom-client's own Histogram only grows through observe() in this
 * process, but the values come from workers in other processes: the database is the shared truth.
 * Unlike a usual histogram its buckets can go down as rows leave the window, so read it with
 * histogram_quantile() directly, not through rate().
 */
export class WindowHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private counts: WindowCounts | null = null;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i]! > bounds[i - 1]!)) throw new Error(`${name}: bucket bounds must increase: ${bounds.join(', ')}`);
    }
  }

  /** Registers with a registry of prom-client, which formats any object shaped like its metrics. */
  register(registry: Registry): this {
    registry.registerMetric(this as unknown as Metric);
    return this;
  }

  set(counts: WindowCounts): void {
    if (counts.cumulative.length !== this.bounds.length) {
      throw new Error(`${this.name}: ${counts.cumulative.length} bucket counts for ${this.bounds.length} bounds`);
    }
    this.counts = counts;
  }

  /** No data (the database did not answer): the metric is left out rather than shown as zero. */
  reset(): void {
    this.counts = null;
  }

  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: ExportedValue[] }> {
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.values(),
    });
  }

  getForPromString(): ReturnType<WindowHistogram['get']> {
    return this.get();
  }

  private values(): ExportedValue[] {
    const c = this.counts;
    if (!c) return [];
    const bucket = `${this.name}_bucket`;
    return [
      ...this.bounds.map((le, i) => ({ metricName: bucket, labels: { le }, value: c.cumulative[i]! })),
      { metricName: bucket, labels: { le: '+Inf' }, value: c.count },
      { metricName: `${this.name}_sum`, labels: {}, value: c.sum },
      { metricName: `${this.name}_count`, labels: {}, value: c.count },
    ];
  }
}

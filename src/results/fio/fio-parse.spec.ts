import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFioOutput, parseFioOutputAll, parseFioDocument } from 'src/results/fio/fio-parse';
import { fioMeasurements } from 'src/results/fio/fio-measurements';
import { ResultsError } from 'src/results/results.errors';

const fixture = (name: string) => readFileSync(join(process.cwd(), 'test/fixtures/fio', name), 'utf8');
const byMetric = (values: { metric: string; value: number }[]) =>
  Object.fromEntries(values.map((v) => [v.metric, v.value]));

describe('parseFioOutput on recorded fio 3.33 output', () => {
  it('reads the seed random-read shape (gtod_reduce: no latency timing)', () => {
    const r = parseFioOutput(fixture('seed-randread.json'));
    expect(r.fioVersion).toBe('fio-3.33');
    expect(r.globalOptions).toEqual({ randrepeat: '1', ioengine: 'libaio', direct: '1', gtod_reduce: '1' });
    expect(r.jobs).toHaveLength(1);
    const job = r.jobs[0]!;
    expect(job.name).toBe('test');
    expect(job.options).toMatchObject({ rw: 'randread', bs: '4k', iodepth: '64', size: '32M' });
    expect(job.read).toMatchObject({
      iops: 72018.481518,
      bwKib: 288199,
      bwBytes: 295116595,
      ioBytes: 590823424,
      runtimeMs: 2002,
      totalIos: 144181,
    });
    expect(job.read.clat).toMatchObject({ count: 0, meanNs: 0, percentilesNs: {} });
    expect(job.write.totalIos).toBe(0);
    expect(r.diskUtil).toEqual([expect.objectContaining({ name: 'vda', utilPct: 88.645161 })]);
    // gtod_reduce means fio measured no latency: the measurements must not claim 0 µs.
    expect(fioMeasurements(r)).toEqual([
      { metric: 'fio.read.iops', unit: 'IOPS', direction: 'higher', value: 72018.481518 },
      { metric: 'fio.read.bw_bytes', unit: 'B/s', direction: 'higher', value: 295116595 },
    ]);
  });

  it.each([
    ['seed-randwrite.json', 'write', 119276.361819, 477231, 488684937, 977858560, 2001, 93.737895],
    ['seed-seqread.json', 'read', 469.7609, 2045119, 2094202419, 4466933760, 2133, 96.742986],
    ['seed-seqwrite.json', 'write', 743.185079, 3167494, 3243514857, 6782189568, 2091, 89.152341],
  ] as const)('reads %s', (file, dir, iops, bw, bwBytes, ioBytes, runtime, util) => {
    const r = parseFioOutput(fixture(file));
    const s = r.jobs[0]![dir];
    expect(s).toMatchObject({ iops, bwKib: bw, bwBytes, ioBytes, runtimeMs: runtime });
    expect(r.diskUtil[0]!.utilPct).toBe(util);
    expect(byMetric(fioMeasurements(r))).toEqual({ [`fio.${dir}.iops`]: iops, [`fio.${dir}.bw_bytes`]: bwBytes });
  });

  it('reads a mixed randrw json+ report: both directions, latencies, percentiles and bins', () => {
    const r = parseFioOutput(fixture('randrw-jsonplus.json'));
    const { read, write } = r.jobs[0]!;
    expect(read).toMatchObject({
      iops: 43359.32034,
      bwKib: 173437,
      bwBytes: 177599776,
      ioBytes: 355377152,
      totalIos: 86762,
    });
    expect(write).toMatchObject({
      iops: 18526.236882,
      bwKib: 74104,
      bwBytes: 75883466,
      ioBytes: 151842816,
      totalIos: 37071,
    });
    expect(read.clat).toMatchObject({ meanNs: 238127.44667, count: 86762 });
    expect(read.clat!.percentilesNs['99.000000']).toBe(444416);
    expect(Object.keys(read.clat!.percentilesNs)).toHaveLength(17);
    expect(read.lat).toMatchObject({
      minNs: 72866,
      maxNs: 3112786,
      meanNs: 244592.321627,
      stddevNs: 69210.70763,
      count: 86762,
    });
    expect(read.slat).toMatchObject({ minNs: 3927, maxNs: 321901, meanNs: 6464.874957, stddevNs: 7395.514849 });
    expect(write.clat!.percentilesNs['99.000000']).toBe(569344);
    expect(Object.keys(read.clat!.bins!)).toHaveLength(249);
    expect(read.clat!.bins!['51456']).toBe(1);
    expect(Object.keys(write.clat!.bins!)).toHaveLength(229);
    expect(write.clat!.bins!['77312']).toBe(2);
    // Every read I/O falls in exactly one bin.
    expect(Object.values(read.clat!.bins!).reduce((a, b) => a + b, 0)).toBe(86762);
    expect(r.diskUtil[0]!.utilPct).toBe(79.501816);

    const m = byMetric(fioMeasurements(r));
    expect(m['fio.read.iops']).toBe(43359.32034);
    expect(m['fio.write.bw_bytes']).toBe(75883466);
    expect(m['fio.read.clat_p99_us']).toBe(444.416);
    expect(m['fio.write.clat_p99_us']).toBe(569.344);
    expect(m['fio.read.lat_mean_us']).toBeCloseTo(244.592321627, 9);
    expect(m['fio.read.slat_mean_us']).toBeCloseTo(6.464874957, 9);
    expect(Object.keys(m)).toEqual(
      expect.arrayContaining([
        'fio.read.clat_p50_us',
        'fio.read.clat_p99_9_us',
        'fio.read.clat_p99_99_us',
        'fio.write.clat_mean_us',
      ]),
    );
    expect(fioMeasurements(r).find((v) => v.metric === 'fio.read.clat_p99_us')).toMatchObject({
      unit: 'us',
      direction: 'lower',
    });
  });

  it('reads a group_reporting run of two jobs as one job', () => {
    const r = parseFioOutput(fixture('two-jobs-grouped.json'));
    expect(r.jobs).toHaveLength(1);
    expect(r.globalOptions).toMatchObject({ ioengine: 'libaio', iodepth: '8', rw: 'randread' });
    expect(r.jobs[0]!.read).toMatchObject({ iops: 60637.181409, bwKib: 242548, bwBytes: 248369895, totalIos: 121335 });
    expect(r.jobs[0]!.read.clat!.percentilesNs['99.000000']).toBe(473088);
    expect(r.jobs[0]!.read.lat!.meanNs).toBe(263147.967413);
    expect(byMetric(fioMeasurements(r))['fio.read.clat_p99_us']).toBe(473.088);
  });

  it('reads two jobs reported one by one, with summed totals and per-job metrics', () => {
    const r = parseFioOutput(fixture('two-jobs-per-job.json'));
    expect(r.jobs.map((j) => j.name)).toEqual(['job1', 'job2']);
    expect(r.jobs[0]!.read).toMatchObject({ iops: 26881.55922, bwBytes: 110106866, totalIos: 53790 });
    expect(r.jobs[1]!.read).toMatchObject({ iops: 26846.076962, bwBytes: 109961531, totalIos: 53719 });
    const m = byMetric(fioMeasurements(r));
    expect(m['fio.read.iops']).toBeCloseTo(26881.55922 + 26846.076962, 6);
    expect(m['fio.read.bw_bytes']).toBe(110106866 + 109961531);
    expect(m['fio.read.clat_mean_us']).toBeCloseTo(
      (288241.377412 * 53790 + 288466.115992 * 53719) / (53790 + 53719) / 1000,
      9,
    );
    expect(m['fio.read.clat_p99_us']).toBeUndefined();
    expect(m['fio.jobs.job1.read.clat_p99_us']).toBe(528.384);
    expect(m['fio.jobs.job2.read.clat_p99_us']).toBe(544.768);
    expect(byMetric(fioMeasurements(r, { perJob: false }))['fio.jobs.job1.read.iops']).toBeUndefined();
  });

  it('skips the "note:" line fio printed before the JSON', () => {
    const text = fixture('junk-before.txt');
    expect(text.startsWith('note: both iodepth >= 1 and synchronous I/O engine')).toBe(true);
    const r = parseFioOutput(text);
    expect(r.jobs[0]!.read).toMatchObject({ iops: 11735.132434, bwBytes: 48067102, totalIos: 23482 });
    expect(r.jobs[0]!.read.clat!.percentilesNs['99.000000']).toBe(140288);
  });

  it('tolerates junk after the JSON and fio lines interleaved inside it', () => {
    const clean = fixture('randrw-jsonplus.json');
    const lines = clean.split('\n');
    lines.splice(20, 0, 'fio: io_u error on file mixed: Input/output error: read offset=0, buflen=4096');
    const text = `fio: {weird} warning\n${lines.join('\n')}\nfio: pid=1234, err=5/file:io_u.c:1889\n{not json}\n`;
    expect(parseFioOutput(text).jobs[0]!.read.iops).toBe(43359.32034);
  });

  it('returns the final report of a --status-interval run and every interval on request', () => {
    const text = fixture('status-interval.txt');
    const all = parseFioOutputAll(text);
    expect(all.map((r) => r.jobs[0]!.read.totalIos)).toEqual([38632, 86243, 129989, 135627]);
    expect(parseFioOutput(text).jobs[0]!.read.iops).toBe(45193.935355);
  });

  it('tolerates a missing disk_util (fio issue #1627)', () => {
    const doc = JSON.parse(fixture('seed-randread.json'));
    delete doc.disk_util;
    expect(parseFioDocument(doc).diskUtil).toEqual([]);
  });

  it('converts fio 2 microsecond latency fields to ns', () => {
    const doc = {
      'fio version': 'fio-2.2.10',
      jobs: [
        {
          jobname: 'old',
          read: {
            bw: 4,
            iops: 1,
            total_ios: 1,
            io_bytes: 4096,
            clat: { mean: 2.5, N: 1, percentile: { '99.000000': 3 } },
          },
        },
      ],
    };
    const r = parseFioDocument(doc);
    expect(r.jobs[0]!.read.clat).toMatchObject({ meanNs: 2500, percentilesNs: { '99.000000': 3000 } });
    expect(r.jobs[0]!.read.bwBytes).toBe(4096);
  });

  it('says where the JSON is wrong', () => {
    const doc = JSON.parse(fixture('seed-randread.json'));
    doc.jobs[0].read.iops = 'fast';
    expect(() => parseFioDocument(doc, 'vm1/fio.json')).toThrow(
      'vm1/fio.json: jobs[0].read.iops: expected a number, got "fast"',
    );
    expect(() => parseFioDocument({ 'fio version': 'x' })).toThrow('jobs: expected an array of jobs');
  });

  it('says when there is no JSON at all', () => {
    expect(() => parseFioOutput('fio: failed to open file test\n', 'guest vm-3')).toThrow(ResultsError);
    expect(() => parseFioOutput('fio: failed to open file test\n', 'guest vm-3')).toThrow(
      /guest vm-3: no fio JSON document found \(it starts with "fio: failed/,
    );
    expect(() => parseFioOutput('')).toThrow(/the output is empty/);
  });
});

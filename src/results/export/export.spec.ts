import { toCsv } from 'src/results/export/csv';
import { measurementsToCsv, measurementsToJson } from 'src/results/export/measurements-export';

describe('toCsv (RFC 4180)', () => {
  it('quotes fields with commas, quotes and line breaks, and ends lines with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', 'plain'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",plain\r\n');
  });

  it('guards text cells against formula injection but leaves numbers alone', () => {
    expect(
      toCsv(
        ['t', 'n'],
        [
          ['=HYPERLINK("http://x")', -5],
          ['+1', 3],
          ['-2+3', 0],
          ['@SUM(A1)', 1.5],
          ['\tx', null],
        ],
      ),
    ).toBe('t,n\r\n"\'=HYPERLINK(""http://x"")",-5\r\n\'+1,3\r\n\'-2+3,0\r\n\'@SUM(A1),1.5\r\n\'\tx,\r\n');
  });

  it('refuses rows that do not match the header', () => {
    expect(() => toCsv(['a', 'b'], [['1']])).toThrow('CSV row 1 has 1 cells, the header has 2');
  });
});

describe('measurement exports', () => {
  const items = [
    {
      caseKey: 'fio[bs=4k,rw=randread]',
      run: 7,
      runId: 'run-1',
      release: '8.3',
      measurement: {
        metric: 'fio.read.iops',
        unit: 'IOPS',
        direction: 'higher' as const,
        samples: [100.5, 99, 101],
        value: 100.5,
        context: { vm: 'v1', host: '=cmd' },
      },
    },
    {
      caseKey: '=evil',
      measurement: {
        metric: 'boot.time_ms',
        unit: 'ms',
        direction: 'lower' as const,
        samples: [Number.NaN],
        value: Number.NaN,
      },
    },
  ];

  it('writes one CSV row per measurement with a header', () => {
    expect(measurementsToCsv(items).split('\r\n')).toEqual([
      'run,run_id,release,case_key,metric,unit,direction,value,n,samples,simulated,context',
      '7,run-1,8.3,"fio[bs=4k,rw=randread]",fio.read.iops,IOPS,higher,100.5,3,100.5 99 101,false,"{""host"":""=cmd"",""vm"":""v1""}"',
      ",,,'=evil,boot.time_ms,ms,lower,,1,NaN,false,",
      '',
    ]);
  });

  it('writes versioned JSON with null for non-finite numbers', () => {
    const doc = JSON.parse(measurementsToJson(items));
    expect(doc).toMatchObject({ format: 'shakedown.measurements', version: 1 });
    expect(doc.measurements[0]).toEqual({
      run: 7,
      runId: 'run-1',
      release: '8.3',
      caseKey: 'fio[bs=4k,rw=randread]',
      metric: 'fio.read.iops',
      unit: 'IOPS',
      direction: 'higher',
      value: 100.5,
      samples: [100.5, 99, 101],
      simulated: false,
      context: { vm: 'v1', host: '=cmd' },
    });
    expect(doc.measurements[1]).toMatchObject({ value: null, samples: [null], run: null, runId: null, context: null });
  });
});

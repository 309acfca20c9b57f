import { parseBundle } from 'src/reports/bundle';
import { ReportsError } from 'src/reports/reports.errors';

const valid = {
  format: 'shakedown.bundle',
  version: 1,
  generatedAt: '2026-11-25T10:00:00.000Z',
  generator: 'shakedown 0.1.0',
  run: {
    number: 3,
    campaign: 'c',
    release: '8.3.0',
    baselineRelease: null,
    lab: null,
    simulated: false,
    status: 'finished',
    startedAt: null,
    finishedAt: null,
  },
  lab: { hosts: [{ name: 'h', version: '8.3.0', build: null, packages: { xen: '4.17.5' } }] },
  cases: [
    {
      caseKey: 'storage.fio[rw=read]',
      scenario: 'storage.fio',
      suite: 'storage',
      params: { rw: 'read' },
      outcome: 'passed',
      measurements: [{ metric: 'fio.read.iops', unit: 'IOPS', direction: 'higher', samples: [1, 2], value: 1.5 }],
    },
  ],
};

describe(parseBundle.name, () => {
  it('accepts a bundle and fills the optional fields with their defaults', () => {
    const b = parseBundle(valid);
    expect(b.cases[0]).toMatchObject({ attempts: [], release: null, errorCode: null });
    expect(b.cases[0]!.measurements[0]!.context).toEqual({});
  });

  it('names the path of the first problem', () => {
    const bad = structuredClone(valid) as any;
    bad.cases[0].measurements[0].direction = 'sideways';
    expect(() => parseBundle(bad)).toThrow(/bundle: cases\.0\.measurements\.0\.direction: /);
    expect(() => parseBundle({ ...valid, cases: [{ ...valid.cases[0], outcome: 'great' }] })).toThrow(ReportsError);
  });

  it('refuses other versions plainly', () => {
    expect(() => parseBundle({ ...valid, version: 2 })).toThrow('bundle version 2 is not supported (this Shakedown reads version 1)');
  });
});

import { resultBundleSchema } from 'src/reports/bundle';

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

describe('resultBundleSchema', () => {
  it('accepts a bundle and fills the optional fields with their defaults', () => {
    const b = resultBundleSchema.parse(valid);
    expect(b.cases[0]).toMatchObject({ attempts: [], release: null, errorCode: null });
    expect(b.cases[0]!.measurements[0]!.context).toEqual({});
  });

  it('names the path of a problem', () => {
    const bad = structuredClone(valid) as any;
    bad.cases[0].measurements[0].direction = 'sideways';
    const result = resultBundleSchema.safeParse(bad);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['cases', 0, 'measurements', 0, 'direction']]);
  });

  it('refuses other versions', () => {
    expect(resultBundleSchema.safeParse({ ...valid, version: 2 }).success).toBe(false);
  });
});

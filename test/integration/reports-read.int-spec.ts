import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ResultsFactory } from 'test/utils/results-factory';

describe(ResultsReadRepository.name, () => {
  let db: TestDatabase;
  let f: ResultsFactory;
  let sut: ResultsReadRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    f = new ResultsFactory(db.dataSource);
    sut = new ResultsReadRepository(db.dataSource);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('should count cases by outcome, and by status while they have none', async () => {
    const run = await f.run({ status: 'running' });
    await f.case(run, { params: { n: 1 }, outcome: 'passed' });
    await f.case(run, { params: { n: 2 }, outcome: 'xfailed' });
    await f.case(run, { params: { n: 3 }, outcome: 'failed' });
    await f.case(run, { params: { n: 4 }, outcome: null, status: 'queued' });
    const found = await sut.findRun(run.number);
    expect(found!.counts).toMatchObject({ total: 4, done: 3, failures: 1, byStatus: { queued: 1 } });
    expect(found!.counts.passRate).toBeCloseTo(2 / 3, 10);
    expect(await sut.findRun(123456)).toBeNull();
  });

  it("should pick as baseline the newest earlier finished run of the campaign, preferring the run's baseline release", async () => {
    const a = await f.run({ campaignName: 'pick', release: '8.2.1' });
    await f.run({ campaignName: 'pick', release: '8.3.0-rc1' });
    await f.run({ campaignName: 'pick', release: '8.2.1', status: 'cancelled' });
    const cand = await f.run({ campaignName: 'pick', release: '8.3.0', baselineRelease: '8.2.1' });
    const baseline = await sut.findBaselineRun((await sut.findRun(cand.number))!);
    expect(baseline?.number).toBe(a.number);
  });

  it('should find for each case key the last run where it passed, with its measurements', async () => {
    const r1 = await f.run({ campaignName: 'lg' });
    const r2 = await f.run({ campaignName: 'lg' });
    const r3 = await f.run({ campaignName: 'lg' });
    const c1 = await f.case(r1, { scenario: 'fio', params: { rw: 'read' } });
    await f.measurement(c1, { samples: [1, 2, 3] });
    const c2 = await f.case(r2, { scenario: 'fio', params: { rw: 'read' }, outcome: 'failed' });
    await f.measurement(c2, { samples: [9, 9, 9] });
    const c3 = await f.case(r3, { scenario: 'fio', params: { rw: 'read' } });
    await f.measurement(c3, { samples: [4, 5, 6] });
    const last = await sut.lastGoodMeasurements([c3.caseKey], r3.number);
    expect(last.map((m) => [m.runNumber, m.samples])).toEqual([[r1.number, [1, 2, 3]]]);
  });

  it('should count cases that newly fail compared with the previous finished run of the campaign', async () => {
    const p = await f.run({ campaignName: 'nf' });
    const n = await f.run({ campaignName: 'nf' });
    for (const [i, before, after] of [
      [1, 'passed', 'failed'],
      [2, 'failed', 'failed'],
      [3, 'passed', 'passed'],
      [4, 'xfailed', 'infra-error'],
    ] as const) {
      await f.case(p, { params: { i }, outcome: before });
      await f.case(n, { params: { i }, outcome: after });
    }
    expect((await sut.newFailureCounts([n.id, p.id])).get(n.id)).toBe(2);
  });

  it('should replace a known-issue link for the same signature', async () => {
    await sut.upsertKnownIssue({ signature: 'S:1', url: 'https://a/1', note: null, createdBy: 'x' });
    const second = await sut.upsertKnownIssue({ signature: 'S:1', url: 'https://a/2', note: 'n', createdBy: 'y' });
    expect(second).toMatchObject({ url: 'https://a/2', note: 'n', createdBy: 'y' });
    expect([...(await sut.knownIssues(['S:1', 'S:2'])).keys()]).toEqual(['S:1']);
  });

  it('should read a lab snapshot tolerantly', async () => {
    const run = await f.run({ hosts: [{ name: 'h', version: '8.3.0', packages: { xen: '4.17.5' } }] });
    await db.dataSource.query(
      `UPDATE runs SET lab_snapshot = '{"hosts":[{"name":"h","packages":{"xen":"4.17.5"}},"junk"]}' WHERE id = $1`,
      [run.id],
    );
    expect(await sut.labSnapshot(run.id)).toEqual({
      hosts: [{ name: 'h', version: null, build: null, packages: { xen: '4.17.5' } }],
    });
  });
});

import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { asReader } from 'src/results/run-visibility';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { CaseFixture, ResultsFactory, RunFixture } from 'test/utils/results-factory';

/**
 * Runs of community submissions count in public reads only once accepted: a lab baseline that
 * fails a case, a pending submission where it passes, then a lab candidate where it fails again.
 */
describe('ResultsReadRepository: runs of unaccepted submissions', () => {
  let db: TestDatabase;
  let f: ResultsFactory;
  let sut: ResultsReadRepository;
  let labBefore: RunFixture;
  let pending: RunFixture;
  let labAfter: RunFixture;
  let pendingCase: CaseFixture;

  async function asSubmission(run: RunFixture, status: string): Promise<void> {
    await db.dataSource.query(`UPDATE runs SET origin = 'submission' WHERE id = $1`, [run.id]);
    await db.dataSource.query(
      `INSERT INTO submissions (submitter, kind, release, sha256, size_bytes, status, hardware_class, run_id)
       VALUES ('Dana', 'fio', '8.3.0', md5($1::text), 10, $2, 'x / y / z', $1::uuid)`,
      [run.id, status],
    );
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    f = new ResultsFactory(db.dataSource);
    sut = new ResultsReadRepository(db.dataSource);
    const params = { workload: 'randread' };
    labBefore = await f.run({ campaignName: 'vis', release: '8.3.0' });
    const before = await f.case(labBefore, { scenario: 'perf.fio', params, outcome: 'failed' });
    await f.measurement(before, { samples: [10, 11, 12] });
    pending = await f.run({ campaignName: 'vis', release: '8.3.0' });
    pendingCase = await f.case(pending, { scenario: 'perf.fio', params, outcome: 'passed' });
    await f.measurement(pendingCase, { samples: [100, 101, 102] });
    await f.artifact(pendingCase, { name: 'out.log', sha256: 'a'.repeat(64), sizeBytes: 3 });
    await asSubmission(pending, 'pending');
    labAfter = await f.run({ campaignName: 'vis', release: '8.3.0' });
    await f.case(labAfter, { scenario: 'perf.fio', params, outcome: 'failed' });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('should leave them out of public reads, by default and as an anonymous reader', async () => {
    for (const read of [() => sut.listRuns(), () => asReader('accepted', () => sut.listRuns())]) {
      expect((await read()).map((r) => r.number)).toEqual([labAfter.number, labBefore.number]);
    }
    expect(await sut.findRun(pending.number)).toBeNull();
    const after = (await sut.findRun(labAfter.number))!;
    expect((await sut.findBaselineRun(after))?.number).toBe(labBefore.number);
    expect((await sut.caseHistory(pendingCase.caseHash)).map((e) => e.runNumber)).toEqual([
      labBefore.number,
      labAfter.number,
    ]);
    // The case failed in the lab before too: nothing new, and no "last good" run to compare with.
    expect((await sut.newFailureCounts([after.id])).get(after.id) ?? 0).toBe(0);
    expect(await sut.lastGoodMeasurements([pendingCase.caseKey], labAfter.number)).toEqual([]);
    expect(await sut.findArtifact('a'.repeat(64))).toBeNull();
  });

  it('should show them to admins (asReader all, or a repository built for it), with their moderation state', async () => {
    const everything = new ResultsReadRepository(db.dataSource, 'all');
    for (const read of [
      () => asReader('all', () => sut.findRun(pending.number)),
      () => everything.findRun(pending.number),
    ]) {
      expect(await read()).toMatchObject({ origin: 'submission', submissionStatus: 'pending' });
    }
    const after = (await everything.findRun(labAfter.number))!;
    expect(after.submissionStatus).toBeNull();
    await asReader('all', async () => {
      expect((await sut.findBaselineRun(after))?.number).toBe(pending.number);
      expect((await sut.newFailureCounts([after.id])).get(after.id)).toBe(1);
      const lastGood = await sut.lastGoodMeasurements([pendingCase.caseKey], labAfter.number);
      expect(lastGood.map((m) => m.runNumber)).toEqual([pending.number]);
      expect(await sut.findArtifact('a'.repeat(64))).not.toBeNull();
    });
  });

  it('should count a submission once accepted, and drop it again when rejected', async () => {
    await db.dataSource.query(`UPDATE submissions SET status = 'accepted' WHERE run_id = $1`, [pending.id]);
    expect(await sut.findRun(pending.number)).toMatchObject({ submissionStatus: 'accepted' });
    await db.dataSource.query(`UPDATE submissions SET status = 'rejected' WHERE run_id = $1`, [pending.id]);
    expect(await sut.findRun(pending.number)).toBeNull();
    expect(await asReader('all', () => sut.findRun(pending.number))).toMatchObject({ submissionStatus: 'rejected' });
  });
});

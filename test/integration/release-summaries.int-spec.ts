import { RunRepository } from 'src/execution/run.repository';
import { SubmissionRepository } from 'src/community/submission.repository';
import { ReleaseReadRepository } from 'src/community/release-read.repository';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { CaseFixture, ResultsFactory, RunFixture } from 'test/utils/results-factory';

const RELEASE = '8.3.0';
const BASELINE = '8.2.1';

// The reference: what the release page aggregated from every case on each view before it had stored
// summaries. The summaries must always say exactly this.
const RELEASE_RUNS = `(r.release = $1 OR r.baseline_release = $1)
  AND (r.origin = 'lab' OR EXISTS (SELECT 1 FROM submissions s WHERE s.run_id = r.id AND s.status = 'accepted'))`;
const CASE_OF_RELEASE = `COALESCE(c.release, r.release) = $1`;

interface Latest {
  simulated: boolean;
  caseKey: string;
  outcome: string;
  runNumber: number;
}

const inOrder = (rows: Latest[]): Latest[] =>
  [...rows].sort((a, b) => Number(a.simulated) - Number(b.simulated) || (a.caseKey < b.caseKey ? -1 : 1));

async function aggregateLatest(db: TestDatabase, release: string): Promise<Latest[]> {
  return db.dataSource.query(
    `SELECT DISTINCT ON (r.simulated, c.case_key) r.simulated, c.case_key AS "caseKey", c.outcome, r.number AS "runNumber"
       FROM runs r JOIN cases c ON c.run_id = r.id
      WHERE ${RELEASE_RUNS} AND ${CASE_OF_RELEASE} AND c.outcome IS NOT NULL AND c.outcome NOT IN ('skipped', 'cancelled')
      ORDER BY r.simulated, c.case_key, (c.outcome <> 'manual-pending') DESC, r.number DESC`,
    [release],
  );
}

async function aggregateCounts(db: TestDatabase, release: string): Promise<unknown[]> {
  return db.dataSource.query(
    `SELECT r.number AS "runNumber",
            count(*) FILTER (WHERE c.outcome IN ('passed', 'xfailed'))::int AS passed,
            count(*) FILTER (WHERE c.outcome IN ('failed', 'xpassed'))::int AS failed,
            count(*) FILTER (WHERE c.outcome = 'infra-error')::int AS errored,
            count(*)::int AS total
       FROM runs r JOIN cases c ON c.run_id = r.id
      WHERE ${RELEASE_RUNS} AND ${CASE_OF_RELEASE}
      GROUP BY r.number ORDER BY r.number`,
    [release],
  );
}

describe('release summaries (stored per run and per case, kept by a change log)', () => {
  let db: TestDatabase;
  let summaries: ReleaseReadRepository;
  let runs: RunRepository;
  let make: ResultsFactory;

  beforeAll(async () => {
    db = await createTestDatabase();
    summaries = new ReleaseReadRepository(db.dataSource);
    runs = new RunRepository(db.dataSource);
    make = new ResultsFactory(db.dataSource);
  });
  afterAll(async () => db?.close());

  /** The stored summaries, after catching up, against the aggregate over every case. */
  async function expectExact(): Promise<void> {
    await summaries.catchUp();
    for (const release of [RELEASE, BASELINE]) {
      const latest = (await summaries.latestResults(release)).map(({ simulated, caseKey, outcome, runNumber }) => ({
        simulated,
        caseKey,
        outcome,
        runNumber,
      }));
      expect(inOrder(latest)).toEqual(inOrder(await aggregateLatest(db, release)));
      const counts = (await summaries.buildRuns(release)).map(({ runNumber, passed, failed, errored, total }) => ({
        runNumber,
        passed,
        failed,
        errored,
        total,
      }));
      expect(counts).toEqual(await aggregateCounts(db, release));
    }
    // Runs that tested update candidates count all their cases, whichever release each belongs to.
    const candidates = (await summaries.candidateRuns(RELEASE)).map(
      ({ runNumber, passed, failed, errored, total }) => ({
        runNumber,
        passed,
        failed,
        errored,
        total,
      }),
    );
    expect(candidates).toEqual(
      await db.dataSource.query(
        `SELECT r.number AS "runNumber",
                count(*) FILTER (WHERE c.outcome IN ('passed', 'xfailed'))::int AS passed,
                count(*) FILTER (WHERE c.outcome IN ('failed', 'xpassed'))::int AS failed,
                count(*) FILTER (WHERE c.outcome = 'infra-error')::int AS errored, count(c.id)::int AS total
           FROM runs r LEFT JOIN cases c ON c.run_id = r.id
          WHERE r.release = $1 AND r.origin = 'lab' AND jsonb_typeof(r.options->'updates') = 'object'
          GROUP BY r.id ORDER BY r.number`,
        [RELEASE],
      ),
    );
  }

  const cases = async (run: RunFixture, outcome: string | null, n = 4): Promise<CaseFixture[]> => {
    const out: CaseFixture[] = [];
    for (let i = 0; i < n; i++) out.push(await make.case(run, { params: { i }, outcome }));
    return out;
  };

  it('equals the aggregate after cases finish, are retried, cancelled, checked by hand and moderated', async () => {
    // Two finished real runs, a simulated one, and a two-release run carrying the baseline's half.
    const first = await make.run();
    await cases(first, 'passed');
    const second = await make.run({ options: { updates: { from: 'testing' } } });
    const [a] = await cases(second, 'failed');
    await make.case(second, { params: { i: 0, half: 'baseline' }, release: BASELINE, outcome: 'passed' });
    const sim = await make.run({ simulated: true });
    await cases(sim, 'xfailed');
    await expectExact();
    // Nothing left to do: a second catch-up recomputes nothing.
    expect(await summaries.catchUp()).toEqual({ runs: 0, keys: 0 });

    // A new run: its cases are queued (no result yet), then finish one by one, one after a retry.
    const third = await make.run({ status: 'running', options: { updates: { from: 'candidates' } } });
    const queued = await cases(third, null);
    await expectExact();
    await runs.finishCase(queued[0]!.id, { outcome: 'failed', errorCode: 'VM_BAD_POWER_STATE', signature: 'sig-1' });
    const retried = await runs.requeueCase(queued[1]!.id, 'attempt 1 hit HOST_OFFLINE; retrying');
    expect(retried).not.toBeNull();
    await expectExact();
    await runs.finishCase(queued[1]!.id, { outcome: 'infra-error', errorCode: 'HOST_OFFLINE' });
    await expectExact();

    // Cancelled: one case before it started, then the rest of the run; cancelled says nothing, the
    // previous run's result stands.
    expect(await runs.cancelQueuedCase(queued[2]!.id)).toBe(true);
    await runs.requestCancel(third.id);
    await expectExact();

    // A manual check pending in a later run does not hide a recorded one; recording it does count.
    const manual = await make.case(first, { scenario: 'manual.check', outcome: 'passed' });
    await db.dataSource.query(`UPDATE cases SET manual = true WHERE id = $1`, [manual.id]);
    const fourth = await make.run();
    const pending = await make.case(fourth, { scenario: 'manual.check', outcome: 'manual-pending' });
    await db.dataSource.query(`UPDATE cases SET manual = true WHERE id = $1`, [pending.id]);
    await expectExact();
    await runs.recordManual(pending.id, { outcome: 'failed', notes: 'no video', by: 'tester', evidence: [] });
    await expectExact();

    // A community run counts once accepted and stops counting when rejected.
    const community = await make.run();
    await db.dataSource.query(`UPDATE runs SET origin = 'submission' WHERE id = $1`, [community.id]);
    await cases(community, 'passed', 2);
    const [submission] = await db.dataSource.query(
      `INSERT INTO submissions (submitter, kind, release, sha256, size_bytes, hardware_class, run_id)
       VALUES ('tester', 'junit', $1, 'abc', 10, 'class-a', $2) RETURNING id`,
      [RELEASE, community.id],
    );
    await expectExact();
    const moderation = new SubmissionRepository(db.dataSource);
    await moderation.moderate(submission.id, 'accepted', null);
    await expectExact();
    await moderation.moderate(submission.id, 'rejected', 'wrong hardware');
    await expectExact();

    // A changed result in an older run, and a run deleted with its cases.
    await runs.finishCase(a!.id, { outcome: 'passed' });
    await db.dataSource.query(`DELETE FROM runs WHERE id = $1`, [fourth.id]);
    await expectExact();
    expect((await summaries.latestResults(RELEASE)).length).toBeGreaterThan(0);
  });
});

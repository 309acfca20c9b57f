import { RunRepository } from 'src/execution/run.repository';
import { WorkerLiveness } from 'src/execution/worker-liveness';
import { WorkerRepository } from 'src/execution/worker.repository';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ResultsFactory } from 'test/utils/results-factory';

/** The sentence the run page and the CLI show when a run's cases wait and no worker is alive. */
describe('no live worker notice', () => {
  let db: TestDatabase;
  let liveness: WorkerLiveness;
  let f: ResultsFactory;

  beforeAll(async () => {
    db = await createTestDatabase();
    liveness = new WorkerLiveness(new RunRepository(db.dataSource), new WorkerRepository(db.dataSource));
    f = new ResultsFactory(db.dataSource);
  });
  afterAll(() => db?.close());
  beforeEach(() => db.dataSource.query(`DELETE FROM workers`));

  async function runWithQueuedCases(): Promise<string> {
    const run = await f.run({ status: 'running' });
    await f.case(run, { params: { n: 1 }, status: 'queued', outcome: null });
    await f.case(run, { params: { n: 2 }, status: 'queued', outcome: null });
    await f.case(run, { params: { n: 3 } });
    return run.id;
  }

  it('names the waiting cases when no worker ever beat', async () => {
    const notice = await liveness.noLiveWorkerNotice(await runWithQueuedCases());
    expect(notice).toEqual({ waitingCases: 2, message: expect.stringMatching(/^2 cases wait and no worker is alive/) });
    expect(notice!.message).toContain('shakedown worker');
  });

  it('counts a worker whose heartbeat is stale or that stopped as dead', async () => {
    const runId = await runWithQueuedCases();
    await db.dataSource.query(
      `INSERT INTO workers (name, hostname, pid, concurrency, heartbeat_at, stopped_at) VALUES
         ('old', 'h', 1, 1, now() - interval '5 minutes', NULL), ('gone', 'h', 2, 1, now(), now())`,
    );
    await expect(liveness.noLiveWorkerNotice(runId)).resolves.toMatchObject({ waitingCases: 2 });
  });

  it('says nothing while a worker is alive, or when the run is over', async () => {
    const runId = await runWithQueuedCases();
    await db.dataSource.query(`INSERT INTO workers (name, hostname, pid, concurrency) VALUES ('w', 'h', 1, 1)`);
    await expect(liveness.noLiveWorkerNotice(runId)).resolves.toBeNull();
    await db.dataSource.query(`DELETE FROM workers`);
    const done = await f.run({ status: 'finished' });
    await f.case(done, { params: { n: 1 } });
    await expect(liveness.noLiveWorkerNotice(done.id)).resolves.toBeNull();
  });

  it('tells which holders of waiting cases are alive: not one never seen, stale or stopped', async () => {
    await db.dataSource.query(
      `INSERT INTO workers (name, hostname, pid, concurrency, heartbeat_at, stopped_at) VALUES
         ('live', 'h', 1, 1, now(), NULL), ('old', 'h', 2, 1, now() - interval '5 minutes', NULL),
         ('gone', 'h', 3, 1, now(), now())`,
    );
    const workers = new WorkerRepository(db.dataSource);
    await expect(workers.liveAmong(['live', 'old', 'gone', 'never'], 30_000)).resolves.toEqual(new Set(['live']));
    await expect(workers.liveAmong([], 30_000)).resolves.toEqual(new Set());
  });
});

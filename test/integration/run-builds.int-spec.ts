import { ReleaseReadRepository } from 'src/community/release-read.repository';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ResultsFactory } from 'test/utils/results-factory';

const pkgs = (xapi: string, xen: string, kernel: string): Record<string, string> => ({
  'xapi-core': xapi,
  'xen-hypervisor': xen,
  kernel,
  'unrelated-package': '1.0',
});

/** The release page's trend reads each run's build from `runs.build`, kept with the snapshot by PostgreSQL. */
describe('run builds (xapi, Xen and kernel of a run, from its lab snapshot)', () => {
  let db: TestDatabase;
  let make: ResultsFactory;
  let summaries: ReleaseReadRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    make = new ResultsFactory(db.dataSource);
    summaries = new ReleaseReadRepository(db.dataSource);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('takes a host on the release, else the first host; follows a snapshot written later; none without hosts', async () => {
    // A two-release run: the baseline half reads the 8.2.1 host, the release half the 8.3.0 one.
    const mixed = await make.run({
      hosts: [
        { name: 'old', version: '8.2.1', packages: pkgs('1.249.0', '4.13.5', '4.19.19-7.0.23') },
        { name: 'new', version: '8.3.0', packages: pkgs('24.19.1', '4.17.4', '4.19.19-8.0.37') },
      ],
    });
    await make.case(mixed, { params: { k: 'a' }, outcome: 'passed' });
    await make.case(mixed, { params: { k: 'b' }, outcome: 'passed', release: '8.2.1' });
    // No host says its release: the first host that says a version.
    const other = await make.run({
      hosts: [
        { name: 'unknown', packages: pkgs('0.0.0', '0.0', '0') },
        { name: 'nine', version: '9.0.0', packages: pkgs('25.0.0', '4.19.0', '6.6.0') },
      ],
    });
    await make.case(other, { params: { k: 'a' }, outcome: 'failed' });
    const bare = await make.run({ hosts: [] });
    await make.case(bare, { params: { k: 'a' }, outcome: 'passed' });
    // The engine writes the snapshot after the run row: the build follows it.
    const late = await make.run({ hosts: [] });
    await make.case(late, { params: { k: 'a' }, outcome: 'passed' });
    await db.dataSource.query(`UPDATE runs SET lab_snapshot = $2 WHERE id = $1`, [
      late.id,
      JSON.stringify({
        hosts: [{ name: 'h', version: '8.3.0', packages: pkgs('24.20.0', '4.17.5', '4.19.19-8.0.38') }],
      }),
    ]);
    await summaries.catchUp();

    const builds = (release: string) =>
      summaries
        .buildRuns(release)
        .then((rows) => rows.map(({ runNumber, xapi, xen, kernel }) => ({ runNumber, xapi, xen, kernel })));
    expect(await builds('8.3.0')).toEqual([
      { runNumber: mixed.number, xapi: '24.19.1', xen: '4.17.4', kernel: '4.19.19-8.0.37' },
      { runNumber: other.number, xapi: '25.0.0', xen: '4.19.0', kernel: '6.6.0' },
      { runNumber: bare.number, xapi: null, xen: null, kernel: null },
      { runNumber: late.number, xapi: '24.20.0', xen: '4.17.5', kernel: '4.19.19-8.0.38' },
    ]);
    expect(await builds('8.2.1')).toEqual([
      { runNumber: mixed.number, xapi: '1.249.0', xen: '4.13.5', kernel: '4.19.19-7.0.23' },
    ]);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestExecution } from 'test/utils/execution';
import { RunUpdatesRecord } from 'src/execution/update-preparation';
import { SimulatedLab } from 'src/simulator/lab/simulated-lab';
import { RepoWatcher, WatchSettings } from 'src/watch/repo-watcher';
import { WatchErrorCode } from 'src/watch/watch.errors';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { runCli } from 'test/utils/cli';
import { openSimEngine } from 'test/utils/sim-engine';
import { waitUntil } from 'test/utils/wait';

/** The repository watcher against the simulated lab's xcp-ng-testing, served over HTTP. */
describe('repository watcher', () => {
  let dir: string;
  let lab: SimulatedLab;
  let db: TestDatabase;
  let engine: TestExecution;
  let settings: WatchSettings;
  let clock = new Date('2026-01-01T00:00:00Z');
  const at = (seconds: number) => (clock = new Date(Date.parse('2026-01-01T00:00:00Z') + seconds * 1000));
  const watcher = (over: Partial<WatchSettings> = {}) =>
    new RepoWatcher(db.dataSource, engine.runs, { ...settings, ...over }, () => clock);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-watch-'));
    db = await createTestDatabase();
    ({ lab, engine } = await openSimEngine(dir, db, { controlApi: true }));
    await engine.startWorker({ concurrency: 2, updates: { pollMs: 50, healthTimeoutMs: 60_000 } });
    writeFileSync(
      join(dir, 'candidates.yaml'),
      `name: watched-candidates
release: 8.3.0
baseline: 8.2.1
updates: { enablerepo: xcp-ng-testing, reboot: never }
suites:
  - { id: install, scenario: basic.install-check, title: install, covers: verify installation }
`,
    );
    settings = {
      campaign: join(dir, 'candidates.yaml'),
      lab: 'sim-default',
      repository: `${lab.inventory.control_url}/repos/xcp-ng-testing/8.3.0/`,
      enablerepo: 'xcp-ng-testing',
      match: ['xapi-*'],
      cooldownMs: 60_000,
    };
  });

  afterAll(async () => {
    await engine?.close();
    await lab?.stop();
    await db?.close();
  });

  it('should learn the repository first, then start the campaign once per new set after its cool-down', async () => {
    at(0);
    expect(await watcher().poll()).toEqual({ kind: 'baseline', known: 2 });
    expect(await watcher().poll()).toEqual({ kind: 'nothing-new' });

    lab.packages.publish({ name: 'xapi-core', version: '24.19.2-1.12.xcpng8.3' });
    lab.packages.publish({ name: 'sm', version: '3.2.3-1.12.xcpng8.3' }); // outside the filter
    expect(await watcher().poll()).toEqual({
      kind: 'cooling',
      packages: [{ name: 'xapi-core', evr: '24.19.2-1.12.xcpng8.3' }],
      startsAfter: new Date('2026-01-01T00:01:00Z'),
    });
    // A second push within the cool-down joins the set and restarts the wait: one run for the burst.
    at(30);
    lab.packages.publish({ name: 'xapi-xe', version: '24.19.2-1.12.xcpng8.3' });
    const burst = [
      { name: 'xapi-core', evr: '24.19.2-1.12.xcpng8.3' },
      { name: 'xapi-xe', evr: '24.19.2-1.12.xcpng8.3' },
    ];
    expect(await watcher().poll()).toEqual({
      kind: 'cooling',
      packages: burst,
      startsAfter: new Date('2026-01-01T00:01:30Z'),
    });
    at(89);
    expect((await watcher().poll()).kind).toBe('cooling');
    at(90);
    const started = await watcher().poll();
    expect(started).toEqual({ kind: 'started', runNumber: expect.any(Number), packages: burst });
    at(200);
    expect(await watcher().poll()).toEqual({ kind: 'nothing-new' });
    const runs = await db.dataSource.query(`SELECT number, options, created_by AS "createdBy" FROM runs`);
    expect(runs).toHaveLength(1);
    expect(runs[0].createdBy).toBe('watch');
    expect(runs[0].options.trigger).toMatchObject({
      kind: 'repository-watch',
      repository: settings.repository,
      packages: burst,
    });
    expect(runs[0].options.updates).toEqual({
      enablerepo: 'xcp-ng-testing',
      packages: ['xapi-core', 'xapi-xe'],
      restartToolstack: 'auto',
      reboot: 'never',
    });

    const row = await waitUntil(
      async () => {
        const [r] = await db.dataSource.query(`SELECT status, updates FROM runs WHERE number = $1`, [
          started.kind === 'started' ? started.runNumber : -1,
        ]);
        return ['finished', 'error'].includes(r.status) ? r : undefined;
      },
      'the watched run to end',
      120_000,
      100,
    );
    expect(row.status).toBe('finished');
    const master = (row.updates as RunUpdatesRecord).hosts.find((h) => h.host === 'sim-830-a');
    expect(master?.changes).toEqual([
      { name: 'xapi-core', from: '24.19.2-1.10.xcpng8.3', to: '24.19.2-1.12.xcpng8.3' },
      { name: 'xapi-xe', from: '24.19.2-1.10.xcpng8.3', to: '24.19.2-1.12.xcpng8.3' },
    ]);
  }, 180_000);

  it('should refuse settings outside the allow-lists and say when the repository cannot be read', async () => {
    expect(() => watcher({ repository: 'file:///etc/' })).toThrow(
      expect.objectContaining({ code: WatchErrorCode.SettingInvalid }),
    );
    expect(() => watcher({ repository: 'http://user:pw@127.0.0.1/' })).toThrow(/without credentials/);
    expect(() => watcher({ enablerepo: '--setopt=x' })).toThrow(/is not a repository id/);
    expect(() => watcher({ match: ['xapi;reboot'] })).toThrow(/package name characters and \* only/);
    await expect(
      watcher({ repository: `${lab.inventory.control_url}/repos/xcp-ng-testing/9.9.9/` }).poll(),
    ).rejects.toMatchObject({ code: WatchErrorCode.RepositoryUnreadable, message: expect.stringMatching(/HTTP 404/) });
  });

  it('should poll once from the command line', async () => {
    const env = { DATABASE_URL: db.url, SHAKEDOWN_DATA_DIR: dir, LOG_LEVEL: 'silent' };
    const args = ['watch', settings.campaign, '--lab', 'sim-default', '--repository', settings.repository];
    const first = await runCli([...args, '--match', 'sm', '--once'], env, 120_000);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/first look: 1 matching package\(s\) known/);
    const bad = await runCli([...args, '--once', '--cooldown', 'soon'], env, 120_000);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--cooldown must be whole seconds/);
  }, 180_000);
});

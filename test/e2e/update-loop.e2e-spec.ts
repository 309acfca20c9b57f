import { once } from 'node:events';
import { createServer, IncomingMessage, Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { TestExecution } from 'test/utils/execution';
import { Notifier } from 'src/notify/notifier';
import { SimulatedLab } from 'src/simulator/lab/simulated-lab';
import { ROOT, runCli } from 'test/utils/cli';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { createResultsTestApp, ResultsTestApp } from 'test/utils/results-factory';
import { openSimEngine } from 'test/utils/sim-engine';

const CANDIDATE = '24.19.2-1.12.xcpng8.3';
const INSTALLED = '24.19.2-1.10.xcpng8.3';

/**
 * The update-candidate loop with no person in it, on the simulated lab: a build is published into
 * xcp-ng-testing (`shakedown lab publish`), `shakedown watch` notices it and starts the campaign with
 * it as the run's updates:, the worker updates the candidate pools and runs the cases (a
 * requires-updated one among them), and a local webhook receiver is told the verdict. The run page,
 * the API and the release page then show what started the run, the package diff and the set's verdict.
 */
describe('update-candidate loop, end to end', () => {
  let dir: string;
  let lab: SimulatedLab;
  let db: TestDatabase;
  let engine: TestExecution;
  let hook: Server;
  let web: ResultsTestApp | undefined;
  const received: Array<{ body: Record<string, any> }> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-update-loop-'));
    db = await createTestDatabase();
    hook = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(204).end();
        hook.emit('delivered');
      });
    });
    hook.listen(0, '127.0.0.1');
    await once(hook, 'listening');
    ({ lab, engine } = await openSimEngine(dir, db, { controlApi: true }));
    const notifier = new Notifier(
      engine.db,
      {
        // As an operator configures it for every run (SHAKEDOWN_NOTIFY_WEBHOOK_URL_ENV): the shipped campaign names no hook.
        global: { when: 'end', targets: [{ kind: 'webhook', urlEnv: 'LOOP_HOOK', format: 'json' }] },
        smtp: null,
        attempts: 3,
        backoffMs: 20,
        publicUrl: 'http://shakedown.test/',
        env: { LOOP_HOOK: `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook` },
      },
      () => undefined,
    );
    await engine.startWorker({
      concurrency: 2,
      updates: { pollMs: 50, healthTimeoutMs: 60_000 },
      onRunEnded: (id) => notifier.runEnded(id),
    });
  }, 120_000);

  afterAll(async () => {
    await web?.app.close();
    await engine?.close();
    await lab?.stop();
    await db?.close();
    hook?.close();
  });

  it('should go from a published build to a notified verdict, once, and show it on the run and release pages', async () => {
    const campaign = join(ROOT, 'campaigns', 'candidates.yaml');
    const env = { DATABASE_URL: db.url, SHAKEDOWN_DATA_DIR: dir, LOG_LEVEL: 'silent' };
    const repository = `${lab.inventory.control_url}/repos/xcp-ng-testing/8.3.0/`;
    const watch = async (): Promise<string> => {
      const r = await runCli(
        ['watch', campaign, '--lab', 'sim-default', '--repository', repository, '--match', 'xapi-*'].concat([
          '--cooldown',
          '0',
          '--once',
        ]),
        env,
        120_000,
      );
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      return r.stdout;
    };

    // The watcher's first look learns what the repository holds; nothing starts.
    expect(await watch()).toMatch(/first look: 2 matching package\(s\) known/);

    // The build system pushes a candidate.
    const delivered = once(hook, 'delivered');
    const published = await runCli(
      ['lab', 'publish', 'xapi-core', CANDIDATE, '--control', lab.inventory.control_url as string],
      env,
    );
    expect(published.stdout).toBe(`published xapi-core-${CANDIDATE} into xcp-ng-testing for 8.3.0 (simulated)\n`);

    const started = (await watch()).match(/started run (\d+) for xapi-core-(\S+)/);
    expect(started?.[2]).toBe(CANDIDATE);
    const runNumber = Number(started![1]);
    // A second poll starts nothing for the same set.
    expect(await watch()).toMatch(/nothing new/);

    // The webhook arriving is the end of the loop: the run has ended and been told.
    await delivered;
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toMatchObject({
      event: 'run.ended',
      verdict: 'passed',
      outcomes: { passed: 3 },
      run: { number: runNumber, campaign: 'candidates', url: `http://shakedown.test/runs/${runNumber}` },
      packages: expect.arrayContaining([{ name: 'xapi-core', from: INSTALLED, to: CANDIDATE }]),
      trigger: { kind: 'repository-watch', packages: [{ name: 'xapi-core', evr: CANDIDATE }] },
    });
    const [run] = await db.dataSource.query(`SELECT id, status, created_by FROM runs WHERE number = $1`, [runNumber]);
    expect(run).toMatchObject({ status: 'finished', created_by: 'watch' });
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM runs`)).toEqual([{ n: 1 }]);
    const cases: Array<{ suite: string; outcome: string; hosts: string[] }> = await db.dataSource.query(
      `SELECT c.suite, c.outcome, a.hosts FROM cases c JOIN attempts a ON a.case_id = c.id
        WHERE c.run_id = $1 ORDER BY c.suite`,
      [run.id],
    );
    expect(cases.map((c) => [c.suite, c.outcome])).toEqual([
      ['install', 'passed'],
      ['logs', 'passed'],
      ['migrate-old-to-new', 'passed'],
    ]);
    // The requires-updated cases ran on updated hosts; old-vs-new took its old side from the un-updated baseline.
    expect(cases[0]!.hosts.every((h) => /^sim-830b?-[ab]$/.test(h))).toBe(true);
    expect(cases[2]!.hosts.some((h) => h.startsWith('sim-821-'))).toBe(true);
    expect(cases[2]!.hosts.some((h) => /^sim-830b?-[ab]$/.test(h))).toBe(true);
    const installed = (host: string) =>
      db.dataSource
        .query(
          `SELECT h->'packages'->>'xapi-core' AS v FROM runs r, jsonb_array_elements(r.lab_snapshot->'hosts') h
            WHERE r.id = $1 AND h->>'name' = $2`,
          [run.id, host],
        )
        .then((rows: Array<{ v: string }>) => rows[0]?.v);
    expect(await installed('sim-830-a')).toBe(CANDIDATE);
    expect(await installed('sim-821-a')).not.toBe(CANDIDATE);

    // What the people see: the run page and API say who started it, with which set, and the diff.
    web = await createResultsTestApp(db.url);
    const http = () => request(web!.app.getHttpServer());
    const page = await http().get(`/runs/${runNumber}`).expect(200);
    expect(page.text).toContain('started by the repository watcher');
    expect(page.text).toContain(`<code>xapi-core-${CANDIDATE}</code>`);
    expect(page.text).toMatch(
      new RegExp(
        `<td>sim-830-a <span class="muted small">master</span></td><td><code>xapi-core</code></td><td>${INSTALLED}</td><td>${CANDIDATE}</td><td class="small">toolstack</td>`,
      ),
    );
    const api = await http().get(`/api/v1/runs/${runNumber}`).expect(200);
    expect(api.body.startedBy).toMatchObject({ kind: 'watch', repository });
    expect(api.body.candidates).toEqual({
      repository: 'xcp-ng-testing',
      packages: [{ name: 'xapi-core', version: CANDIDATE }],
    });
    expect(api.body.updates.status).toBe('applied');
    expect(api.body.updates.hosts.find((h: { host: string }) => h.host === 'sim-830-a')).toMatchObject({
      master: true,
      status: 'updated',
      changes: [{ name: 'xapi-core', from: INSTALLED, to: CANDIDATE }],
    });
    // The release page lists the set with its run; a simulated pass is shown as such, never as ready.
    const release = await http().get('/releases/8.3.0').expect(200);
    expect(release.text).toContain(`<tr data-candidate-verdict="passed-simulated">`);
    expect(release.text).toContain(`<a href="/runs/${runNumber}">#${runNumber}</a>`);
    expect(release.text).toContain(`passed in run #${runNumber} on a simulated lab only`);
  }, 300_000);
});

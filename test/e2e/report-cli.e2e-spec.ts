import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parseBundleText } from 'src/community/bundle-import';
import { runCli } from 'test/utils/cli';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { DemoRuns, ResultsFactory, seedDemoRuns } from 'test/utils/results-factory';

describe('shakedown report build / export / compare', () => {
  let db: TestDatabase;
  let demo: DemoRuns;
  let env: NodeJS.ProcessEnv;
  const out = mkdtempSync(join(tmpdir(), 'shakedown-report-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await seedDemoRuns(new ResultsFactory(db.dataSource));
    env = { DATABASE_URL: db.url, SHAKEDOWN_DATA_DIR: out, LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await db?.close();
  });

  it('should write a self-contained index.html with inlined styles, Chart.js, data and no external reference', async () => {
    const dir = join(out, 'report');
    const res = await runCli(
      ['report', 'build', String(demo.candidate.number), '--compare', String(demo.baseline.number), '--out', dir],
      env,
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(join(dir, 'index.html'));
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    // Nothing loads from anywhere: no src attribute, no stylesheet link, no CSS url().
    expect(html).not.toMatch(/\ssrc=|<link\b|url\(\s*['"]?https?:/i);
    expect(html).toContain('<style>');
    expect(html).toContain('Chart.js v4');
    expect(html).toContain('SIMULATED');
    expect(html).toContain('id="comparison"');
    expect(html).toContain('VM_BAD_POWER_STATE');
    expect(html).not.toContain('<script>window.__pwned');
  });

  it('should export JUnit XML: a testsuite per suite with release, lab and build properties, failures with their page', async () => {
    const res = await runCli(['export', String(demo.candidate.number), '--format', 'junit'], env);
    expect(res.code).toBe(0);
    const xml = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
    }).parse(res.stdout);
    const suites = xml.testsuites.testsuite as any[];
    expect(suites.length).toBeGreaterThan(1);
    const cases = suites.flatMap((s) => s.testcase);
    expect(cases).toHaveLength(9);
    expect(Number(xml.testsuites['@_tests'])).toBe(9);
    const props = Object.fromEntries(suites[0].properties.property.map((p: any) => [p['@_name'], p['@_value']]));
    expect(props).toMatchObject({
      run: String(demo.candidate.number),
      release: '8.3.0',
      baseline: '8.2.1',
      simulated: 'true',
      build: 'b1',
    });
    expect(props.lab).toEqual(expect.any(String));
    const failed = cases.filter((c: any) => c.failure);
    expect(failed.length).toBe(3);
    expect(JSON.stringify(failed)).toContain('The VM must be 1 in state running');
    expect(String(failed[0]['system-out'])).toMatch(
      new RegExp(`^case page: http://[^/]+/runs/${demo.candidate.number}/cases/[0-9a-f]+`),
    );
    // The failing step's log excerpt follows the link, for CI logs that show system-out and nothing else
    // (the two seeded migrations that failed in their step; the third failure recorded no step).
    const excerpts = failed.filter((c: any) =>
      /\n\nstep migrate:\nThe VM must be 1 in state running$/.test(String(c['system-out'])),
    );
    expect(excerpts).toHaveLength(2);
  });

  it('should export the cases as CSV with run number, outcome and case page', async () => {
    const res = await runCli(['export', String(demo.candidate.number), '--format', 'cases'], env);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\r\n');
    expect(lines[0]).toBe(
      'run,campaign,release,simulated,suite,scenario,case_key,case_hash,params,outcome,status,reason,error_code,attempts,duration_ms,url',
    );
    expect(lines).toHaveLength(1 + 9);
    // The same three cases JUnit marks as failures: failed, or expected to fail and passed.
    expect(lines.filter((l) => /,(failed|xpassed),done,/.test(l))).toHaveLength(3);
    expect(lines.slice(1).every((l) => l.startsWith(`${demo.candidate.number},`))).toBe(true);
  });

  it('should export measurements as CSV and JSON, labelled simulated', async () => {
    const csv = await runCli(['export', String(demo.candidate.number), '--format', 'csv'], env);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^run,run_id,release,case_key,metric/);
    expect(lines).toHaveLength(1 + 4);
    // Each row says which run it came from, by the number pages and the CLI use.
    expect(lines.slice(1).every((l) => l.startsWith(`${demo.candidate.number},`))).toBe(true);
    expect(csv.stdout).toContain('fio.read.iops');
    const file = join(out, 'm.json');
    const json = await runCli(['export', String(demo.candidate.number), '--format', 'json', '--out', file], env);
    expect(json.code).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.measurements).toHaveLength(4);
    expect(doc.measurements.every((m: any) => m.simulated === true)).toBe(true);
    expect(doc.measurements.every((m: any) => m.run === demo.candidate.number)).toBe(true);
  });

  it('should export a bundle that its own schema accepts, with cases, attempts, measurements and lab', async () => {
    const res = await runCli(['export', String(demo.candidate.number), '--format', 'bundle'], env);
    expect(res.code).toBe(0);
    const bundle = parseBundleText(res.stdout);
    expect(bundle).toMatchObject({
      format: 'shakedown.bundle',
      version: 1,
      run: { release: '8.3.0', simulated: true },
    });
    expect(bundle.cases).toHaveLength(9);
    expect(bundle.lab.hosts.map((h) => h.packages.xapi)).toEqual(['24.16.0', '24.16.0']);
    const fio = bundle.cases.find((c) => c.caseKey === 'storage.fio[rw=read,sr=local]')!;
    expect(fio.measurements.map((m) => m.metric).sort()).toEqual(['fio.read.clat_p99_us', 'fio.read.iops']);
    expect(fio.measurements[0]!.samples).toHaveLength(8);
    const failing = bundle.cases.find((c) => c.outcome === 'failed')!;
    expect(failing.attempts[0]).toMatchObject({ number: 1, outcome: 'failed', errorCode: 'VM_BAD_POWER_STATE' });
  });

  it('should print a verdict table, new failures and regressions first, or JSON', async () => {
    const res = await runCli(['compare', String(demo.baseline.number), String(demo.candidate.number)], env);
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toContain('[SIMULATED]');
    // The two migrations that passed in the baseline and fail in the candidate lead, then the IOPS drop.
    expect(lines[2]).toMatch(/^regressed\s+migration\.live\[sr=iscsi,vm=linux\]\s+\(outcome\)\s+passed\s+failed/);
    expect(lines[3]).toMatch(/^regressed\s+migration\.live\[sr=iscsi,vm=windows\]\s+\(outcome\)/);
    expect(lines[4]).toMatch(/^regressed\s+storage\.fio\[rw=read,sr=local\]\s+fio\.read\.iops \(IOPS\)/);
    expect(res.stdout).toMatch(/4 comparisons, 2 outcome changes: 3 regressed, 3 unchanged/);
    const json = await runCli(['compare', String(demo.baseline.number), String(demo.candidate.number), '--json'], env);
    expect(JSON.parse(json.stdout).verdictCounts).toMatchObject({ regressed: 3 });
  });

  it('CI gate: compare --fail-on regressed exits 1 on a passed → failed change, 0 where nothing regressed', async () => {
    const gate = await runCli(
      ['compare', String(demo.baseline.number), String(demo.candidate.number), '--fail-on', 'regressed'],
      env,
    );
    expect(gate.code).toBe(1);
    expect(gate.stderr.trim()).toBe('shakedown: --fail-on regressed: 3 regressed');
    // The other way round the failures are fixed and the IOPS rise: nothing regressed, the gate passes.
    const clean = await runCli(
      ['compare', String(demo.candidate.number), String(demo.baseline.number), '--fail-on', 'regressed'],
      env,
    );
    expect(clean.stdout).toMatch(/2 outcome changes: 3 improved, 3 unchanged/);
    expect(clean.code).toBe(0);
    const bad = await runCli(['compare', '1', '2', '--fail-on', 'slower'], env);
    expect(bad.code).toBe(2);
  });

  it('CI gate: run watch exits 1 when a case failed or errored, 0 when every case passed', async () => {
    const make = new ResultsFactory(db.dataSource);
    const clean = await make.run({ campaignName: 'gate' });
    await make.case(clean, { params: { i: 1 }, outcome: 'passed' });
    await make.case(clean, { params: { i: 2 }, outcome: 'xfailed' });
    const broken = await make.run({ campaignName: 'gate' });
    await make.case(broken, { params: { i: 1 }, outcome: 'passed' });
    await make.case(broken, { params: { i: 2 }, outcome: 'infra-error' });
    const passed = await runCli(['run', 'watch', String(clean.number), '--json'], env);
    expect(passed.code).toBe(0);
    const failed = await runCli(['run', 'watch', String(broken.number), '--json'], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('1 of 2 cases failed or errored');
  });

  it('should compare the two releases inside one run from the CLI', async () => {
    const res = await runCli(['compare', String(demo.twoReleases.number), '--in-run', '--json'], env);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.mode).toBe('releases');
    expect(report.rows.find((r: any) => r.key === 'storage.fio[bs=4k]')).toMatchObject({ verdict: 'improved' });
    expect((await runCli(['compare', String(demo.twoReleases.number)], env)).code).toBe(2);
  });

  it('should say which run is missing and exit 1; exit 2 on a bad argument', async () => {
    const missing = await runCli(['report', 'build', '999', '--out', join(out, 'x')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('shakedown: run 999 does not exist [REPORT_RUN_NOT_FOUND]');
    expect((await runCli(['export', 'abc', '--format', 'csv'], env)).code).toBe(2);
    expect((await runCli(['export', '1', '--format', 'pdf'], env)).code).toBe(2);
  });

  it('run list shows the newest runs first with their outcomes, as a table or JSON', async () => {
    const json = await runCli(['run', 'list', '--json', '--limit', '2'], env);
    expect(json.code).toBe(0);
    const runs = JSON.parse(json.stdout) as Array<Record<string, any>>;
    expect(runs).toHaveLength(2);
    expect(runs[0]!.number).toBeGreaterThan(runs[1]!.number);
    const candidate = (
      JSON.parse((await runCli(['run', 'list', '--json'], env)).stdout) as Array<Record<string, any>>
    ).find((r) => r.number === demo.candidate.number);
    expect(candidate).toMatchObject({
      status: 'finished',
      release: '8.3.0',
      simulated: true,
      counts: { total: 9, failed: expect.any(Number) },
      url: expect.stringMatching(new RegExp(`/runs/${demo.candidate.number}$`)),
    });
    const table = await runCli(['run', 'list'], env);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^run\s+status\s+campaign\s+release\s+lab\s+outcomes/);
    expect(table.stdout).toMatch(
      new RegExp(`\\n${demo.candidate.number}\\s+finished\\s.*\\(simulated\\)\\s+\\d+/9 passed, \\d+ failed`),
    );
    expect((await runCli(['run', 'list', '--limit', '0'], env)).code).toBe(2);
  });

  it('lab list shows the imported labs with pools, host versions and health', async () => {
    expect((await runCli(['lab', 'list'], env)).stderr).toContain('no lab imported yet');
    const inventory = join(out, 'lab.json');
    writeFileSync(
      inventory,
      JSON.stringify({
        name: 'lab-list',
        credentials: { k: { password_env: 'LAB_LIST_PASSWORD' } },
        pools: [
          {
            name: 'pool-a',
            master: 'a1',
            hosts: [
              { name: 'a1', address: '127.0.0.1', port: 1, credential: 'k' },
              { name: 'a2', address: '127.0.0.1', port: 2, credential: 'k' },
            ],
          },
        ],
      }),
    );
    expect((await runCli(['lab', 'import', inventory], env)).code).toBe(0);
    const json = await runCli(['lab', 'list', '--json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        name: 'lab-list',
        simulated: false,
        updatedAt: expect.any(String),
        pools: [
          {
            name: 'pool-a',
            master: 'a1',
            hosts: [
              { name: 'a1', version: null, health: 'unknown', hardwareClass: null },
              { name: 'a2', version: null, health: 'unknown', hardwareClass: null },
            ],
          },
        ],
      },
    ]);
    const table = await runCli(['lab', 'list'], env);
    expect(table.stdout).toMatch(
      /^lab\s+pools\s+hosts\s+versions\s+health\nlab-list\s+1\s+2\s+2 version unknown\s+2 unknown\n$/,
    );
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabInventoryJson } from 'src/simulator/lab/lab-inventory';
import { LongRunning, ROOT, runCli, startCli } from 'test/utils/cli';
import { createTestDatabase, TestDatabase } from 'test/utils/database';

const ADMIN = 'walkthrough-admin-token-0123456789';
const JUNIT = join(ROOT, 'test', 'fixtures', 'junit', 'pytest-default.xml');
const EVACUATE_CASE = 'basic.migrate-host-to-host';

// The README's "Community testing, step by step", command for command, against a simulated host:
// register → approval → collect → submit → moderation → coverage.
describe('community walk-through (README)', () => {
  let db: TestDatabase;
  let dir: string;
  let lab: LongRunning;
  let server: LongRunning;
  let inventory: LabInventoryJson;
  let url: string;
  let submitterToken: string;
  const hw = (): string => join(dir, 'hw.json');
  const as = (token: string): NodeJS.ProcessEnv => ({ SHAKEDOWN_URL: url, SHAKEDOWN_TOKEN: token, LOG_LEVEL: 'warn' });

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'shakedown-walkthrough-'));
    lab = startCli(['lab', 'up', '--speed', '20'], { SHAKEDOWN_DATA_DIR: join(dir, 'lab'), LOG_LEVEL: 'warn' });
    server = startCli(['serve'], {
      DATABASE_URL: db.url,
      SHAKEDOWN_ADMIN_TOKEN: ADMIN,
      SHAKEDOWN_DATA_DIR: join(dir, 'server'),
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    const [[line], [, served]] = await Promise.all([
      lab.waitFor(/^\{"name".*\}$/m),
      server.waitFor(/serving on (\S+)/),
    ]);
    inventory = JSON.parse(line) as LabInventoryJson;
    url = served!;
  });

  afterAll(async () => {
    await server?.stop();
    await lab?.stop('SIGKILL');
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('1–2. a tester registers; the token works only once an admin approves it', async () => {
    const reg = await runCli(['register', '--name', 'Dana', '--email', 'dana@example.org'], as(''));
    expect(reg.code).toBe(0);
    submitterToken = reg.stdout.trim();
    expect(reg.stderr).toMatch(/\(submitter\): pending until an admin approves it/);

    const early = await runCli(['submission', 'list'], as(submitterToken));
    expect(early.code).toBe(1);

    const pending = await runCli(['token', 'list', '--status', 'pending', '--json'], as(ADMIN));
    expect(pending.code).toBe(0);
    const [dana] = JSON.parse(pending.stdout) as Array<{ id: string; name: string }>;
    expect(dana).toMatchObject({ name: 'Dana' });
    const approve = await runCli(['token', 'approve', dana!.id], as(ADMIN));
    expect(approve.stderr).toMatch(/approved, now active/);
    expect(approve.code).toBe(0);
  });

  it('3. collects the hardware profile of a host over SSH with user@host, no inventory', async () => {
    const host = inventory.pools[0]!.hosts[0]!;
    const key = Object.values(inventory.credentials).find((c) => 'key_file' in c) as { key_file: string };
    const res = await runCli(
      ['lab', 'collect-hardware', `root@${host.address}:${host.port}`, '--key', key.key_file, '--out', hw()],
      { LOG_LEVEL: 'warn' },
    );
    expect(res.stderr).toMatch(/^hardware class: simulated \/ .+ \/ bnxt_en \/ megaraid_sas \(profile in /);
    expect(res.code).toBe(0);
    const profile = JSON.parse(readFileSync(hw(), 'utf8'));
    expect(profile).toMatchObject({ server: { model: 'PowerEdge R640' }, simulated: true });
    expect(profile.cpu.model).toEqual(expect.any(String));
  });

  it('4–5. submits pytest JUnit with no --kind or --campaign; an admin accepts it', async () => {
    const sent = await runCli(['submit', JUNIT, '--release', '8.3.0', '--hardware', hw()], as(submitterToken));
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^submitted: \S+ \(pending\) on simulated \/ /);

    const queue = await runCli(['submission', 'list', '--status', 'pending', '--json'], as(ADMIN));
    const [pending] = JSON.parse(queue.stdout) as Array<{ id: string; submitter: string }>;
    expect(pending).toMatchObject({ submitter: 'Dana' });
    const moderated = await runCli(['submission', 'moderate', pending!.id, '--decision', 'accept'], as(ADMIN));
    expect(moderated.stderr.trim()).toBe(`submission ${pending!.id}: accepted`);

    const again = await runCli(['submit', JUNIT, '--release', '8.3.0', '--hardware', hw()], as(submitterToken));
    expect(again.stdout).toMatch(/^already submitted: /);
    const withParam = await runCli(
      ['submit', JUNIT, '--release', '8.3.0', '--hardware', hw(), '--param', 'note=rerun'],
      as(submitterToken),
    );
    expect(withParam.stdout).toMatch(/^submitted: /);
  });

  it('6. the mapped release-plan case shows as covered on that hardware class', async () => {
    const res = await fetch(`${url}/api/v1/releases/8.3.0/coverage`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as {
      cases: Array<{ caseKey: string; cells: Record<string, { covered: boolean; by: string[]; outcome: string }> }>;
    };
    const row = report.cases.find((c) => c.caseKey.startsWith(EVACUATE_CASE))!;
    const cells = Object.entries(row.cells);
    expect(cells).toHaveLength(1);
    const [cls, cell] = cells[0]!;
    expect(cls).toMatch(/^simulated \//);
    // The evacuation tests of the file: passed and failed ones fold into the worst outcome.
    expect(cell).toMatchObject({ covered: true, by: ['Dana'] });
  });
});

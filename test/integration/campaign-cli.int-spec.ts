import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from 'src/cli/main';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'campaigns');

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => ((stderr += String(chunk)), true));
  try {
    const code = await main(['node', 'shakedown', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('shakedown campaign', () => {
  it('validate exits 0 with a one-line summary per file', async () => {
    const r = await run(
      'campaign',
      'validate',
      join(root, 'campaigns', 'demo.yaml'),
      join(root, 'campaigns', 'xcp-ng-release.yaml'),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/demo\.yaml: ok, campaign demo \(8\.3\.0 vs 8\.2\.1\), 10 suites, \d+ cases$/);
  });

  it('validate exits 1 with file:line:col: message lines on stderr', async () => {
    const file = join(fixtures, 'many-errors.yaml');
    const r = await run('campaign', 'validate', file, join(fixtures, 'minimal.yaml'));
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line.startsWith(`${file}:`)).toBe(true);
    expect(lines[0]).toBe(
      `${file}:7:13: campaign.suites[0].repeat: expected a whole number from 1 to 1000, found a string ("zero")`,
    );
    expect(r.stdout).toMatch(/minimal\.yaml: ok/);
  });

  it('expand prints counts, coverage and the cases as a table', async () => {
    const r = await run(
      'campaign',
      'expand',
      join(root, 'campaigns', 'xcp-ng-release.yaml'),
      '--suite',
      'live-migration',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/suite live-migration \(migration\.live\)/);
    expect(r.stdout).toMatch(/full 28800, valid 2688, selected \d+, coverage (\d+)\/\1 2-tuples \(100\.0%\)/);
    expect(r.stdout).toMatch(/[0-9a-f]{12} +pass +migration\.live\[load=\w+,origin=\w+,scope=pool-upgrade,/);
  });

  it('expand --json gives the cases with keys, hashes, params and expectations', async () => {
    const r = await run('campaign', 'expand', join(root, 'campaigns', 'demo.yaml'), '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    const fail = json.suites.flatMap((s: any) => s.cases).find((c: any) => c.expectation.outcome === 'fail');
    expect(fail).toMatchObject({
      caseKey: 'basic.migrate-new-to-old',
      scenario: 'basic.migrate-new-to-old',
      params: {},
    });
    expect(fail.caseHash).toMatch(/^[0-9a-f]{12}$/);
    expect(json.suites[0]).toEqual(expect.objectContaining({ full: 1, valid: 1, selected: 1 }));
  });

  it('expand with an unknown suite fails and names the suites', async () => {
    const r = await run('campaign', 'expand', join(root, 'campaigns', 'demo.yaml'), '--suite', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/demo\.yaml:1:1: no suite 'nope' \(suites: install, interfaces,/);
  });

  it('expand --only refuses a lone = at its column and a name no suite has', async () => {
    const demo = join(root, 'campaigns', 'demo.yaml');
    const typo = await run('campaign', 'expand', demo, '--only', 'scope = cross-pool');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe("--only:1:7: '=' is not a comparison: write 'scope == …' to test equality\n");
    const unknown = await run('campaign', 'expand', demo, '--only', 'scoop == cross-pool');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^--only:1:1: 'scoop' is a parameter of no selected suite \(parameters: .*scope/);
  });

  it('reference prints docs/campaigns.md', async () => {
    const r = await run('campaign', 'reference');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(root, 'docs', 'campaigns.md'), 'utf8'));
  });
});

describe('shakedown scenarios', () => {
  it('lists the scenarios with parameters, values and lab needs; --json for scripts', async () => {
    const text = await run('scenarios');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('migration.cold: Cold migration');
    expect(text.stdout).toContain('storage = local-to-local, local-to-shared, shared-to-local, shared-to-shared');
    expect(text.stdout).toContain(
      'an SR of type nfs when storage is local-to-shared, shared-to-local or shared-to-shared',
    );
    const json = await run('scenarios', '--json');
    const list = JSON.parse(json.stdout) as Array<{ id: string; params: Record<string, string[]>; lab: unknown[] }>;
    expect(list.find((s) => s.id === 'perf.fio')).toMatchObject({
      params: { sr_kind: ['ext', 'lvm', 'nfs'] },
      lab: expect.arrayContaining([{ need: 'an SR of type nfs', when: { param: 'sr_kind', values: ['nfs'] } }]),
    });
  });
});

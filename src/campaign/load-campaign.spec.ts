import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CampaignError, formatDiagnostic } from 'src/campaign/campaign.errors';
import { loadCampaign, parseCampaign } from 'src/campaign/load-campaign';

const fixtures = join(__dirname, '..', '..', 'test', 'fixtures', 'campaigns');
const messages = (text: string, file = 'c.yaml'): string[] =>
  parseCampaign(text, file).diagnostics.map(formatDiagnostic);

const SUITE = (body: string) => `name: t\nrelease: 8.3.0\nbaseline: 8.2.1\nsuites:\n  - id: s\n${body}`;

describe('loadCampaign', () => {
  it('loads a minimal campaign with defaults filled in', () => {
    const c = loadCampaign(join(fixtures, 'minimal.yaml'));
    expect(c).toMatchObject({ name: 'minimal', release: '8.3.0', baseline: '8.2.1', description: '' });
    expect(c.suites[0]).toMatchObject({
      id: 'install',
      scenario: 'basic.install-check',
      matrix: { axes: {} },
      settings: { repeat: 1, timeout: 1800, step_timeout: 600, thresholds: {}, status_report: false },
      manual: false,
    });
  });

  it('reports every problem of a file at once, each at its line and column', () => {
    expect(() => loadCampaign(join(fixtures, 'many-errors.yaml'))).toThrow(CampaignError);
    const text = readFileSync(join(fixtures, 'many-errors.yaml'), 'utf8');
    expect(messages(text, 'many-errors.yaml')).toEqual([
      'many-errors.yaml:7:13: campaign.suites[0].repeat: expected a whole number from 1 to 1000, found a string ("zero")',
      "many-errors.yaml:8:5: campaign.suites[0]: unknown key 'colour' (expected one of: id, scenario, title, covers, matrix, repeat, adaptive, timeout, step_timeout, thresholds, status_report, requires, requires_when, manual, checklist, with)",
      'many-errors.yaml:17:12: campaign.suites[1].title: expected a string, found a number (42)',
      "many-errors.yaml:1:1: campaign: missing required key 'baseline'",
    ]);
  });

  it('checks scenario ids, parameters and values against the scenario contract', () => {
    const text = SUITE(`    scenario: migration.live
    title: t
    matrix:
      axes:
        vm_kind: [pvhvm-linux, vax]
        colour: [red]
`);
    expect(messages(text)).toEqual([
      'c.yaml:10:32: campaign.suites[0].matrix: "vax" is not a value of migration.live parameter \'vm_kind\' (expected one of: pvhvm-linux, pv-linux, hvm-windows)',
      "c.yaml:11:17: campaign.suites[0].matrix: scenario migration.live has no parameter 'colour' (parameters: vm_kind, origin, size, load, storage, sr_from, sr_to, scope)",
    ]);
    expect(messages(SUITE('    scenario: migration.teleport\n    title: t\n'))[0]).toMatch(
      /^c\.yaml:6:15: campaign\.suites\[0\]\.scenario: unknown scenario 'migration\.teleport' \(known: basic\.install-check, /,
    );
  });

  it('points at the offending word inside a constraint', () => {
    const text = SUITE(`    scenario: migration.live
    title: t
    matrix:
      axes:
        storage: [shared, local-to-local]
      constraints:
        - storage == shared OR storage == sharde
        - "IF storage == shared THEN"
`);
    expect(messages(text)).toEqual([
      "c.yaml:12:32: campaign.suites[0].matrix.constraints[0]: 'sharde' is not a value of storage (values: shared, local-to-local)",
    ]);
    const syntax = SUITE(`    scenario: migration.live
    title: t
    matrix:
      axes:
        storage: [shared, local-to-local]
      constraints:
        - "IF storage == shared THEN"
`);
    expect(messages(syntax)).toEqual([
      'c.yaml:12:37: campaign.suites[0].matrix.constraints[0]: expected a parameter name but found the end of the expression',
    ]);
  });

  it('refuses a lone = in a constraint or a condition, at its column, suggesting ==', () => {
    const text = SUITE(`    scenario: migration.live
    title: t
    matrix:
      axes:
        storage: [shared, local-to-local]
      constraints:
        - IF storage = shared THEN storage != local-to-local
    requires_when:
      - when: "storage = shared"
        requires: { sr_kinds: [nfs] }
`);
    expect(messages(text)).toEqual([
      "c.yaml:14:24: campaign.suites[0].requires_when[0].when: '=' is not a comparison: write 'storage == …' to test equality",
      "c.yaml:12:22: campaign.suites[0].matrix.constraints[0]: '=' is not a comparison: write 'storage == …' to test equality",
    ]);
  });

  it('reports GitHub Actions exclude errors at the exclude entry', () => {
    const text = SUITE(`    scenario: perf.network
    title: t
    matrix:
      axes: { release: [baseline, candidate], path: [same-host] }
      exclude:
        - { release: baseline, speed: fast }
`);
    expect(messages(text)).toEqual([
      "c.yaml:11:11: campaign.suites[0].matrix.exclude[0]: Matrix exclude key 'speed' does not match any key within the matrix",
    ]);
  });

  it('refuses manual suites without checklist, bad cron lines, durations and strategies', () => {
    const text = `name: t
release: 8.3.0
baseline: 8.2.1
schedule: { cron: 'every day' }
suites:
  - { id: a, scenario: basic.log-check, title: t, timeout: 5 minutes }
  - { id: a, scenario: installer.answer-file, title: t }
  - id: b
    scenario: installer.answer-file
    title: t
    manual: true
  - id: c
    scenario: kmod.policy
    title: t
    matrix: { axes: { package: [alt] }, strategy: { nwise: 0 } }
`;
    expect(messages(text)).toEqual([
      'c.yaml:4:19: campaign.schedule.cron: expected a cron line with five fields, such as "0 2 * * 1", found "every day"',
      'c.yaml:6:60: campaign.suites[0].timeout: expected a duration such as 90s, 30m, 2h or a number of seconds, found a string ("5 minutes")',
      'c.yaml:7:24: campaign.suites[1]: scenario installer.answer-file is a manual check: set manual: true and a checklist',
      'c.yaml:8:5: campaign.suites[2]: manual: true needs a checklist (the steps a person follows)',
      'c.yaml:15:60: campaign.suites[3].matrix.strategy.nwise: expected a whole number from 1 to 6, found 0',
    ]);
  });

  it('refuses requires: { updated: true } without an updates: block, at the key, and loads it with one', () => {
    const text = `name: t
release: 8.3.0
baseline: 8.2.1
suites:
  - { id: a, scenario: basic.log-check, title: t }
  - id: b
    scenario: basic.install-check
    title: t
    requires: { updated: true }
    requires_when:
      - { when: "true", requires: { updated: true } }
`;
    expect(messages(text)).toEqual([
      "c.yaml:9:26: campaign.suites[1].requires.updated: updated: true needs the campaign's updates: block (the candidates applied before these cases run)",
      "c.yaml:11:46: campaign.suites[1].requires_when[0].requires.updated: updated: true needs the campaign's updates: block (the candidates applied before these cases run)",
    ]);
    const c = loadCampaign({ text: `${text}updates: { enablerepo: xcp-ng-testing }\n`, filename: 'c.yaml' });
    expect(c.suites.map((s) => s.requires)).toEqual([{}, { updated: true }]);
    expect(c.suites[1]!.requires_when[0]!.requires).toEqual({ updated: true });
  });

  it('refuses two suites with the same id', () => {
    const text = `name: t\nrelease: r\nbaseline: b\nsuites:\n  - { id: a, scenario: basic.log-check, title: t }\n  - { id: a, scenario: basic.interfaces, title: t }\n`;
    expect(messages(text)).toEqual(["c.yaml:6:11: suites[1].id: 'a' is already the id of suites[0]"]);
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadCampaign('/nonexistent/x.yaml')).toThrow('/nonexistent/x.yaml:1:1: cannot read the file (ENOENT)');
  });
});

describe('parseCampaign on hostile input', () => {
  const demo = readFileSync(join(__dirname, '..', '..', 'campaigns', 'demo.yaml'), 'utf8');

  const mustFailCleanly = (text: string): string[] => {
    // A parse that does not end fails at Jest's test timeout; speed belongs in benchmarks, not here.
    const result = parseCampaign(text, 'f.yaml');
    expect(result.campaign).toBeUndefined();
    expect(result.diagnostics.length).toBeGreaterThan(0);
    for (const d of result.diagnostics) expect(formatDiagnostic(d)).toMatch(/^f\.yaml:\d+:\d+: \S/);
    return result.diagnostics.map((d) => d.message);
  };

  it('refuses an exponential alias bomb quickly', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(', ')}]`,
      );
    }
    const bomb = `name: t\nrelease: r\nbaseline: b\nsuites:\n  - id: s\n    scenario: basic.log-check\n    title: t\n    with:\n${levels.map((l) => `      ${l}`).join('\n')}\n`;
    expect(mustFailCleanly(bomb).join('\n')).toMatch(/more than 100 aliases|expands to more than/);
    // Few aliases, but each one a large subtree: the node budget stops it.
    const wide = `x: &x [${Array(5000).fill('1').join(',')}]\n`;
    const fan = `${wide}name: t\nrelease: r\nbaseline: b\nsuites:\n  - id: s\n    scenario: basic.log-check\n    title: t\n    with: { ${Array.from({ length: 90 }, (_, i) => `k${i}: *x`).join(', ')} }\n`;
    expect(mustFailCleanly(fan).join('\n')).toMatch(/expands to more than 200000 nodes|unknown key 'x'/);
  });

  it('refuses huge, deeply nested, truncated and mistyped files with errors', () => {
    expect(mustFailCleanly('a: b\n'.repeat(300_000))[0]).toMatch(/larger than 1048576 characters/);
    expect(mustFailCleanly('['.repeat(100_000)).length).toBeGreaterThan(0);
    expect(
      mustFailCleanly(
        `name: t\nrelease: r\nbaseline: b\nsuites:\n  - id: s\n    scenario: basic.log-check\n    title: t\n    with:\n      k: ${'['.repeat(500)}1${']'.repeat(500)}\n`,
      ).join('\n'),
    ).toMatch(/nested/);
    expect(mustFailCleanly(`with: ${'- '.repeat(50_000)}x`).length).toBeGreaterThan(0);
    expect(mustFailCleanly('')[0]).toMatch(/empty/);
    expect(mustFailCleanly('42')[0]).toBe('campaign: expected a map, found a number (42)');
    expect(mustFailCleanly('- a\n- b')[0]).toBe('campaign: expected a map, found a list');
    expect(mustFailCleanly('name: [unclosed\n')[0]).toMatch(/^YAML: /);
    expect(mustFailCleanly('a: 1\na: 2\n')[0]).toMatch(/^YAML: Map keys must be unique/);
    expect(mustFailCleanly('a: *nowhere\n').length).toBeGreaterThan(0);
    for (let cut = 10; cut < demo.length; cut += 97) {
      const result = parseCampaign(demo.slice(0, cut), 'f.yaml');
      if (!result.campaign) expect(result.diagnostics.length).toBeGreaterThan(0);
    }
  });

  it('never throws on generated junk or mutated campaigns, always diagnostics or a campaign (property)', () => {
    const mutated = fc
      .tuple(fc.nat({ max: demo.length }), fc.nat({ max: 40 }), fc.string({ maxLength: 30 }))
      .map(([at, drop, insert]) => demo.slice(0, at) + insert + demo.slice(at + drop));
    const yamlish = fc
      .array(
        fc.constantFrom(
          'name:',
          ' ',
          '\n',
          '  - ',
          'suites:',
          '&a ',
          '*a',
          '[',
          ']',
          '{',
          '}',
          ':',
          ',',
          'id: x',
          '"',
          "'",
          '#',
          '|',
          '>',
          '!!int ',
          '? ',
          '---\n',
          'scenario: migration.live',
          'matrix:',
          'axes:',
          '42',
          'true',
          '~',
        ),
        {
          maxLength: 60,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(
        fc.oneof(
          mutated,
          yamlish,
          fc.string({ maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const result = parseCampaign(text, 'f.yaml');
          if (result.campaign) {
            expect(result.diagnostics).toEqual([]);
          } else {
            expect(result.diagnostics.length).toBeGreaterThan(0);
            for (const d of result.diagnostics) expect(d.line).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

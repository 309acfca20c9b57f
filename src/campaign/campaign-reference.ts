import { campaignSchema } from 'src/campaign/campaign.schema';
import { externalSuiteSettings } from 'src/campaign/external-suite-settings';
import { SR_KINDS } from 'src/campaign/scenario-catalog';
import { type Shape, typeDocOf } from 'src/campaign/yaml-schema';

/**
 * The campaign file reference (docs/campaigns.md), generated from the validators themselves: each
 * records what it accepts (`documented` in yaml-schema.ts) and each key its meaning and default, so
 * the page cannot say something the loader does not do. A test compares the page with this output.
 */

/** A small campaign using most of the format; the reference's test loads and expands it. */
export const EXAMPLE_CAMPAIGN = `name: nightly
release: 8.3.0
baseline: 8.2.1
description: Installation, live migration and storage performance, old vs new.
defaults:
  timeout: 30m
  thresholds: { iops: 10, bandwidth: 10 }
schedule: { cron: '0 2 * * 6' }
suites:
  - id: install
    scenario: basic.install-check
    title: Installation is sound
    covers: verify installation
  - id: live-migration
    scenario: migration.live
    title: Live migration
    covers: verify live migration
    matrix:
      axes:
        vm_kind: [pvhvm-linux, hvm-windows]
        origin: [recent]
        size: [tiny]
        load: [idle, memory]
        storage: [shared, local-to-local]
        scope: [intra-pool, cross-pool]
      constraints:
        - IF scope == cross-pool THEN storage != shared
      strategy: pairwise
    requires_when:
      - when: storage == shared
        requires: { sr_kinds: [nfs] }
  - id: fio
    scenario: perf.fio
    title: Storage performance, baseline vs candidate
    repeat: 5
    matrix:
      axes: { workload: [randwrite, randread], release: [baseline, candidate], sr_kind: [ext] }
    requires: { versions: [baseline, candidate], sr_kinds: [ext] }
`;

interface Section {
  path: string;
  shape: Shape;
}

/** `suites[].matrix` → `suites-matrix`: explicit anchors, the same on every Markdown renderer. */
function anchorOf(path: string): string {
  return (
    path
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase() || 'top-level'
  );
}

/** Every map of the format, depth first, each once (a shape used in two places is described at the first). */
function sections(path: string, shape: Shape, seen: Map<Shape, string>, out: Section[]): void {
  seen.set(shape, path);
  out.push({ path, shape });
  const prefix = path ? `${path}.` : '';
  for (const [key, field] of Object.entries(shape)) {
    const doc = typeDocOf(field.v);
    const nested: Array<[string, Shape | undefined]> = [
      [`${prefix}${key}`, doc.shape],
      [`${prefix}${key}[]`, doc.item?.shape],
      [`${prefix}${key}.<name>`, doc.value?.shape],
    ];
    for (const [childPath, childShape] of nested) {
      if (childShape && !seen.has(childShape)) sections(childPath, childShape, seen, out);
    }
  }
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeCell(shape: Shape, key: string, seen: Map<Shape, string>): string {
  const doc = typeDocOf(shape[key]!.v);
  const nested = doc.shape ?? doc.item?.shape ?? doc.value?.shape;
  const at = nested ? seen.get(nested) : undefined;
  return at === undefined ? doc.type : `${doc.type}, see [\`${at}\`](#${anchorOf(at)})`;
}

function table(section: Section, seen: Map<Shape, string>): string {
  const rows = Object.entries(section.shape).map(([key, field]) => {
    const fallback = field.required ? '**required**' : field.default !== undefined ? `\`${field.default}\`` : '—';
    return `| \`${key}\` | ${cell(typeCell(section.shape, key, seen))} | ${fallback} | ${cell(field.doc ?? '')} |`;
  });
  return ['| key | accepts | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

const EXPRESSIONS = `Constraints, \`expect[].when\`, \`requires_when[].when\` and \`--only\` (of \`campaign expand\`,
\`run start\` and the API's \`only\`) share one small language, parsed, never evaluated as code:

\`\`\`
rule       := IF expr THEN expr [ELSE expr] | expr
expr       := term { (OR | '||') term }
term       := factor { (AND | '&&') factor }
factor     := (NOT | '!') factor | '(' expr ')' | TRUE | FALSE | comparison
comparison := name op value | name [NOT] IN '[' value {',' value} ']'
op         := '==' | '!=' | '<>' | '<' | '<=' | '>' | '>='
\`\`\`

Keywords are case-insensitive. A name is a parameter, or \`param.field\` for a field of a map value; a
value is a bare word (letters, digits, \`_ . : / + @ -\`) or a quoted string. \`<\`, \`>\` compare numbers
when both sides are numbers. \`IF a THEN b\` holds when \`a\` is false or \`b\` is true. A lone \`=\` is an
error that suggests \`==\`. In a campaign, a name or value the suite does not have is refused at its
line and column; in \`--only\`, a name no selected suite has — a typo never selects nothing in
silence. Example:
\`IF scope IN [cross-pool, cross-pool-from-older] THEN storage != shared\`.`;

/** The reference as Markdown, without the scenario table (the CLI adds it: it reads the scenarios' code). */
export function campaignReference(scenarioTable: string): string {
  const seen = new Map<Shape, string>();
  const all: Section[] = [];
  const root = typeDocOf(campaignSchema).shape!;
  sections('', root, seen, all);
  const out = [
    '# Campaign files',
    '',
    '<!-- Generated by `npx shakedown campaign reference > docs/campaigns.md`; a test fails when this page',
    '     and the loader disagree. Edit src/campaign/campaign.schema.ts, not this file. -->',
    '',
    'A campaign is one YAML file: the release under test, the baseline it is compared with, and suites',
    'of cases. `shakedown campaign validate FILE` checks it (every problem as `file:line:col: message`);',
    '`shakedown campaign expand FILE` lists its cases; `shakedown scenarios` lists the scenarios.',
    'Unknown keys are errors. Durations are seconds or text such as `90s`, `30m`, `2h`, `1h30m`.',
    '',
    '## Example',
    '',
    '```yaml',
    EXAMPLE_CAMPAIGN.trimEnd(),
    '```',
  ];
  for (const section of all) {
    out.push(
      '',
      `<a id="${anchorOf(section.path)}"></a>`,
      '',
      `## ${section.path ? `\`${section.path}\`` : 'Top level'}`,
      '',
      table(section, seen),
    );
  }
  out.push(
    '',
    '<a id="with-external-xcp-ng-tests"></a>',
    '',
    '## `suites[].with` of `external.xcp-ng-tests`',
    '',
    'Other scenarios take their `with:` as given; this one checks it, so a campaign can only select',
    'tests of a suite the operator declared (`SHAKEDOWN_EXTERNAL_SUITES`), never a folder or arguments.',
    '',
    table({ path: 'with', shape: typeDocOf(externalSuiteSettings).shape! }, seen),
    '',
    '<a id="expressions"></a>',
    '',
    '## Expressions',
    '',
    EXPRESSIONS,
    '',
    '<a id="sr-kinds"></a>',
    '',
    '## Storage-repository kinds',
    '',
    "`requires.sr_kinds` and `perf.fio`'s `sr_kind` name SR types as xapi does (`xe sr-list params=type`):",
    SR_KINDS.map((k) => `\`${k}\``).join(', ') + '.',
    '',
    "The migration scenarios choose each end's SR kind apart: `sr_from` and `sr_to` (`any`, `ext`, `lvm`, `nfs`,",
    '`lvmoiscsi`) name the kind the disks start on and move to, e.g. `storage: shared-to-shared, sr_from: nfs,',
    'sr_to: lvmoiscsi` for NFS to iSCSI storage motion. `any` (the default) leaves it to `storage`: NFS for a',
    "shared end, the host's local SR for a local one. A local kind (`ext`, `lvm`) at a shared end, or a shared",
    'kind at a local one, is refused; the lab must offer the kinds named (in the source pool for `sr_from`, in',
    'the destination pool for `sr_to`). The release campaign makes them axes of its migration suites (the',
    "plan's storage combos), with constraints that keep a network kind at a network end and a local kind at a",
    "local one; it puts no SR kind in `requires_when`, which would ask every pool for both ends' kinds.",
    '',
    '<a id="scenarios"></a>',
    '',
    '## Scenarios',
    '',
    'What `scenario:` accepts (`shakedown scenarios [--json]` prints the same). A parameter takes only',
    "the values listed; the lab needs are worked out from each scenario's own code.",
    '',
    scenarioTable,
  );
  return `${out.join('\n')}\n`;
}

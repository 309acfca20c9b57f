import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XcpVersion } from 'src/simulator/model/types';

/**
 * The real `xe` command table of each modelled release, as extracted from xen-api by
 * scripts/extract-xe-cli.mjs (data/xe-cli-<version>.json: v1.249.38 for 8.2.1, v24.19.2 for 8.3.0).
 * Static commands come from cli_frontend.ml `cmdtable_data`; `<class>-list` and `<class>-param-*`
 * are generated here from the record fields the way cli_operations.ml `make_param_funs` does.
 */

export interface RecordFieldFacts {
  name: string;
  set?: boolean;
  add_to_set?: boolean;
  remove_from_set?: boolean;
  add_to_map?: boolean;
  remove_from_map?: boolean;
  clear_map?: boolean;
  set_in_map?: boolean;
  set_map?: boolean;
  get_set?: boolean;
  get_map?: boolean;
  hidden?: boolean;
  expensive?: boolean;
  deprecated?: boolean;
}

export interface CliSpec {
  name: string;
  reqd: string[];
  optn: string[];
  help: string;
  flags: string[];
  /** for `<class>-list` / `<class>-param-*`: the class prefix and the operation */
  generated?: { cls: string; op: string };
}

interface CliData {
  source: { repository: string; tag: string; commit: string };
  selectorsInfo: { vm: string; host: string; sr: string };
  commands: Record<string, Omit<CliSpec, 'name'>>;
  generated: {
    classes: Record<string, { record: string; filters: Array<[string, string]>; defaults: string[] }>;
    templates: Record<string, string>;
  };
  records: Record<string, RecordFieldFacts[]>;
  errors: Record<string, { params: string[]; doc: string }>;
}

export interface CliTable {
  version: XcpVersion;
  source: CliData['source'];
  selectorsInfo: CliData['selectorsInfo'];
  commands: Map<string, CliSpec>;
  /** CLI class prefix (vm, template, snapshot, sr, …) → its record's fields, in records.ml order */
  classFields: Map<string, RecordFieldFacts[]>;
  classDefaults: Map<string, string[]>;
  /** the filters `<class>-list` always applies (vm: is-a-template=false, …) */
  classFilters: Map<string, Array<[string, string]>>;
  errors: CliData['errors'];
}

function generatedCommands(data: CliData): CliSpec[] {
  const out: CliSpec[] = [];
  for (const [cls, def] of Object.entries(data.generated.classes)) {
    const all = (data.records[def.record] ?? []).filter((f) => !f.hidden);
    const names = all.map((f) => f.name);
    const settable = [
      ...all.filter((f) => f.set).map((f) => f.name),
      ...all.filter((f) => f.add_to_map || f.set_in_map || f.set_map).map((f) => `${f.name}:`),
    ];
    const addable = all.filter((f) => f.add_to_set || f.add_to_map).map((f) => f.name);
    const clearable = all.filter((f) => f.set || f.get_set || f.get_map).map((f) => f.name);
    const contains = all.filter((f) => f.get_set).map((f) => `${f.name}:contains`);
    const plural = cls === 'patch' ? 'patches' : `${cls}s`;
    const t = data.generated.templates;
    const op = (name: string, reqd: string[], optn: string[], help: string, standard = false): CliSpec => ({
      name: `${cls}-${name}`,
      reqd,
      optn,
      help,
      flags: standard ? ['Standard'] : [],
      generated: { cls, op: name },
    });
    out.push(
      op(
        'list',
        [],
        ['params', 'database:', ...names, ...contains],
        (t['list'] ?? '').replace('{plural}', plural),
        ['vm', 'network', 'sr'].includes(cls),
      ),
      op('param-list', ['uuid'], ['database:'], t['param-list'] ?? ''),
      op('param-get', ['uuid', 'param-name'], ['param-key', 'database:'], t['param-get'] ?? ''),
    );
    if (settable.length > 0) out.push(op('param-set', ['uuid'], settable, t['param-set'] ?? ''));
    if (addable.length > 0) {
      out.push(
        op('param-add', ['uuid', 'param-name'], ['param-key'], t['param-add'] ?? ''),
        op('param-remove', ['uuid', 'param-name', 'param-key'], [], t['param-remove'] ?? ''),
      );
    }
    if (clearable.length > 0) {
      out.push(
        op(
          'param-clear',
          ['uuid', 'param-name'],
          [],
          (t['param-clear'] ?? '').replace('{clearable}', clearable.join(',')),
        ),
      );
    }
  }
  return out;
}

const cache = new Map<XcpVersion, CliTable>();

export function cliTable(version: XcpVersion): CliTable {
  const cached = cache.get(version);
  if (cached) return cached;
  const data = JSON.parse(readFileSync(join(__dirname, 'data', `xe-cli-${version}.json`), 'utf8')) as CliData;
  const commands = new Map<string, CliSpec>();
  for (const [name, spec] of Object.entries(data.commands)) commands.set(name, { name, ...spec });
  // populate_cmdtable adds the generated commands after cmdtable_data; Hashtbl.find returns the latest.
  for (const spec of generatedCommands(data)) commands.set(spec.name, spec);
  const classFields = new Map<string, RecordFieldFacts[]>();
  const classDefaults = new Map<string, string[]>();
  const classFilters = new Map<string, Array<[string, string]>>();
  for (const [cls, def] of Object.entries(data.generated.classes)) {
    classFields.set(cls, data.records[def.record] ?? []);
    classDefaults.set(cls, def.defaults);
    classFilters.set(cls, def.filters);
  }
  const table: CliTable = {
    version,
    source: data.source,
    selectorsInfo: data.selectorsInfo,
    commands,
    classFields,
    classDefaults,
    classFilters,
    errors: data.errors,
  };
  cache.set(version, table);
  return table;
}

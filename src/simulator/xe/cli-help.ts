import { CliTable } from 'src/simulator/xe/cli-table';
import { escapeMinimal, renderPairs } from 'src/simulator/xe/record-printer';

/** `xe help …` as cli_frontend.ml `rio_help` prints it. */

const IGNORED = ['server', 'username', 'password', 'port', 'minimal', 'all'];

/** make_list: comma-joined names wrapped before 74 characters, each line indented by four spaces */
function makeList(names: string[]): string[] {
  const indent = '    ';
  const lines: string[] = [];
  let cur = indent + (names[0] ?? '');
  for (const name of names.slice(1)) {
    if (cur.length + name.length > 74) {
      lines.push(cur);
      cur = indent + name;
    } else {
      cur = `${cur}, ${name}`;
    }
  }
  lines.push(cur);
  return lines;
}

function commandHelp(table: CliTable, name: string, minimal: boolean): string {
  const spec = table.commands.get(name);
  if (!spec) return `Unknown command '${name}'\n`;
  const vm = spec.flags.includes('Vm_selectors');
  const host = spec.flags.includes('Host_selectors');
  const sr = spec.flags.includes('Sr_selectors');
  const optional = [
    ...spec.optn,
    ...(vm ? ['<vm-selectors>'] : []),
    ...(sr ? ['<sr-selectors>'] : []),
    ...(host ? ['<host-selectors>'] : []),
  ];
  const selectorCount = [vm, host, sr].filter(Boolean).length;
  let desc = spec.help;
  if (selectorCount === 1) {
    desc += vm ? table.selectorsInfo.vm : host ? table.selectorsInfo.host : table.selectorsInfo.sr;
  }
  if (minimal) return `${escapeMinimal(name)}\n`;
  return renderPairs([
    ['command name        ', name],
    ['reqd params     ', spec.reqd.join(', ')],
    ['optional params ', optional.join(', ')],
    ['description     ', desc],
  ]);
}

export function renderHelp(table: CliTable, params: Map<string, string>, minimal: boolean): string {
  const asked = [...params.keys()].filter((k) => !IGNORED.includes(k));
  if (asked.length > 0) return asked.map((name) => commandHelp(table, name, minimal)).join('');
  const visible = [...table.commands.values()]
    .filter((c) => !c.flags.includes('Hidden'))
    .map((c) => c.name)
    .sort();
  const usage = 'Usage: xe <command> [-s server] [-pw passwd] [-p port] [-u user] [-pwf password-file]\n';
  const lines = (items: string[]): string => (minimal ? `${items.join(',')}\n` : items.map((l) => `${l}\n`).join(''));
  if (params.get('all') === 'true') {
    if (minimal) return lines(visible);
    const hostCmds = visible.filter((n) => n.startsWith('host-'));
    const vmCmds = visible.filter((n) => !n.startsWith('host-') && n.startsWith('vm-'));
    const other = visible.filter((n) => !n.startsWith('host-') && !n.startsWith('vm-'));
    const head = `${usage}  [command specific arguments]\n\nTo get help on a specific command: xe help <command>\n\nFull command list\n-----------------`;
    return lines([
      head,
      ...makeList(hostCmds),
      ...makeList(['']),
      ...makeList(vmCmds),
      ...makeList(['']),
      ...makeList(other),
    ]);
  }
  const standard = visible.filter((n) => table.commands.get(n)?.flags.includes('Standard'));
  if (minimal) return lines(standard);
  const head = `${usage}  [command specific arguments]\n\nTo get help on a specific command: xe help <command>\nTo get a full listing of commands: xe help --all\n\nCommon command list\n-------------------`;
  return lines([head, ...makeList(standard)]);
}

import { BlockDevice, deviceMapperHolders, hostBlockDevices } from 'src/simulator/model/host-disks';
import { CommandIo, ShellEnv } from 'src/simulator/shell/shell-types';

/**
 * `lsblk` of util-linux 2.23 (the CentOS 7 base of XCP-ng 8.2 and 8.3) over the host's modelled
 * disks: the tree, `--list`, `--raw` and `--pairs` outputs, `--bytes`, `--output`, `--include`/
 * `--exclude` majors, `--nodeps`, `--noheadings`, `--paths`. That release has no `--json` (added in
 * 2.27), so `-J` is refused as it refuses it.
 */

interface Column {
  get(d: BlockDevice, bytes: boolean, paths: boolean): string;
  right?: boolean;
}

/** util-linux's size_to_human_string: 1024 steps, one rounded decimal, dropped when zero. */
export function humanSize(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P', 'E'];
  let exp = 0;
  while (exp < units.length - 1 && bytes >= 1024 ** (exp + 1)) exp++;
  let whole = Math.floor(bytes / 1024 ** exp);
  let frac = 0;
  if (exp > 0) {
    const rem = bytes - whole * 1024 ** exp;
    frac = Math.floor((Math.floor(rem / 1024 ** (exp - 1)) + 50) / 100);
    if (frac === 10) {
      whole += 1;
      frac = 0;
    }
  }
  return `${whole}${frac ? `.${frac}` : ''}${units[exp]}`;
}

const COLUMNS: Record<string, Column> = {
  NAME: { get: (d, _b, p) => (p && d.type !== 'lvm' ? `/dev/${d.name}` : p ? `/dev/mapper/${d.name}` : d.name) },
  KNAME: { get: (d, _b, p) => (p ? `/dev/${d.kname}` : d.kname) },
  PKNAME: { get: (d, _b, p) => (d.pkname && p ? `/dev/${d.pkname}` : d.pkname) },
  'MAJ:MIN': { get: (d) => `${String(d.major).padStart(3)}:${d.minor}` },
  FSTYPE: { get: (d) => d.fstype ?? (d.type === 'lvm' ? 'ext3' : d.mountpoint === '[SWAP]' ? 'swap' : '') },
  MOUNTPOINT: { get: (d) => d.mountpoint },
  RM: { get: () => '0', right: true },
  RO: { get: (d) => (d.ro ? '1' : '0'), right: true },
  SIZE: { get: (d, b) => (b ? String(d.size) : humanSize(d.size)), right: true },
  TYPE: { get: (d) => d.type },
  'LOG-SEC': { get: (d) => String(d.logSec), right: true },
  'PHY-SEC': { get: (d) => String(d.logSec), right: true },
  'MIN-IO': { get: (d) => String(d.logSec), right: true },
  ROTA: { get: () => '1', right: true },
  WWN: { get: (d) => d.wwn },
  MODEL: { get: (d) => (d.type === 'disk' ? 'SIMULATED DISK' : '') },
  VENDOR: { get: (d) => (d.type === 'disk' ? 'SIM' : '') },
  SERIAL: { get: (d) => (d.type === 'disk' ? d.wwn.slice(2) : '') },
  TRAN: { get: (d) => (d.type === 'disk' ? 'sas' : '') },
};
const DEFAULT_COLUMNS = ['NAME', 'MAJ:MIN', 'RM', 'SIZE', 'RO', 'TYPE', 'MOUNTPOINT'];

const LONG: Record<string, string> = {
  '--all': 'a',
  '--bytes': 'b',
  '--nodeps': 'd',
  '--exclude': 'e',
  '--include': 'I',
  '--list': 'l',
  '--noheadings': 'n',
  '--output': 'o',
  '--pairs': 'P',
  '--raw': 'r',
  '--paths': 'p',
};
const WITH_VALUE = new Set(['e', 'I', 'o']);

interface Options {
  flags: Set<string>;
  values: Map<string, string>;
  devices: string[];
}

function parseOptions(argv: string[]): Options | string {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const devices: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [name, glued] = a.split(/=(.*)/s, 2) as [string, string | undefined];
      const short = LONG[name];
      if (!short) return `unrecognized option '${a}'`;
      flags.add(short);
      if (WITH_VALUE.has(short)) {
        const v = glued ?? argv[++i];
        if (v === undefined) return `option '${name}' requires an argument`;
        values.set(short, v);
      }
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (!Object.values(LONG).includes(c)) return `invalid option -- '${c}'`;
        flags.add(c);
        if (WITH_VALUE.has(c)) {
          const v = a.slice(j + 1) || argv[++i];
          if (v === undefined) return `option requires an argument -- '${c}'`;
          values.set(c, v);
          break;
        }
      }
    } else devices.push(a);
  }
  return { flags, values, devices };
}

const majors = (list: string | undefined): Set<number> | null =>
  list === undefined ? null : new Set(list.split(',').map((m) => parseInt(m, 10)));

/** A device and its descendants, depth-first, each with the tree marks lsblk draws before its name. */
function walk(all: BlockDevice[], d: BlockDevice, marks: string, indent: string, out: Array<[BlockDevice, string]>) {
  out.push([d, marks]);
  const kids = all.filter((c) => c.pkname === d.kname);
  kids.forEach((c, i) => {
    const last = i === kids.length - 1;
    walk(all, c, `${indent}${last ? '└─' : '├─'}`, `${indent}${last ? '  ' : '│ '}`, out);
  });
}

export async function lsblk(io: CommandIo, env: ShellEnv): Promise<number> {
  const parsed = parseOptions(io.argv);
  if (typeof parsed === 'string') {
    io.err(`lsblk: ${parsed}\nTry 'lsblk --help' for more information.\n`);
    return 1;
  }
  const { flags, values, devices } = parsed;
  const names = (values.get('o') ?? DEFAULT_COLUMNS.join(',')).split(',').map((c) => c.toUpperCase());
  const unknown = names.find((c) => !COLUMNS[c]);
  if (unknown) {
    io.err(`lsblk: unknown column: ${unknown}\n`);
    return 1;
  }
  const host = env.host();
  const disks = hostBlockDevices(env.model, host);
  const all = [...disks, ...deviceMapperHolders(env.model, host, disks)];
  const include = majors(values.get('I'));
  const exclude = majors(values.get('e') ?? (include ? undefined : '1'));
  const shown = all.filter((d) => (!include || include.has(d.major)) && !exclude?.has(d.major));
  let roots = shown.filter((d) => !d.pkname);
  for (const dev of devices) {
    const found = all.find((d) => `/dev/${d.name}` === dev || `/dev/${d.kname}` === dev);
    if (!found) {
      io.err(`lsblk: ${dev}: not a block device\n`);
      return 32;
    }
  }
  if (devices.length) {
    roots = shown.filter((d) => devices.some((p) => p === `/dev/${d.name}` || p === `/dev/${d.kname}`));
  }
  const rows: Array<[BlockDevice, string]> = [];
  for (const r of roots) {
    if (flags.has('d')) rows.push([r, '']);
    else walk(shown, r, '', '', rows);
  }
  const bytes = flags.has('b');
  const paths = flags.has('p');
  const cells = rows.map(([d]) => names.map((c) => COLUMNS[c]!.get(d, bytes, paths)));
  if (flags.has('P')) {
    const quote = (v: string): string => v.replace(/[\\"`$]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
    io.out(cells.map((r) => `${r.map((v, i) => `${names[i]}="${quote(v)}"`).join(' ')}\n`).join(''));
    return 0;
  }
  if (flags.has('r')) {
    const raw = (v: string): string => v.replace(/[\s\\]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
    const head = flags.has('n') ? '' : `${names.join(' ')}\n`;
    io.out(head + cells.map((r) => `${r.map(raw).join(' ')}\n`).join(''));
    return 0;
  }
  // The tree marks each child under its parent; --list leaves the names flat.
  if (!flags.has('l')) {
    const nameAt = names.indexOf('NAME');
    rows.forEach(([, marks], i) => {
      if (nameAt >= 0) cells[i]![nameAt] = marks + cells[i]![nameAt]!;
    });
  }
  const table = flags.has('n') ? cells : [names, ...cells];
  const width = names.map((_, i) => Math.max(...table.map((r) => [...r[i]!].length)));
  const pad = (v: string, i: number): string => {
    const fill = ' '.repeat(width[i]! - [...v].length);
    return COLUMNS[names[i]!]!.right ? fill + v : i === names.length - 1 ? v : v + fill;
  };
  io.out(table.map((r) => `${r.map(pad).join(' ')}\n`).join(''));
  return 0;
}

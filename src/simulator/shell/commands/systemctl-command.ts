import { HostPackages, TOOLSTACK_SERVICES } from 'src/simulator/packages/host-packages';
import { CommandIo, ShellEnv } from 'src/simulator/shell/shell-types';
import { INTERNAL_PEM, servePoolPem } from 'src/simulator/xe/commands/certificate-commands';

/**
 * systemd 219's `systemctl` (CentOS 7, XCP-ng 8.2.1 and 8.3.0) over the host's services: `is-active`,
 * `is-failed`, `(try-)restart`, `reload(-or-restart)`, `show -p`, and `list-units` — also what runs
 * when no verb is given (`systemctl --state=failed`) — with `--state`, `--type`, `--all`,
 * `--no-legend`. Options may come anywhere on the line, as getopt permutes them.
 */

const DESCRIPTIONS: Record<string, string> = {
  xapi: 'XenAPI server (XAPI)',
  'xenopsd-xc': 'Xen domain manager (xenopsd-xc)',
  'xcp-networkd': 'XCP networking daemon',
  squeezed: 'Memory ballooning daemon',
  'xcp-rrdd': 'XCP RRD daemon',
  'message-switch': 'Message Switch',
  sshd: 'OpenSSH server daemon',
  'stunnel@xapi': 'TLS tunnel for xapi',
};

const unitName = (u: string): string => u.replace(/\.service$/, '');

interface Parsed {
  verb: string;
  units: string[];
  states: string[];
  types: string[];
  property: string | undefined;
  value: boolean;
  quiet: boolean;
  legend: boolean;
  all: boolean;
}

function parse(argv: string[]): Parsed | string {
  const p: Parsed = {
    verb: '',
    units: [],
    states: [],
    types: [],
    property: undefined,
    value: false,
    quiet: false,
    legend: true,
    all: false,
  };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, glued] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = (): string => glued ?? argv[++i] ?? '';
    switch (flag) {
      case '--state':
        p.states.push(...value().split(','));
        break;
      case '-t':
      case '--type':
        p.types.push(...value().split(','));
        break;
      case '-p':
      case '--property':
        p.property = value();
        break;
      case '--value':
        p.value = true;
        break;
      case '-q':
      case '--quiet':
        p.quiet = true;
        break;
      case '--no-legend':
        p.legend = false;
        break;
      case '-a':
      case '--all':
        p.all = true;
        break;
      case '--no-pager':
      case '-l':
      case '--full':
      case '--plain':
      case '--no-ask-password':
        break;
      default:
        if (a.startsWith('-')) return `systemctl: unrecognized option '${a}'\n`;
        positional.push(a);
    }
  }
  p.verb = positional[0] ?? 'list-units';
  p.units = positional.slice(1);
  return p;
}

/** systemd's timestamp format, e.g. `Tue 2024-10-01 12:00:00 UTC`. */
function systemdTime(ms: number): string {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  return `${day} ${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

interface UnitState {
  id: string;
  active: 'active' | 'activating' | 'failed' | 'inactive';
  sub: string;
}

function unitStates(pk: HostPackages, xapiDown: (u: string) => boolean): UnitState[] {
  const names = new Set([...pk.serviceStarts.keys(), ...pk.failedUnits]);
  return [...names].sort().map((u) => {
    const active = pk.failedUnits.has(u) ? 'failed' : xapiDown(u) ? 'activating' : 'active';
    const sub = { active: 'running', activating: 'start', failed: 'failed', inactive: 'dead' }[active];
    return { id: `${u}.service`, active, sub };
  });
}

/** `list-units`: the loaded units matching --state (load, active or sub state) and --type. */
function listUnits(io: CommandIo, p: Parsed, units: UnitState[]): number {
  const globs = p.units.map((g) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
  const shown = units.filter(
    (u) =>
      (!p.states.length || p.states.some((s) => s === u.active || s === u.sub || s === 'loaded')) &&
      (!p.types.length || p.types.includes('service')) &&
      (!globs.length || globs.some((g) => g.test(u.id) || g.test(unitName(u.id)))),
  );
  const rows = shown.map((u) => [u.id, 'loaded', u.active, u.sub, DESCRIPTIONS[unitName(u.id)] ?? unitName(u.id)]);
  const head = ['UNIT', 'LOAD', 'ACTIVE', 'SUB', 'DESCRIPTION'];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[head, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[], mark: string): string =>
    `${mark}${r
      .map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c))
      .join(' ')
      .trimEnd()}\n`;
  if (p.legend && rows.length) io.out(line(head, '  '));
  for (const [i, r] of rows.entries()) io.out(line(r, shown[i]!.active === 'failed' ? '● ' : '  '));
  if (p.legend) {
    if (rows.length) {
      io.out(
        '\nLOAD   = Reflects whether the unit definition was properly loaded.\nACTIVE = The high-level unit activation state, i.e. generalization of SUB.\nSUB    = The low-level unit activation state, values depend on unit type.\n\n',
      );
    }
    io.out(
      p.all
        ? `${rows.length} loaded units listed.\nTo show all installed unit files use 'systemctl list-unit-files'.\n`
        : `${rows.length} loaded units listed. Pass --all to see loaded but inactive units, too.\nTo show all installed unit files use 'systemctl list-unit-files'.\n`,
    );
  }
  return 0;
}

/**
 * (Re)starting stunnel@xapi loads /etc/xensource/xapi-pool-tls.pem: without it the unit fails, as
 * stunnel does when its `cert` file is missing.
 */
async function startUnit(io: CommandIo, env: ShellEnv, pk: HostPackages, u: string): Promise<boolean> {
  if (u === 'stunnel@xapi') {
    const pem = await env.vfs.read(INTERNAL_PEM);
    if (!pem) {
      pk.failedUnits.add(u);
      io.err(
        `Job for ${u}.service failed because the control process exited with error code. See "systemctl status ${u}.service" and "journalctl -xe" for details.\n`,
      );
      return false;
    }
    servePoolPem(env.model, env.host(), pem.toString('utf8'));
  }
  pk.failedUnits.delete(u);
  pk.serviceStarts.set(u, env.model.clock.now());
  return true;
}

export async function systemctl(io: CommandIo, env: ShellEnv, pk: HostPackages): Promise<number> {
  const p = parse(io.argv);
  if (typeof p === 'string') {
    io.err(p);
    return 1;
  }
  const xapiDown = (u: string): boolean =>
    (u === 'xapi' || TOOLSTACK_SERVICES.includes(u)) && env.faultActive?.('xapi-restart') === true;
  const known = (u: string): boolean => pk.serviceStarts.has(u) || pk.failedUnits.has(u);
  const units = p.units.map(unitName);
  const states = unitStates(pk, xapiDown);
  const stateOf = (u: string): string => states.find((s) => s.id === `${u}.service`)?.active ?? 'inactive';
  switch (p.verb) {
    case 'list-units':
      return listUnits(io, p, states);
    case 'is-active':
    case 'is-failed': {
      let code = p.verb === 'is-failed' ? 1 : 0;
      for (const u of units) {
        const s = known(u) ? stateOf(u) : 'unknown';
        if (p.verb === 'is-active' && s !== 'active') code = 3;
        if (p.verb === 'is-failed' && s === 'failed') code = 0;
        if (!p.quiet) io.out(`${s === 'unknown' && p.verb === 'is-active' ? 'inactive' : s}\n`);
      }
      return code;
    }
    case 'restart':
    case 'try-restart':
    case 'reload':
    case 'reload-or-restart':
    case 'try-reload-or-restart':
      for (const u of units) {
        if (!known(u)) {
          io.err(`Failed to ${p.verb} ${u}.service: Unit not found.\n`);
          return 5;
        }
        if (!(await startUnit(io, env, pk, u))) return 1;
      }
      return 0;
    case 'show': {
      for (const u of units) {
        const at = pk.serviceStarts.get(u);
        const values: Record<string, string> = {
          ActiveState: at === undefined ? 'inactive' : stateOf(u),
          ActiveEnterTimestamp: at === undefined ? '' : systemdTime(at),
          ActiveEnterTimestampMonotonic: at === undefined ? '0' : String((at - env.bootedAt()) * 1000),
        };
        const keys = p.property ? p.property.split(',') : Object.keys(values);
        for (const k of keys) io.out(p.value ? `${values[k] ?? ''}\n` : `${k}=${values[k] ?? ''}\n`);
      }
      return 0;
    }
    default:
      io.err(`Unknown operation '${p.verb}'.\n`);
      return 1;
  }
}

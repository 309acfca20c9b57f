import { CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';

/**
 * Jobs a machine runs in the background (`cmd &`, `nohup … &`): each gets a pid, its own `$$`, and
 * lives until it ends or is killed. A guest's jobs belong to its VM, so they outlive a suspend and a
 * checkpoint revert (the memory image keeps them) and end when the VM halts.
 */
interface SimProcess {
  pid: number;
  command: string;
  abort: AbortController;
}

const tables = new WeakMap<object, Map<number, SimProcess>>();
/** Linux hands out pids upwards from where boot left off; one counter serves every simulated machine. */
let lastPid = 2400;

function table(owner: object): Map<number, SimProcess> {
  let t = tables.get(owner);
  if (!t) tables.set(owner, (t = new Map()));
  return t;
}

/** A guest's jobs are its VM's; a host's, its own (a bare test shell without a host keeps its own). */
const ownerOf = (env: ShellEnv): object => env.vm ?? ((env as Partial<ShellEnv>).host ? env.host() : env);

/** Registers a new background job of the machine; `end` removes it when it finishes. */
export function startProcess(env: ShellEnv, command: string): { process: SimProcess; end: () => void } {
  const t = table(ownerOf(env));
  const process: SimProcess = { pid: ++lastPid, command, abort: new AbortController() };
  t.set(process.pid, process);
  return { process, end: () => void t.delete(process.pid) };
}

/** Ends every job of a VM (it rebooted) or host (it rebooted), and those kept from its last halt. */
export function killAll(owner: object): void {
  for (const t of [tables.get(owner), parked.get(owner)]) {
    for (const p of t?.values() ?? []) p.abort.abort();
    t?.clear();
  }
}

/** A halted VM's jobs, kept aside until it is known whether a checkpoint revert brings them back. */
const parked = new WeakMap<object, Map<number, SimProcess>>();
/** The pids a checkpoint's memory image holds. */
const images = new WeakMap<object, Set<number>>();

/** A VM halts: its jobs are gone from it (a revert to a checkpoint that held them restores them). */
export function haltProcesses(vm: object): void {
  const t = tables.get(vm);
  for (const p of parked.get(vm)?.values() ?? []) p.abort.abort();
  parked.set(vm, new Map(t ?? []));
  t?.clear();
}

/** vm-checkpoint: the snapshot's memory image holds the VM's running jobs. */
export function recordProcessImage(vm: object, snapshot: object): void {
  images.set(snapshot, new Set(tables.get(vm)?.keys() ?? []));
}

/** snapshot-revert to a checkpoint: the jobs of its memory image run again; the others stay ended. */
export function restoreProcessImage(vm: object, snapshot: object): void {
  const pids = images.get(snapshot) ?? new Set<number>();
  const t = table(vm);
  for (const p of parked.get(vm)?.values() ?? []) {
    if (pids.has(p.pid)) t.set(p.pid, p);
    else p.abort.abort();
  }
  parked.delete(vm);
}

/** Signal numbers bash's `kill` accepts by name. */
const SIGNALS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  KILL: 9,
  USR1: 10,
  USR2: 12,
  TERM: 15,
  CONT: 18,
  STOP: 19,
};

function signalOf(spec: string): number | null {
  if (/^\d+$/.test(spec)) return parseInt(spec, 10);
  const name = spec.toUpperCase().replace(/^SIG/, '');
  return SIGNALS[name] ?? null;
}

export const PROCESS_COMMANDS: CommandTable = {
  /**
   * bash's builtin `kill [-s SIG | -SIG | -n SIG] pid…`: signal 0 only asks whether the process
   * exists; any other ends the job (the simulated jobs trap nothing). pid 1 (init) always exists.
   */
  kill: async (io, env) => {
    const args = [...io.argv];
    let signal = 15;
    const first = args[0];
    if (first === '-s' || first === '-n') {
      const s = signalOf(args[1] ?? '');
      if (s === null) {
        io.err(`bash: kill: ${args[1] ?? ''}: invalid signal specification\n`);
        return 1;
      }
      signal = s;
      args.splice(0, 2);
    } else if (first && /^-[A-Za-z0-9]+$/.test(first)) {
      const s = signalOf(first.slice(1));
      if (s === null) {
        io.err(`bash: kill: ${first.slice(1)}: invalid signal specification\n`);
        return 1;
      }
      signal = s;
      args.shift();
    }
    if (args.length === 0) {
      io.err('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n');
      return 2;
    }
    const t = table(ownerOf(env));
    let code = 0;
    for (const a of args) {
      if (!/^\d+$/.test(a)) {
        io.err(`bash: kill: ${a}: arguments must be process or job IDs\n`);
        code = 1;
        continue;
      }
      const pid = parseInt(a, 10);
      const p = t.get(pid);
      if (!p && pid !== 1) {
        io.err(`bash: kill: (${pid}) - No such process\n`);
        code = 1;
        continue;
      }
      if (p && signal !== 0 && signal !== 18) {
        t.delete(pid);
        p.abort.abort();
      }
    }
    return code;
  },
  /** `nohup cmd args…`: runs the command immune to hangups; with no terminal there is nothing to say. */
  nohup: async (io) => {
    if (io.argv.length === 0) {
      io.err("nohup: missing operand\nTry 'nohup --help' for more information.\n");
      return 125;
    }
    if (!io.shell) return 126;
    const line = io.argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = await io.shell.exec(line);
    if (r.stdout) io.out(r.stdout);
    if (r.stderr) io.err(r.stderr);
    return r.exitCode;
  },
};

import {
  Bash,
  Command,
  defineCommand,
  getCommandNames,
  IFileSystem,
  latin1FromBytes,
  parse,
  serialize,
} from 'just-bash';
import { startProcess } from 'src/simulator/shell/commands/process-commands';
import { CommandHandler, CommandTable, ShellEnv, Vfs } from 'src/simulator/shell/shell-types';

interface ShellSink {
  stdout(chunk: string | Buffer): void;
  stderr(chunk: string): void;
}

/** The name the shell gives a statement that ran with a trailing `&` (see `detachBackground`). */
const BACKGROUND = '__shakedown_background';
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/xensource/bin';
/**
 * A guest's $PATH searches /usr/local last: a static binary copied there (guest preparation without
 * repositories) is a stand-in the model runs as its own program (guest-package-commands.ts), and
 * just-bash would run the file itself as a script when /usr/local/bin came first.
 */
const GUEST_PATH = '/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin';

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Output goes to the pipe as text when it is UTF-8, as bytes otherwise (`dd`, archives). */
function toResult(out: Buffer[], err: string[], exitCode: number) {
  const data = Buffer.concat(out);
  const text = data.toString('utf8');
  const binary = Buffer.byteLength(text) !== data.length || !data.equals(Buffer.from(text));
  return binary
    ? { stdout: data.toString('latin1'), stdoutKind: 'bytes' as const, stderr: err.join(''), exitCode }
    : { stdout: text, stdoutKind: 'text' as const, stderr: err.join(''), exitCode };
}

/** One of the simulator's own commands (xe, fio, lsblk, …) as a just-bash command bound to a host or guest. */
function simulatorCommand(name: string, handler: CommandHandler, env: ShellEnv, marks: { bytes: boolean }): Command {
  return defineCommand(name, async (argv, ctx) => {
    const out: Buffer[] = [];
    const err: string[] = [];
    const exitCode = await handler(
      {
        argv,
        stdin: Buffer.from(latin1FromBytes(ctx.stdin), 'latin1'),
        out: (c) => out.push(typeof c === 'string' ? Buffer.from(c) : c),
        err: (c) => err.push(c),
        signal: ctx.signal ?? new AbortController().signal,
        shell: {
          fs: ctx.fs,
          cwd: ctx.cwd,
          env: ctx.env,
          exec: async (command) => {
            if (!ctx.exec) return { stdout: '', stderr: 'sh: cannot run commands here\n', exitCode: 126 };
            const r = await ctx.exec(command, { cwd: ctx.cwd, signal: ctx.signal });
            return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
          },
        },
      },
      env,
    );
    const result = toResult(out, err, exitCode);
    if (result.stdoutKind === 'bytes') marks.bytes = true;
    return result;
  });
}

type Script = ReturnType<typeof parse>;
type Statement = Script['statements'][number];

/** A word's text when it is plain (literal, or quoted literal), else null. */
function plainWord(word: unknown): string | null {
  const parts = (word as { parts?: Array<{ type: string; value?: string; parts?: unknown[] }> }).parts ?? [];
  let text = '';
  for (const p of parts) {
    if (p.type === 'Literal' || p.type === 'SingleQuoted') text += p.value ?? '';
    else if (p.type === 'DoubleQuoted') {
      const inner = plainWord(p);
      if (inner === null) return null;
      text += inner;
    } else return null;
  }
  return text;
}

/**
 * `[nohup] bash -c 'script'` (or sh) as a whole statement: the script's own background jobs are
 * detached too (`nohup bash -c "job &>/dev/null &"` is how test suites start a daemon over SSH).
 */
function nestedShell(s: Statement): string | null {
  const cmd = s.pipelines.length === 1 ? s.pipelines[0]?.commands : undefined;
  if (cmd?.length !== 1 || cmd[0]?.type !== 'SimpleCommand') return null;
  const simple = cmd[0] as { name?: unknown; args: unknown[]; assignments: unknown[]; redirections: unknown[] };
  if (!simple.name || simple.assignments.length || simple.redirections.length) return null;
  const words = [simple.name, ...simple.args].map(plainWord);
  if (words.some((w) => w === null)) return null;
  const w = words as string[];
  const at = w[0] === 'nohup' ? 1 : 0;
  if (!['bash', 'sh'].includes(w[at] ?? '') || w[at + 1] !== '-c' || w.length !== at + 3) return null;
  const inner = w[at + 2] ?? '';
  const detached = detachBackground(inner);
  return detached === inner ? null : [...w.slice(0, at + 2), detached].map(quote).join(' ');
}

/**
 * `cmd &` detaches like `nohup cmd &`: the command line goes on and the job outlives the channel,
 * its output dropped. (just-bash would wait for it.) Top-level statements are rewritten, and those
 * of a `[nohup] bash -c` statement.
 */
function detachBackground(source: string): string {
  if (!source.includes('&')) return source;
  let script: Script;
  try {
    script = parse(source);
  } catch {
    return source; // the shell reports the syntax error itself
  }
  const rewritten = script.statements.map((s) => (s.background ? null : nestedShell(s)));
  if (!script.statements.some((s, i) => s.background || rewritten[i] !== null)) return source;
  return script.statements
    .map((s, i) => {
      const one = serialize({ ...script, statements: [{ ...s, background: false }] });
      return s.background ? `${BACKGROUND} ${quote(one)}` : (rewritten[i] ?? one);
    })
    .join('\n');
}

interface Shell {
  bash: Bash;
  fs: IFileSystem;
  marks: { bytes: boolean };
  /** the command files in /usr/bin are written */
  ready: Promise<void>;
}

/**
 * just-bash finds a command through $PATH like bash does, and runs its own commands only from
 * /usr/bin or /bin: every command gets an executable stub there (so `which`, `type` and `ls /usr/bin`
 * answer as on a real machine).
 */
async function installCommandFiles(vfs: Vfs, fs: IFileSystem, names: string[]): Promise<void> {
  const stubs = Object.fromEntries(
    names.filter((n) => !n.includes('/')).map((n) => [n, `#!/bin/bash\n# ${n}: built into the simulated shell\n`]),
  );
  if (vfs.installExecutables) return vfs.installExecutables('/usr/bin', stubs);
  await fs.mkdir('/usr/bin', { recursive: true });
  for (const [name, content] of Object.entries(stubs)) {
    const path = `/usr/bin/${name}`;
    if (await fs.exists(path)) continue;
    await fs.writeFile(path, content);
    await fs.chmod(path, 0o755);
  }
}

const shells = new WeakMap<ShellEnv, WeakMap<CommandTable, Shell>>();

function shellFor(env: ShellEnv, table: CommandTable): Shell {
  const fs = env.vfs.shellFs();
  let byTable = shells.get(env);
  if (!byTable) shells.set(env, (byTable = new WeakMap()));
  const cached = byTable.get(table);
  if (cached && cached.fs === fs) return cached;
  const marks = { bytes: false };
  const commands = Object.entries(table).map(([name, handler]) => simulatorCommand(name, handler, env, marks));
  const interpreter = (pid?: number): Bash =>
    new Bash({
      fs,
      cwd: '/root',
      customCommands: commands,
      // It patches process-wide globals (timers, Function): not something to do inside the server.
      defenseInDepth: false,
      env: {
        HOME: '/root',
        USER: 'root',
        LOGNAME: 'root',
        SHELL: '/bin/bash',
        HOSTNAME: env.hostname,
        PATH: env.kind === 'guest' ? GUEST_PATH : PATH,
        LANG: 'en_US.UTF-8',
      },
      processInfo: { uid: 0, gid: 0, ...(pid ? { pid, ppid: 1 } : {}) },
    });
  // A job started from inside the interpreter would be awaited by it: start it on the side instead,
  // as a process of the machine with its own pid (its `$$`), until it ends or is killed.
  commands.push(
    defineCommand(BACKGROUND, async ([script], ctx) => {
      const { process, end } = startProcess(env, script ?? '');
      void interpreter(process.pid)
        .exec(script ?? '', { cwd: ctx.cwd, signal: process.abort.signal, rawScript: true })
        .catch(() => undefined)
        .finally(end);
      return { stdout: '', stderr: '', exitCode: 0 };
    }),
  );
  const bash = interpreter();
  const names = [...getCommandNames(), ...Object.keys(table), BACKGROUND].filter((n) => n !== ':');
  const shell = { bash, fs, marks, ready: installCommandFiles(env.vfs, fs, names) };
  byTable.set(table, shell);
  return shell;
}

/** The final output as bytes: latin1 when a command wrote bytes (the string is then byte-shaped), else UTF-8. */
function outputBytes(stdout: string, sawBytes: boolean): Buffer {
  if (sawBytes && ![...stdout].some((c) => c.charCodeAt(0) > 0xff)) return Buffer.from(stdout, 'latin1');
  return Buffer.from(stdout, 'utf8');
}

/** Runs a command line as `bash -c` would on the host or guest `env` describes (just-bash). */
export async function runShell(
  source: string,
  env: ShellEnv,
  table: CommandTable,
  sink: ShellSink,
  signal: AbortSignal,
  /** the session's own variables (SSH_CLIENT, SSH_CONNECTION) */
  vars: Record<string, string> = {},
): Promise<number> {
  const shell = shellFor(env, table);
  shell.marks.bytes = false;
  try {
    await shell.ready;
    const r = await shell.bash.exec(detachBackground(source), { signal, cwd: '/root', rawScript: true, env: vars });
    if (r.stdout) sink.stdout(outputBytes(r.stdout, shell.marks.bytes));
    if (r.stderr) sink.stderr(r.stderr);
    return r.exitCode;
  } finally {
    await env.vfs.sync?.();
  }
}

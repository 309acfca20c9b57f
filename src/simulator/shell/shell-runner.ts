import { parseShell, Pipeline, ShellSyntaxError, SimpleCommand } from 'src/simulator/shell/shell-parser';
import { CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';

export interface ShellSink {
  stdout(chunk: string | Buffer): void;
  stderr(chunk: string): void;
}

const asBuffer = (c: string | Buffer): Buffer => (typeof c === 'string' ? Buffer.from(c) : c);

async function runSimple(
  cmd: SimpleCommand,
  stdin: Buffer,
  env: ShellEnv,
  table: CommandTable,
  sink: ShellSink,
  signal: AbortSignal,
): Promise<number> {
  const [name, ...rest] = cmd.argv;
  if (name === undefined) return 0;
  const files = new Map<string, Buffer[]>();
  const appendMode = new Map<string, boolean>();
  let outTo: string | null = null;
  let errTo: string | null = null;
  let input = stdin;
  for (const r of cmd.redirects) {
    if (r.fd === 0) {
      const data = await env.vfs.read(r.target);
      if (data === null) {
        sink.stderr(`bash: ${r.target}: No such file or directory\n`);
        return 1;
      }
      input = data;
      continue;
    }
    if (r.target === '&1') {
      errTo = outTo ?? '&1';
      continue;
    }
    files.set(r.target, []);
    appendMode.set(r.target, r.append);
    if (r.fd === 1 || r.fd === 'both') outTo = r.target;
    if (r.fd === 2 || r.fd === 'both') errTo = r.target;
  }
  const write = (target: string | null, chunk: string | Buffer, fallback: (c: string | Buffer) => void): void => {
    if (target === null) fallback(chunk);
    else if (target === '&1') write(outTo, chunk, sink.stdout);
    else if (target !== '/dev/null') files.get(target)?.push(asBuffer(chunk));
  };
  const handler = table[name];
  let code: number;
  if (!handler) {
    write(errTo, `bash: ${name}: command not found\n`, (c) => sink.stderr(c.toString()));
    code = 127;
  } else {
    code = await handler(
      {
        argv: rest,
        stdin: input,
        out: (c) => write(outTo, c, sink.stdout),
        err: (c) => write(errTo, c, (x) => sink.stderr(x.toString())),
        signal,
      },
      env,
    );
  }
  for (const [path, chunks] of files) {
    if (path === '/dev/null') continue;
    try {
      await env.vfs.write(path, Buffer.concat(chunks), appendMode.get(path) ?? false);
    } catch (err) {
      sink.stderr(`bash: ${path}: ${(err as Error).message}\n`);
      code = 1;
    }
  }
  return code;
}

async function runPipeline(
  p: Pipeline,
  env: ShellEnv,
  table: CommandTable,
  sink: ShellSink,
  signal: AbortSignal,
): Promise<number> {
  let stdin = Buffer.alloc(0);
  let code = 0;
  for (let i = 0; i < p.commands.length; i++) {
    const cmd = p.commands[i];
    if (!cmd) continue;
    const last = i === p.commands.length - 1;
    if (last) {
      code = await runSimple(cmd, stdin, env, table, sink, signal);
    } else {
      const captured: Buffer[] = [];
      code = await runSimple(
        cmd,
        stdin,
        env,
        table,
        { stdout: (c) => captured.push(asBuffer(c)), stderr: sink.stderr },
        signal,
      );
      stdin = Buffer.concat(captured);
    }
  }
  return code;
}

/** Runs a command line like `bash -c` would, for the subset the parser documents. */
export async function runShell(
  source: string,
  env: ShellEnv,
  table: CommandTable,
  sink: ShellSink,
  signal: AbortSignal,
): Promise<number> {
  let items;
  try {
    items = parseShell(source);
  } catch (err) {
    if (!(err instanceof ShellSyntaxError)) throw err;
    sink.stderr(`bash: -c: line 1: ${err.message}\n`);
    return 2;
  }
  let code = 0;
  let skip = false;
  for (const item of items) {
    if (!skip) {
      if (item.pipeline.background) {
        // Detached like `cmd &` under nohup: it outlives the channel and its output is dropped.
        void runPipeline(
          item.pipeline,
          env,
          table,
          { stdout: () => undefined, stderr: () => undefined },
          new AbortController().signal,
        ).catch(() => undefined);
        code = 0;
      } else {
        code = await runPipeline(item.pipeline, env, table, sink, signal);
      }
    }
    if (item.then === '&&') skip = code !== 0;
    else if (item.then === '||') skip = code === 0;
    else skip = false;
  }
  return code;
}

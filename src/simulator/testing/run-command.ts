import { CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';

export interface CommandRun {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs one simulator command of `table` outside a shell, as a spec drives it: no stdin, output collected. */
export async function runCommand(
  table: CommandTable,
  name: string,
  env: ShellEnv,
  argv: string[],
  signal = new AbortController().signal,
): Promise<CommandRun> {
  const command = table[name];
  if (!command) throw new Error(`no command ${name} in this table`);
  let stdout = '';
  let stderr = '';
  const code = await command(
    {
      argv,
      stdin: Buffer.alloc(0),
      out: (c) => void (stdout += c.toString()),
      err: (c) => void (stderr += c),
      signal,
    },
    env,
  );
  return { stdout, stderr, code };
}

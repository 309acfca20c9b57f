import { CORE_COMMANDS } from 'src/simulator/shell/commands/core-commands';
import {
  haltProcesses,
  killAll,
  PROCESS_COMMANDS,
  recordProcessImage,
  restoreProcessImage,
} from 'src/simulator/shell/commands/process-commands';
import { runShell } from 'src/simulator/shell/shell-runner';
import { CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';
import { MemoryVfs } from 'src/simulator/shell/vfs';
import { waitUntil } from 'test/utils/wait';

const TABLE: CommandTable = { ...CORE_COMMANDS, ...PROCESS_COMMANDS };

/** A guest whose clock never reaches the end of a sleep: only a signal ends it. */
function guest(): { env: ShellEnv; vm: object } {
  const vm = { uuid: 'vm-1' };
  const clock = {
    now: () => 0,
    wait: (_s: number, signal?: AbortSignal) =>
      new Promise<void>((_resolve, reject) =>
        signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
      ),
  };
  const env = {
    kind: 'guest',
    hostname: 'guest-a',
    vfs: new MemoryVfs(new Map()),
    vm,
    host: () => ({ uuid: 'host-1' }),
    model: { clock },
    bootedAt: () => 0,
  } as unknown as ShellEnv;
  return { env, vm };
}

async function sh(env: ShellEnv, source: string) {
  let stdout = '';
  let stderr = '';
  const code = await runShell(
    source,
    env,
    TABLE,
    { stdout: (c) => void (stdout += c.toString()), stderr: (c) => void (stderr += c) },
    new AbortController().signal,
  );
  return { stdout, stderr, code };
}

/** The job writes its pid on its own time, as on a real machine: wait for the file (xcp-ng-tests does too). */
const pidFile = (env: ShellEnv, path: string): Promise<string> =>
  waitUntil(async () => (await sh(env, `cat ${path} 2>/dev/null`)).stdout.trim() || undefined, `the pid in ${path}`);

describe('background processes on a simulated machine (nohup, $$, kill)', () => {
  it('starts a job the way test suites do over SSH, gives it its own pid, and kill ends it', async () => {
    const { env } = guest();
    await sh(env, `printf 'echo $$>/tmp/bg.pid\\nsleep 10000\\n' > /tmp/bg.sh`);
    // The command line returns at once: the job runs detached.
    expect(await sh(env, 'nohup bash -c "bash /tmp/bg.sh &>/dev/null &"')).toEqual({ stdout: '', stderr: '', code: 0 });
    const pid = await pidFile(env, '/tmp/bg.pid');
    expect(pid).toMatch(/^\d+$/);
    expect(pid).not.toBe('1');
    expect(await sh(env, `kill -s 0 ${pid}; echo $?`)).toEqual({ stdout: '0\n', stderr: '', code: 0 });
    expect((await sh(env, `kill ${pid}`)).code).toBe(0);
    expect(await sh(env, `kill -0 ${pid}`)).toEqual({
      stdout: '',
      stderr: `bash: kill: (${pid}) - No such process\n`,
      code: 1,
    });
  });

  it('refuses what bash refuses, and a halted machine has no jobs left', async () => {
    const { env, vm } = guest();
    expect((await sh(env, 'kill -s NOPE 1')).stderr).toBe('bash: kill: NOPE: invalid signal specification\n');
    expect((await sh(env, 'kill abc')).stderr).toBe('bash: kill: abc: arguments must be process or job IDs\n');
    expect((await sh(env, 'kill')).code).toBe(2);
    expect((await sh(env, 'nohup')).code).toBe(125);
    expect((await sh(env, 'kill -0 1')).code).toBe(0); // init

    await sh(env, 'sleep 100 & echo started');
    await sh(env, `bash -c 'echo $$ > /tmp/one.pid; sleep 100' &`);
    const pid = await pidFile(env, '/tmp/one.pid');
    expect((await sh(env, `kill -0 ${pid}`)).code).toBe(0);
    killAll(vm);
    expect((await sh(env, `kill -0 ${pid}`)).code).toBe(1);
  });

  it('a checkpoint revert brings back the jobs its memory image held, and only those', async () => {
    const { env, vm } = guest();
    await sh(env, `bash -c 'echo $$ > /tmp/kept.pid; sleep 100' &`);
    const kept = await pidFile(env, '/tmp/kept.pid');
    const checkpoint = {};
    recordProcessImage(vm, checkpoint);
    await sh(env, `bash -c 'echo $$ > /tmp/later.pid; sleep 100' &`);
    const later = await pidFile(env, '/tmp/later.pid');
    haltProcesses(vm);
    expect((await sh(env, `kill -0 ${kept}`)).code).toBe(1);
    restoreProcessImage(vm, checkpoint);
    expect((await sh(env, `kill -0 ${kept}`)).code).toBe(0);
    expect((await sh(env, `kill -0 ${later}`)).code).toBe(1);
    killAll(vm);
  });
});

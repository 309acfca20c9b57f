import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runShell } from 'src/simulator/shell/shell-runner';
import { CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';
import { FolderVfs, MemoryVfs } from 'src/simulator/shell/vfs';

const TABLE: CommandTable = {
  /** echoes its argv, one per line, and its stdin's length */
  probe: async (io) => {
    io.out(`${io.argv.join('|')} stdin=${io.stdin.length}\n`);
    return io.argv[0] === 'fail' ? 3 : 0;
  },
  bytes: async (io) => {
    io.out(Buffer.from([0xff, 0x00, 0x41, 0xc3]));
    return 0;
  },
  /** runs until its channel closes, like `stress` without a timeout */
  forever: async (io) =>
    new Promise<number>((resolve) => io.signal.addEventListener('abort', () => resolve(143), { once: true })),
};

async function sh(env: ShellEnv, source: string) {
  const out: Buffer[] = [];
  let stderr = '';
  const code = await runShell(
    source,
    env,
    TABLE,
    { stdout: (c) => void out.push(Buffer.from(c)), stderr: (c) => void (stderr += c) },
    new AbortController().signal,
  );
  return { stdout: Buffer.concat(out), stderr, code };
}

async function hostEnv(): Promise<{ env: ShellEnv; root: string }> {
  const root = mkdtempSync(join(tmpdir(), 'shell-spec-'));
  const vfs = new FolderVfs(root, (p) => (p === '/etc/virtual' ? Buffer.from('from the model\n') : null));
  await vfs.init();
  return { env: { kind: 'host', hostname: 'dom0-a', vfs } as unknown as ShellEnv, root };
}

describe('simulated shell (just-bash)', () => {
  it('speaks bash: variables, $(…), arithmetic, loops, functions, here-documents, exit codes', async () => {
    const { env } = await hostEnv();
    const r = await sh(
      env,
      [
        'u=$(probe vm-list "a b" x:y=z --minimal)',
        'echo "[$u]" $((6*7)) ${HOME%/*}x',
        'f() { for i in 1 2 3; do echo -n $i; done; echo; }; f',
        'probe fail; echo rc=$?',
        'cat <<EOF',
        'here $HOSTNAME',
        'EOF',
        'echo piped | probe',
      ].join('\n'),
    );
    expect(r).toEqual({
      stdout: Buffer.from(
        '[vm-list|a b|x:y=z|--minimal stdin=0] 42 x\n123\nfail stdin=0\nrc=3\nhere dom0-a\n stdin=6\n',
      ),
      stderr: '',
      code: 0,
    });
  });

  it('says command not found with 127 and keeps stderr separate', async () => {
    const { env } = await hostEnv();
    expect(await sh(env, 'nosuch --x; echo after >&2')).toEqual({
      stdout: Buffer.alloc(0),
      stderr: 'bash: nosuch: command not found\nafter\n',
      code: 0,
    });
    expect((await sh(env, 'nosuch')).code).toBe(127);
  });

  it("shares a host's files between built-ins, simulator commands and the real folder; model files read as files", async () => {
    const { env, root } = await hostEnv();
    const r = await sh(env, 'mkdir -p /tmp/d && cat /etc/virtual > /tmp/d/f && md5sum /tmp/d/f && which probe');
    const md5 = createHash('md5').update('from the model\n').digest('hex');
    expect(r.stdout.toString()).toBe(`${md5}  /tmp/d/f\n/usr/bin/probe\n`);
    expect(readFileSync(join(root, 'tmp/d/f'), 'utf8')).toBe('from the model\n');
    expect((await env.vfs.read('/tmp/d/f'))?.toString()).toBe('from the model\n');
  });

  it('refuses cd into a folder removed by the shell or behind its back, though it resolved before', async () => {
    const { env, root } = await hostEnv();
    const where = async () => {
      const r = await sh(env, 'cd /srv/here && pwd -P');
      return `${r.stdout.toString()}${r.stderr}`;
    };
    await sh(env, 'mkdir -p /srv/here');
    expect(await where()).toBe('/srv/here\n');
    await sh(env, 'rm -r /srv/here');
    expect(await where()).toBe('bash: cd: /srv/here: No such file or directory\n');
    await sh(env, 'mkdir -p /srv/here');
    expect(await where()).toBe('/srv/here\n');
    rmSync(join(root, 'srv/here'), { recursive: true });
    await env.vfs.write('/srv/marker', Buffer.from('written through the model\n'), false);
    expect(await where()).toBe('bash: cd: /srv/here: No such file or directory\n');
  });

  it('passes binary output through untouched', async () => {
    const { env } = await hostEnv();
    expect((await sh(env, 'bytes')).stdout).toEqual(Buffer.from([0xff, 0x00, 0x41, 0xc3]));
    expect((await sh(env, 'echo é')).stdout.toString('utf8')).toBe('é\n');
  });

  it('detaches `cmd &` like nohup: the command line ends, the job keeps running', async () => {
    const { env } = await hostEnv();
    expect(await sh(env, 'forever > /dev/null 2>&1 & echo started')).toEqual({
      stdout: Buffer.from('started\n'),
      stderr: '',
      code: 0,
    });
  });

  it("records a guest's changes in the VM's file map, and sees changes made to the map", async () => {
    const files = new Map<string, Buffer>([['/root/seed', Buffer.from('seed\n')]]);
    const env = { kind: 'guest', hostname: 'vm1', vfs: new MemoryVfs(files) } as unknown as ShellEnv;
    expect((await sh(env, 'cat seed && echo new > /root/new && rm seed')).stdout.toString()).toBe('seed\n');
    expect([...files.keys()]).toEqual(['/root/new']);
    files.set('/root/imported', Buffer.from('imp\n'));
    expect((await sh(env, 'cat /root/imported /root/new')).stdout.toString()).toBe('imp\nnew\n');
  });
});

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, SFTPWrapper } from 'ssh2';
import { SimulatedLab } from 'src/simulator/lab/simulated-lab';
import { openssh } from 'test/fixtures/simulator/openssh';
import { startTranscriptLab } from 'test/fixtures/simulator/transcript-lab-up';
import { waitUntil } from 'test/utils/wait';

/** Debian's OpenSSH `scp` (SFTP mode, OpenSSH 9's default) or `sftp`, non-interactive. */
function run(tool: 'scp' | 'sftp', args: string[], stdin = ''): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(tool, args, { timeout: 20000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err
        ? typeof (err as { code?: unknown }).code === 'number'
          ? (err as { code: number }).code
          : -1
        : 0;
      resolve({ code, output: stdout + stderr });
    });
    child.stdin?.end(stdin);
  });
}

describe('SFTP on simulated hosts and guests (scp, sftp, ssh2)', () => {
  let lab: SimulatedLab;
  let keyFile: string;
  let host: { address: string; port: number };
  let guest: { address: string; port: number };
  const local = mkdtempSync(join(tmpdir(), 'sim-sftp-local-'));
  const opts = (port: number): string[] => [
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'LogLevel=ERROR',
    '-i',
    keyFile,
    '-P',
    String(port),
  ];

  beforeAll(async () => {
    ({ lab, keyFile, host } = await startTranscriptLab('sim-sftp-'));
    guest = await waitUntil(async () => {
      const vm = lab.snapshot().vms.find((v) => v.name === 'debian12');
      return vm?.guest.address && vm.guest.sshPort ? { address: vm.guest.address, port: vm.guest.sshPort } : undefined;
    }, 'the running guest to answer SSH');
  });

  afterAll(async () => {
    await lab.stop();
  });

  it('scp uploads to the host, the host shell reads it, and scp downloads it back', async () => {
    const src = join(local, 'script.sh');
    writeFileSync(src, 'echo $$ > /tmp/pid\nsleep 1\n');
    const up = await run('scp', [...opts(host.port), src, `root@${host.address}:/tmp/bg.sh`]);
    expect(up).toEqual({ code: 0, output: '' });
    expect(await openssh(host.address, host.port, keyFile, 'cat /tmp/bg.sh; ls -l /tmp/bg.sh | cut -c1-10')).toEqual({
      stdout: 'echo $$ > /tmp/pid\nsleep 1\n-rw-r--r--\n',
      stderr: '',
      code: 0,
    });
    const back = join(local, 'back.sh');
    expect((await run('scp', [...opts(host.port), `root@${host.address}:/tmp/bg.sh`, back])).code).toBe(0);
    expect(readFileSync(back, 'utf8')).toBe('echo $$ > /tmp/pid\nsleep 1\n');
  });

  it('scp reads files the model answers, and refuses what a real host refuses', async () => {
    const inv = join(local, 'meminfo');
    expect((await run('scp', [...opts(host.port), `root@${host.address}:/proc/meminfo`, inv])).code).toBe(0);
    const cat = await openssh(host.address, host.port, keyFile, 'cat /proc/meminfo');
    expect(readFileSync(inv, 'utf8')).toBe(cat.stdout);

    const src = join(local, 'x');
    writeFileSync(src, 'x\n');
    const missingDir = await run('scp', [...opts(host.port), src, `root@${host.address}:/no/such/dir/x`]);
    expect(missingDir.code).toBe(1);
    expect(missingDir.output).toMatch(/No such file or directory/);
    const missingFile = await run('scp', [...opts(host.port), `root@${host.address}:/tmp/absent`, src]);
    expect(missingFile.code).toBe(1);
    expect(missingFile.output).toMatch(/No such file or directory/);
    const readOnly = await run('scp', [...opts(host.port), src, `root@${host.address}:/proc/meminfo`]);
    expect(readOnly.code).toBe(1);
    expect(readOnly.output).toMatch(/Permission denied/);
  });

  it('sftp in batch mode: mkdir, put, ls, rename, get, rm, rmdir', async () => {
    const src = join(local, 'data.bin');
    const bytes = Buffer.alloc(200_000, 0);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 251;
    writeFileSync(src, bytes);
    const got = join(local, 'got.bin');
    const batch = [
      'mkdir /root/up',
      `put ${src} /root/up/data.bin`,
      'ls -l /root/up',
      'rename /root/up/data.bin /root/up/moved.bin',
      `get /root/up/moved.bin ${got}`,
    ].join('\n');
    const r = await run('sftp', ['-b', '-', ...opts(host.port), `root@${host.address}`], batch);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/-rw-r--r-- +1 root +root +200000 \w{3} [ \d]\d \d\d:\d\d data\.bin\n/);
    expect(readFileSync(got).equals(bytes)).toBe(true);
    expect((await openssh(host.address, host.port, keyFile, 'md5sum < /root/up/moved.bin')).stdout).toBe(
      `${createHash('md5').update(bytes).digest('hex')}  -\n`,
    );

    // A folder with a file in it cannot be removed (sftp reports on stderr); `-` lets the batch go on.
    const refused = await run(
      'sftp',
      ['-b', '-', ...opts(host.port), `root@${host.address}`],
      ['-rmdir /root/up', 'rm /root/up/moved.bin', 'rmdir /root/up'].join('\n'),
    );
    expect(refused.code).toBe(0);
    expect(refused.output).toMatch(/remote rmdir "\/root\/up": Failure/);
    expect((await openssh(host.address, host.port, keyFile, 'test -e /root/up; echo $?')).stdout).toBe('1\n');
  });

  it("scp to a guest writes the guest's own files, which its shell and the VM record see", async () => {
    const src = join(local, 'guest.txt');
    writeFileSync(src, 'from the runner\n');
    expect((await run('scp', [...opts(guest.port), src, `root@${guest.address}:/tmp/guest.txt`])).code).toBe(0);
    expect((await openssh(guest.address, guest.port, keyFile, 'cat /tmp/guest.txt')).stdout).toBe('from the runner\n');
    const vm = [...lab.model.state.vms.values()].find((v) => v.name === 'debian12');
    expect(vm?.guest.files.get('/tmp/guest.txt')?.toString()).toBe('from the runner\n');
  });

  it('the ssh2 client gets real SFTP status codes', async () => {
    const client = new Client();
    const cred = lab.inventory.credentials['sim-root'];
    const privateKey = readFileSync(cred && 'key_file' in cred ? cred.key_file : '');
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      client.connect({ host: host.address, port: host.port, username: 'root', privateKey });
    });
    try {
      const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
        client.sftp((err, s) => (err ? reject(err) : resolve(s))),
      );
      const code = (p: Promise<unknown>): Promise<number | string> =>
        p.then(
          () => 'ok',
          (e: { code?: number }) => e.code ?? -1,
        );
      const call = <T>(fn: (cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T | undefined> =>
        new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
      expect(await code(call((cb) => sftp.stat('/tmp/nothing-here', cb)))).toBe(2); // NO_SUCH_FILE
      expect(await code(call((cb) => sftp.writeFile('/proc/meminfo', 'x', cb)))).toBe(3); // PERMISSION_DENIED
      expect(await code(call((cb) => sftp.mkdir('/tmp', cb)))).toBe(4); // FAILURE (exists)
      expect(await code(call((cb) => sftp.writeFile('/tmp/ssh2.txt', 'hello', cb)))).toBe('ok');
      expect((await call<Buffer>((cb) => sftp.readFile('/tmp/ssh2.txt', cb)))?.toString()).toBe('hello');
      const names = await call<Array<{ filename: string }>>((cb) => sftp.readdir('/tmp', cb));
      expect(names?.map((n) => n.filename)).toEqual(expect.arrayContaining(['ssh2.txt', 'bg.sh']));
      expect(await call<string>((cb) => sftp.realpath('.', cb))).toBe('/root');
    } finally {
      client.end();
    }
  });
});

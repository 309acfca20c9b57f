import { DEFAULT_LAB_CONFIG } from 'src/simulator/lab/simulated-lab';
import { CORE_COMMANDS } from 'src/simulator/shell/commands/core-commands';
import { FILE_COMMANDS } from 'src/simulator/shell/commands/file-command';
import { dom0Shell } from 'src/simulator/testing/dom0-shell';
import { XeHarness } from 'src/simulator/testing/xe-harness';

/** Transcripts of dom0's file 5.11 (CentOS 7): no zstd magic, gzip as application/x-gzip. */
describe('file on a simulated host', () => {
  it('names what a host holds as file 5.11 does, with and without --mime-type', async () => {
    const sh = await dom0Shell(XeHarness.fromFile(DEFAULT_LAB_CONFIG), 'sim-830-a', {
      ...CORE_COMMANDS,
      ...FILE_COMMANDS,
    });
    await sh('echo hello > /root/t && gzip -c /root/t > /root/t.gz && tar -cf /root/t.tar /root/t');
    await sh("printf '\\x28\\xb5\\x2f\\xfd\\x00\\x01' > /root/t.zst && touch /root/empty");
    expect((await sh('file --mime-type -b /root/t.gz /root/t.tar /root/t.zst /root/t /root/empty /root')).stdout).toBe(
      'application/x-gzip\napplication/x-tar\napplication/octet-stream\ntext/plain\napplication/x-empty\ninode/directory\n',
    );
    expect((await sh('cd /root && file t t.zst t.gz')).stdout).toBe(
      't: ASCII text\nt.zst: data\nt.gz: gzip compressed data, from Unix\n',
    );
    expect((await sh('file -bi /root/t')).stdout).toBe('text/plain; charset=us-ascii\n');
  });

  it('reports a missing file on stdout with status 0, and refuses unknown options and no operand', async () => {
    const sh = await dom0Shell(XeHarness.fromFile(DEFAULT_LAB_CONFIG), 'sim-830-a', FILE_COMMANDS);
    expect(await sh('file /nope')).toEqual({
      stdout: '/nope: cannot open (No such file or directory)\n',
      stderr: '',
      code: 0,
    });
    expect((await sh('file --mime-type /nope')).stdout).toBe(
      "/nope: cannot open `/nope' (No such file or directory)\n",
    );
    const bad = await sh('file -Q /root');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^file: invalid option -- 'Q'\nUsage: file /);
    expect((await sh('file')).code).toBe(1);
  });
});

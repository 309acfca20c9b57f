import { DEFAULT_LAB_CONFIG } from 'src/simulator/lab/simulated-lab';
import { CORE_COMMANDS } from 'src/simulator/shell/commands/core-commands';
import { dom0Shell } from 'src/simulator/testing/dom0-shell';
import { XeHarness } from 'src/simulator/testing/xe-harness';

describe('cp (GNU coreutils) on a simulated host', () => {
  it('copies with -f, -a, -n, -v; into a folder; files answered from the model too', async () => {
    const sh = await dom0Shell(XeHarness.fromFile(DEFAULT_LAB_CONFIG), 'sim-830-a', CORE_COMMANDS);
    expect(await sh('cp -f /etc/fstab /etc/fstab.orig && diff /etc/fstab /etc/fstab.orig && echo same')).toEqual({
      stdout: 'same\n',
      stderr: '',
      code: 0,
    });
    expect(
      (await sh('cp /etc/xensource-inventory /root/ && grep -c INSTALLATION_UUID /root/xensource-inventory')).stdout,
    ).toBe('1\n');
    expect(
      (await sh('mkdir -p /root/d/e && echo x > /root/d/e/f && cp -a /root/d /root/g && cat /root/g/e/f')).stdout,
    ).toBe('x\n');
    expect((await sh('echo new > /root/n && cp -n /root/n /root/g/e/f && cat /root/g/e/f')).stdout).toBe('x\n');
    expect((await sh('cp -v /root/n /root/m')).stdout).toBe("'/root/n' -> '/root/m'\n");
  });

  it('refuses as coreutils does', async () => {
    const sh = await dom0Shell(XeHarness.fromFile(DEFAULT_LAB_CONFIG), 'sim-830-a', CORE_COMMANDS);
    expect(await sh('cp -Z a b')).toEqual({
      stdout: '',
      stderr: "cp: invalid option -- 'Z'\nTry 'cp --help' for more information.\n",
      code: 1,
    });
    expect((await sh('cp /nope /root/x')).stderr).toBe("cp: cannot stat '/nope': No such file or directory\n");
    expect((await sh('cp /etc /root/x')).stderr).toBe("cp: omitting directory '/etc'\n");
    expect((await sh('cp /etc/fstab /etc/os-release /root/none')).stderr).toBe(
      "cp: target '/root/none' is not a directory\n",
    );
    expect((await sh('cp /etc/fstab')).stderr).toBe(
      "cp: missing destination file operand after '/etc/fstab'\nTry 'cp --help' for more information.\n",
    );
    expect((await sh('cp /etc/fstab /no/such/dir/x')).stderr).toBe(
      "cp: cannot create regular file '/no/such/dir/x': No such file or directory\n",
    );
  });
});

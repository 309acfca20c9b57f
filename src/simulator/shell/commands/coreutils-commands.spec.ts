import { DEFAULT_LAB_CONFIG } from 'src/simulator/lab/simulated-lab';
import { CORE_COMMANDS } from 'src/simulator/shell/commands/core-commands';
import { dom0Shell } from 'src/simulator/testing/dom0-shell';
import { XeHarness } from 'src/simulator/testing/xe-harness';

describe('cp and rmdir (GNU coreutils) on a simulated host', () => {
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

  it('rmdir removes empty folders only, -p its parents too', async () => {
    const sh = await dom0Shell(XeHarness.fromFile(DEFAULT_LAB_CONFIG), 'sim-830-a', CORE_COMMANDS);
    expect(await sh('mkdir -p /var/tmp/a/b && rmdir /var/tmp/a/b && ls /var/tmp')).toEqual({
      stdout: 'a\n',
      stderr: '',
      code: 0,
    });
    expect(await sh('touch /var/tmp/a/f; rmdir /var/tmp/a')).toEqual({
      stdout: '',
      stderr: "rmdir: failed to remove '/var/tmp/a': Directory not empty\n",
      code: 1,
    });
    expect((await sh('rmdir --ignore-fail-on-non-empty /var/tmp/a')).code).toBe(0);
    expect((await sh('rmdir /var/tmp/a/f')).stderr).toBe("rmdir: failed to remove '/var/tmp/a/f': Not a directory\n");
    expect((await sh('rmdir /nope')).stderr).toBe("rmdir: failed to remove '/nope': No such file or directory\n");
    expect((await sh('cd /root && mkdir -p x/y/z && rmdir -p x/y/z && ls /root | grep -c x')).stdout).toBe('0\n');
  });
});

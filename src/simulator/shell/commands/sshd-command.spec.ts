import { DEFAULT_LAB_CONFIG } from 'src/simulator/lab/simulated-lab';
import { CORE_COMMANDS } from 'src/simulator/shell/commands/core-commands';
import { DOM0_COMMANDS } from 'src/simulator/shell/commands/dom0-commands';
import { dom0Shell } from 'src/simulator/testing/dom0-shell';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const TABLE = { ...CORE_COMMANDS, ...DOM0_COMMANDS };

describe('sshd on a simulated dom0 (OpenSSH 7.4p1)', () => {
  let sh: Awaited<ReturnType<typeof dom0Shell>>;
  beforeEach(async () => {
    sh = await dom0Shell(XeHarness.fromFile(DEFAULT_LAB_CONFIG), 'sim-830-a', TABLE);
  });

  it('-T dumps the effective configuration: packaged values, then a drop-in from sshd_config.d', async () => {
    const before = await sh('/usr/sbin/sshd -T');
    expect(before.code).toBe(0);
    const lines = before.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'port 22',
      'addressfamily any',
      'listenaddress [::]:22',
      'listenaddress 0.0.0.0:22',
    ]);
    expect(lines).toEqual(
      expect.arrayContaining([
        'banner none',
        'usepam yes',
        'x11forwarding yes',
        'syslogfacility AUTHPRIV',
        'hostkey /etc/ssh/ssh_host_rsa_key',
        'acceptenv XMODIFIERS',
        'subsystem sftp /usr/libexec/openssh/sftp-server',
      ]),
    );
    const after = await sh(
      'm=$(mktemp); echo "Banner $m" > /etc/ssh/sshd_config.d/99-check.conf; sshd -T | grep -x "banner $m" && echo found',
    );
    expect(after.stdout).toMatch(/^banner \/tmp\/tmp\.\w+\nfound\n$/);
  });

  it('the first value wins: the drop-in folder is read before the main file; -o wins over both', async () => {
    await sh('echo "X11Forwarding no" > /etc/ssh/sshd_config.d/10-x11.conf');
    expect((await sh('sshd -T | grep ^x11forwarding')).stdout).toBe('x11forwarding no\n');
    expect((await sh('sshd -T -o X11Forwarding=yes | grep ^x11forwarding')).stdout).toBe('x11forwarding yes\n');
  });

  it('refuses an unknown keyword, a missing config, an unknown option; as a daemon it cannot bind port 22', async () => {
    await sh('echo "Bogus yes" > /etc/ssh/sshd_config.d/50-bad.conf');
    expect(await sh('sshd -t')).toEqual({
      stdout: '',
      stderr:
        '/etc/ssh/sshd_config.d/50-bad.conf: line 1: Bad configuration option: Bogus\n/etc/ssh/sshd_config: terminating, 1 bad configuration options\n',
      code: 255,
    });
    await sh('rm /etc/ssh/sshd_config.d/50-bad.conf');
    expect(await sh('sshd -t')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(await sh('sshd -T -f /etc/ssh/nope')).toEqual({
      stdout: '',
      stderr: '/etc/ssh/nope: No such file or directory\n',
      code: 1,
    });
    const bad = await sh('sshd -Z');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^sshd: invalid option -- 'Z'\nOpenSSH_7\.4p1, .*\nusage: sshd \[-46DdeiqTt\]/);
    expect(await sh('/usr/sbin/sshd')).toEqual({
      stdout: '',
      stderr: 'Bind to port 22 on 0.0.0.0 failed: Address already in use.\nCannot bind any address.\n',
      code: 255,
    });
  });
});

import { DEFAULT_LAB_CONFIG } from 'src/simulator/lab/simulated-lab';
import { CORE_COMMANDS } from 'src/simulator/shell/commands/core-commands';
import { DOM0_COMMANDS } from 'src/simulator/shell/commands/dom0-commands';
import { PACKAGE_COMMANDS } from 'src/simulator/shell/commands/package-commands';
import { dom0Shell } from 'src/simulator/testing/dom0-shell';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const TABLE = { ...CORE_COMMANDS, ...PACKAGE_COMMANDS, ...DOM0_COMMANDS };

describe('systemctl and systemd-analyze on a simulated dom0 (systemd 219)', () => {
  let harness: XeHarness;
  beforeEach(() => {
    harness = XeHarness.fromFile(DEFAULT_LAB_CONFIG);
  });

  it('lists units: no verb means list-units; --state=failed is empty on a healthy host', async () => {
    const sh = await dom0Shell(harness, 'sim-830-a', TABLE);
    expect(await sh('systemctl --state=failed --full --all --no-pager --no-legend')).toEqual({
      stdout: '',
      stderr: '',
      code: 0,
    });
    expect((await sh('systemctl list-units --state=failed')).stdout).toBe(
      "0 loaded units listed. Pass --all to see loaded but inactive units, too.\nTo show all installed unit files use 'systemctl list-unit-files'.\n",
    );
    const all = (await sh('systemctl list-units --type=service --no-legend')).stdout.split('\n');
    expect(all).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}xapi\.service +loaded active running XenAPI server \(XAPI\)$/),
        expect.stringMatching(/^ {2}stunnel@xapi\.service +loaded active running/),
        expect.stringMatching(/^ {2}sshd\.service +loaded active running/),
      ]),
    );
    // stunnel serves xapi as its own unit only from 8.3
    const old = await dom0Shell(harness, 'sim-821-a', TABLE);
    expect((await old('systemctl list-units "stunnel*" --no-legend')).stdout).toBe('');
    expect(await old('systemctl bogus-verb')).toEqual({
      stdout: '',
      stderr: "Unknown operation 'bogus-verb'.\n",
      code: 1,
    });
    expect((await old('systemctl --bogus')).stderr).toBe("systemctl: unrecognized option '--bogus'\n");
  });

  it('a unit that fails to start is listed as failed until it starts again', async () => {
    const sh = await dom0Shell(harness, 'sim-830-a', TABLE);
    await sh('mv /etc/xensource/xapi-pool-tls.pem /root/saved.pem');
    expect(await sh('systemctl reload-or-restart stunnel@xapi')).toEqual({
      stdout: '',
      stderr:
        'Job for stunnel@xapi.service failed because the control process exited with error code. See "systemctl status stunnel@xapi.service" and "journalctl -xe" for details.\n',
      code: 1,
    });
    expect((await sh('systemctl --state=failed --no-legend')).stdout).toMatch(
      /^● stunnel@xapi\.service +loaded failed failed TLS tunnel for xapi\n$/,
    );
    expect(await sh('systemctl is-active stunnel@xapi; systemctl is-failed -q stunnel@xapi; echo $?')).toMatchObject({
      stdout: 'failed\n0\n',
    });
    await sh('mv /root/saved.pem /etc/xensource/xapi-pool-tls.pem');
    expect((await sh('systemctl restart stunnel@xapi && systemctl --state=failed --no-legend')).code).toBe(0);
    expect((await sh('systemctl is-active stunnel@xapi')).stdout).toBe('active\n');
    expect(await sh('systemctl reload-or-restart nope')).toEqual({
      stdout: '',
      stderr: 'Failed to reload-or-restart nope.service: Unit not found.\n',
      code: 5,
    });
  });

  it('systemd-analyze verify: nothing to report for the boot target; an unknown unit fails to load', async () => {
    const sh = await dom0Shell(harness, 'sim-830-a', TABLE);
    expect(await sh('systemd-analyze verify default.target')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(await sh('systemd-analyze verify xapi.service nope.service')).toEqual({
      stdout: '',
      stderr: 'Failed to load nope.service: No such file or directory\n',
      code: 1,
    });
  });
});

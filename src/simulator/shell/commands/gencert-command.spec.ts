import { DEFAULT_LAB_CONFIG } from 'src/simulator/lab/simulated-lab';
import { CORE_COMMANDS } from 'src/simulator/shell/commands/core-commands';
import { DOM0_COMMANDS } from 'src/simulator/shell/commands/dom0-commands';
import { PACKAGE_COMMANDS } from 'src/simulator/shell/commands/package-commands';
import { dom0Shell } from 'src/simulator/testing/dom0-shell';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const TABLE = { ...CORE_COMMANDS, ...PACKAGE_COMMANDS, ...DOM0_COMMANDS };
const PEM = '/etc/xensource/xapi-pool-tls.pem';

describe('gencert and stunnel@xapi on a simulated dom0', () => {
  let harness: XeHarness;
  beforeEach(() => {
    harness = XeHarness.fromFile(DEFAULT_LAB_CONFIG);
  });

  it('a member serving a certificate the pool has no record of cannot be reached; restoring the pem heals it', async () => {
    const b = await dom0Shell(harness, 'sim-830-b', TABLE);
    const member = harness.host('sim-830-b').uuid;
    expect((await harness.xe('sim-830-a', 'host-dmesg', `host=${member}`)).exitCode).toBe(0);
    await b(`mkdir /root/saved && cp ${PEM} /root/saved/`);
    expect(await b(`rm ${PEM} && /opt/xensource/libexec/gencert ${PEM} -1 xapi:pool`)).toEqual({
      stdout: '',
      stderr: '',
      code: 0,
    });
    expect((await b(`grep -c "BEGIN PRIVATE KEY" ${PEM}`)).stdout).toBe('1\n');
    // the new file is only served once stunnel reloads it
    expect((await harness.xe('sim-830-a', 'host-dmesg', `host=${member}`)).exitCode).toBe(0);
    expect((await b('systemctl reload-or-restart stunnel@xapi')).code).toBe(0);
    const refused = await harness.xe('sim-830-a', 'host-dmesg', `host=${member}`);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout + refused.stderr).toContain(
      'Cannot forward messages because the server cannot be contacted. The server may be switched off or there may be network connectivity problems.',
    );
    // the host itself still answers for itself
    expect((await harness.xe('sim-830-b', 'host-dmesg', `host=${member}`)).exitCode).toBe(0);
    await b(`cp -f /root/saved/xapi-pool-tls.pem ${PEM} && systemctl reload-or-restart stunnel@xapi`);
    expect((await harness.xe('sim-830-a', 'host-dmesg', `host=${member}`)).exitCode).toBe(0);
  });

  it('does nothing when the file exists, and refuses bad arguments as gencert.ml does (8.3 and 8.2.1 forms)', async () => {
    const b = await dom0Shell(harness, 'sim-830-b', TABLE);
    const before = (await b(`md5sum ${PEM}`)).stdout;
    expect(await b(`/opt/xensource/libexec/gencert ${PEM} xapi:pool`)).toEqual({ stdout: '', stderr: '', code: 0 });
    expect((await b(`md5sum ${PEM}`)).stdout).toBe(before);
    expect(await b('/opt/xensource/libexec/gencert /root/x.pem')).toEqual({
      stdout: '',
      stderr: 'Usage: /opt/xensource/libexec/gencert PATH [GROUPID] (default|xapi:pool)\n',
      code: 1,
    });
    expect((await b('/opt/xensource/libexec/gencert /root/x.pem other')).stderr).toBe(
      "SNI must be default or xapi:pool, but got 'other'\n",
    );
    expect((await b('/opt/xensource/libexec/gencert /root/x.pem abc default')).stderr).toBe(
      "GROUPID must be an integer, but got 'abc'\n",
    );
    expect((await b('/opt/xensource/libexec/gencert /root/x.pem default && test -s /root/x.pem')).code).toBe(0);
    const old = await dom0Shell(harness, 'sim-821-a', TABLE);
    expect((await old('/opt/xensource/libexec/gencert /root/y.pem xapi:pool')).stderr).toBe(
      'Usage: /opt/xensource/libexec/gencert PATH\n',
    );
    expect((await old('/opt/xensource/libexec/gencert /root/y.pem && test -s /root/y.pem')).code).toBe(0);
  });
});

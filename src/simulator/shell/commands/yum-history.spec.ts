import { DEFAULT_LAB_CONFIG } from 'src/simulator/lab/simulated-lab';
import { CORE_COMMANDS } from 'src/simulator/shell/commands/core-commands';
import { PACKAGE_COMMANDS } from 'src/simulator/shell/commands/package-commands';
import { dom0Shell } from 'src/simulator/testing/dom0-shell';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const TABLE = { ...CORE_COMMANDS, ...PACKAGE_COMMANDS };
const RPMS = 'rpm -qa --qf "%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\\n"';

describe('yum history on a simulated dom0 (yum 3.4.3)', () => {
  it('saves and restores the package set as xcp-ng-tests does: last id, then rollback to it', async () => {
    const sh = await dom0Shell(XeHarness.fromFile(DEFAULT_LAB_CONFIG), 'sim-830-a', TABLE);
    const saved = (await sh(RPMS)).stdout;
    expect(saved).toMatch(/^kernel-0:4\.19\.19-8\.0\.38\.1\.xcpng8\.3\.x86_64$/m);
    expect(await sh('yum history list --noplugins')).toEqual({ stdout: '', stderr: 'No transactions\n', code: 1 });
    // the suite's workaround for an empty history: a small package in and out
    expect((await sh('yum install --setopt=skip_missing_names_on_install=False -y gpm-libs')).code).toBe(0);
    expect((await sh('yum remove -y gpm-libs')).code).toBe(0);
    const list = (await sh('yum history list --noplugins')).stdout.split('\n');
    expect(list[1]).toBe('-'.repeat(79));
    expect(list[2]).toMatch(/^ {5}2 \| remove -y gpm-libs {7}\| \d{4}-\d\d-\d\d \d\d:\d\d \| Erase {10}\| {4}1$/);
    expect((await sh('yum update -y --enablerepo=xcp-ng-testing xapi-core sm')).code).toBe(0);
    expect((await sh('yum install -y kmod-zfs-4.19.0+1')).code).toBe(0);
    expect((await sh(RPMS)).stdout).not.toBe(saved);

    const back = await sh('yum history rollback --enablerepo=xcp-ng-base,xcp-ng-testing,xcp-ng-updates 2 -y');
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/^Rollback to transaction 2, from .*\n {2}Undoing the following transactions: 4, 3$/m);
    expect(back.stdout).toMatch(/^ {2}Erasing {4}: kmod-zfs-4\.19\.0\+1-2\.1\.15-1\.xcpng8\.3\.x86_64 +1\/3$/m);
    expect(back.stdout).toMatch(/^ {2}Downgrading: xapi-core-24\.19\.2-1\.10\.xcpng8\.3\.x86_64 +\d\/3$/m);
    expect((await sh(RPMS)).stdout).toBe(saved);
    expect((await sh('yum history list --noplugins')).stdout.split('\n')[2]).toMatch(
      /^ {5}5 \| history rollback --enabl \| .* \| E, D {11}\| {4}3$/,
    );
  });

  it('refuses an unknown id, has nothing to do for the last one, and asks without -y', async () => {
    const sh = await dom0Shell(XeHarness.fromFile(DEFAULT_LAB_CONFIG), 'sim-830-a', TABLE);
    await sh('yum install -y gpm-libs');
    expect(await sh('yum history rollback 7 -y --noplugins')).toEqual({
      stdout: '',
      stderr: 'Bad transaction ID given\n',
      code: 1,
    });
    expect((await sh('yum history rollback 1 -y --noplugins')).stdout).toBe('Rollback to current, nothing to do\n');
    await sh('yum remove -y gpm-libs');
    const asked = await sh('yum history rollback 1 --noplugins');
    expect(asked.code).toBe(1);
    expect(asked.stdout).toMatch(/Is this ok \[y\/d\/N\]: \nExiting on user command\n$/);
    expect((await sh('rpm -q gpm-libs')).code).toBe(1);
    expect((await sh('yum history undo 1 --noplugins')).stderr).toMatch(/^Invalid history sub-command, use: list, /);
  });

  it('repoquery lists builds as the suite reads them; the updater plugin installs one and updates it, in the history', async () => {
    const harness = XeHarness.fromFile(DEFAULT_LAB_CONFIG);
    const sh = await dom0Shell(harness, 'sim-830-a', TABLE);
    const uuid = harness.host('sim-830-a').uuid;
    const plugin = (fn: string, ...args: string[]) =>
      harness.xe('sim-830-a', 'host-call-plugin', `host-uuid=${uuid}`, 'plugin=updater.py', `fn=${fn}`, ...args);
    expect((await sh('repoquery --show-duplicates dummypkg')).stdout).toBe(
      'dummypkg-0:1.0-1.xcpng8.3.x86_64\ndummypkg-0:1.0-2.xcpng8.3.x86_64\n',
    );
    expect((await sh('repoquery dummypkg nope')).stdout).toBe('dummypkg-0:1.0-2.xcpng8.3.x86_64\n');
    expect((await sh('rpm -q dummypkg-0:1.0-1.xcpng8.3.x86_64')).code).toBe(1);
    expect((await plugin('install', 'args:packages=dummypkg-0:1.0-1.xcpng8.3.x86_64')).exitCode).toBe(0);
    expect(await sh('rpm -q dummypkg-0:1.0-1.xcpng8.3.x86_64')).toEqual({
      stdout: 'dummypkg-1.0-1.xcpng8.3.x86_64\n',
      stderr: '',
      code: 0,
    });
    const updated = await plugin('update', 'args:packages=dummypkg');
    expect(JSON.parse(updated.stdout)).toMatchObject({ returncode: 0 });
    expect((await sh('rpm -q dummypkg')).stdout).toBe('dummypkg-1.0-2.xcpng8.3.x86_64\n');
    expect((await plugin('check_update')).stdout).toBe('[]\n');
    const history = (await sh('yum history list --noplugins')).stdout.split('\n');
    expect(history[2]).toMatch(/^ {5}2 \| update --disablerepo="\*" \| .* \| Update {9}\| {4}1$/);
    expect((await sh('yum history rollback 1 -y && rpm -q dummypkg')).stdout).toMatch(
      /dummypkg-1\.0-1\.xcpng8\.3\.x86_64\n$/,
    );
  });

  it('the netdata plugin installs netdata with its streaming key; rolling back removes package and service', async () => {
    const harness = XeHarness.fromFile(DEFAULT_LAB_CONFIG);
    const sh = await dom0Shell(harness, 'sim-830-a', TABLE);
    const uuid = harness.host('sim-830-a').uuid;
    const plugin = (fn: string, ...args: string[]) =>
      harness.xe('sim-830-a', 'host-call-plugin', `host-uuid=${uuid}`, 'plugin=netdata.py', `fn=${fn}`, ...args);
    expect((await plugin('is_netdata_installed')).stdout).toBe('false\n');
    expect((await plugin('get_netdata_api_key')).stdout).toBe('\n');
    await sh('yum install -y gpm-libs');
    const install = await plugin('install_netdata', 'args:api_key=dummy_key', 'args:destination=127.0.0.1:19999');
    expect(install).toMatchObject({ stdout: 'true\n', exitCode: 0 });
    expect((await plugin('is_netdata_installed')).stdout).toBe('true\n');
    expect((await plugin('get_netdata_api_key')).stdout).toBe('dummy_key\n');
    expect((await sh('grep destination /etc/netdata/stream.conf; systemctl is-active netdata')).stdout).toBe(
      '    destination = 127.0.0.1:19999\nactive\n',
    );
    expect((await sh('yum history rollback 1 -y >/dev/null; rpm -q netdata; systemctl is-active netdata')).stdout).toBe(
      'package netdata is not installed\ninactive\n',
    );
    expect((await plugin('is_netdata_installed')).stdout).toBe('false\n');
    expect((await plugin('install_netdata', 'args:api_key=k')).exitCode).toBe(1);
  });
});

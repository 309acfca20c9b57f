import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostHealthService } from 'src/lab/host-health.service';
import { hardwareClass } from 'src/lab/hardware-class';
import { validateHardwareProfile } from 'src/lab/hardware-profile';
import { SshPool } from 'src/remote/ssh-pool';
import { buildLab } from 'src/simulator/config/build-lab';
import { loadLabConfig } from 'src/simulator/config/lab-config';
import { hostVirtualFile } from 'src/simulator/lab/host-files';
import { DEFAULT_LAB_CONFIG } from 'src/simulator/lab/simulated-lab';
import { LabModel } from 'src/simulator/model/lab-model';
import { SimHost } from 'src/simulator/model/types';
import { CORE_COMMANDS } from 'src/simulator/shell/commands/core-commands';
import { DOM0_COMMANDS } from 'src/simulator/shell/commands/dom0-commands';
import { HARDWARE_COMMANDS, initHostFiles } from 'src/simulator/shell/commands/hardware-commands';
import { PACKAGE_COMMANDS } from 'src/simulator/shell/commands/package-commands';
import { runShell } from 'src/simulator/shell/shell-runner';
import { ShellEnv } from 'src/simulator/shell/shell-types';
import { FolderVfs } from 'src/simulator/shell/vfs';

const TABLE = { ...CORE_COMMANDS, ...PACKAGE_COMMANDS, ...HARDWARE_COMMANDS, ...DOM0_COMMANDS };

/** A dom0 shell in-process (no SSH): the package, module and hardware commands against the default lab. */
async function dom0(hostName: string): Promise<{
  model: LabModel;
  host: SimHost;
  sh: (cmd: string) => Promise<{ stdout: string; stderr: string; exitCode: number }>;
}> {
  const { model } = buildLab(loadLabConfig(DEFAULT_LAB_CONFIG), 1e6);
  const host = model.hostByName(hostName)!;
  const vfs = new FolderVfs(mkdtempSync(join(tmpdir(), 'shakedown-pkg-')), (p) => hostVirtualFile(model, host, p));
  await vfs.init();
  await initHostFiles(vfs, model, host);
  const env: ShellEnv = {
    kind: 'host',
    model,
    hostname: host.name,
    vfs,
    host: () => host,
    bootedAt: () => host.bootedAt,
  };
  const sh = async (cmd: string) => {
    let stdout = '';
    let stderr = '';
    const exitCode = await runShell(
      cmd,
      env,
      TABLE,
      { stdout: (c) => void (stdout += c.toString()), stderr: (c) => void (stderr += c) },
      new AbortController().signal,
    );
    return { stdout, stderr, exitCode };
  };
  return { model, host, sh };
}

describe('simulated dom0 packages, kernel modules and hardware', () => {
  it('should list installed packages in the format the run snapshot asks for', async () => {
    const { sh } = await dom0('sim-830-a');
    const r = await sh(`rpm -qa --qf '%{NAME} %{VERSION}-%{RELEASE}\\n'`);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('xapi-core 24.19.2-1.10.xcpng8.3\n');
    expect(
      r.stdout
        .split('\n')
        .filter(Boolean)
        .every((l) => /^\S+ \S+-\S+$/.test(l)),
    ).toBe(true);
    expect(await sh('rpm -q nothing-here')).toMatchObject({
      exitCode: 1,
      stdout: 'package nothing-here is not installed\n',
    });
  });

  it('should update named packages from xcp-ng-testing only when the repository is enabled', async () => {
    const { sh } = await dom0('sim-821-a');
    const plain = await sh('yum update xapi-core sm -y');
    expect(plain.stdout).toContain('No packages marked for update');
    const r = await sh('yum update xapi-core sm --enablerepo=xcp-ng-testing -y');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Updating:\n xapi-core\s+x86_64\s+1\.249\.39-1\.1\.xcpng8\.2\s+xcp-ng-testing/);
    expect(r.stdout).toContain('Complete!');
    expect((await sh('rpm -q xapi-core sm')).stdout).toBe(
      'xapi-core-1.249.39-1.1.xcpng8.2.x86_64\nsm-2.30.8-10.2.xcpng8.2.x86_64\n',
    );
    expect((await sh('rpm -ql xapi-core')).stdout).toContain('/usr/lib/systemd/system/xapi.service');
    const bad = await sh('yum update sm --enablerepo=xcp-ng-nope -y');
    expect(bad).toMatchObject({
      exitCode: 1,
      stderr: 'Error getting repository data for xcp-ng-nope, repository not found\n',
    });
    // Without -y yum asks and, with nobody to answer, gives up.
    expect((await sh('yum install ceph-module')).exitCode).toBe(1);
  });

  it('should follow the kernel module policy: alt in override wins, loads after reboot, removal falls back', async () => {
    const { host, sh } = await dom0('sim-830-a');
    expect((await sh('cat /etc/depmod.d/dist.conf')).stdout).toContain('search override updates extra built-in');
    expect((await sh('modinfo -F filename bnxt_en')).stdout).toBe('/lib/modules/4.19.0+1/updates/bnxt_en.ko\n');
    expect((await sh('yum install broadcom-bnxt-en-alt -y')).exitCode).toBe(0);
    expect((await sh('ls /lib/modules/4.19.0+1/override')).stdout).toBe('bnxt_en.ko\n');
    const info = (await sh('modinfo bnxt_en')).stdout;
    expect(info).toMatch(/^filename:\s+\/lib\/modules\/4\.19\.0\+1\/override\/bnxt_en\.ko$/m);
    expect(info).toMatch(/^version:\s+1\.10\.2-223\.0\.183\.0$/m);
    // Still the supported module in memory until the next boot.
    expect((await sh('dmesg')).stdout).toContain('bnxt_en: Broadcom BCM573xx network driver v1.10.0-216.0.119.1');
    host.bootedAt += 60_000;
    expect((await sh('dmesg')).stdout).toContain('bnxt_en: Broadcom BCM573xx network driver v1.10.2-223.0.183.0');
    expect((await sh('ethtool -i eth0')).stdout).toContain('version: 1.10.2-223.0.183.0');
    expect((await sh('yum remove broadcom-bnxt-en-alt -y')).exitCode).toBe(0);
    expect((await sh('modinfo -F filename bnxt_en')).stdout).toBe('/lib/modules/4.19.0+1/updates/bnxt_en.ko\n');
    // depmod's stock configuration does not look in override/.
    await sh('yum install broadcom-bnxt-en-alt -y');
    await sh('echo "search updates extra built-in weak-updates" > /etc/depmod.d/dist.conf');
    expect((await sh('modinfo -F filename bnxt_en')).stdout).toBe('/lib/modules/4.19.0+1/updates/bnxt_en.ko\n');
    // An additional module has no supported fallback: removing it leaves none.
    await sh('yum install kmod-zfs-4.19.0+1 -y');
    expect((await sh('modinfo -F filename zfs')).stdout).toBe('/lib/modules/4.19.0+1/extra/zfs.ko\n');
    await sh('yum remove kmod-zfs-4.19.0+1 -y');
    expect(await sh('modinfo zfs')).toMatchObject({ exitCode: 1, stderr: 'modinfo: ERROR: Module zfs not found.\n' });
  });

  it("should report hardware the lab's hardware profile parses, and write a status report", async () => {
    const { sh } = await dom0('sim-830-b');
    const runner = {
      hostName: 'sim-830-b',
      exec: async (command: string) => ({ ...(await sh(command)), durationMs: 1, timedOut: false }),
    };
    const profile = await new HostHealthService(new SshPool()).collectHardware(runner as never);
    // The one profile format: what a submission carries, marked simulated because the host says so.
    expect(validateHardwareProfile(profile)).toMatchObject({ ok: true });
    expect(profile).toMatchObject({
      server: { vendor: 'Dell Inc.', model: 'PowerEdge R640', biosVersion: '2.19.1' },
      cpu: { model: 'Intel(R) Xeon(R) Silver 4210R CPU @ 2.40GHz', sockets: 1, coresPerSocket: 16, threadsPerCore: 1 },
      memoryBytes: 64 * 1024 ** 3,
      storageControllers: [{ driver: 'megaraid_sas', driverVersion: '07.706.03.00-rc1' }],
      simulated: true,
    });
    expect(profile.nics.length).toBeGreaterThan(0);
    expect(profile.nics[0]).toMatchObject({ name: 'eth0', driver: 'bnxt_en', driverVersion: '1.10.0-216.0.119.1' });
    expect(hardwareClass(profile)).toBe('simulated / intel-xeon-scalable-gen2 / bnxt_en / megaraid_sas');
    const bug = await sh('xen-bugtool --yestoall');
    const path = /Writing tarball (\S+) successful/.exec(bug.stdout)?.[1];
    expect(path).toMatch(/^\/var\/opt\/xen\/bug-report\/bug-report-\d{14}\.tar\.bz2$/);
    expect((await sh(`test -s ${path}`)).exitCode).toBe(0);
  });
  it('should keep yum history: failing while empty, then newest transaction first as the suite parses it', async () => {
    const { sh } = await dom0('sim-830-a');
    expect(await sh('yum history list --noplugins')).toEqual({ stdout: '', stderr: 'No transactions\n', exitCode: 1 });
    await sh('yum update xapi-core sm --enablerepo=xcp-ng-testing -y');
    const lines = (await sh('yum history list --noplugins')).stdout.split('\n');
    const rule = lines.findIndex((l) => l.startsWith('--------'));
    expect(lines[rule - 1]).toBe('ID     | Command line             | Date and time    | Action(s)      | Altered');
    expect(lines.slice(rule + 1).filter(Boolean).length).toBeGreaterThan(0);
    expect(parseInt(lines[rule + 1]!.split(/\s+/).filter(Boolean)[0]!, 10)).toBe(lines.length - rule - 3);
  });
});

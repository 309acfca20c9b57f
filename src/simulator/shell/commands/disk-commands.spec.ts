import { DEFAULT_LAB_CONFIG } from 'src/simulator/lab/simulated-lab';
import { CORE_COMMANDS } from 'src/simulator/shell/commands/core-commands';
import { DISK_COMMANDS } from 'src/simulator/shell/commands/disk-commands';
import { DOM0_COMMANDS } from 'src/simulator/shell/commands/dom0-commands';
import { RAID_COMMANDS } from 'src/simulator/shell/commands/raid-commands';
import { dom0Shell } from 'src/simulator/testing/dom0-shell';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const TABLE = { ...CORE_COMMANDS, ...DOM0_COMMANDS, ...DISK_COMMANDS, ...RAID_COMMANDS };

describe('disk tools on a simulated dom0 (e2fsprogs 1.42.9, util-linux 2.23.2, mdadm 4.1)', () => {
  let harness: XeHarness;
  let sh: Awaited<ReturnType<typeof dom0Shell>>;
  beforeEach(async () => {
    harness = XeHarness.fromFile(DEFAULT_LAB_CONFIG);
    sh = await dom0Shell(harness, 'sim-830-b', TABLE);
  });

  const raidPlugin = () =>
    harness.xe(
      'sim-830-b',
      'host-call-plugin',
      `host-uuid=${harness.host('sim-830-b').uuid}`,
      'plugin=raid.py',
      'fn=check_raid_pool',
    );

  /** the first disk lsblk shows without children: the unused 512 B one */
  async function unusedDisk(): Promise<string> {
    const rows = (await sh('lsblk -P -o NAME,PKNAME,TYPE,LOG-SEC')).stdout.trim().split('\n');
    const parents = new Set(rows.map((r) => /PKNAME="(\w*)"/.exec(r)![1]));
    const free = rows.find(
      (r) => r.includes('TYPE="disk"') && r.includes('LOG-SEC="512"') && !parents.has(/NAME="(\w+)"/.exec(r)![1]),
    );
    return `/dev/${/NAME="(\w+)"/.exec(free!)![1]}`;
  }

  it('formats, mounts through fstab and unmounts an unused disk, as the suite prepares an export target', async () => {
    const disk = await unusedDisk();
    const mkfs = await sh(`mkfs.ext4 -F ${disk}`);
    expect(mkfs.code).toBe(0);
    expect(mkfs.stderr).toBe('mke2fs 1.42.9 (28-Dec-2013)\n');
    expect(mkfs.stdout).toMatch(/^Filesystem label=\nOS type: Linux\nBlock size=4096 \(log=2\)\n/m);
    expect(mkfs.stdout).toContain(
      '6553600 inodes, 26214400 blocks\n1310720 blocks (5.00%) reserved for the super user\n',
    );
    expect(mkfs.stdout).toContain('800 block groups\n');
    expect(mkfs.stdout).toContain('\t32768, 98304, 163840, 229376, 294912, 819200, 884736, 1605632, 2654208, \n');
    await sh('mkdir -p /var/tmp/mnt && cp -f /etc/fstab /etc/fstab.orig');
    await sh(`echo "${disk} /var/tmp/mnt ext4 defaults 0 0" >> /etc/fstab`);
    expect(await sh('mount /var/tmp/mnt')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect((await sh('mount')).stdout).toContain(`${disk} on /var/tmp/mnt type ext4 (rw,relatime,data=ordered)\n`);
    expect((await sh(`lsblk -n -o MOUNTPOINT,FSTYPE ${disk}`)).stdout).toBe('/var/tmp/mnt ext4\n');
    expect(await sh('mount /var/tmp/mnt')).toEqual({
      stdout: '',
      stderr: `mount: ${disk} is already mounted or /var/tmp/mnt busy\n`,
      code: 32,
    });
    expect((await sh(`mkfs.ext4 -F ${disk}`)).stderr).toBe(
      `mke2fs 1.42.9 (28-Dec-2013)\n${disk} is mounted; will not make a filesystem here!\n`,
    );
    expect((await sh(`wipefs -a ${disk}`)).stderr).toBe(
      `wipefs: error: ${disk}: probing initialization failed: Device or resource busy\n`,
    );
    expect(await sh('cp -f /etc/fstab.orig /etc/fstab && umount /var/tmp/mnt && rmdir /var/tmp/mnt')).toEqual({
      stdout: '',
      stderr: '',
      code: 0,
    });
    expect(await sh('umount /var/tmp')).toEqual({ stdout: '', stderr: 'umount: /var/tmp: not mounted\n', code: 32 });
    expect((await sh('umount /nope')).stderr).toBe('umount: /nope: mountpoint not found\n');
    expect(await sh('mount /var/tmp/mnt')).toEqual({
      stdout: '',
      stderr: "mount: can't find /var/tmp/mnt in /etc/fstab\n",
      code: 1,
    });
  });

  it('wipefs lists and erases what is written; mkfs asks before a whole disk or an existing filesystem', async () => {
    const disk = await unusedDisk();
    expect(await sh(`wipefs -a ${disk}`)).toEqual({ stdout: '', stderr: '', code: 0 });
    const asked = await sh(`mkfs.ext4 ${disk} < /dev/null`);
    expect(asked).toEqual({
      stdout: `${disk} is entire device, not just one partition!\nProceed anyway? (y,n) `,
      stderr: 'mke2fs 1.42.9 (28-Dec-2013)\n',
      code: 1,
    });
    expect((await sh(`echo y | mkfs.ext4 -q ${disk}`)).code).toBe(0);
    expect((await sh(`wipefs ${disk}`)).stdout).toMatch(
      /^offset +type\n-{64}\n0x438 +ext4 +\[filesystem\]\n +UUID: +[0-9a-f-]{36}\n/,
    );
    expect(await sh(`wipefs -a ${disk}`)).toEqual({
      stdout: `${disk}: 2 bytes were erased at offset 0x00000438 (ext4): 53 ef\n`,
      stderr: '',
      code: 0,
    });
    expect((await sh(`lsblk -n -o FSTYPE ${disk}`)).stdout).toBe('\n');
    expect((await sh('wipefs -a /dev/sdz')).stderr).toBe(
      'wipefs: error: /dev/sdz: probing initialization failed: No such file or directory\n',
    );
    expect((await sh('mkfs.ext4 -F /dev/sda')).stderr).toBe(
      'mke2fs 1.42.9 (28-Dec-2013)\n/dev/sda is apparently in use by the system; will not make a filesystem here!\n',
    );
    expect((await sh('mkfs.ext4 -F /dev/sda1')).stderr).toContain(
      '/dev/sda1 is mounted; will not make a filesystem here!',
    );
    expect((await sh('mkfs.ext4 /dev/sdz')).stderr).toBe(
      'mke2fs 1.42.9 (28-Dec-2013)\nThe file /dev/sdz does not exist and no size was specified.\n',
    );
  });

  it('mirrors two loop-backed files as /dev/md127, as the raid plugin test builds it, and tears it down', async () => {
    await sh('dd if=/dev/zero of=raid-0 bs=1M count=8 2>/dev/null && cp raid-0 raid-1');
    expect(await sh('losetup /dev/loop0 raid-0 && losetup /dev/loop1 raid-1 && losetup -a')).toEqual({
      stdout: expect.stringMatching(
        /^\/dev\/loop0: \[2049\]:\d+ \(\/root\/raid-0\)\n\/dev\/loop1: \[2049\]:\d+ \(\/root\/raid-1\)\n$/,
      ),
      stderr: '',
      code: 0,
    });
    expect((await sh('losetup /dev/loop0 raid-1')).stderr).toBe(
      'losetup: /dev/loop0: failed to set up loop device: Device or resource busy\n',
    );
    expect((await sh('losetup -f')).stdout).toBe('/dev/loop2\n');
    expect(await sh('test -e /dev/md127')).toMatchObject({ code: 1 });
    const created = await sh('mdadm --create /dev/md127 --run --level=mirror --raid-devices=2 /dev/loop0 /dev/loop1');
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/Defaulting to version 1\.2 metadata\nmdadm: array \/dev\/md127 started\.\n$/);
    expect(await sh('test -e /dev/md127')).toMatchObject({ code: 0 });
    const detail = (await sh('mdadm --detail /dev/md127')).stdout;
    expect(detail).toMatch(/^\/dev\/md127:\n {11}Version : 1\.2\n/);
    expect(detail).toContain('        Raid Level : raid1\n');
    expect(detail).toMatch(
      /\n +0 {7}7 {7}0 {8}0 {6}active sync {3}\/dev\/loop0\n +1 {7}7 {7}1 {8}1 {6}active sync {3}\/dev\/loop1\n$/,
    );
    expect((await sh('lsblk -n -o NAME,TYPE /dev/loop0')).stdout).toBe('loop0   loop\n└─md127 raid1\n');
    const plugin = JSON.parse((await raidPlugin()).stdout) as { raid: Record<string, string>; volumes: string[][] };
    expect(plugin.raid).toMatchObject({ 'Raid Level': 'raid1', State: 'clean', 'Active Devices': '2' });
    expect(plugin.volumes).toEqual([
      ['0', '7', '0', '0', 'active sync', '/dev/loop0'],
      ['1', '7', '1', '1', 'active sync', '/dev/loop1'],
    ]);
    expect((await sh('mdadm --create /dev/md127 --run --level=1 --raid-devices=2 /dev/loop0 /dev/loop1')).stderr).toBe(
      'mdadm: device /dev/md127 exists but is not an md array.\n',
    );
    expect(await sh('mdadm --stop --force /dev/md127')).toEqual({
      stdout: '',
      stderr: 'mdadm: stopped /dev/md127\n',
      code: 0,
    });
    expect(await sh('losetup -d /dev/loop0 && losetup -d /dev/loop1 && rm -rf raid-1 raid-0 && losetup -a')).toEqual({
      stdout: '',
      stderr: '',
      code: 0,
    });
    expect((await raidPlugin()).stdout).toBe('{}\n');
  });

  it('losetup and mdadm refuse what util-linux and mdadm refuse', async () => {
    expect(await sh('losetup /dev/loop0 nope')).toEqual({
      stdout: '',
      stderr: 'losetup: nope: failed to set up loop device: No such file or directory\n',
      code: 1,
    });
    expect((await sh('losetup -d /dev/loop3')).stderr).toBe(
      'losetup: /dev/loop3: detach failed: No such device or address\n',
    );
    expect((await sh('mdadm --detail /dev/md127')).stderr).toBe(
      'mdadm: error opening /dev/md127: No such file or directory\n',
    );
    expect((await sh('mdadm --stop /dev/md127')).code).toBe(1);
    expect((await sh('mdadm --create /dev/md127 --level=mirror --raid-devices=2 /dev/loop0 /dev/loop1')).stderr).toBe(
      'mdadm: cannot open /dev/loop0: No such file or directory\n',
    );
    expect((await sh('mdadm --create /dev/md127 --level=mirror --raid-devices=2 /dev/loop0')).stderr).toBe(
      "mdadm: You haven't given enough devices (real or missing) to create this array\n",
    );
    expect((await sh('mdadm --create /dev/md127 --level=9 --raid-devices=1 /dev/sda')).stderr).toBe(
      'mdadm: invalid raid level: 9\n',
    );
    expect((await sh('mdadm --create /dev/md127 --level=1 --raid-devices=1 /dev/sda')).stderr).toBe(
      'mdadm: cannot open /dev/sda: Device or resource busy\n',
    );
  });
});

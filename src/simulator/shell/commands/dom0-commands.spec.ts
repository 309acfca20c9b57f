import { DEFAULT_LAB_CONFIG } from 'src/simulator/lab/simulated-lab';
import { CORE_COMMANDS } from 'src/simulator/shell/commands/core-commands';
import { DOM0_COMMANDS } from 'src/simulator/shell/commands/dom0-commands';
import { humanSize } from 'src/simulator/shell/commands/lsblk-command';
import { dom0Shell } from 'src/simulator/testing/dom0-shell';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const TABLE = { ...CORE_COMMANDS, ...DOM0_COMMANDS };

const dom0 = (harness: XeHarness, name: string, faults = new Set<string>()) => dom0Shell(harness, name, TABLE, faults);

describe('dom0 files and commands (simulated XCP-ng host)', () => {
  let harness: XeHarness;
  beforeEach(() => {
    harness = XeHarness.fromFile(DEFAULT_LAB_CONFIG);
  });

  it("/etc/xensource-inventory has the installer and xapi keys, parseable as KEY='value'", async () => {
    const sh = await dom0(harness, 'sim-830-b');
    const r = await sh('cat /etc/xensource-inventory');
    const inv = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    const host = harness.host('sim-830-b');
    expect(inv).toMatchObject({
      INSTALLATION_UUID: `'${host.uuid}'`,
      CONTROL_DOMAIN_UUID: `'${host.controlDomainUuid}'`,
      MANAGEMENT_INTERFACE: "'xenbr0'",
      PRODUCT_VERSION: "'8.3.0'",
      PLATFORM_VERSION: "'3.4.0'",
      BUILD_NUMBER: "'cloud'",
      DOM0_MEM: "'4096'",
      PRODUCT_BRAND: "'XCP-ng'",
      SIMULATED: "'true'",
    });
    expect(inv['PRIMARY_DISK']).toMatch(/^'\/dev\/disk\/by-id\/wwn-0x[0-9a-f]+'$/);
    expect(Object.keys(inv)).toEqual(expect.arrayContaining(['DOM0_VCPUS', 'BACKUP_PARTITION', 'INSTALLATION_DATE']));
    const old = await (
      await dom0(harness, 'sim-821-a')
    )('. /etc/xensource-inventory; echo $PRODUCT_VERSION $BUILD_NUMBER');
    expect(old.stdout).toBe('8.2.1 release/yangtze/master/58\n');
  });

  it('pool.conf says master or slave:<master address>, and follows a new master at once', async () => {
    const a = await dom0(harness, 'sim-830-a');
    const b = await dom0(harness, 'sim-830-b');
    expect((await a('cat /etc/xensource/pool.conf')).stdout).toBe('master');
    expect((await b('cat /etc/xensource/pool.conf')).stdout).toBe(`slave:${harness.host('sim-830-a').address}`);
    const pool = harness.model.state.pools.get(harness.host('sim-830-a').poolUuid)!;
    pool.masterUuid = harness.host('sim-830-b').uuid;
    expect((await a('cat /etc/xensource/pool.conf')).stdout).toBe(`slave:${harness.host('sim-830-b').address}`);
    expect((await b('cat /etc/xensource/pool.conf')).stdout).toBe('master');
    expect((await a('ls /etc/xensource /etc | grep -c "pool.conf\\|xapi.conf.d\\|xenopsd.conf.d"')).stdout).toBe('3\n');
  });

  it('lsblk --pairs over the modelled disks: partitions, SR volumes as lvm children, unused 512 B and 4 KiB disks', async () => {
    const sh = await dom0(harness, 'sim-830-b');
    const r = await sh(
      'lsblk --pairs --bytes --output NAME,KNAME,PKNAME,SIZE,LOG-SEC,TYPE,MOUNTPOINT,WWN --include 8,9,65,252,253,259',
    );
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => Object.fromEntries([...l.matchAll(/(\S+)="(.*?)"/g)].map((m) => [m[1], m[2]])));
    expect(Object.keys(rows[0])).toEqual(['NAME', 'KNAME', 'PKNAME', 'SIZE', 'LOG-SEC', 'TYPE', 'MOUNTPOINT', 'WWN']);
    expect(rows.find((x) => x['NAME'] === 'sda1')).toMatchObject({ PKNAME: 'sda', MOUNTPOINT: '/', TYPE: 'part' });
    const lvm = rows.find((x) => x['TYPE'] === 'lvm' && x['PKNAME'] === 'sda3');
    expect(lvm?.['MOUNTPOINT']).toMatch(/^\/run\/sr-mount\//);
    expect(lvm?.['KNAME']).toMatch(/^dm-\d+$/);
    const free = rows.filter((x) => x['TYPE'] === 'disk' && !rows.some((c) => c['PKNAME'] === x['KNAME']));
    expect(free.map((x) => x['LOG-SEC']).sort()).toEqual(['4096', '512']);
    expect(free.every((x) => /^\d+$/.test(x['SIZE']) && x['WWN']!.startsWith('0x'))).toBe(true);
    // dm devices are major 253: leaving it out of --include hides them
    expect((await sh('lsblk -P -o NAME,TYPE -I 8')).stdout).not.toContain('lvm');
  });

  it('lsblk draws the tree with human sizes, and refuses what util-linux 2.23 refuses', async () => {
    const sh = await dom0(harness, 'sim-830-b');
    const tree = (await sh('lsblk')).stdout.split('\n');
    expect(tree[0]).toMatch(/^NAME +MAJ:MIN RM +SIZE RO TYPE MOUNTPOINT$/);
    expect(tree[1]).toMatch(/^sda +8:0 +0 +[\d.]+G +0 disk *$/);
    expect(tree.find((l) => l.includes('sda6'))).toMatch(/^└─sda6 +8:6 +0 +1G +0 part \[SWAP\]$/);
    expect(tree.some((l) => /^│ └─XSLocalEXT--/.test(l))).toBe(true);
    expect(await sh('lsblk -J')).toEqual({
      stdout: '',
      stderr: "lsblk: invalid option -- 'J'\nTry 'lsblk --help' for more information.\n",
      code: 1,
    });
    expect((await sh('lsblk -o NAME,BOGUS')).stderr).toBe('lsblk: unknown column: BOGUS\n');
    expect((await sh('lsblk /dev/sdz')).code).toBe(32);
    expect((await sh('lsblk -dn -o NAME,SIZE -b /dev/sda')).stdout).toMatch(/^sda \d+\n$/);
    expect([humanSize(18 * 1024 ** 3), humanSize(512 * 1024 ** 2), humanSize(1000204886016), humanSize(0)]).toEqual([
      '18G',
      '512M',
      '931.5G',
      '0B',
    ]);
  });

  it('xapi-wait-init-complete returns once xapi is up and times out (simulated seconds) while it restarts', async () => {
    const faults = new Set<string>();
    const sh = await dom0(harness, 'sim-830-a', faults);
    expect(await sh('xapi-wait-init-complete 60')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect((await sh('xapi-wait-init-complete')).stdout).toMatch(/^Usage: .*xapi-wait-init-complete <timeout>/);
    faults.add('xapi-restart');
    expect(
      await sh('xapi-wait-init-complete 3 mytag; test -e /var/run/xapi_init_complete.cookie || echo no-cookie'),
    ).toEqual({
      stdout: 'no-cookie\n',
      stderr: 'mytag: Failed to detect xapi init complete after 3s\n',
      code: 0,
    });
  });

  it('mktemp creates files and folders with random names; nproc counts dom0 vCPUs', async () => {
    const sh = await dom0(harness, 'sim-830-a');
    const r = await sh(
      'f=$(mktemp); d=$(mktemp -d); s=$(mktemp --suffix=.iso -p /var/tmp); echo $f $d $s; test -f $f && test -d $d && test -f $s && echo ok',
    );
    expect(r.stdout).toMatch(
      /^\/tmp\/tmp\.[A-Za-z0-9]{10} \/tmp\/tmp\.[A-Za-z0-9]{10} \/var\/tmp\/tmp\.[A-Za-z0-9]{10}\.iso\nok\n$/,
    );
    expect((await sh('mktemp -u /tmp/fooXX')).stderr).toBe("mktemp: too few X's in template '/tmp/fooXX'\n");
    expect((await sh('mktemp -p /nowhere')).code).toBe(1);
    expect((await sh('nproc; nproc --all')).stdout).toBe('16\n16\n');
  });

  it('xen-bugtool -y -s prints the path of a .tar.bz2 holding the logs, config and xapi database', async () => {
    const sh = await dom0(harness, 'sim-830-a');
    const r = await sh('xen-bugtool -y -s');
    expect(r.stdout).toMatch(/^\/var\/opt\/xen\/bug-report\/bug-report-\d{14}\.tar\.bz2\n$/);
    const listing = (await sh(`tar -jtf ${r.stdout.trim()}`)).stdout.split('\n');
    const inside = listing.map((l) => l.split('/').slice(1).join('/'));
    expect(inside).toEqual(
      expect.arrayContaining([
        'var/log/xensource.log',
        'var/log/SMlog',
        'xapi-db.xml',
        'acpidump.out',
        'etc/fstab',
        'etc/xapi.conf',
        'etc/xensource/pool.conf',
      ]),
    );
    const some = await sh('xen-bugtool -y -s --entries=xenserver-databases --output=tar');
    expect(
      (await sh(`tar -tf ${some.stdout.trim()} | grep -v /$`)).stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('/').pop()),
    ).toEqual(expect.arrayContaining(['xapi-db.xml']));
    expect((await sh('ls /tmp | grep -c bugtool')).stdout).toBe('0\n');
    expect((await sh('xen-bugtool -y --entries=nope')).code).toBe(2);
  });

  it('xl lists the running domains, Domain-0 first; systemd-analyze reports the boot', async () => {
    const sh = await dom0(harness, 'sim-830-a');
    const lines = (await sh('xl list')).stdout.split('\n');
    expect(lines[0]).toBe('Name                                        ID   Mem VCPUs\tState\tTime(s)');
    expect(lines[1]).toMatch(/^Domain-0 +0 +4096 +16 +r----- +[\d.]+$/);
    expect(lines.some((l) => /^debian12-recent +\d+ +2048 +2 +-b----/.test(l))).toBe(true);
    expect((await sh('xl info | grep -E "^(host|xen_major) "')).stdout).toBe(
      'host                   : sim-830-a\nxen_major              : 4\n',
    );
    expect((await sh('xl list nope')).code).toBe(1);
    expect((await sh('systemd-analyze')).stdout).toMatch(/^Startup finished in .* = [\d.]+s \(simulated\)\n$/);
  });
});

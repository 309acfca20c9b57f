import { procInterrupts } from 'src/simulator/lab/proc-interrupts';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { LabModel } from 'src/simulator/model/lab-model';
import { hostBlockState } from 'src/simulator/model/host-block-state';
import { hostBlockDevices } from 'src/simulator/model/host-disks';
import { SimHost } from 'src/simulator/model/types';
import { versionInfo } from 'src/simulator/model/versions';
import { meminfo } from 'src/simulator/shell/commands/hardware-commands';
import { SSHD_CONFIG, SSHD_CONFIG_D, SSHD_CONFIG_TEXT } from 'src/simulator/shell/commands/sshd-command';
import { Vfs } from 'src/simulator/shell/shell-types';

/** xapi creates it once initialisation (storage included) is complete; `xapi-wait-init-complete` polls for it. */
export const XAPI_INIT_COOKIE = '/var/run/xapi_init_complete.cookie';

/** Whether the host's toolstack is up: a `xapi-restart` fault takes it down for its duration. */
function xapiUp(faultActive: ((kind: string) => boolean) | undefined): boolean {
  return faultActive?.('xapi-restart') !== true;
}

/**
 * `/etc/xensource/pool.conf` as xapi writes it (`Pool_role.string_of` in ocaml/xapi-aux/pool_role.ml,
 * no newline): `master`, or `slave:<master address>`. Derived from the model on every read, so a
 * join, an eject or a new master shows at once, as xapi rewrites it on those transitions.
 */
function poolConf(model: LabModel, host: SimHost): string {
  const pool = model.state.pools.get(host.poolUuid);
  if (!pool || pool.masterUuid === host.uuid) return 'master';
  return `slave:${model.host(pool.masterUuid).address}`;
}

/** The install disk's stable name, as the installer records it. */
function primaryDisk(model: LabModel, host: SimHost): string {
  const sda = hostBlockDevices(model, host).find((d) => d.name === 'sda');
  return `/dev/disk/by-id/wwn-${sda?.wwn ?? '0x0'}`;
}

/**
 * `/etc/xensource-inventory`: the installer's keys (as a 8.x host has them, cf. xen-bugtool's dom0
 * template) and the ones xapi maintains (ocaml/libs/xapi-inventory/lib/inventory.ml):
 * MANAGEMENT_INTERFACE follows the management PIF (empty after host-management-disable).
 */
function xensourceInventory(model: LabModel, host: SimHost): string {
  const v = versionInfo(host.version);
  const dom0 = model.state.vms.get(host.controlDomainUuid);
  const mgmt = [...model.state.pifs.values()].find((p) => p.hostUuid === host.uuid && p.management);
  const bridge = mgmt ? (model.state.networks.get(mgmt.networkUuid)?.bridge ?? '') : '';
  const disk = primaryDisk(model, host);
  const localSr = [...model.state.pbds.values()].some(
    (p) => p.hostUuid === host.uuid && p.deviceConfig['device'] === '/dev/sda3',
  );
  const short = v.productVersion.split('.').slice(0, 2).join('.');
  const keys: Array<[string, string]> = [
    ['PRIMARY_DISK', disk],
    ['PRODUCT_VERSION', v.productVersion],
    ['DOM0_VCPUS', String(dom0?.vcpus ?? Math.min(16, host.cpuCount))],
    ['CONTROL_DOMAIN_UUID', host.controlDomainUuid],
    ['DOM0_MEM', String(Math.round((dom0?.memory ?? 4 * 1024 ** 3) / 1024 ** 2))],
    ['COMPANY_NAME_SHORT', 'Open Source'],
    ['MANAGEMENT_ADDRESS_TYPE', 'IPv4'],
    ['PARTITION_LAYOUT', 'ROOT,BACKUP,LOG,BOOT,SWAP,SR'],
    ['PRODUCT_VERSION_TEXT', short],
    ['PRODUCT_BRAND', 'XCP-ng'],
    ['INSTALLATION_UUID', host.uuid],
    ['PRODUCT_VERSION_TEXT_SHORT', short],
    ['BRAND_CONSOLE', 'XCP-ng Center'],
    ['PRODUCT_NAME', 'xenenterprise'],
    ['MANAGEMENT_INTERFACE', bridge],
    ['CURRENT_INTERFACES', bridge],
    ['PLATFORM_VERSION', v.platformVersion],
    ['BUILD_NUMBER', v.buildNumber],
    ['PLATFORM_NAME', 'XCP'],
    ['BRAND_CONSOLE_URL', 'https://github.com/xcp-ng/xenadmin'],
    ['BACKUP_PARTITION', `${disk}-part2`],
    ...(localSr ? [['DEFAULT_SR_PHYSDEVS', `${disk}-part3`] as [string, string]] : []),
    ['INSTALLATION_DATE', `${v.date} 10:00:00.000000`],
    ['COMPANY_NAME', 'Open Source'],
    ['KERNEL_VERSION', v.linux.replace(/\+\d+$/, '')],
    ['XEN_VERSION', v.xen.replace(/-.*$/, '')],
    ['SIMULATED', 'true'],
  ];
  return keys.map(([k, val]) => `${k}='${val}'\n`).join('');
}

/** /etc/xapi.conf: the settings of xen-api's scripts/xapi.conf a dom0 ships (comments left out). */
const XAPI_CONF = [
  '# xapi configuration (simulated)',
  'inventory = /etc/xensource-inventory',
  'disable-logging-for = http db_write redo_log api_readonly',
  'xenopsd-queues = org.xen.xapi.xenops.classic',
  'xenopsd-default = org.xen.xapi.xenops.classic',
  'search-path = /opt/xensource/libexec:/opt/xensource/bin',
  'sparse_dd = /usr/libexec/xapi/sparse_dd',
  'sm-plugins=ext nfs iscsi lvmoiscsi dummy file hba rawhba udev iso lvm lvmohba lvmofcoe shm smb',
  '',
].join('\n');

/** /etc/xenopsd.conf: ocaml/xenopsd/xenopsd.conf's settings. */
const XENOPSD_CONF = [
  '# xenopsd configuration (simulated)',
  'inventory = /etc/xensource-inventory',
  'use-switch = false',
  'simulate=false',
  'persist=true',
  'log=syslog:xenopsd',
  'pidfile=/var/run/xenopsd.pid',
  '',
].join('\n');

const FSTAB = [
  'LABEL=root-xcpng    /         ext3     defaults   1  1',
  'LABEL=swap-xcpng    swap      swap     defaults   0  0',
  'LABEL=logs-xcpng    /var/log  ext3     defaults   0  2',
  '/opt/xensource/packages/iso/XenCenter.iso   /var/xen/xc-install   iso9660   loop,ro   0  0',
  'LABEL=BOOT-XCPNG    /boot/efi vfat     defaults   0  2',
  '',
].join('\n');

/**
 * Files a dom0 reads from the model on every access: logs the emulator writes, `/proc`, the
 * inventory, pool role and release identity files, xapi's init cookie. Writes to them do not stick.
 */
export function hostVirtualFile(
  model: LabModel,
  host: SimHost,
  path: string,
  faultActive?: (kind: string) => boolean,
): Buffer | null {
  if (path.startsWith('/var/log/')) {
    const lines = model.logs.get(host.uuid)?.get(path);
    if (lines) return Buffer.from(lines.map((l) => `${l}\n`).join(''));
    if (['/var/log/xensource.log', '/var/log/SMlog', '/var/log/daemon.log', '/var/log/kern.log'].includes(path)) {
      return Buffer.alloc(0);
    }
    return null;
  }
  if (path === '/proc/meminfo') return Buffer.from(meminfo(host));
  if (path === '/proc/interrupts') return Buffer.from(procInterrupts(model, host));
  if (path === '/proc/sys/kernel/random/boot_id') {
    const h = createHash('sha256').update(`${host.uuid}:${host.bootedAt}`).digest('hex');
    return Buffer.from(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}\n`);
  }
  if (path === XAPI_INIT_COOKIE) return xapiUp(faultActive) ? Buffer.alloc(0) : null;
  // reads as empty whatever was redirected to it (the shell writes `> /dev/null` to a plain file)
  if (path === '/dev/null') return Buffer.alloc(0);
  // the node of an md array mdadm assembled (`test -e /dev/md127`)
  if (/^\/dev\/md\d+$/.test(path)) return hostBlockState(host).arrays.has(path) ? Buffer.alloc(0) : null;
  const v = versionInfo(host.version);
  switch (path) {
    case '/etc/xensource-inventory':
      return Buffer.from(xensourceInventory(model, host));
    case '/etc/xensource/pool.conf':
      return Buffer.from(poolConf(model, host));
    case '/etc/xapi.conf':
      return Buffer.from(XAPI_CONF);
    case '/etc/xenopsd.conf':
      return Buffer.from(XENOPSD_CONF);
    case '/etc/os-release':
      return Buffer.from(
        [
          'NAME="XCP-ng"',
          `VERSION="${v.productVersion}"`,
          'ID="xenenterprise"',
          'ID_LIKE="centos rhel fedora"',
          `VERSION_ID="${v.productVersion}"`,
          `PRETTY_NAME="XCP-ng ${v.productVersion} (simulated)"`,
          'ANSI_COLOR="0;31"',
          'HOME_URL="http://xcp-ng.org/"',
          'BUG_REPORT_URL="https://github.com/xcp-ng/xcp"',
          '',
        ].join('\n'),
      );
    case '/etc/xcp-ng-release':
    case '/etc/redhat-release':
    case '/etc/centos-release':
    case '/etc/system-release':
      return Buffer.from(`XCP-ng release ${v.productVersion} (xenenterprise)\n`);
    default:
      return null;
  }
}

/** Paths `hostVirtualFile` answers under /etc and /var/run: listed as files so `ls` and globs see them. */
const LISTED_VIRTUAL_FILES = [
  '/etc/xensource-inventory',
  '/etc/xensource/pool.conf',
  '/etc/xapi.conf',
  '/etc/xenopsd.conf',
  '/etc/os-release',
  '/etc/xcp-ng-release',
  '/etc/redhat-release',
  '/etc/centos-release',
  '/etc/system-release',
];

/** Programs that live outside /usr/bin on a dom0, by path → the simulator command that answers. */
const FULL_PATH_COMMANDS: Record<string, string> = {
  '/usr/sbin/sshd': 'sshd',
  '/opt/xensource/libexec/gencert': 'gencert',
};

/** Folders of a dom0 beyond the basic ones, with the files that stand for the model's in listings. */
export async function initDom0Files(vfs: Vfs & { mkdirp(p: string): Promise<void> }): Promise<void> {
  for (const d of [
    '/etc/xensource',
    '/etc/xapi.conf.d',
    '/etc/xenopsd.conf.d',
    '/var/run',
    '/var/lib/xcp',
    '/usr/local/bin',
    '/usr/libexec/xapi',
  ]) {
    await vfs.mkdirp(d);
  }
  // files users edit (the suite appends to fstab and drops sshd configuration in): real files
  await vfs.mkdirp(SSHD_CONFIG_D);
  for (const [path, text] of [
    ['/etc/fstab', FSTAB],
    [SSHD_CONFIG, SSHD_CONFIG_TEXT],
  ] as const) {
    if (!(await vfs.read(path))) await vfs.write(path, Buffer.from(text), false);
  }
  // dom0 programs outside $PATH's /usr/bin, run by their full path: each hands over to the command
  for (const [path, name] of Object.entries(FULL_PATH_COMMANDS)) {
    await vfs.installExecutables?.(posix.dirname(path), {
      [posix.basename(path)]: `#!/bin/bash\n# simulated: ${path}\n/usr/bin/${name} "$@"\n`,
    });
  }
  for (const path of LISTED_VIRTUAL_FILES) {
    if ((await vfs.list(posix.dirname(path)))?.includes(posix.basename(path))) continue;
    await vfs.write(path, Buffer.from('(simulated: answered from the model)\n'), false);
  }
}

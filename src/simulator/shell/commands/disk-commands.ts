import { hostBlockState } from 'src/simulator/model/host-block-state';
import { newUuid, openDevice } from 'src/simulator/shell/commands/block-devices';
import { CommandIo, CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';
import { normalisePath } from 'src/simulator/shell/vfs';

/**
 * dom0's disk tools over the host's modelled block devices (CentOS 7 builds, as XCP-ng 8.2.1 and
 * 8.3.0 ship them): `mkfs.ext4` (e2fsprogs 1.42.9), `wipefs`, `losetup`, `mount`/`umount`
 * (util-linux 2.23.2) and `mdadm` (4.1). They write and read signatures, loop devices, arrays and
 * mounts in the host's block state; files stay in dom0's one filesystem (a mount changes what
 * `mount` and `lsblk` report, not where files go).
 */

const cwd = (io: CommandIo): string => io.shell?.cwd ?? '/root';

const MKE2FS_BANNER = 'mke2fs 1.42.9 (28-Dec-2013)\n';
const BLOCK = 4096;
const BLOCKS_PER_GROUP = 32768;

/** mke2fs's report for a filesystem of `size` bytes (4 KiB blocks, 16 KiB per inode, 5% reserved). */
function mke2fsReport(size: number, label: string): string {
  const blocks = Math.floor(size / BLOCK);
  const groups = Math.ceil(blocks / BLOCKS_PER_GROUP);
  const inodesPerGroup = Math.floor(BLOCKS_PER_GROUP / 4 / 8) * 8;
  const backups: number[] = [];
  for (const base of [3, 5, 7]) {
    for (let g = 1; g < groups; g *= base) if (!backups.includes(g)) backups.push(g);
  }
  // mke2fs's show_stats: ", " between blocks, a new tab-indented line when 72 columns are used up
  let list = '';
  let left = 0;
  for (const [i, block] of backups
    .sort((a, b) => a - b)
    .map((g) => g * BLOCKS_PER_GROUP)
    .entries()) {
    if (i > 0) list += ', ';
    const need = String(block).length + 2;
    if (need > left) {
      list += '\n\t';
      left = 72;
    }
    left -= need;
    list += String(block);
  }
  const journal = blocks >= 262144 ? 32768 : 4096;
  return [
    'Discarding device blocks: done                            ',
    `Filesystem label=${label}`,
    'OS type: Linux',
    'Block size=4096 (log=2)',
    'Fragment size=4096 (log=2)',
    'Stride=0 blocks, Stripe width=0 blocks',
    `${inodesPerGroup * groups} inodes, ${blocks} blocks`,
    `${Math.floor(blocks * 0.05)} blocks (5.00%) reserved for the super user`,
    'First data block=0',
    `Maximum filesystem blocks=${Math.min(4294967295, Math.ceil(blocks / BLOCKS_PER_GROUP) * BLOCKS_PER_GROUP * 1024)}`,
    `${groups} block group${groups === 1 ? '' : 's'}`,
    `${BLOCKS_PER_GROUP} blocks per group, ${BLOCKS_PER_GROUP} fragments per group`,
    `${inodesPerGroup} inodes per group`,
    ...(list ? [`Superblock backups stored on blocks: ${list}`, ''] : []),
    'Allocating group tables: done                            ',
    'Writing inode tables: done                            ',
    `Creating journal (${journal} blocks): done`,
    'Writing superblocks and filesystem accounting information: done',
    '',
    '',
  ].join('\n');
}

/** `mkfs.ext4 [-F] [-q] [-L label] DEVICE`: refuses mounted or busy devices, asks before a whole disk or an existing filesystem unless -F. */
async function mkfsExt4(io: CommandIo, env: ShellEnv, fsType: string): Promise<number> {
  let force = false;
  let quiet = false;
  let label = '';
  const rest: string[] = [];
  for (let i = 0; i < io.argv.length; i++) {
    const a = io.argv[i]!;
    if (a === '-F') force = true;
    else if (a === '-q') quiet = true;
    else if (a === '-L') label = io.argv[++i] ?? '';
    else if (a === '-t' || a === '-T' || a === '-b' || a === '-E' || a === '-O' || a === '-m') i++;
    else if (a.startsWith('-')) {
      io.err(`mkfs.${fsType}: invalid option -- '${a.slice(1, 2)}'\n`);
      io.err(MKFS_USAGE(fsType));
      return 1;
    } else rest.push(a);
  }
  if (rest.length !== 1) {
    io.err(MKFS_USAGE(fsType));
    return 1;
  }
  if (!quiet) io.err(MKE2FS_BANNER);
  const path = normalisePath(rest[0]!, cwd(io));
  const dev = await openDevice(env, path);
  if (!dev) {
    io.err(`The file ${rest[0]} does not exist and no size was specified.\n`);
    return 1;
  }
  if (dev.busy === 'mounted') {
    io.err(`${path} is mounted; will not make a filesystem here!\n`);
    return 1;
  }
  if (dev.busy) {
    io.err(`${path} is apparently in use by the system; will not make a filesystem here!\n`);
    return 1;
  }
  const state = hostBlockState(env.host());
  const existing = state.signatures.get(path);
  const wholeDisk = dev.major === 8 && !/\d$/.test(path);
  if (!force && (wholeDisk || existing)) {
    const why = existing
      ? `${path} contains a ${existing.type} file system\n\tcreated on ${new Date(existing.at).toUTCString()}\n`
      : `${path} is entire device, not just one partition!\n`;
    io.out(`${why}Proceed anyway? (y,n) `);
    if (!/^y/i.test(io.stdin.toString('utf8').trim())) return 1;
  }
  const uuid = newUuid(`${env.host().uuid}:${path}:${env.model.clock.now()}`);
  state.signatures.set(path, { type: fsType, uuid, at: env.model.clock.now() });
  if (!quiet) io.out(mke2fsReport(dev.size, label));
  return 0;
}

const MKFS_USAGE = (fsType: string): string =>
  `Usage: mkfs.${fsType} [-c|-l filename] [-b block-size] [-C cluster-size]\n\t[-i bytes-per-inode] [-I inode-size] [-J journal-options]\n\t[-G flex-group-size] [-N number-of-inodes]\n\t[-m reserved-blocks-percentage] [-o creator-os]\n\t[-g blocks-per-group] [-L volume-label] [-M last-mounted-directory]\n\t[-O feature[,...]] [-r fs-revision] [-E extended-option[,...]]\n\t[-t fs-type] [-T usage-type ] [-U UUID] [-jnqvDFKSV] device [blocks-count]\n`;

/** Where each signature lives and its magic bytes, as libblkid finds and wipefs erases them. */
const MAGIC: Record<string, { offset: number; bytes: string; usage: string }> = {
  ext4: { offset: 0x438, bytes: '53 ef', usage: 'filesystem' },
  ext3: { offset: 0x438, bytes: '53 ef', usage: 'filesystem' },
  linux_raid_member: { offset: 0x1000, bytes: 'fc 4e 2b a9', usage: 'raid' },
  zfs_member: { offset: 0x3f000, bytes: '0c b1 ba 00 00 00 00 00', usage: 'filesystem' },
};

/** `wipefs [-a] [-n] [-f] DEVICE…`: lists or erases the signatures on each device. */
async function wipefs(io: CommandIo, env: ShellEnv): Promise<number> {
  const flags = io.argv.filter((a) => a.startsWith('-'));
  const all = flags.some((f) => f === '--all' || /^-[a-z]*a/.test(f));
  const noAct = flags.some((f) => f === '--no-act' || /^-[a-z]*n/.test(f));
  const paths = io.argv.filter((a) => !a.startsWith('-'));
  if (!paths.length) {
    io.err('wipefs: no device specified\nUsage:\n wipefs [options] <device>\n');
    return 1;
  }
  const state = hostBlockState(env.host());
  for (const p of paths) {
    const path = normalisePath(p, cwd(io));
    const dev = await openDevice(env, path);
    if (!dev || (all && !noAct && dev.busy)) {
      const why = dev ? 'Device or resource busy' : 'No such file or directory';
      io.err(`wipefs: error: ${p}: probing initialization failed: ${why}\n`);
      return 1;
    }
    const sig = state.signatures.get(path);
    if (!sig) continue;
    const magic = MAGIC[sig.type] ?? { offset: 0, bytes: '00', usage: 'filesystem' };
    if (all) {
      const count = magic.bytes.split(' ').length;
      io.out(
        `${p}: ${count} bytes were erased at offset 0x${magic.offset.toString(16).padStart(8, '0')} (${sig.type}): ${magic.bytes}\n`,
      );
      if (!noAct) state.signatures.delete(path);
    } else {
      io.out(`offset               type\n${'-'.repeat(64)}\n`);
      io.out(`0x${magic.offset.toString(16).padEnd(19)}${sig.type}   [${magic.usage}]\n`);
      io.out(`                     UUID:  ${sig.uuid}\n\n`);
    }
  }
  return 0;
}

/** /etc/fstab's entries (device, mount point, type), comments and blanks skipped. */
async function fstab(env: ShellEnv): Promise<Array<{ device: string; dir: string; type: string }>> {
  const text = (await env.vfs.read('/etc/fstab'))?.toString('utf8') ?? '';
  return text
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim().split(/\s+/))
    .filter((f) => f.length >= 3 && f[0] !== '')
    .map(([device, dir, type]) => ({ device: device!, dir: dir!, type: type! }));
}

/** `mount` lists; `mount DIR|DEVICE` mounts as /etc/fstab says; `mount [-t TYPE] DEVICE DIR`. */
async function mount(io: CommandIo, env: ShellEnv): Promise<number> {
  const state = hostBlockState(env.host());
  let type: string | undefined;
  const args: string[] = [];
  for (let i = 0; i < io.argv.length; i++) {
    const a = io.argv[i]!;
    if (a === '-t') type = io.argv[++i];
    else if (a === '-o') i++;
    else if (!a.startsWith('-')) args.push(a);
  }
  if (!args.length) {
    io.out(
      '/dev/sda1 on / type ext3 (rw,relatime,data=ordered)\n/dev/sda5 on /var/log type ext3 (rw,relatime,data=ordered)\n/dev/sda4 on /boot/efi type vfat (rw,relatime)\n',
    );
    for (const [dir, m] of state.mounts) io.out(`${m.device} on ${dir} type ${m.type} (rw,relatime,data=ordered)\n`);
    return 0;
  }
  let device: string;
  let dir: string;
  if (args.length === 1) {
    const arg = normalisePath(args[0]!, cwd(io));
    const entry = (await fstab(env)).find((e) => e.dir === arg || e.device === arg);
    if (!entry) {
      io.err(`mount: can't find ${args[0]} in /etc/fstab\n`);
      return 1;
    }
    device = entry.device;
    dir = entry.dir;
    type ??= entry.type;
  } else {
    device = normalisePath(args[0]!, cwd(io));
    dir = normalisePath(args[1]!, cwd(io));
  }
  if ((await env.vfs.list(dir)) === null) {
    io.err(`mount: mount point ${dir} does not exist\n`);
    return 32;
  }
  const dev = await openDevice(env, device);
  if (!dev) {
    io.err(`mount: special device ${device} does not exist\n`);
    return 32;
  }
  if (state.mounts.has(dir) || dev.busy) {
    io.err(`mount: ${device} is already mounted or ${dir} busy\n`);
    return 32;
  }
  const sig = state.signatures.get(device);
  if (!type && !sig) {
    io.err('mount: you must specify the filesystem type\n');
    return 32;
  }
  if (!sig || (type && type !== sig.type)) {
    io.err(
      `mount: wrong fs type, bad option, bad superblock on ${device},\n       missing codepage or helper program, or other error\n\n       In some cases useful info is found in syslog - try\n       dmesg | tail or so.\n`,
    );
    return 32;
  }
  state.mounts.set(dir, { device, type: sig.type });
  return 0;
}

/** `umount DIR|DEVICE`. */
async function umount(io: CommandIo, env: ShellEnv): Promise<number> {
  const state = hostBlockState(env.host());
  const targets = io.argv.filter((a) => !a.startsWith('-'));
  if (!targets.length) {
    io.err('Usage:\n umount [-hV]\n umount -a [options]\n umount [options] <source> | <directory>\n');
    return 1;
  }
  let code = 0;
  for (const t of targets) {
    const path = normalisePath(t, cwd(io));
    const dir = state.mounts.has(path) ? path : state.mountOf(path);
    if (dir) {
      state.mounts.delete(dir);
      continue;
    }
    const exists = (await env.vfs.list(path)) !== null || (await openDevice(env, path)) !== null;
    io.err(exists ? `umount: ${t}: not mounted\n` : `umount: ${t}: mountpoint not found\n`);
    code = 32;
  }
  return code;
}

export const DISK_COMMANDS: CommandTable = {
  'mkfs.ext4': (io, env) => mkfsExt4(io, env, 'ext4'),
  'mkfs.ext3': (io, env) => mkfsExt4(io, env, 'ext3'),
  wipefs,
  mount,
  umount,
};

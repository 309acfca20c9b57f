import { LabModel } from 'src/simulator/model/lab-model';
import { hostBlockState } from 'src/simulator/model/host-block-state';
import { SimHost } from 'src/simulator/model/types';
import { newUuid, openDevice } from 'src/simulator/shell/commands/block-devices';
import { CommandIo, CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';
import { normalisePath } from 'src/simulator/shell/vfs';

/**
 * Loop devices (`losetup`, util-linux 2.23.2) and software RAID (`mdadm` 4.1) on dom0, over the
 * host's block state: what xcp-ng-tests' raid plugin test builds (two loop-backed files mirrored
 * as /dev/md127) and what the raid.py plugin reads back with `mdadm --detail`.
 */

const MAX_LOOPS = 8;

async function loopLine(env: ShellEnv, loop: string, file: string): Promise<string> {
  const inode = parseInt(newUuid(`${env.host().uuid}:${file}`).slice(0, 6), 16);
  return `${loop}: [2049]:${inode} (${file})\n`;
}

/** `losetup LOOP FILE`, `losetup -f [--show] [FILE]`, `losetup -d LOOP…`, `losetup [-a] [LOOP]`. */
async function losetup(io: CommandIo, env: ShellEnv): Promise<number> {
  const state = hostBlockState(env.host());
  const flags = io.argv.filter((a) => a.startsWith('-'));
  const args = io.argv.filter((a) => !a.startsWith('-'));
  const has = (short: string, long: string): boolean =>
    flags.some((f) => f === long || (f.startsWith('-') && !f.startsWith('--') && f.includes(short)));
  const firstFree = (): string | undefined =>
    Array.from({ length: MAX_LOOPS }, (_, i) => `/dev/loop${i}`).find((l) => !state.loops.has(l));
  if (has('d', '--detach')) {
    let code = 0;
    for (const loop of args) {
      state.loopSizes.delete(loop);
      if (!state.loops.delete(loop)) {
        io.err(`losetup: ${loop}: detach failed: No such device or address\n`);
        code = 1;
      }
    }
    return code;
  }
  const attach = async (loop: string, file: string): Promise<number> => {
    const path = normalisePath(file, io.shell?.cwd ?? '/root');
    const data = await env.vfs.read(path);
    if (data === null) {
      io.err(`losetup: ${file}: failed to set up loop device: No such file or directory\n`);
      return 1;
    }
    if (state.loops.has(loop) || !/^\/dev\/loop([0-7])$/.test(loop)) {
      const why = state.loops.has(loop) ? 'Device or resource busy' : 'No such file or directory';
      io.err(`losetup: ${loop}: failed to set up loop device: ${why}\n`);
      return 1;
    }
    state.loops.set(loop, path);
    state.loopSizes.set(loop, data.length);
    return 0;
  };
  if (has('f', '--find')) {
    const loop = firstFree();
    if (!loop) {
      io.err('losetup: could not find any free loop device\n');
      return 1;
    }
    if (!args.length) {
      io.out(`${loop}\n`);
      return 0;
    }
    const code = await attach(loop, args[0]!);
    if (code === 0 && flags.includes('--show')) io.out(`${loop}\n`);
    return code;
  }
  if (args.length === 2) return attach(args[0]!, args[1]!);
  if (args.length === 1) {
    const file = state.loops.get(args[0]!);
    if (!file) {
      io.err(`losetup: ${args[0]}: No such device or address\n`);
      return 1;
    }
    io.out(await loopLine(env, args[0]!, file));
    return 0;
  }
  for (const [loop, file] of [...state.loops].sort()) io.out(await loopLine(env, loop, file));
  return 0;
}

const LEVELS: Record<string, string> = {
  '0': 'raid0',
  raid0: 'raid0',
  stripe: 'raid0',
  '1': 'raid1',
  raid1: 'raid1',
  mirror: 'raid1',
  '5': 'raid5',
  raid5: 'raid5',
  '10': 'raid10',
  raid10: 'raid10',
};

/** mdadm's sizes: KiB, then MiB and MB with two decimals. */
function mdSize(bytes: number): string {
  const kib = Math.floor(bytes / 1024);
  return `${kib} (${(bytes / 1024 ** 2).toFixed(2)} MiB ${(bytes / 1e6).toFixed(2)} MB)`;
}

/** `mdadm --detail` of an active array, as mdadm 4.1 prints it; null when there is none. */
export function mdadmDetail(model: LabModel, host: SimHost, device: string): string | null {
  const a = hostBlockState(host).arrays.get(device);
  if (!a) return null;
  const stamp = (ms: number): string => new Date(ms).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) /, '$1 $3 $2 ');
  const n = a.members.length;
  const uuid = a.uuid.replace(/-/g, '').match(/.{8}/g)!.join(':');
  const rows = a.members.map((m, i) => {
    const loop = /^\/dev\/loop(\d+)$/.exec(m);
    const [major, minor] = loop ? [7, Number(loop[1])] : [8, 0];
    return `${String(i).padStart(7)}${String(major).padStart(8)}${String(minor).padStart(8)}${String(i).padStart(9)}      active sync   ${m}`;
  });
  return [
    `${device}:`,
    '           Version : 1.2',
    `     Creation Time : ${stamp(a.created)}`,
    `        Raid Level : ${a.level}`,
    `        Array Size : ${mdSize(a.size)}`,
    `     Used Dev Size : ${mdSize(a.size)}`,
    `      Raid Devices : ${n}`,
    `     Total Devices : ${n}`,
    '       Persistence : Superblock is persistent',
    '',
    `       Update Time : ${stamp(model.clock.now())}`,
    '             State : clean ',
    `    Active Devices : ${n}`,
    `   Working Devices : ${n}`,
    '    Failed Devices : 0',
    '     Spare Devices : 0',
    '',
    'Consistency Policy : resync',
    '',
    `              Name : ${host.name}:${device.replace(/^\/dev\/md/, '')}  (local to host ${host.name})`,
    `              UUID : ${uuid}`,
    '            Events : 17',
    '',
    '    Number   Major   Minor   RaidDevice State',
    ...rows,
    '',
  ].join('\n');
}

/** `mdadm --create DEV --level=L --raid-devices=N MEMBERS…`, `--stop DEV`, `--detail DEV`. */
async function mdadm(io: CommandIo, env: ShellEnv): Promise<number> {
  const host = env.host();
  const state = hostBlockState(host);
  let mode: 'create' | 'stop' | 'detail' | '' = '';
  let level = '';
  let count = 0;
  const args: string[] = [];
  for (let i = 0; i < io.argv.length; i++) {
    const a = io.argv[i]!;
    const [flag, glued] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => glued ?? io.argv[++i] ?? '';
    if (flag === '--create' || flag === '-C') mode = 'create';
    else if (flag === '--stop' || flag === '-S') mode = 'stop';
    else if (flag === '--detail' || flag === '-D') mode = 'detail';
    else if (flag === '--level' || flag === '-l') level = value();
    else if (flag === '--raid-devices' || flag === '-n') count = parseInt(value(), 10) || 0;
    else if (flag === '--metadata' || flag === '-e' || flag === '--name' || flag === '-N') value();
    else if (!a.startsWith('-')) args.push(a);
  }
  const [device, ...members] = args;
  if (!mode || !device) {
    io.err('Usage: mdadm --help\n  for help\n');
    return 1;
  }
  if (mode === 'detail' || mode === 'stop') {
    if (!state.arrays.has(device)) {
      io.err(`mdadm: error opening ${device}: No such file or directory\n`);
      return 1;
    }
    if (mode === 'detail') {
      io.out(mdadmDetail(env.model, host, device)!);
      return 0;
    }
    if (state.mountOf(device)) {
      io.err(
        `mdadm: Cannot get exclusive access to ${device}:Perhaps a running process, mounted filesystem or active volume group?\n`,
      );
      return 1;
    }
    state.arrays.delete(device);
    state.signatures.delete(device);
    io.err(`mdadm: stopped ${device}\n`);
    return 0;
  }
  const raid = LEVELS[level];
  if (!raid) {
    io.err(level ? `mdadm: invalid raid level: ${level}\n` : 'mdadm: a RAID level is needed to create an array.\n');
    return 2;
  }
  if (!count) {
    io.err('mdadm: no raid-devices specified.\n');
    return 2;
  }
  if (members.length !== count) {
    io.err(
      members.length < count
        ? `mdadm: You haven't given enough devices (real or missing) to create this array\n`
        : `mdadm: You have listed more devices (${members.length}) than are in the array(${count})!\n`,
    );
    return 2;
  }
  if (!/^\/dev\/md\d+$/.test(device)) {
    io.err(`mdadm: ${device} is an invalid name for an md device.  Try /dev/md/${device.split('/').pop()}\n`);
    return 2;
  }
  if (state.arrays.has(device)) {
    io.err(`mdadm: device ${device} exists but is not an md array.\n`);
    return 1;
  }
  const opened = [];
  for (const m of members) {
    const dev = await openDevice(env, m);
    if (!dev || dev.busy) {
      io.err(`mdadm: cannot open ${m}: ${dev ? 'Device or resource busy' : 'No such file or directory'}\n`);
      return 1;
    }
    opened.push(dev);
  }
  // members keep 1.2 metadata (and a data offset) at their start
  const smallest = Math.min(...opened.map((d) => d.size)) - 1024 ** 2;
  const size = raid === 'raid0' ? smallest * count : raid === 'raid5' ? smallest * (count - 1) : smallest;
  const uuid = newUuid(`${host.uuid}:${device}:${env.model.clock.now()}`);
  state.arrays.set(device, { level: raid, members, uuid, created: env.model.clock.now(), size });
  for (const m of members) state.signatures.set(m, { type: 'linux_raid_member', uuid, at: env.model.clock.now() });
  if (raid === 'raid1') {
    io.err(
      "mdadm: Note: this array has metadata at the start and\n    may not be suitable as a boot device.  If you plan to\n    store '/boot' on this device please ensure that\n    your boot-loader understands md/v1.x metadata, or use\n    --metadata=0.90\n",
    );
  }
  io.err(`mdadm: Defaulting to version 1.2 metadata\nmdadm: array ${device} started.\n`);
  return 0;
}

export const RAID_COMMANDS: CommandTable = { losetup, mdadm };

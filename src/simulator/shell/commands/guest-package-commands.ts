import { SimVm } from 'src/simulator/model/types';
import { CommandHandler, CommandIo, CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';

/**
 * Test software a fresh guest does not have (a Debian or Rocky template ships none of it): the
 * package that brings each program and its version. A guest's package manager installs them.
 */
const PACKAGES: Record<string, { version: string; programs: string[] }> = {
  fio: { version: '3.33-3', programs: ['fio'] },
  iperf3: { version: '3.12-1', programs: ['iperf3'] },
  tcpdump: { version: '4.99.3-1', programs: ['tcpdump'] },
  stress: { version: '1.0.7-1', programs: ['stress'] },
  'stress-ng': { version: '0.15.06-1', programs: ['stress-ng'] },
};

/** Every program a package can bring; the guest shell offers one only once its package is installed. */
const INSTALLABLE_PROGRAMS: readonly string[] = Object.values(PACKAGES).flatMap((p) => p.programs);

type Manager = 'apt-get' | 'dnf' | 'yum' | 'apk';

/** The package managers a distro's guests have (Rocky's dnf answers as yum too). */
function managersOf(distro: string): Manager[] {
  if (['debian', 'ubuntu'].includes(distro)) return ['apt-get'];
  if (['rocky', 'alma', 'almalinux', 'rhel', 'fedora', 'oracle'].includes(distro)) return ['dnf', 'yum'];
  if (distro === 'centos') return ['yum'];
  if (distro === 'alpine') return ['apk'];
  return [];
}

/** Modelled duration: metadata refresh plus download and unpack per package (simulated seconds). */
const REFRESH_SECONDS = 6;
const PER_PACKAGE_SECONDS = 4;

/** Where an operator's static binaries go: `/usr/local/bin/<program>` (copied over SFTP). */
const STATIC_DIR = '/usr/local/bin/';

/**
 * A 64-bit little-endian ELF executable for x86-64, the simulated guests' machine (e_ident class 2,
 * data 1; e_machine 0x3e at offset 18). Anything else in /usr/local/bin does not run, as on a real
 * guest ("Exec format error"): an aarch64 build or a text file is no fio.
 */
function runsHere(file: Buffer | undefined): boolean {
  return (
    !!file &&
    file.length >= 20 &&
    file.readUInt32BE(0) === 0x7f454c46 &&
    file[4] === 2 &&
    file[5] === 1 &&
    file.readUInt16LE(18) === 0x3e
  );
}

/** Programs the guest has: installed by its package manager, or a static binary for its machine. */
function installs(vm: SimVm): Set<string> {
  const have = new Set(vm.software ?? []);
  for (const program of INSTALLABLE_PROGRAMS) {
    if (runsHere(vm.guest.files.get(`${STATIC_DIR}${program}`))) have.add(program);
  }
  return have;
}

function notFound(manager: Manager, name: string): string {
  switch (manager) {
    case 'apt-get':
      return `E: Unable to locate package ${name}\n`;
    case 'dnf':
    case 'yum':
      return `Error: Unable to find a match: ${name}\n`;
    case 'apk':
      return `ERROR: unable to select packages:\n  ${name} (no such package):\n    required by: world[${name}]\n`;
  }
}

function installed(manager: Manager, name: string): string {
  const { version } = PACKAGES[name]!;
  switch (manager) {
    case 'apt-get':
      return `Unpacking ${name} (${version}) ...\nSetting up ${name} (${version}) ...\n`;
    case 'dnf':
    case 'yum':
      return `Installed:\n  ${name}-${version}.el9.x86_64\n`;
    case 'apk':
      return `(1/1) Installing ${name} (${version})\n`;
  }
}

/** `apt-get install -y fio`, `dnf install -y fio`, `apk add fio`: anything else is a no-op that succeeds. */
function manager(name: Manager): CommandHandler {
  return async (io: CommandIo, env: ShellEnv) => {
    const vm = env.vm;
    if (!vm) return 1;
    const args = io.argv.filter((a) => !a.startsWith('-'));
    const verb = args[0] ?? '';
    const wanted = args.slice(1);
    const isInstall = name === 'apk' ? verb === 'add' : verb === 'install';
    if (name === 'apt-get' && verb === 'update') {
      await env.model.clock.wait(REFRESH_SECONDS, io.signal);
      if (vm.repositories === false) {
        io.err('E: The list of sources could not be read.\n');
        return 100;
      }
      io.out('Reading package lists... Done (simulated)\n');
      return 0;
    }
    const isQuery = name === 'apk' ? verb === 'search' : verb === 'info';
    if (isQuery) {
      const found = wanted.filter((w) => vm.repositories !== false && PACKAGES[w]);
      if (name === 'apk') {
        io.out(found.map((w) => `${w}-${PACKAGES[w]!.version}\n`).join(''));
        return 0;
      }
      if (!found.length) {
        io.err('Error: No matching Packages to list\n');
        return 1;
      }
      io.out(found.map((w) => `Name         : ${w}\nVersion      : ${PACKAGES[w]!.version}\n`).join('\n'));
      return 0;
    }
    if (!isInstall) return 0;
    if (!wanted.length) {
      io.err(`${name}: no package named to install\n`);
      return 1;
    }
    const unknown = wanted.filter((w) => vm.repositories === false || !PACKAGES[w]);
    if (unknown.length) {
      await env.model.clock.wait(REFRESH_SECONDS, io.signal);
      io.err(unknown.map((u) => notFound(name, u)).join(''));
      return name === 'apt-get' ? 100 : 1;
    }
    const have = new Set(vm.software ?? []);
    const fresh = wanted.filter((w) => !have.has(w));
    await env.model.clock.wait(REFRESH_SECONDS + PER_PACKAGE_SECONDS * fresh.length, io.signal);
    vm.software = [...new Set([...have, ...fresh])].sort();
    io.out(fresh.map((w) => installed(name, w)).join('') || `${wanted.join(' ')} already installed\n`);
    return 0;
  };
}

/** `apt-cache show PKG`: what the guest's repositories offer (nothing without repositories). */
const aptCache: CommandHandler = async (io, env) => {
  const args = io.argv.filter((a) => !a.startsWith('-'));
  if (args[0] !== 'show') return 0;
  const found = args.slice(1).filter((w) => env.vm?.repositories !== false && PACKAGES[w]);
  if (!found.length) {
    io.err('E: No packages found\n');
    return 100;
  }
  io.out(found.map((w) => `Package: ${w}\nVersion: ${PACKAGES[w]!.version}\n`).join('\n'));
  return 0;
};

const tables = new Map<string, CommandTable>();

/**
 * The commands one guest has: everything but the installable programs, plus its distro's package
 * managers and what they installed. One table per (distro, installed set), so a shell sees a
 * program appear right after its install (`command -v fio`, `ls /usr/bin/fio`).
 */
export function guestCommandTable(base: CommandTable, vm: SimVm): CommandTable {
  const managers = managersOf(vm.distro);
  const software = [...installs(vm)].sort();
  const key = `${managers.join(',')}|${software.join(',')}`;
  let table = tables.get(key);
  if (table) return table;
  table = Object.fromEntries(Object.entries(base).filter(([n]) => !INSTALLABLE_PROGRAMS.includes(n)));
  for (const m of managers) table[m] = manager(m);
  if (managers.includes('apt-get')) table['apt-cache'] = aptCache;
  for (const pkg of software) {
    for (const program of PACKAGES[pkg]?.programs ?? []) {
      const handler = base[program];
      if (handler) table[program] = handler;
    }
  }
  tables.set(key, table);
  return table;
}

import { posix } from 'node:path';
import { CommandTable } from 'src/simulator/shell/shell-types';

/**
 * `file` as dom0 has it: file 5.11 of CentOS 7, the base of XCP-ng 8.2 and 8.3's dom0. Its magic
 * predates zstd (a Zstandard stream is plain `data`) and names gzip `application/x-gzip`, which
 * is what xcp-ng-tests' export test expects of a host. Options: -b/--brief, --mime-type,
 * -i/--mime, -L; the magic covers what a simulated host holds (archives, compressed streams,
 * ELF, text). A file that cannot be opened is reported on stdout with exit status 0, as file does.
 */
interface Kind {
  text: string;
  mime: string;
  charset: string;
}

const startsWith = (data: Buffer, bytes: number[], at = 0): boolean => bytes.every((b, i) => data[at + i] === b);

function kindOf(data: Buffer): Kind {
  const binary = (text: string, mime: string): Kind => ({ text, mime, charset: 'binary' });
  if (data.length === 0) return binary('empty', 'application/x-empty');
  if (startsWith(data, [0x1f, 0x8b])) return binary('gzip compressed data, from Unix', 'application/x-gzip');
  if (startsWith(data, [0x42, 0x5a, 0x68])) {
    return binary(
      `bzip2 compressed data, block size = ${String.fromCharCode(data[3] ?? 0x39)}00k`,
      'application/x-bzip2',
    );
  }
  if (startsWith(data, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return binary('XZ compressed data', 'application/x-xz');
  if (data.subarray(257, 265).toString('latin1') === 'ustar  \0') {
    return binary('POSIX tar archive (GNU)', 'application/x-tar');
  }
  if (data.subarray(257, 263).toString('latin1') === 'ustar\0') return binary('POSIX tar archive', 'application/x-tar');
  if (startsWith(data, [0x7f, 0x45, 0x4c, 0x46])) {
    const bits = data[4] === 2 ? '64' : '32';
    return binary(`ELF ${bits}-bit LSB executable, x86-64, version 1 (SYSV)`, 'application/x-executable');
  }
  const head = data.subarray(0, 65536);
  if (head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) {
    return { text: 'ASCII text', mime: 'text/plain', charset: 'us-ascii' };
  }
  return binary('data', 'application/octet-stream');
}

export const FILE_COMMANDS: CommandTable = {
  file: async (io, env) => {
    let brief = false;
    let mime: 'none' | 'type' | 'full' = 'none';
    const names: string[] = [];
    for (const a of io.argv) {
      if (a === '-b' || a === '--brief') brief = true;
      else if (a === '--mime-type') mime = 'type';
      else if (a === '-i' || a === '--mime') mime = 'full';
      else if (a === '-L' || a === '--dereference') continue;
      else if (/^-[biL]+$/.test(a)) {
        brief ||= a.includes('b');
        if (a.includes('i')) mime = 'full';
      } else if (a.startsWith('-')) {
        io.err(
          `file: invalid option -- '${a.replace(/^-+/, '').slice(0, 1)}'\nUsage: file [-bchikLlNnprsvz0] [--apple] [--mime-encoding] [--mime-type]\n            [-e testname] [-F separator] [-f namefile] [-m magicfiles] file ...\n       file -C [-m magicfiles]\n       file [--help]\n`,
        );
        return 1;
      } else names.push(a);
    }
    if (names.length === 0) {
      io.err(
        'Usage: file [-bchikLlNnprsvz0] [--apple] [--mime-encoding] [--mime-type]\n            [-e testname] [-F separator] [-f namefile] [-m magicfiles] file ...\n       file -C [-m magicfiles]\n       file [--help]\n',
      );
      return 1;
    }
    const cwd = io.shell?.cwd ?? '/root';
    for (const name of names) {
      const path = posix.resolve(cwd, name);
      const prefix = brief ? '' : `${name}: `;
      let kind: Kind | null = null;
      if ((await env.vfs.list(path)) !== null) kind = { text: 'directory', mime: 'inode/directory', charset: 'binary' };
      else {
        const data = await env.vfs.read(path);
        if (data !== null) kind = kindOf(data);
      }
      if (kind === null) {
        io.out(
          mime === 'none'
            ? `${prefix}cannot open (No such file or directory)\n`
            : `${prefix}cannot open \`${name}' (No such file or directory)\n`,
        );
        continue;
      }
      const answer =
        mime === 'type' ? kind.mime : mime === 'full' ? `${kind.mime}; charset=${kind.charset}` : kind.text;
      io.out(`${prefix}${answer}\n`);
    }
    return 0;
  },
};

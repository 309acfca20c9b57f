import { CommandTable } from 'src/simulator/shell/shell-types';

/**
 * `od` as far as checking a file's magic bytes needs: `-An` (no offsets), `-tx1` (hex bytes) and
 * `-N count`; reads a file argument or stdin. Sixteen bytes a line, each prefixed by a space.
 */
export const OD_COMMANDS: CommandTable = {
  od: async (io, env) => {
    let limit = Infinity;
    let file: string | null = null;
    for (let i = 0; i < io.argv.length; i++) {
      const a = io.argv[i] ?? '';
      if (a === '-N') limit = parseInt(io.argv[++i] ?? '', 10);
      else if (a.startsWith('-N')) limit = parseInt(a.slice(2), 10);
      else if (a === '-An' || a === '-tx1' || a === '-t' || a === 'x1' || a === '-A' || a === 'n') continue;
      else if (a.startsWith('-')) {
        io.err(`od: unsupported option '${a}' (simulated od knows -An -tx1 -N)\n`);
        return 1;
      } else file = a;
    }
    if (!Number.isFinite(limit) && limit !== Infinity) {
      io.err('od: invalid -N argument\n');
      return 1;
    }
    let data = io.stdin;
    if (file !== null) {
      const read = await env.vfs.read(file);
      if (read === null) {
        io.err(`od: ${file}: No such file or directory\n`);
        return 1;
      }
      data = read;
    }
    const bytes = data.subarray(0, Number.isFinite(limit) ? limit : data.length);
    for (let at = 0; at < bytes.length; at += 16) {
      const line = [...bytes.subarray(at, at + 16)].map((b) => ` ${b.toString(16).padStart(2, '0')}`).join('');
      io.out(`${line}\n`);
    }
    return 0;
  },
};

import { posix } from 'node:path';
import { CommandIo } from 'src/simulator/shell/shell-types';

/**
 * GNU coreutils' commands where just-bash's differ on a host's real-folder filesystem.
 *
 * `cp` with the options scripts pass on XCP-ng and Debian: -r/-R, -a, -p, -f, -n,
 * -v (just-bash's own cp refuses -f and -a, which every `cp -f … /etc/…` of xcp-ng-tests uses).
 * -f only matters when the destination cannot be opened for writing; here it always can.
 */

const SHORT: Record<string, string> = { r: 'r', R: 'r', a: 'a', p: 'p', f: 'f', n: 'n', v: 'v', d: 'p' };
const LONG: Record<string, string> = {
  '--recursive': 'r',
  '--archive': 'a',
  '--preserve': 'p',
  '--force': 'f',
  '--no-clobber': 'n',
  '--verbose': 'v',
};
const TRY = "Try 'cp --help' for more information.\n";

export async function cp(io: CommandIo): Promise<number> {
  const shell = io.shell;
  if (!shell) return 126;
  const flags = new Set<string>();
  const operands: string[] = [];
  let options = true;
  for (const a of io.argv) {
    if (options && a === '--') options = false;
    else if (options && a.startsWith('--')) {
      const f = LONG[a.replace(/=.*$/, '')];
      if (!f) {
        io.err(`cp: unrecognized option '${a}'\n${TRY}`);
        return 1;
      }
      flags.add(f);
    } else if (options && /^-./.test(a)) {
      for (const c of a.slice(1)) {
        const f = SHORT[c];
        if (!f) {
          io.err(`cp: invalid option -- '${c}'\n${TRY}`);
          return 1;
        }
        flags.add(f);
      }
    } else operands.push(a);
  }
  const recursive = flags.has('r') || flags.has('a');
  if (!operands.length) {
    io.err(`cp: missing file operand\n${TRY}`);
    return 1;
  }
  if (operands.length === 1) {
    io.err(`cp: missing destination file operand after '${operands[0]}'\n${TRY}`);
    return 1;
  }
  const fs = shell.fs;
  const abs = (p: string): string => fs.resolvePath(shell.cwd, p);
  const target = operands[operands.length - 1]!;
  const sources = operands.slice(0, -1);
  const targetIsDir = await fs
    .stat(abs(target))
    .then((s) => s.isDirectory)
    .catch(() => false);
  if (sources.length > 1 && !targetIsDir) {
    io.err(`cp: target '${target}' is not a directory\n`);
    return 1;
  }
  let code = 0;
  for (const src of sources) {
    const st = await fs.stat(abs(src)).catch(() => null);
    if (!st) {
      io.err(`cp: cannot stat '${src}': No such file or directory\n`);
      code = 1;
      continue;
    }
    if (st.isDirectory && !recursive) {
      io.err(`cp: omitting directory '${src}'\n`);
      code = 1;
      continue;
    }
    const dest = targetIsDir ? posix.join(target, posix.basename(src)) : target;
    if (flags.has('n') && (await fs.exists(abs(dest)))) continue;
    const parent = await fs
      .stat(posix.dirname(abs(dest)))
      .then((s) => s.isDirectory)
      .catch(() => false);
    try {
      if (!parent) throw new Error('ENOENT');
      // files through read and write, so the files a host answers from its model copy too
      if (st.isDirectory) await fs.cp(abs(src), abs(dest), { recursive });
      else {
        await fs.writeFile(abs(dest), await fs.readFileBuffer(abs(src)));
        // a new file gets the source's permissions (less the umask, 022 for root)
        await fs.chmod(abs(dest), st.mode & 0o755).catch(() => undefined);
      }
    } catch (e) {
      const why = /ENOENT|no such/i.test(String(e)) ? 'No such file or directory' : 'Permission denied';
      io.err(`cp: cannot create regular file '${dest}': ${why}\n`);
      code = 1;
      continue;
    }
    if (flags.has('v')) io.out(`'${src}' -> '${dest}'\n`);
  }
  return code;
}

/**
 * `rmdir [-p] [--ignore-fail-on-non-empty] DIR…`: removes empty folders (just-bash's fails with
 * EISDIR on the real-folder filesystem of a host).
 */
export async function rmdir(io: CommandIo): Promise<number> {
  const shell = io.shell;
  if (!shell) return 126;
  const fs = shell.fs;
  const parents = io.argv.includes('-p') || io.argv.includes('--parents');
  const ignoreNonEmpty = io.argv.includes('--ignore-fail-on-non-empty');
  const dirs = io.argv.filter((a) => !a.startsWith('-'));
  if (!dirs.length) {
    io.err("rmdir: missing operand\nTry 'rmdir --help' for more information.\n");
    return 1;
  }
  const removeOne = async (dir: string): Promise<string | null> => {
    const path = fs.resolvePath(shell.cwd, dir);
    const st = await fs.stat(path).catch(() => null);
    if (!st) return 'No such file or directory';
    if (!st.isDirectory) return 'Not a directory';
    if ((await fs.readdir(path)).length) return 'Directory not empty';
    await fs.rm(path, { recursive: true });
    return null;
  };
  let code = 0;
  for (const dir of dirs) {
    const chain = [dir];
    if (parents) for (let d = posix.dirname(dir); d !== '.' && d !== '/'; d = posix.dirname(d)) chain.push(d);
    for (const d of chain) {
      const why = await removeOne(d);
      if (!why) continue;
      if (!(why === 'Directory not empty' && ignoreNonEmpty)) {
        io.err(`rmdir: failed to remove '${d}': ${why}\n`);
        code = 1;
      }
      break;
    }
  }
  return code;
}

import { createCipheriv, createHash, randomInt } from 'node:crypto';
import { posix } from 'node:path';
import { cp, rmdir } from 'src/simulator/shell/commands/coreutils-commands';
import { CommandIo, CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';
import { normalisePath } from 'src/simulator/shell/vfs';

/** `uptime`'s line, from the simulated clock and the last boot. */
function uptimeLine(env: ShellEnv, load: number): string {
  const now = env.model.clock.now();
  const d = new Date(now);
  const secs = Math.max(0, Math.floor((now - env.bootedAt()) / 1000));
  const days = Math.floor(secs / 86400);
  const h = Math.floor((secs % 86400) / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const up = `${days > 0 ? `${days} day${days === 1 ? '' : 's'}, ` : ''}${h > 0 ? `${String(h).padStart(2, ' ')}:${String(m).padStart(2, '0')}` : `${m} min`}`;
  const l = load.toFixed(2);
  return ` ${d.toISOString().slice(11, 19)} up ${up},  1 user,  load average: ${l}, ${l}, ${l}\n`;
}

let ddCounter = 0;

/**
 * Deterministic bytes that look random: the AES-256-CTR keystream of a key derived from `seed`
 * (`zeros` encrypted). Hundreds of MB/s, where a hash chain made a 64 MiB `dd` take seconds.
 */
function pseudoRandom(seed: string, zeros: Buffer): Buffer {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(zeros);
}

const TEMPLATE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * coreutils 8.22 `mktemp [-d] [-u] [-q] [-p DIR|--tmpdir[=DIR]] [-t] [--suffix=S] [TEMPLATE]`:
 * X's at the end of the template become random letters and digits; the file (mode 600) or folder
 * (700) is created, and its name printed.
 */
async function mktemp(io: CommandIo): Promise<number> {
  const fs = io.shell?.fs;
  if (!fs) return 1;
  let dir = false;
  let dryRun = false;
  let quiet = false;
  let tmpdir: string | undefined;
  let legacyT = false;
  let suffix = '';
  let template: string | undefined;
  const fail = (msg: string): number => {
    if (!quiet) io.err(`mktemp: ${msg}\n`);
    return 1;
  };
  for (let i = 0; i < io.argv.length; i++) {
    const a = io.argv[i]!;
    if (a === '-d' || a === '--directory') dir = true;
    else if (a === '-u' || a === '--dry-run') dryRun = true;
    else if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '-t') legacyT = true;
    else if (a === '-p') tmpdir = io.argv[++i];
    else if (a.startsWith('-p')) tmpdir = a.slice(2);
    else if (a === '--tmpdir') tmpdir = '';
    else if (a.startsWith('--tmpdir=')) tmpdir = a.slice(9);
    else if (a.startsWith('--suffix=')) suffix = a.slice(9);
    else if (a === '--suffix') suffix = io.argv[++i] ?? '';
    else if (/^-[duqt]+$/.test(a)) {
      dir ||= a.includes('d');
      dryRun ||= a.includes('u');
      quiet ||= a.includes('q');
      legacyT ||= a.includes('t');
    } else if (a.startsWith('-')) return fail(`unrecognized option '${a}'\nTry 'mktemp --help' for more information.`);
    else if (template === undefined) template = a;
    else return fail("too many templates\nTry 'mktemp --help' for more information.");
  }
  const explicit = template !== undefined;
  template ??= 'tmp.XXXXXXXXXX';
  if (!/X{3,}$/.test(template)) return fail(`too few X's in template '${template}${suffix}'`);
  if (explicit && template.includes('/') && (tmpdir !== undefined || legacyT)) {
    return fail(`invalid template, '${template}', contains directory separator`);
  }
  const base = !explicit || tmpdir !== undefined || legacyT ? tmpdir || io.shell?.env.get('TMPDIR') || '/tmp' : '';
  const cwd = io.shell?.cwd ?? '/root';
  for (let attempt = 0; attempt < 100; attempt++) {
    const name = template.replace(/X+$/, (xs) =>
      Array.from({ length: xs.length }, () => TEMPLATE_CHARS[randomInt(TEMPLATE_CHARS.length)]).join(''),
    );
    const path = posix.resolve(cwd, base, `${name}${suffix}`);
    if (await fs.exists(path)) continue;
    if (!(await fs.exists(posix.dirname(path)))) {
      return fail(
        `failed to create ${dir ? 'directory' : 'file'} via template '${posix.join(base, template)}${suffix}': No such file or directory`,
      );
    }
    if (!dryRun) {
      if (dir) {
        await fs.mkdir(path);
        await fs.chmod(path, 0o700);
      } else {
        await fs.writeFile(path, '');
        await fs.chmod(path, 0o600);
      }
    }
    io.out(`${base || !explicit ? path : posix.join(posix.dirname(template), posix.basename(path))}\n`);
    return 0;
  }
  return fail(`failed to create file via template '${template}': File exists`);
}

/** `nproc [--all] [--ignore=N]`: dom0's or the guest's vCPUs. */
async function nproc(io: CommandIo, env: ShellEnv): Promise<number> {
  const host = env.host();
  const n = env.vm?.vcpus ?? env.model.state.vms.get(host.controlDomainUuid)?.vcpus ?? Math.min(16, host.cpuCount);
  const ignoreArg = io.argv.find((a) => a.startsWith('--ignore='))?.slice(9);
  const ignore = ignoreArg === undefined ? 0 : parseInt(ignoreArg, 10) || 0;
  io.out(`${Math.max(1, n - (io.argv.includes('--all') ? 0 : ignore))}\n`);
  return 0;
}

export const CORE_COMMANDS: CommandTable = {
  sync: async () => 0,
  cp,
  rmdir,
  mktemp,
  nproc,
  hostname: async (io, env) => {
    io.out(`${env.hostname}\n`);
    return 0;
  },
  uname: async (io, env) => {
    const r = env.kind === 'host' ? '4.19.0+1' : '5.10.0-28-amd64';
    io.out(
      io.argv.includes('-r')
        ? `${r}\n`
        : io.argv.includes('-m')
          ? 'x86_64\n'
          : io.argv.includes('-a')
            ? `Linux ${env.hostname} ${r} #1 SMP x86_64 GNU/Linux\n`
            : 'Linux\n',
    );
    return 0;
  },
  date: async (io, env) => {
    const d = new Date(env.model.clock.now());
    io.out(io.argv.includes('+%s') ? `${Math.floor(d.getTime() / 1000)}\n` : `${d.toUTCString()}\n`);
    return 0;
  },
  sleep: async (io, env) => {
    const s = parseFloat(io.argv[0] ?? '0') || 0;
    await env.model.clock.wait(s, io.signal).catch(() => undefined);
    return 0;
  },
  uptime: async (io, env) => {
    io.out(uptimeLine(env, env.vm?.guest.load ?? 0.05));
    return 0;
  },
  /** dd if=/dev/urandom|/dev/zero of=FILE bs=1M count=N: writes deterministic pseudo-random data */
  dd: async (io, env) => {
    const opts = Object.fromEntries(io.argv.map((a) => a.split('=') as [string, string]));
    const bs = parseSize(opts['bs'] ?? '512');
    const count = parseInt(opts['count'] ?? '1', 10);
    const total = Math.min(bs * count, 64 * 1024 * 1024);
    let data: Buffer = Buffer.alloc(total);
    if (opts['if'] !== '/dev/zero') {
      ddCounter += 1;
      data = pseudoRandom(`${env.hostname}:${ddCounter}:${env.model.clock.now()}`, data);
    }
    if (opts['of']) await env.vfs.write(normalisePath(opts['of']), data, false);
    else io.out(data);
    io.err(
      `${count}+0 records in\n${count}+0 records out\n${total} bytes copied, 0.1 s, ${(total / 0.1 / 1e6).toFixed(0)} MB/s\n`,
    );
    return 0;
  },
};

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmMgGtT]?)i?[bB]?$/.exec(text);
  if (!m) return parseInt(text, 10) || 0;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(parseFloat(m[1] ?? '0') * unit);
}

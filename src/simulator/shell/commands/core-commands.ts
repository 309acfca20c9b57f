import { createCipheriv, createHash } from 'node:crypto';
import { CommandHandler, CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';
import { FolderVfs, normalisePath } from 'src/simulator/shell/vfs';

/** `uptime`'s line, from the simulated clock and the last boot. */
export function uptimeLine(env: ShellEnv, load: number): string {
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

async function readAll(
  env: ShellEnv,
  files: string[],
  io: Parameters<CommandHandler>[0],
  cmd: string,
): Promise<Buffer[] | null> {
  const out: Buffer[] = [];
  for (const f of files) {
    const data = await env.vfs.read(f);
    if (data === null) {
      io.err(`${cmd}: ${f}: No such file or directory\n`);
      return null;
    }
    out.push(data);
  }
  return out;
}

const lines = (b: Buffer): string[] => {
  const t = b.toString('utf8');
  const l = t.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
};

function numberOpt(argv: string[], flag: string, fallback: number): number {
  const i = argv.indexOf(flag);
  if (i >= 0) return parseInt(argv[i + 1] ?? '', 10) || fallback;
  const glued = argv.find((a) => a.startsWith(flag) && a.length > flag.length);
  return glued ? parseInt(glued.slice(flag.length), 10) || fallback : fallback;
}

const positional = (argv: string[], withValue: string[] = []): string[] => {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (withValue.includes(a)) i++;
    else if (!a.startsWith('-') || a === '-') out.push(a);
  }
  return out;
};

let ddCounter = 0;

/**
 * Deterministic bytes that look random: the AES-256-CTR keystream of a key derived from `seed`
 * (`zeros` encrypted). Hundreds of MB/s, where a hash chain made a 64 MiB `dd` take seconds.
 */
function pseudoRandom(seed: string, zeros: Buffer): Buffer {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(zeros);
}

export const CORE_COMMANDS: CommandTable = {
  true: async () => 0,
  false: async () => 1,
  ':': async () => 0,
  sync: async () => 0,
  echo: async (io) => {
    const noNl = io.argv[0] === '-n';
    io.out(`${(noNl ? io.argv.slice(1) : io.argv).join(' ')}${noNl ? '' : '\n'}`);
    return 0;
  },
  hostname: async (io, env) => {
    io.out(`${env.hostname}\n`);
    return 0;
  },
  uname: async (io, env) => {
    const r = env.kind === 'host' ? '4.19.0+1' : '5.10.0-28-amd64';
    io.out(
      io.argv.includes('-r')
        ? `${r}\n`
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
  cat: async (io, env) => {
    const files = positional(io.argv);
    if (files.length === 0) {
      io.out(io.stdin);
      return 0;
    }
    const data = await readAll(env, files, io, 'cat');
    if (!data) return 1;
    data.forEach((d) => io.out(d));
    return 0;
  },
  head: async (io, env) => {
    const n = numberOpt(io.argv, '-n', 10);
    const files = positional(io.argv, ['-n']);
    const data = files.length ? await readAll(env, files, io, 'head') : [io.stdin];
    if (!data) return 1;
    io.out(
      lines(Buffer.concat(data))
        .slice(0, n)
        .map((l) => `${l}\n`)
        .join(''),
    );
    return 0;
  },
  tail: async (io, env) => {
    const n = numberOpt(io.argv, '-n', 10);
    const files = positional(io.argv, ['-n']);
    const data = files.length ? await readAll(env, files, io, 'tail') : [io.stdin];
    if (!data) return 1;
    io.out(
      lines(Buffer.concat(data))
        .slice(-n)
        .map((l) => `${l}\n`)
        .join(''),
    );
    return 0;
  },
  grep: async (io, env) => {
    const [pattern, ...files] = positional(io.argv, ['-e', '-m']);
    if (pattern === undefined) {
      io.err('Usage: grep [OPTION]... PATTERNS [FILE]...\n');
      return 2;
    }
    const flags = io.argv.includes('-i') ? 'i' : '';
    const re = io.argv.includes('-F') ? null : new RegExp(pattern, flags);
    const data = files.length ? await readAll(env, files, io, 'grep') : [io.stdin];
    if (!data) return 2;
    const hits = lines(Buffer.concat(data)).filter(
      (l) => (re ? re.test(l) : l.includes(pattern)) !== io.argv.includes('-v'),
    );
    if (io.argv.includes('-c')) io.out(`${hits.length}\n`);
    else if (!io.argv.includes('-q')) io.out(hits.map((l) => `${l}\n`).join(''));
    return hits.length > 0 ? 0 : 1;
  },
  wc: async (io) => {
    io.out(`${lines(io.stdin).length}\n`);
    return 0;
  },
  rm: async (io, env) => {
    let code = 0;
    for (const f of positional(io.argv)) {
      if (!(await env.vfs.remove(f)) && !io.argv.includes('-f')) {
        io.err(`rm: cannot remove '${f}': No such file or directory\n`);
        code = 1;
      }
    }
    return code;
  },
  mkdir: async (io, env) => {
    if (env.vfs instanceof FolderVfs) for (const d of positional(io.argv)) await env.vfs.mkdirp(d);
    return 0;
  },
  ls: async (io, env) => {
    const dir = positional(io.argv)[0] ?? '/root';
    const items = await env.vfs.list(dir);
    if (items === null) {
      const file = await env.vfs.read(dir);
      if (file) {
        io.out(`${dir}\n`);
        return 0;
      }
      io.err(`ls: cannot access '${dir}': No such file or directory\n`);
      return 2;
    }
    io.out(
      items
        .sort()
        .map((i) => `${i}\n`)
        .join(''),
    );
    return 0;
  },
  test: async (io, env) => {
    const [flag, path] = io.argv;
    if ((flag === '-f' || flag === '-e' || flag === '-s') && path) {
      const data = await env.vfs.read(path);
      return data !== null && (flag !== '-s' || data.length > 0) ? 0 : 1;
    }
    return 1;
  },
  sha256sum: async (io, env) => {
    const files = positional(io.argv);
    if (files.length === 0) {
      io.out(`${createHash('sha256').update(io.stdin).digest('hex')}  -\n`);
      return 0;
    }
    let code = 0;
    for (const f of files) {
      const data = await env.vfs.read(f);
      if (data === null) {
        io.err(`sha256sum: ${f}: No such file or directory\n`);
        code = 1;
      } else io.out(`${createHash('sha256').update(data).digest('hex')}  ${f}\n`);
    }
    return code;
  },
  stat: async (io, env) => {
    const f = positional(io.argv, ['-c'])[0] ?? '';
    const data = await env.vfs.read(f);
    if (data === null) {
      io.err(`stat: cannot statx '${f}': No such file or directory\n`);
      return 1;
    }
    io.out(`${data.length}\n`);
    return 0;
  },
  du: async (io, env) => {
    const f = positional(io.argv)[0] ?? '';
    const data = await env.vfs.read(f);
    if (data === null) {
      io.err(`du: cannot access '${f}': No such file or directory\n`);
      return 1;
    }
    const size =
      io.argv.includes('-sb') || io.argv.includes('-b')
        ? data.length
        : io.argv.includes('-sm')
          ? Math.ceil(data.length / 1048576)
          : Math.ceil(data.length / 1024);
    io.out(`${size}\t${f}\n`);
    return 0;
  },
  file: async (io, env) => {
    const f = positional(io.argv)[0] ?? '';
    const data = await env.vfs.read(f);
    if (data === null) {
      io.out(`${f}: cannot open \`${f}' (No such file or directory)\n`);
      return 0;
    }
    let mime = 'application/octet-stream';
    if (data[0] === 0x1f && data[1] === 0x8b) mime = 'application/gzip';
    else if (data.length >= 262 && data.subarray(257, 262).toString('latin1') === 'ustar') mime = 'application/x-tar';
    else if (data.subarray(0, 512).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127))) {
      mime = 'text/plain';
    }
    io.out(io.argv.includes('-b') ? `${mime}\n` : `${f}: ${mime}\n`);
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

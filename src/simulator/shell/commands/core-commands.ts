import { createCipheriv, createHash } from 'node:crypto';
import { CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';
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

export const CORE_COMMANDS: CommandTable = {
  sync: async () => 0,
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

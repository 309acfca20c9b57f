import { shellQuote } from 'src/remote/shell-quote';

/*
 * What a Linux guest lacks of the programs a case runs in it, and the command that installs them
 * with its package manager: shared by `lab doctor` and guest preparation.
 */

/** Program names one may ask a guest's package manager for (allow-list: nothing else reaches it). */
const PROGRAM = /^[a-z0-9][a-z0-9+._-]{0,63}$/;

type PackageManager = 'apt-get' | 'dnf' | 'yum' | 'apk';
const MANAGERS: readonly PackageManager[] = ['apt-get', 'dnf', 'yum', 'apk'];

/** The install command for each package manager, non-interactive and idempotent. */
export function installCommand(manager: PackageManager, packages: readonly string[]): string {
  for (const p of packages) if (!PROGRAM.test(p)) throw new Error(`not a package name: ${JSON.stringify(p)}`);
  const names = packages.map(shellQuote).join(' ');
  switch (manager) {
    case 'apt-get':
      return `DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${names} || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${names}; }`;
    case 'dnf':
      return `dnf install -y -q ${names}`;
    case 'yum':
      return `yum install -y -q ${names}`;
    case 'apk':
      return `apk add -q ${names}`;
  }
}

/** How each package manager asks its repositories for a package: prints nothing when none offers it. */
const QUERIES: Record<PackageManager, string> = {
  'apt-get': 'apt-cache show',
  dnf: 'dnf -q info',
  yum: 'yum -q info',
  apk: 'apk search -x',
};

/** What a guest lacks of `programs`, which package manager it has, and whether its repositories offer each. */
export function probeCommand(programs: readonly string[]): string {
  for (const p of programs) if (!PROGRAM.test(p)) throw new Error(`not a program name: ${JSON.stringify(p)}`);
  // if/elif: `a && b || c && d` would run d after a and b succeeded.
  const manager = `${MANAGERS.map((m) => `if command -v ${m} >/dev/null 2>&1; then M=${m}; echo manager:${m};`).join(' el')} fi`;
  // A function, not a command in a variable: no word splitting to rely on.
  const query = `q() { case $M in ${MANAGERS.map((m) => `${m}) ${QUERIES[m]} "$1";;`).join(' ')} esac; }`;
  const missing = programs.map(
    (p) =>
      `command -v ${shellQuote(p)} >/dev/null 2>&1 || { echo missing:${p}; [ -n "$(q ${shellQuote(p)} 2>/dev/null)" ] && echo available:${p}; }`,
  );
  // The machine picks a static binary when no repository offers a program.
  return `M=; ${manager}; ${query}; ${missing.join('; ')}; echo machine:$(uname -m 2>/dev/null); true`;
}

export interface GuestProbe {
  missing: string[];
  available: string[];
  manager: PackageManager | null;
  /** `uname -m` (x86_64, aarch64); null when the guest did not say */
  machine: string | null;
}

export function parseProbe(stdout: string): GuestProbe {
  const lines = stdout.split('\n').map((l) => l.trim());
  const tagged = (tag: string) => lines.filter((l) => l.startsWith(tag)).map((l) => l.slice(tag.length));
  const manager = tagged('manager:')[0] as PackageManager | undefined;
  return {
    missing: tagged('missing:'),
    available: tagged('available:'),
    manager: manager && MANAGERS.includes(manager) ? manager : null,
    machine: tagged('machine:')[0] || null,
  };
}

import { readFile, stat } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The operator's folder of static binaries for guests that reach no package repository
 * (SHAKEDOWN_GUEST_BINARIES_DIR), laid out as `<folder>/<machine>/<program>`, e.g.
 * `/srv/shakedown-bin/x86_64/fio`. Only the programs and machines below map to a file: a guest's
 * `uname -m` or a scenario's program name never becomes a path of its own.
 */
const STATIC_PROGRAMS: readonly string[] = ['fio', 'iperf3', 'stress', 'stress-ng'];
/** Machines as `uname -m` prints them. */
const STATIC_MACHINES: readonly string[] = ['x86_64', 'aarch64'];

export class GuestBinaries {
  constructor(readonly folder: string) {}

  /** From the validated setting: null when the operator configured no folder. */
  static of(folder: string | undefined): GuestBinaries | null {
    return folder ? new GuestBinaries(folder) : null;
  }

  /** The file for `program` on `machine`, or null when either is not on the allow-list. */
  path(program: string, machine: string): string | null {
    if (!STATIC_PROGRAMS.includes(program) || !STATIC_MACHINES.includes(machine)) return null;
    return join(this.folder, machine, program);
  }

  /** Whether the operator put a file there (the doctor's question; preparation reads it). */
  has(program: string, machine: string): boolean {
    const path = this.path(program, machine);
    if (!path) return false;
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  }

  /** The binary's bytes, or null when the operator put none there (or it is not a regular file). */
  async read(program: string, machine: string): Promise<Buffer | null> {
    const path = this.path(program, machine);
    if (!path) return null;
    const st = await stat(path).catch(() => null);
    return st?.isFile() ? readFile(path) : null;
  }
}

/** Boot-time check of the setting: an absolute path to an existing folder. Throws with the reason. */
export function guestBinariesFolder(value: string): string {
  if (!isAbsolute(value)) throw new Error('must be an absolute path');
  const st = (() => {
    try {
      return statSync(value);
    } catch {
      return null;
    }
  })();
  if (!st) throw new Error('no such folder');
  if (!st.isDirectory()) throw new Error('not a folder');
  return resolve(value);
}

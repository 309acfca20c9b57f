import { appendFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { Vfs } from 'src/simulator/shell/shell-types';

/** A dom0 path as an absolute, normalised POSIX path ('..' cannot climb above /). */
export function normalisePath(path: string, cwd = '/root'): string {
  return posix.normalize(posix.isAbsolute(path) ? path : posix.join(cwd, path));
}

/** Folders every dom0 has; others must be created (mkdir -p) before files go there. */
export const DOM0_DIRS = ['/root', '/tmp', '/var/tmp', '/mnt', '/var/log', '/var/opt/xen/bug-report', '/etc'];

/**
 * A host's filesystem: a real folder under the lab's state dir, plus virtual read-only files
 * (logs kept in the model, /etc files) supplied by `virtualRead`.
 */
export class FolderVfs implements Vfs {
  constructor(
    readonly root: string,
    private readonly virtualRead: (path: string) => Buffer | null = () => null,
  ) {}

  async init(): Promise<void> {
    for (const d of DOM0_DIRS) await mkdir(this.real(d), { recursive: true });
  }

  real(path: string): string {
    return join(this.root, normalisePath(path));
  }

  async read(path: string): Promise<Buffer | null> {
    const v = this.virtualRead(normalisePath(path));
    if (v) return v;
    return readFile(this.real(path)).catch(() => null);
  }

  async write(path: string, data: Buffer, append: boolean): Promise<void> {
    const real = this.real(path);
    try {
      await (append ? appendFile(real, data) : writeFile(real, data));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error('No such file or directory', { cause: err });
      }
      throw err;
    }
  }

  async remove(path: string): Promise<boolean> {
    return rm(this.real(path)).then(
      () => true,
      () => false,
    );
  }

  async list(dir: string): Promise<string[] | null> {
    return readdir(this.real(dir)).catch(() => null);
  }

  async mkdirp(path: string): Promise<void> {
    await mkdir(this.real(path), { recursive: true });
    void dirname;
  }
}

/** A guest's filesystem: the VM's own file map (it travels with the VM through migration and export). */
export class MemoryVfs implements Vfs {
  constructor(
    private readonly files: Map<string, Buffer>,
    private readonly virtualRead: (path: string) => Buffer | null = () => null,
  ) {}

  async read(path: string): Promise<Buffer | null> {
    const p = normalisePath(path);
    return this.virtualRead(p) ?? this.files.get(p) ?? null;
  }

  async write(path: string, data: Buffer, append: boolean): Promise<void> {
    const p = normalisePath(path);
    const before = append ? (this.files.get(p) ?? Buffer.alloc(0)) : Buffer.alloc(0);
    this.files.set(p, Buffer.concat([before, data]));
  }

  async remove(path: string): Promise<boolean> {
    return this.files.delete(normalisePath(path));
  }

  async list(dir: string): Promise<string[] | null> {
    const prefix = `${normalisePath(dir).replace(/\/$/, '')}/`;
    return [...this.files.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length).split('/')[0] ?? '');
  }
}

import { appendFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { FsStat, IFileSystem, InMemoryFs, MountableFs, ReadWriteFs } from 'just-bash';
import { Vfs } from 'src/simulator/shell/shell-types';

/** A dom0 path as an absolute, normalised POSIX path ('..' cannot climb above /). */
export function normalisePath(path: string, cwd = '/root'): string {
  return posix.normalize(posix.isAbsolute(path) ? path : posix.join(cwd, path));
}

/** Folders every dom0 has; others must be created (mkdir -p) before files go there. */
const DOM0_DIRS = [
  '/root',
  '/tmp',
  '/var/tmp',
  '/mnt',
  '/var/log',
  '/var/opt/xen/bug-report',
  '/etc',
  '/usr/bin',
  '/usr/sbin',
  '/bin',
  '/sbin',
  '/opt/xensource/bin',
  '/opt/xensource/libexec',
];

/** the shell's own command files, not part of what a guest's disk records */
const SYSTEM_DIRS = ['/usr/bin/', '/bin/', '/usr/sbin/', '/sbin/', '/dev/', '/proc/'];

type VirtualRead = (path: string) => Buffer | null;

/** folders the shell searches for commands ($PATH) */
const COMMAND_DIRS = ['/usr/local/sbin/', '/usr/local/bin/', '/usr/sbin/', '/usr/bin/', '/sbin/', '/bin/', '/opt/'];
/** asks the shell's filesystem to forget remembered lookups (files changed behind its back) */
const FORGET = Symbol('forget');
const forget = (fs: IFileSystem | null): void =>
  (fs as unknown as Record<symbol, (() => void) | undefined>)?.[FORGET]?.();
const MUTATIONS = ['writeFile', 'appendFile', 'rm', 'mv', 'cp', 'chmod', 'symlink', 'link', 'mkdir', 'utimes'];

/**
 * The shell's view of a filesystem with some read-only files answered from the model (logs, /proc,
 * /etc identity files): those paths read, stat and exist as regular files; everything else goes to
 * the underlying filesystem. Looking a command up through $PATH stats several folders on every
 * call, and the real-folder filesystem validates each path component with lstat: those answers are
 * remembered until something writes.
 */
function withVirtualFiles(fs: IFileSystem, virtualRead: VirtualRead): IFileSystem {
  const virtual = (path: string): Buffer | null => virtualRead(normalisePath(path, '/'));
  const lookups = new Map<string, Promise<FsStat>>();
  const remembered = (path: string, link: boolean, real: () => Promise<FsStat>): Promise<FsStat> => {
    if (!COMMAND_DIRS.some((d) => path.startsWith(d))) return real();
    const key = `${link ? 'l' : 's'}${path}`;
    let hit = lookups.get(key);
    if (!hit) lookups.set(key, (hit = real()));
    return hit;
  };
  const stat = async (path: string, link: boolean): Promise<FsStat> => {
    const v = virtual(path);
    const p = normalisePath(path, '/');
    if (!v) return remembered(p, link, () => (link ? fs.lstat(path) : fs.stat(path)));
    return { isFile: true, isDirectory: false, isSymbolicLink: false, mode: 0o644, size: v.length, mtime: new Date() };
  };
  const overrides: Partial<IFileSystem> = {
    readFile: async (path, options) => {
      const v = virtual(path);
      if (!v) return fs.readFile(path, options);
      const encoding = typeof options === 'string' ? options : (options?.encoding ?? 'utf8');
      return v.toString(encoding === 'utf-8' ? 'utf8' : encoding);
    },
    readFileBuffer: async (path) => virtual(path) ?? fs.readFileBuffer(path),
    exists: async (path) =>
      stat(path, false).then(
        () => true,
        () => false,
      ),
    stat: (path) => stat(path, false),
    lstat: (path) => stat(path, true),
    realpath: async (path) => (virtual(path) ? normalisePath(path, '/') : fs.realpath(path)),
  };
  return new Proxy(fs, {
    get(target, prop, receiver) {
      if (prop === 'readFileBytes') {
        // Let the shell fall back to readFileBuffer, which knows the virtual files.
        return undefined;
      }
      if (prop === FORGET) return () => lookups.clear();
      const own = overrides[prop as keyof IFileSystem];
      if (own) return own;
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = (value as (...a: unknown[]) => unknown).bind(target);
      if (!MUTATIONS.includes(String(prop))) return fn;
      return (...args: unknown[]) => {
        lookups.clear();
        return fn(...args);
      };
    },
  });
}

/**
 * A host's filesystem: a real folder under the lab's state dir, plus virtual read-only files
 * (logs kept in the model, /etc files) supplied by `virtualRead`. Command handlers use the
 * methods below; the shell (`shellFs`) sees the same folder through just-bash, with the shared
 * SR folders mounted where the host mounts them.
 */
export class FolderVfs implements Vfs {
  private fs: IFileSystem | null = null;
  private readonly mounts = new Map<string, string>();

  constructor(
    readonly root: string,
    private readonly virtualRead: VirtualRead = () => null,
  ) {}

  async init(): Promise<void> {
    for (const d of DOM0_DIRS) await mkdir(this.real(d), { recursive: true });
  }

  isVirtual(path: string): boolean {
    return this.virtualRead(normalisePath(path)) !== null;
  }

  real(path: string): string {
    return join(this.root, normalisePath(path));
  }

  /** Shows a real folder at `mountPoint` (a shared SR), as the host's NFS mount would. */
  mount(mountPoint: string, realFolder: string): void {
    this.mounts.set(normalisePath(mountPoint), realFolder);
    this.fs = null;
  }

  shellFs(): IFileSystem {
    if (!this.fs) {
      const base = new ReadWriteFs({ root: this.root, maxFileReadSize: 256 * 1024 * 1024 });
      const mounts = [...this.mounts].map(([mountPoint, folder]) => ({
        mountPoint,
        filesystem: new ReadWriteFs({ root: folder, maxFileReadSize: 256 * 1024 * 1024 }),
      }));
      this.fs = withVirtualFiles(new MountableFs({ base, mounts }), this.virtualRead);
    }
    return this.fs;
  }

  async read(path: string): Promise<Buffer | null> {
    const v = this.virtualRead(normalisePath(path));
    if (v) return v;
    return readFile(this.real(path)).catch(() => null);
  }

  async write(path: string, data: Buffer, append: boolean): Promise<void> {
    forget(this.fs);
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
    forget(this.fs);
    return rm(this.real(path)).then(
      () => true,
      () => false,
    );
  }

  async list(dir: string): Promise<string[] | null> {
    return readdir(this.real(dir)).catch(() => null);
  }

  async mkdirp(path: string): Promise<void> {
    forget(this.fs);
    await mkdir(this.real(path), { recursive: true });
  }

  /** One folder listing and plain writes: through just-bash each file cost a path validation. */
  async installExecutables(dir: string, files: Record<string, string>): Promise<void> {
    forget(this.fs);
    const folder = this.real(dir);
    await mkdir(folder, { recursive: true });
    const present = new Set(await readdir(folder));
    for (const [name, content] of Object.entries(files)) {
      if (!present.has(name)) await writeFile(join(folder, name), content, { mode: 0o755 });
    }
  }
}

/**
 * A guest's filesystem. The VM's own file map is the record (it travels with the VM through
 * migration, cloning and export); the shell works on an in-memory filesystem seeded from it, and
 * what the shell changed is written back when a command line ends (`sync`).
 */
export class MemoryVfs implements Vfs {
  private readonly fs = new InMemoryFs();
  /** the map's entries as last synced, to notice changes made outside the shell (import, clone) */
  private seen = new Map<string, Buffer>();
  /**
   * Each file's content object inside the in-memory filesystem at the last load or sync. It never
   * changes a stored array in place (a write or an append stores a new one), so the same object
   * means the shell did not write the file: sync keeps the map's entry without copying and comparing
   * it (a guest's 64 MiB test data made every command line cost two passes over it).
   */
  private stored = new Map<string, Uint8Array>();
  private readonly shell: IFileSystem;

  constructor(
    private readonly files: Map<string, Buffer>,
    private readonly virtualRead: VirtualRead = () => null,
  ) {
    // As on every FHS distro (a static binary goes to /usr/local/bin).
    for (const d of ['/root', '/tmp', '/etc', '/var/tmp', '/mnt', '/usr/local/bin']) {
      this.fs.mkdirSync(d, { recursive: true });
    }
    this.shell = withVirtualFiles(this.fs, virtualRead);
    this.load();
  }

  private load(): void {
    for (const path of this.fs.getAllPaths()) {
      if (!this.files.has(path) && this.seen.has(path)) void this.fs.rm(path, { force: true });
    }
    for (const [path, data] of this.files) {
      if (this.seen.get(path) === data) continue;
      this.fs.mkdirSync(posix.dirname(path), { recursive: true });
      this.fs.writeFileSync(path, data);
      this.stored.set(path, data);
    }
    this.seen = new Map(this.files);
    forget(this.shell);
  }

  isVirtual(path: string): boolean {
    return this.virtualRead(normalisePath(path)) !== null;
  }

  shellFs(): IFileSystem {
    this.load();
    return this.shell;
  }

  /** Writes what the shell changed back to the VM's file map. */
  async sync(): Promise<void> {
    const next = new Map<string, Buffer>();
    const stored = new Map<string, Uint8Array>();
    for (const path of this.fs.getAllPaths()) {
      const st = await this.fs.lstat(path).catch(() => null);
      if (!st?.isFile || SYSTEM_DIRS.some((d) => path.startsWith(d))) continue;
      const old = this.seen.get(path);
      const content = await this.fs.readFileBuffer(path);
      stored.set(path, content);
      if (old && this.stored.get(path) === content) {
        next.set(path, old);
        continue;
      }
      const data = Buffer.from(content);
      next.set(path, old?.equals(data) ? old : data);
    }
    this.files.clear();
    for (const [k, v] of next) this.files.set(k, v);
    this.seen = new Map(next);
    this.stored = stored;
  }

  async read(path: string): Promise<Buffer | null> {
    const p = normalisePath(path);
    const v = this.virtualRead(p);
    if (v) return v;
    return this.fs.readFileBuffer(p).then(
      (b) => Buffer.from(b),
      () => null,
    );
  }

  async write(path: string, data: Buffer, append: boolean): Promise<void> {
    forget(this.shell);
    const p = normalisePath(path);
    this.fs.mkdirSync(posix.dirname(p), { recursive: true });
    await (append ? this.fs.appendFile(p, data) : this.fs.writeFile(p, data));
  }

  async remove(path: string): Promise<boolean> {
    const p = normalisePath(path);
    forget(this.shell);
    if (!(await this.fs.exists(p))) return false;
    await this.fs.rm(p);
    return true;
  }

  async list(dir: string): Promise<string[] | null> {
    return this.fs.readdir(normalisePath(dir)).catch(() => null);
  }
}

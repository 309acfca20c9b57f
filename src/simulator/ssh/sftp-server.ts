import { posix } from 'node:path';
import type { FsStat, IFileSystem } from 'just-bash';
import { Attributes, FileEntry, SFTPWrapper, utils } from 'ssh2';

/** What the SFTP subsystem serves: the same files the machine's shell sees. */
export interface SftpFiles {
  /** the shell's filesystem, as current as the shell's (guests reload their file map) */
  fs(): IFileSystem;
  /** files answered by the model (logs, /proc, identity files): they read, never write */
  readOnly(path: string): boolean;
  /** records what changed (a guest writes its file map back) */
  changed(): Promise<void>;
}

const { STATUS_CODE, OPEN_MODE } = utils.sftp;
const HOME = '/root';
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** A refusal carried to the client as an SFTP status (the codes OpenSSH's sftp-server maps errno to). */
class SftpStatus extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** errno → SFTP status, as sftp-server.c errno_to_portable: ENOENT/ENOTDIR/EBADF/ELOOP → no such file, EPERM/EACCES/EFAULT → permission denied, else failure. */
function statusOf(err: unknown): SftpStatus {
  if (err instanceof SftpStatus) return err;
  const text = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code ?? /^(E[A-Z]+)/.exec(text)?.[1] ?? '';
  if (['ENOENT', 'ENOTDIR', 'ELOOP', 'EBADF'].includes(code)) {
    return new SftpStatus(STATUS_CODE.NO_SUCH_FILE, 'No such file');
  }
  if (['EPERM', 'EACCES', 'EROFS'].includes(code)) {
    return new SftpStatus(STATUS_CODE.PERMISSION_DENIED, 'Permission denied');
  }
  return new SftpStatus(STATUS_CODE.FAILURE, 'Failure');
}

const noSuchFile = (): SftpStatus => new SftpStatus(STATUS_CODE.NO_SUCH_FILE, 'No such file');
const failure = (): SftpStatus => new SftpStatus(STATUS_CODE.FAILURE, 'Failure');
const denied = (): SftpStatus => new SftpStatus(STATUS_CODE.PERMISSION_DENIED, 'Permission denied');

function attrsOf(st: FsStat): Attributes {
  const type = st.isSymbolicLink ? S_IFLNK : st.isDirectory ? S_IFDIR : S_IFREG;
  const time = Math.floor(st.mtime.getTime() / 1000);
  return { mode: type | (st.mode & 0o7777), uid: 0, gid: 0, size: st.size, atime: time, mtime: time };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The `ls -l` line sftp-server.c ls_file writes as a READDIR entry's longname. */
function longname(name: string, a: Attributes): string {
  const kind = (a.mode & 0o170000) === S_IFDIR ? 'd' : (a.mode & 0o170000) === S_IFLNK ? 'l' : '-';
  const rwx = [6, 3, 0]
    .map((s) => {
      const b = (a.mode >> s) & 7;
      return `${b & 4 ? 'r' : '-'}${b & 2 ? 'w' : '-'}${b & 1 ? 'x' : '-'}`;
    })
    .join('');
  const d = new Date(a.mtime * 1000);
  const when = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${kind}${rwx}    1 root     root     ${String(a.size).padStart(8)} ${when} ${name}`;
}

/**
 * sshd reports the subsystem's exit status before closing its channel; OpenSSH's scp fails the
 * copy without it. ssh2's SFTP object has no `exit()` (its Channel has): send the same message.
 */
function exitStatus(sftp: SFTPWrapper, code: number): void {
  const raw = sftp as unknown as {
    _protocol?: { exitStatus(channel: number, status: number): void };
    outgoing?: { id: number; state: string };
  };
  if (raw.outgoing?.state === 'open') raw._protocol?.exitStatus(raw.outgoing.id, code);
}

interface FileHandle {
  kind: 'file';
  path: string;
  /** the file's bytes while open: reads come from here, writes patch it and go out on close */
  data: Buffer;
  readable: boolean;
  writable: boolean;
  append: boolean;
  dirty: boolean;
}

interface DirHandle {
  kind: 'dir';
  path: string;
  sent: boolean;
}

/**
 * An SFTP v3 server (the subsystem OpenSSH 9's `scp` and `sftp` use) over a simulated machine's
 * files. Requests are answered one at a time in arrival order, as sftp-server does; what it cannot
 * do (extensions, links' odd argument order) ssh2 answers OP_UNSUPPORTED.
 */
export function serveSftp(sftp: SFTPWrapper, files: SftpFiles): void {
  const handles = new Map<string, FileHandle | DirHandle>();
  let next = 0;
  let queue: Promise<void> = Promise.resolve();
  const abs = (p: string): string => posix.normalize(posix.isAbsolute(p) ? p : posix.join(HOME, p || '.'));

  const newHandle = (h: FileHandle | DirHandle): Buffer => {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(next++);
    handles.set(id.toString('hex'), h);
    return id;
  };
  const handleOf = (id: Buffer): FileHandle | DirHandle => {
    const h = handles.get(id.toString('hex'));
    if (!h) throw failure();
    return h;
  };
  const fileOf = (id: Buffer): FileHandle => {
    const h = handleOf(id);
    if (h.kind !== 'file') throw failure();
    return h;
  };

  /** Each request runs after the previous one, and always gets exactly one answer. */
  const serve = (reqId: number, work: () => Promise<void>): void => {
    queue = queue
      .then(() =>
        work().catch((err: unknown) => {
          const s = statusOf(err);
          sftp.status(reqId, s.code, s.message);
        }),
      )
      .catch(() => undefined); // the channel went away while answering
  };
  const ok = (reqId: number): void => void sftp.status(reqId, STATUS_CODE.OK);

  const flush = async (h: FileHandle): Promise<void> => {
    if (!h.dirty) return;
    await files.fs().writeFile(h.path, h.data);
    h.dirty = false;
    await files.changed();
  };

  sftp.on('REALPATH', (reqId, path) =>
    serve(reqId, async () => {
      const p = abs(path);
      const fs = files.fs();
      // Like sftp-server's realpath: the last component may be missing, its folder may not.
      const real = await fs.realpath(p).catch(async () => {
        const parent = await fs.stat(posix.dirname(p)).catch(() => null);
        if (!parent?.isDirectory) throw noSuchFile();
        return p;
      });
      const a: Attributes = { mode: 0, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 };
      sftp.name(reqId, [{ filename: real, longname: real, attrs: a }]);
    }),
  );

  for (const event of ['STAT', 'LSTAT'] as const) {
    sftp.on(event, (reqId: number, path: string) =>
      serve(reqId, async () => {
        const fs = files.fs();
        const st = await (event === 'STAT' ? fs.stat(abs(path)) : fs.lstat(abs(path)));
        sftp.attrs(reqId, attrsOf(st));
      }),
    );
  }

  sftp.on('OPEN', (reqId, filename, flags, attrs) =>
    serve(reqId, async () => {
      const path = abs(filename);
      const fs = files.fs();
      const writable = (flags & OPEN_MODE.WRITE) !== 0 || (flags & OPEN_MODE.APPEND) !== 0;
      const st = await fs.stat(path).catch(() => null);
      if (st?.isDirectory) throw failure();
      if (writable && files.readOnly(path)) throw denied();
      if (st && (flags & OPEN_MODE.CREAT) !== 0 && (flags & OPEN_MODE.EXCL) !== 0) throw failure();
      if (!st && (flags & OPEN_MODE.CREAT) === 0) throw noSuchFile();
      const trunc = !st || (flags & OPEN_MODE.TRUNC) !== 0;
      const data = trunc ? Buffer.alloc(0) : Buffer.from(await fs.readFileBuffer(path));
      if (!st) {
        const parent = await fs.stat(posix.dirname(path)).catch(() => null);
        if (!parent?.isDirectory) throw noSuchFile(); // open(2) with O_CREAT: ENOENT
      }
      if (!st || (writable && trunc)) {
        await fs.writeFile(path, data);
        const mode = (attrs as Partial<Attributes>).mode;
        if (mode !== undefined) await fs.chmod(path, mode & 0o7777);
        await files.changed();
      }
      const h: FileHandle = {
        kind: 'file',
        path,
        data,
        readable: (flags & OPEN_MODE.READ) !== 0,
        writable,
        append: (flags & OPEN_MODE.APPEND) !== 0,
        dirty: false,
      };
      sftp.handle(reqId, newHandle(h));
    }),
  );

  sftp.on('READ', (reqId, id, offset, length) =>
    serve(reqId, async () => {
      const h = fileOf(id);
      if (!h.readable) throw denied();
      if (offset >= h.data.length) {
        sftp.status(reqId, STATUS_CODE.EOF);
        return;
      }
      sftp.data(reqId, h.data.subarray(offset, Math.min(h.data.length, offset + length)));
    }),
  );

  sftp.on('WRITE', (reqId, id, offset, chunk) =>
    serve(reqId, async () => {
      const h = fileOf(id);
      if (!h.writable) throw denied();
      const at = h.append ? h.data.length : offset;
      const end = at + chunk.length;
      if (end > h.data.length) {
        const grown = Buffer.alloc(end);
        h.data.copy(grown);
        h.data = grown;
      }
      chunk.copy(h.data, at);
      h.dirty = true;
      ok(reqId);
    }),
  );

  sftp.on('FSTAT', (reqId, id) =>
    serve(reqId, async () => {
      const h = handleOf(id);
      const st = await files.fs().stat(h.path);
      sftp.attrs(reqId, { ...attrsOf(st), ...(h.kind === 'file' ? { size: h.data.length } : {}) });
    }),
  );

  const setstat = async (path: string, attrs: Partial<Attributes>, open?: FileHandle): Promise<void> => {
    const fs = files.fs();
    if (files.readOnly(path)) throw denied();
    await fs.stat(path);
    if (attrs.size !== undefined && open) {
      const resized = Buffer.alloc(attrs.size);
      open.data.copy(resized, 0, 0, Math.min(attrs.size, open.data.length));
      open.data = resized;
      open.dirty = true;
      await flush(open);
    } else if (attrs.size !== undefined) {
      const data = Buffer.from(await fs.readFileBuffer(path));
      const resized = Buffer.alloc(attrs.size);
      data.copy(resized, 0, 0, Math.min(attrs.size, data.length));
      await fs.writeFile(path, resized);
    }
    if (open) await flush(open);
    if (attrs.mode !== undefined) await fs.chmod(path, attrs.mode & 0o7777);
    if (attrs.mtime !== undefined) {
      await fs.utimes(path, new Date((attrs.atime ?? attrs.mtime) * 1000), new Date(attrs.mtime * 1000));
    }
    await files.changed();
  };

  sftp.on('SETSTAT', (reqId, path, attrs) =>
    serve(reqId, async () => {
      await setstat(abs(path), attrs);
      ok(reqId);
    }),
  );

  sftp.on('FSETSTAT', (reqId, id, attrs) =>
    serve(reqId, async () => {
      const h = fileOf(id);
      await setstat(h.path, attrs, h);
      ok(reqId);
    }),
  );

  sftp.on('CLOSE', (reqId, id) =>
    serve(reqId, async () => {
      const h = handleOf(id);
      handles.delete(id.toString('hex'));
      if (h.kind === 'file') await flush(h);
      ok(reqId);
    }),
  );

  sftp.on('OPENDIR', (reqId, path) =>
    serve(reqId, async () => {
      const p = abs(path);
      const st = await files.fs().stat(p);
      if (!st.isDirectory) throw noSuchFile(); // opendir(3): ENOTDIR
      sftp.handle(reqId, newHandle({ kind: 'dir', path: p, sent: false }));
    }),
  );

  sftp.on('READDIR', (reqId, id) =>
    serve(reqId, async () => {
      const h = handleOf(id);
      if (h.kind !== 'dir') throw failure();
      if (h.sent) {
        sftp.status(reqId, STATUS_CODE.EOF);
        return;
      }
      h.sent = true;
      const fs = files.fs();
      const entries: FileEntry[] = [];
      for (const name of ['.', '..', ...(await fs.readdir(h.path))]) {
        const st = await fs.lstat(posix.join(h.path, name)).catch(() => null);
        if (!st) continue;
        const attrs = attrsOf(st);
        entries.push({ filename: name, longname: longname(name, attrs), attrs });
      }
      sftp.name(reqId, entries);
    }),
  );

  sftp.on('REMOVE', (reqId, path) =>
    serve(reqId, async () => {
      const p = abs(path);
      const fs = files.fs();
      const st = await fs.lstat(p);
      if (files.readOnly(p)) throw denied();
      if (st.isDirectory) throw failure(); // unlink(2) on a folder: EISDIR
      await fs.rm(p);
      await files.changed();
      ok(reqId);
    }),
  );

  sftp.on('MKDIR', (reqId, path, attrs) =>
    serve(reqId, async () => {
      const p = abs(path);
      const fs = files.fs();
      if (await fs.exists(p)) throw failure(); // EEXIST
      const parent = await fs.stat(posix.dirname(p)).catch(() => null);
      if (!parent?.isDirectory) throw noSuchFile();
      await fs.mkdir(p);
      const mode = (attrs as Partial<Attributes>).mode;
      if (mode !== undefined) await fs.chmod(p, mode & 0o7777);
      await files.changed();
      ok(reqId);
    }),
  );

  sftp.on('RMDIR', (reqId, path) =>
    serve(reqId, async () => {
      const p = abs(path);
      const fs = files.fs();
      const st = await fs.lstat(p);
      if (!st.isDirectory) throw noSuchFile(); // rmdir(2): ENOTDIR
      if ((await fs.readdir(p)).length > 0) throw failure(); // ENOTEMPTY
      await fs.rm(p, { recursive: true });
      await files.changed();
      ok(reqId);
    }),
  );

  sftp.on('RENAME', (reqId, oldPath, newPath) =>
    serve(reqId, async () => {
      const from = abs(oldPath);
      const to = abs(newPath);
      const fs = files.fs();
      await fs.lstat(from);
      if (files.readOnly(from) || files.readOnly(to)) throw denied();
      // SFTP v3 rename never replaces (sftp-server links then unlinks: EEXIST).
      if (await fs.exists(to)) throw failure();
      const parent = await fs.stat(posix.dirname(to)).catch(() => null);
      if (!parent?.isDirectory) throw noSuchFile();
      await fs.mv(from, to);
      await files.changed();
      ok(reqId);
    }),
  );

  sftp.on('READLINK', (reqId, path) =>
    serve(reqId, async () => {
      const target = await files.fs().readlink(abs(path));
      sftp.name(reqId, [{ filename: target, longname: target, attrs: attrsOf(await files.fs().lstat(abs(path))) }]);
    }),
  );

  // The client's end of input ends the subsystem, as sftp-server exits on EOF and sshd closes the
  // channel; open files keep what was written, as a killed scp leaves a partial file.
  const finish = (): Promise<void> =>
    (queue = queue.then(async () => {
      for (const h of handles.values()) if (h.kind === 'file') await flush(h).catch(() => undefined);
      handles.clear();
    }));
  sftp.on(
    'end',
    () =>
      void finish().then(() => {
        exitStatus(sftp, 0);
        sftp.end();
      }),
  );
  sftp.on('close', () => void finish());
}

import type { IFileSystem } from 'just-bash';
import { LabModel } from 'src/simulator/model/lab-model';
import { SimHost, SimVm } from 'src/simulator/model/types';
import { XeResult } from 'src/simulator/xe/xe-context';

/** A host's or guest's files: real files under the lab state dir for hosts, memory for guests. */
export interface Vfs {
  read(path: string): Promise<Buffer | null>;
  /** throws Error('No such file or directory') when the parent folder is missing */
  write(path: string, data: Buffer, append: boolean): Promise<void>;
  remove(path: string): Promise<boolean>;
  list(dir: string): Promise<string[] | null>;
  /** whether the model answers that path (logs, /proc, identity files): it reads, never writes */
  isVirtual(path: string): boolean;
  /** the same files as the shell's built-in commands (cat, cp, tar, …) see them */
  shellFs(): IFileSystem;
  /** called when a command line ends, to record what the shell changed */
  sync?(): Promise<void>;
  /** writes the executable files of `dir` that are missing, faster than through the shell's checks */
  installExecutables?(dir: string, files: Record<string, string>): Promise<void>;
}

/** What a command handler may use; hosts fill the xe part, guests the vm part. */
export interface ShellEnv {
  kind: 'host' | 'guest';
  model: LabModel;
  hostname: string;
  vfs: Vfs;
  /** the dom0 host, or for a guest the host it currently runs on */
  host(): SimHost;
  vm?: SimVm;
  xe?: (argv: string[]) => Promise<XeResult>;
  /** simulated epoch ms of the last boot */
  bootedAt(): number;
  /** a guest asks its VM to reboot; the session ends */
  reboot?: () => void;
  /** whether a fault of that kind is switched on for this host (hosts only) */
  faultActive?: (kind: string) => boolean;
}

export interface CommandIo {
  argv: string[];
  stdin: Buffer;
  out(chunk: string | Buffer): void;
  err(chunk: string): void;
  /** aborted when the SSH channel closes */
  signal: AbortSignal;
  /** the shell the command runs in (absent when a handler is called directly) */
  shell?: ShellAccess;
}

/** What a simulator command sees of the shell that runs it: its files, folder and variables. */
interface ShellAccess {
  fs: IFileSystem;
  cwd: string;
  env: Map<string, string>;
  /** runs a command line in the same shell (e.g. `tar` for xen-bugtool) */
  exec(command: string): Promise<{ stdout: string; stderr: string; exitCode: number }>;
}

export type CommandHandler = (io: CommandIo, env: ShellEnv) => Promise<number>;
export type CommandTable = Record<string, CommandHandler>;

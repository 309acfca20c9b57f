import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { ProvisionerError, ProvisionerErrorCode } from 'src/lab/provisioner/provisioner.errors';

/** An image VM on the parent: `imported` when this lab brought it (destroy may remove it). */
interface ImageRecord {
  version: string;
  name: string;
  vmUuid: string | null;
  imported: boolean;
}

/** A nested host's VM on the parent; written before the VM exists, so a crash mid-clone still gets cleaned. */
export interface HostVmRecord {
  pool: string;
  name: string;
  vmUuid: string | null;
}

export interface NestedLabState {
  lab: string;
  parentPool: string;
  parentHost: string;
  images: ImageRecord[];
  vms: HostVmRecord[];
}

export function statePathFor(labFile: string): string {
  return `${labFile.replace(/\.ya?ml$/, '')}.state.json`;
}

/** What this lab created on its parent, kept next to the lab file; teardown reads it, even after a crash. */
export class NestedStateFile {
  constructor(readonly path: string) {}

  async read(): Promise<NestedLabState | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new ProvisionerError(
        `cannot read ${this.path}: ${(err as Error).message}`,
        ProvisionerErrorCode.StateUnreadable,
      );
    }
    try {
      return JSON.parse(text) as NestedLabState;
    } catch {
      throw new ProvisionerError(
        `${this.path} is not valid JSON; fix or remove it by hand`,
        ProvisionerErrorCode.StateUnreadable,
      );
    }
  }

  /** Written whole to a temporary file then renamed, so a crash never leaves half a record. */
  async write(state: NestedLabState): Promise<void> {
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.path);
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

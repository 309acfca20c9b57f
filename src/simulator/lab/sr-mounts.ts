import { lstat, mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LabModel } from 'src/simulator/model/lab-model';
import { SimHost } from 'src/simulator/model/types';
import { FolderVfs } from 'src/simulator/shell/vfs';

/**
 * A file-based shared SR is one folder every host of its pool mounts at /var/run/sr-mount/<uuid>:
 * each host's mount point links to the same real folder under `srRoot`, so a file written through
 * one host reads back through the others.
 */
export async function linkSharedSrMounts(vfs: FolderVfs, model: LabModel, host: SimHost, srRoot: string) {
  for (const sr of model.state.srs.values()) {
    if (sr.type !== 'nfs' || !model.srVisibleFrom(sr, host.uuid)) continue;
    const shared = join(srRoot, sr.uuid);
    await mkdir(shared, { recursive: true });
    vfs.mount(`/var/run/sr-mount/${sr.uuid}`, shared);
    const mountPoint = vfs.real(`/var/run/sr-mount/${sr.uuid}`);
    const exists = await lstat(mountPoint).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    await mkdir(dirname(mountPoint), { recursive: true });
    await symlink(shared, mountPoint);
  }
}

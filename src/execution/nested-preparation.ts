import { dirname, isAbsolute, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { LabRepository } from 'src/lab/lab.repository';
import { loadNestedLabFile } from 'src/lab/provisioner/nested-lab.loader';
import { DestroyReport, NestedLabProvisioner } from 'src/lab/provisioner/nested-provisioner';
import { SshPool } from 'src/remote/ssh-pool';

export interface PreparedNestedLab {
  /** The lab the run uses: the nested lab, stored in the inventory under its own name. */
  labName: string;
  file: string;
  destroy(): Promise<DestroyReport>;
}

/**
 * A campaign that says `nested_lab: FILE` gets its nested pools built before its run starts (so the
 * planner sees them) and torn down after it. A provisioning that fails cleans up after itself.
 */
export async function prepareNestedLab(
  campaignFile: string,
  nestedLab: string,
  deps: { db: DataSource; ssh: SshPool; progress?: (line: string) => void; signal?: AbortSignal },
): Promise<PreparedNestedLab> {
  const file = isAbsolute(nestedLab) ? nestedLab : resolve(dirname(campaignFile), nestedLab);
  const spec = await loadNestedLabFile(file);
  const provisioner = new NestedLabProvisioner(spec, {
    ssh: deps.ssh,
    repo: new LabRepository(deps.db),
    progress: deps.progress,
    signal: deps.signal,
  });
  const inventory = await provisioner.provision();
  return { labName: inventory.name, file, destroy: () => provisioner.destroy() };
}

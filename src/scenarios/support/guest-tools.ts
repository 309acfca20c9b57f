import { CommandRunner } from 'src/remote/exec-result';
import { PoolOps } from 'src/scenarios/support/pool-ops';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { waitFor } from 'src/scenarios/support/wait';

const TOOLS_ISO = 'guest-tools.iso';

/**
 * Installs or updates the guest tools from the host's guest-tools ISO, as a person would: insert
 * the ISO, run the installer (Linux: `install.sh` over SSH; Windows: the drivers' installer runs
 * from the CD), eject, then wait until xapi reports a tools version other than `before`.
 * Returns the version the guest reports afterwards.
 */
export async function installTools(
  ops: PoolOps,
  vm: string,
  opts: {
    os: 'linux' | 'windows';
    guest?: CommandRunner;
    before: string | null;
    timeoutMs?: number;
    allowSame?: boolean;
  },
): Promise<string> {
  await ops.xe.call('vm-cd-insert', { uuid: vm, 'cd-name': TOOLS_ISO });
  try {
    if (opts.os === 'linux') {
      if (!opts.guest) {
        throw new ScenarioError(
          'installing Linux guest tools needs the guest reachable over SSH',
          ScenarioErrorCode.Unexpected,
        );
      }
      const r = await opts.guest.exec('mount -o ro /dev/xvdd /mnt && /mnt/Linux/install.sh -n && umount /mnt', {
        timeoutMs: 600_000,
      });
      if (r.exitCode !== 0) {
        throw new ScenarioError(
          `guest tools installer failed in ${opts.guest.hostName} (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().slice(0, 400)}`,
          ScenarioErrorCode.CheckFailed,
        );
      }
    }
  } finally {
    await ops.xe.call('vm-cd-eject', { uuid: vm });
  }
  let seen: string | null = null;
  return waitFor(
    ops.ctx,
    `VM ${vm} reporting new guest tools (was ${opts.before ?? 'none'})`,
    async () => {
      seen = await ops.toolsVersion(vm);
      return seen !== null && (seen !== opts.before || opts.allowSame === true) ? seen : undefined;
    },
    { timeoutMs: opts.timeoutMs ?? 600_000, intervalMs: 500, lastSeen: () => seen ?? 'no tools' },
  );
}

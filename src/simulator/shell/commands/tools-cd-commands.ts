import { SimVm } from 'src/simulator/model/types';
import { versionInfo } from 'src/simulator/model/versions';
import { CommandTable } from 'src/simulator/shell/shell-types';

/** Where each guest has its CD mounted (the tools ISO's installer runs from there). */
const mounted = new WeakMap<SimVm, string>();
const CD_DEVICES = ['/dev/xvdd', '/dev/cdrom', '/dev/sr0'];
/** the command the mounted ISO's `Linux/install.sh` runs: the installer's simulated effect */
const INSTALLER = 'xe-guest-tools-installer.simulated';
const installerPath = (dir: string): string => `${dir}/Linux/install.sh`;

/**
 * A Linux guest's side of installing the guest tools from the host's tools ISO:
 * `mount -o ro /dev/xvdd /mnt && /mnt/Linux/install.sh -n && umount /mnt`.
 */
export const TOOLS_CD_COMMANDS: CommandTable = {
  mount: async (io, env) => {
    const args = io.argv.filter((a, i) => !a.startsWith('-') && io.argv[i - 1] !== '-o' && io.argv[i - 1] !== '-t');
    const [device, dir] = args;
    if (!device || !dir) {
      io.err("mount: bad usage\nTry 'mount --help' for more information.\n");
      return 1;
    }
    if (!CD_DEVICES.includes(device)) {
      io.err(`mount: ${dir}: special device ${device} does not exist.\n`);
      return 32;
    }
    if (!env.vm?.cd) {
      io.err(`mount: ${dir}: no medium found on ${device}.\n`);
      return 32;
    }
    const at = dir.replace(/\/$/, '');
    mounted.set(env.vm, at);
    // The ISO's files appear under the mount point, so the shell finds and runs the installer by its path.
    await env.vfs.write(
      installerPath(at),
      Buffer.from(`#!/bin/bash\n# simulated tools ISO\n${INSTALLER} "$@"\n`),
      false,
    );
    await env.vfs.shellFs().chmod(installerPath(at), 0o555);
    if (!io.argv.includes('ro')) io.err(`mount: ${dir}: WARNING: source write-protected, mounted read-only.\n`);
    return 0;
  },
  umount: async (io, env) => {
    const dir = io.argv.find((a) => !a.startsWith('-')) ?? '';
    if (!env.vm || mounted.get(env.vm) !== dir.replace(/\/$/, '')) {
      io.err(`umount: ${dir}: not mounted.\n`);
      return 32;
    }
    mounted.delete(env.vm);
    await env.vfs.remove(installerPath(dir.replace(/\/$/, '')));
    return 0;
  },
  [INSTALLER]: async (io, env) => {
    const vm = env.vm;
    if (!vm || !mounted.has(vm) || !vm.cd) {
      io.err('install.sh: the tools ISO is not mounted\n');
      return 1;
    }
    const version = versionInfo(env.host().version).guestToolsBundled;
    const before = vm.tools?.version;
    io.out(`Detected \`${vm.osName}' (${vm.distro})\n\n`);
    io.out(
      before === version
        ? `xe-guest-utilities ${version} is already installed (simulated)\n`
        : `The following changes will be made to this Virtual Machine:\n  * update arp_notify sysctl.\n  * packages to be ${before ? 'upgraded' : 'installed'}:\n    - xe-guest-utilities_${version}\n\nInstalling xe-guest-utilities ${version} (simulated)\n`,
    );
    vm.tools = { version };
    io.out('\nYou should now reboot this Virtual Machine.\n');
    return 0;
  },
};

import { XMLParser } from 'fast-xml-parser';
import { XCP_VERSIONS, XcpVersion } from 'src/simulator/model/types';
import { compareVersions } from 'src/simulator/model/versions';
import { NestedHosts } from 'src/simulator/nested/nested-hosts';
import { CommandTable } from 'src/simulator/shell/shell-types';

/** The dom0 command a real lab provides to boot a VM on the installer ISO with an answer file; simulated here. */
const BOOT_INSTALLER_COMMAND = 'xcp-ng-boot-installer';

interface AnswerFileCheck {
  mode: string;
  problems: string[];
}

/** What the simulated installer needs of an upgrade answer file (host-installer's answerfile reader accepts it). */
function checkUpgradeAnswerFile(xml: string): AnswerFileCheck {
  const problems: string[] = [];
  let doc: Record<string, unknown>;
  try {
    doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml, true) as Record<
      string,
      unknown
    >;
  } catch (err) {
    return { mode: '', problems: [`answer file is not well-formed XML: ${(err as Error).message}`] };
  }
  const root = doc['installation'] as Record<string, unknown> | undefined;
  if (!root || typeof root !== 'object') return { mode: '', problems: ['root element must be <installation>'] };
  const modeAttr = root['@mode'];
  const mode = typeof modeAttr === 'string' ? modeAttr : '';
  if (mode !== 'upgrade') problems.push(`<installation mode="${mode}">: only mode="upgrade" upgrades a host`);
  if (!root['existing-installation']) {
    problems.push('<existing-installation> (the disk of the installed system) is missing');
  }
  const source = root['source'] as Record<string, unknown> | undefined;
  const type = source && typeof source === 'object' && typeof source['@type'] === 'string' ? source['@type'] : '';
  if (!['local', 'url', 'nfs'].includes(type)) problems.push('<source type="local|url|nfs"> is missing');
  return { mode, problems };
}

function arg(argv: string[], name: string): string | undefined {
  const hit = argv.find((a) => a.startsWith(`${name}=`));
  return hit?.slice(name.length + 1);
}

/**
 * `xcp-ng-boot-installer vm-uuid=<vm> answerfile=<dom0 path> iso=<installer ISO name>` on the parent:
 * the VM reboots into the installer, which reads the answer file and upgrades the host to the ISO's
 * release. The simulator checks the answer file and lets the nested host come back at that release.
 */
export function nestedShellCommands(nested: NestedHosts): CommandTable {
  return {
    [BOOT_INSTALLER_COMMAND]: async (io, env) => {
      const usage = `usage: ${BOOT_INSTALLER_COMMAND} vm-uuid=<uuid> answerfile=<path> iso=<xcp-ng-X.Y.Z.iso>\n`;
      const vmUuid = arg(io.argv, 'vm-uuid');
      const path = arg(io.argv, 'answerfile');
      const iso = arg(io.argv, 'iso');
      if (!vmUuid || !path || !iso) {
        io.err(usage);
        return 2;
      }
      const vm = env.model.state.vms.get(vmUuid);
      const host = vm ? nested.hostOfVm(vm.uuid) : undefined;
      if (!vm || !host || vm.powerState !== 'running') {
        io.err(`${BOOT_INSTALLER_COMMAND}: VM ${vmUuid} is not a running XCP-ng host VM\n`);
        return 1;
      }
      const text = await env.vfs.read(path);
      if (!text) {
        io.err(`${BOOT_INSTALLER_COMMAND}: ${path}: No such file or directory\n`);
        return 1;
      }
      const check = checkUpgradeAnswerFile(text.toString('utf8'));
      if (check.problems.length) {
        io.err(`${BOOT_INSTALLER_COMMAND}: ${path}: ${check.problems.join('; ')}\n`);
        return 1;
      }
      const version = /(\d+\.\d+\.\d+)/.exec(iso)?.[1];
      if (!version || !(XCP_VERSIONS as readonly string[]).includes(version)) {
        io.err(
          `${BOOT_INSTALLER_COMMAND}: ${iso}: not an installer ISO of a simulated release (${XCP_VERSIONS.join(', ')})\n`,
        );
        return 1;
      }
      if (compareVersions(version, host.version) <= 0) {
        io.err(
          `${BOOT_INSTALLER_COMMAND}: host ${host.name} already runs ${host.version}; ${iso} would not upgrade it\n`,
        );
        return 1;
      }
      nested.upgrade(vm, version as XcpVersion);
      io.out(`VM ${vm.uuid} booting ${iso} with answer file ${path} (simulated installer)\n`);
      return 0;
    },
  };
}

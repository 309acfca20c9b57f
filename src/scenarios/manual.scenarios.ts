import { ScenarioDefinition } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';

/** The installer bullets: only a person at a console can do them. The engine marks them manual-pending. */
const MANUAL: Array<{ id: string; title: string; checklist: string[] }> = [
  {
    id: 'installer.install-upgrade',
    title: 'Fresh installation and upgrade from the baseline release',
    checklist: [
      'Boot the installer on a blank machine, install with the default choices: the host boots and xapi starts.',
      'Boot the installer on a host running the baseline release and choose upgrade: VMs, SRs and networks are kept.',
      'After the upgrade, `xe host-param-get param-name=software-version` shows the release under test.',
    ],
  },
  {
    id: 'installer.netinstall-gpg',
    title: 'Network installation with the GPG check on',
    checklist: [
      'Start the net-install (PXE or netinstall ISO) against the release repository, GPG check left on.',
      'The installation completes without signature errors.',
      'Against a repository with a tampered package, the installer refuses it.',
    ],
  },
  {
    id: 'installer.answer-file',
    title: 'Unattended installation with an answer file',
    checklist: [
      'Serve an answer file over HTTP and boot with answerfile=<url> install.',
      'The installation runs without prompting and applies the answer file (disk, network, root password hash).',
    ],
  },
  {
    id: 'installer.driver-disks',
    title: 'Driver disks from Citrix during installation',
    checklist: [
      'Give a Citrix driver disk when the installer asks for extra drivers.',
      'The driver loads and the device works after the first boot.',
    ],
  },
  {
    id: 'installer.backup-restore',
    title: 'Restore the backup the installer made before an upgrade',
    checklist: [
      'Upgrade a host: the installer keeps a backup of the previous release.',
      'Boot the installer again and choose Restore: the host comes back on the previous release with its state.',
    ],
  },
];

export function manualScenarios(): ScenarioDefinition[] {
  return MANUAL.map((m) => ({
    id: m.id,
    family: 'installer',
    title: m.title,
    kind: 'manual' as const,
    checklist: m.checklist,
    needs: () => ({ pools: [] }),
    run: () =>
      Promise.reject(
        new ScenarioError(`${m.id} is a manual check: a tester records its outcome`, ScenarioErrorCode.Unexpected, {
          scenario: m.id,
        }),
      ),
  }));
}

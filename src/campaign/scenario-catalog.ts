import { externalSuiteSettings } from 'src/campaign/external-suite-settings';
import type { Validator } from 'src/campaign/yaml-schema';

/**
 * Scenario ids and their parameters: the contract between campaigns and the scenario code. A
 * campaign naming an unknown scenario, parameter or value is refused at load time, where a typo
 * is cheap, rather than at run time on a leased lab.
 */
interface ScenarioContract {
  /** Parameter → allowed values; null means any value. */
  params: Record<string, readonly string[] | null>;
  /** The case is a checklist a person works through (no automation reaches it). */
  manual?: boolean;
  /** When set, the suite's `with:` is checked by this validator (unknown keys refused). */
  with?: Validator<unknown>;
}

/**
 * Storage-repository types an XCP-ng pool may offer, as xapi names them (`xe sr-list params=type`):
 * what `requires.sr_kinds` and the storage parameters accept, so a typo is refused at load time.
 */
export const SR_KINDS = [
  'ext',
  'lvm',
  'nfs',
  'lvmoiscsi',
  'lvmohba',
  'smb',
  'xfs',
  'zfs',
  'cephfs',
  'glusterfs',
  'moosefs',
  'linstor',
  'largeblock',
  'iso',
] as const;

const VM_KIND = ['pvhvm-linux', 'pv-linux', 'hvm-windows'] as const;
const ORIGIN = ['recent', 'upgraded', 'imported'] as const;
const SIZE = ['tiny', 'large'] as const;
const RELEASE = ['baseline', 'candidate'] as const;
/** SR kind of each end of a migration; `any`: what `storage` implies (NFS when shared, the host's local SR). */
const MIGRATION_SR_KIND = ['any', 'ext', 'lvm', 'nfs', 'lvmoiscsi'] as const;

export const SCENARIOS: Readonly<Record<string, ScenarioContract>> = {
  'basic.install-check': { params: {} },
  'basic.interfaces': { params: {} },
  'basic.shared-storage': { params: {} },
  'basic.create-linux-vm': { params: {} },
  'basic.create-windows-vm': { params: {} },
  'basic.vm-lifecycle': { params: {} },
  'basic.migrate-host-to-host': { params: {} },
  'basic.migrate-old-to-new': { params: {} },
  'basic.migrate-new-to-old': { params: {} },
  'basic.pool-master-change': { params: {} },
  'basic.log-check': { params: {} },
  'installer.install-upgrade': { params: {}, manual: true },
  'installer.netinstall-gpg': { params: {}, manual: true },
  'installer.answer-file': { params: {}, manual: true },
  'installer.driver-disks': { params: {}, manual: true },
  'installer.backup-restore': { params: {}, manual: true },
  'migration.live': {
    params: {
      vm_kind: VM_KIND,
      origin: ORIGIN,
      size: SIZE,
      load: ['idle', 'cpu', 'memory', 'io'],
      storage: ['shared', 'local-to-local', 'shared-to-local', 'local-to-shared'],
      sr_from: MIGRATION_SR_KIND,
      sr_to: MIGRATION_SR_KIND,
      scope: ['intra-pool', 'cross-pool', 'pool-upgrade', 'cross-pool-from-older'],
    },
  },
  'migration.cold': {
    params: {
      vm_kind: VM_KIND,
      origin: ORIGIN,
      size: SIZE,
      storage: ['local-to-local', 'local-to-shared', 'shared-to-local', 'shared-to-shared'],
      sr_from: MIGRATION_SR_KIND,
      sr_to: MIGRATION_SR_KIND,
      scope: ['intra-pool', 'cross-pool', 'cross-pool-from-older'],
    },
  },
  'perf.fio': {
    params: { workload: ['randwrite', 'randread', 'write', 'read'], release: RELEASE, sr_kind: ['ext', 'lvm', 'nfs'] },
  },
  'perf.network': { params: { release: RELEASE, path: ['same-host', 'cross-host'] } },
  'export-import.roundtrip': { params: { compression: ['zstd', 'gzip', 'none'], target: ['same-sr', 'other-host'] } },
  'guest-tools': { params: { os: ['linux', 'windows'], action: ['old-not-updated', 'update', 'install'] } },
  'updates.testing-candidates': { params: {} },
  'kmod.policy': { params: { package: ['alt', 'module', 'kmod'] } },
  'external.xcp-ng-tests': { params: {}, with: externalSuiteSettings },
};

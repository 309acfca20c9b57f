import { LabModel } from 'src/simulator/model/lab-model';
import {
  SimBond,
  SimHost,
  SimNetwork,
  SimPbd,
  SimPif,
  SimPool,
  SimSr,
  SimVbd,
  SimVdi,
  SimVif,
  SimVm,
  XcpVersion,
} from 'src/simulator/model/types';
import { compareVersions, versionInfo } from 'src/simulator/model/versions';
import { cliTable, RecordFieldFacts } from 'src/simulator/xe/cli-table';
import { bool, NOT_IN_DB, refOf, xeDate } from 'src/simulator/xe/format';
import { FieldKind } from 'src/simulator/xe/record-printer';
import { XeCliError } from 'src/simulator/xe/xe-errors';
import { assertBondProperty } from 'src/simulator/network/bond-modes';
import { assertAllowedEntries, parseNetworkLockingMode, parseVifLockingMode } from 'src/simulator/network/vif-locking';
import { assertPowerState } from 'src/simulator/xe/vm-checks';

export type FieldValue = string | string[] | Array<[string, string]>;

/** How the simulator reads (and may write) one field; which fields exist, their order and kind come from records.ml. */
interface FieldDef<T> {
  name: string;
  get: (obj: T, model: LabModel) => FieldValue;
  set?: (obj: T, value: string, model: LabModel) => void;
  /** map fields that accept `field:key=value` */
  setKey?: (obj: T, key: string, value: string) => void;
  /** writes a whole set or map back (param-add/remove/clear), as the release the CLI talks to checks it */
  put?: (obj: T, value: FieldValue, version: XcpVersion) => void;
}

/** A field as this release prints it: records.ml facts joined with the simulator's accessors. */
export interface ResolvedField<T> extends FieldDef<T> {
  kind: FieldKind;
  facts: RecordFieldFacts;
  hidden: boolean;
  expensive: boolean;
  deprecated: boolean;
}

export interface ClassDef<T> {
  /** the CLI class prefix whose record it is (vm, host, sr, …) */
  cli: string;
  /** the DB table name used in UUID_INVALID */
  table: string;
  fields: Array<FieldDef<T>>;
  all: (model: LabModel, poolUuid: string) => T[];
  byUuid: (model: LabModel, uuid: string) => T | undefined;
}

/** cli_operations.ml print_field: set → SRO/SRW, map → MRO/MRW, else RO/RW by whether it has a setter. */
function kindOf(f: RecordFieldFacts): FieldKind {
  if (f.get_set) return f.add_to_set ? 'SRW' : 'SRO';
  if (f.get_map) return f.add_to_map ? 'MRW' : 'MRO';
  return f.set ? 'RW' : 'RO';
}

/**
 * Values written to fields the simulator does not model otherwise: xapi stores what param-set /
 * param-add are given, so the simulator keeps them beside the object and reads them back.
 */
const stored = new WeakMap<object, Map<string, FieldValue>>();

function storedValue(obj: object, field: string): FieldValue | undefined {
  return stored.get(obj)?.get(field);
}

export function storeValue(obj: object, field: string, value: FieldValue): void {
  let m = stored.get(obj);
  if (!m) {
    m = new Map();
    stored.set(obj, m);
  }
  m.set(field, value);
}

const emptyValue = (f: RecordFieldFacts): FieldValue => (f.get_set || f.get_map ? [] : '');

const resolved = new Map<string, Array<ResolvedField<unknown>>>();

/** The record's fields at this release (records.ml order, hidden ones included: param-get reads them). */
export function fieldsFor<T>(cls: ClassDef<T>, version: XcpVersion): Array<ResolvedField<T>> {
  const key = `${cls.cli}@${version}`;
  const hit = resolved.get(key);
  if (hit) return hit;
  const own = new Map(cls.fields.map((f) => [f.name, f]));
  const out: Array<ResolvedField<T>> = (cliTable(version).classFields.get(cls.cli) ?? []).map((facts) => {
    const def = own.get(facts.name);
    const base = def?.get ?? (() => emptyValue(facts));
    return {
      name: facts.name,
      facts,
      kind: kindOf(facts),
      hidden: !!facts.hidden,
      expensive: !!facts.expensive,
      deprecated: !!facts.deprecated,
      get: (obj: T, model: LabModel) => storedValue(obj as object, facts.name) ?? base(obj, model),
      set: def?.set,
      setKey: def?.setKey,
      put: def?.put,
    };
  });
  resolved.set(key, out as Array<ResolvedField<unknown>>);
  return out;
}

export function valueText(v: FieldValue): string {
  if (typeof v === 'string') return v;
  if (v.length > 0 && Array.isArray(v[0])) {
    return (v as Array<[string, string]>).map(([k, x]) => `${k}: ${x}`).join('; ');
  }
  return (v as string[]).join('; ');
}

const ro = <T>(name: string, get: (o: T, m: LabModel) => FieldValue): FieldDef<T> => ({ name, get });

function intSetter(apply: (n: number) => void, field: string): (value: string) => void {
  return (value: string) => {
    if (!/^-?\d+$/.test(value)) throw new XeCliError(`Failed to parse parameter '${field}': expecting an integer`);
    apply(parseInt(value, 10));
  };
}

const sameOrNewer = (a: string, b: string): boolean => compareVersions(a, b) >= 0;

// ---- VM ---------------------------------------------------------------------------------------

function allowedVmOps(vm: SimVm): string[] {
  if (vm.isTemplate) return ['clone', 'copy', 'export', 'provision', 'destroy'];
  if (vm.currentOperations.size > 0) return [];
  switch (vm.powerState) {
    case 'halted':
      return ['changing_dynamic_range', 'clone', 'copy', 'destroy', 'export', 'migrate_send', 'start', 'start_on'];
    case 'running':
      return [
        'changing_dynamic_range',
        'clean_reboot',
        'clean_shutdown',
        'hard_reboot',
        'hard_shutdown',
        'migrate_send',
        'pause',
        'pool_migrate',
        'suspend',
      ];
    case 'suspended':
      return ['destroy', 'export', 'hard_shutdown', 'migrate_send', 'resume', 'resume_on'];
    case 'paused':
      return ['hard_reboot', 'hard_shutdown', 'unpause'];
  }
}

function toolsVersionParts(version: string): Array<[string, string]> {
  const [main = '0', build = '0'] = version.split('-');
  const [major = '0', minor = '0', micro = '0'] = main.split('.');
  return [
    ['major', major],
    ['minor', minor],
    ['micro', micro],
    ['build', build],
  ];
}

/** Guest metrics exist once tools report from a booted guest. */
function guestReporting(vm: SimVm, model: LabModel): boolean {
  return (
    vm.powerState === 'running' && vm.tools !== null && !vm.isControlDomain && model.clock.now() >= vm.guest.bootedAt
  );
}

/**
 * A guest's address is only worth reporting once its sshd listens: the lab gives each endpoint its own
 * port, and a client reading the address a moment earlier would knock on port 22 for nothing.
 * (Windows guests have no endpoint in the lab: their address is reported as soon as they booted.)
 */
function vmNetworks(vm: SimVm, model: LabModel): Array<[string, string]> {
  if (!guestReporting(vm, model) || !vm.guest.address) return [];
  if (vm.image !== 'hvm-windows' && vm.guest.sshPort === null) return [];
  const out: Array<[string, string]> = [
    ['0/ip', vm.guest.address],
    ['0/ipv4/0', vm.guest.address],
  ];
  if (vm.guest.sshPort !== null && vm.guest.sshPort !== 22) out.push(['0/ssh-port', String(vm.guest.sshPort)]);
  return out;
}

function osVersion(vm: SimVm, model: LabModel): Array<[string, string]> {
  if (vm.isControlDomain) return [['name', vm.osName]];
  if (!guestReporting(vm, model)) return [];
  if (vm.image === 'hvm-windows') {
    return [
      ['name', `${vm.osName}|C:\\Windows|\\Device\\Harddisk0\\Partition2`],
      ['distro', 'windows'],
    ];
  }
  return [
    ['name', vm.osName],
    ['uname', '5.10.0-28-amd64'],
    ['distro', vm.distro],
  ];
}

const isHvm = (vm: SimVm): boolean => vm.image !== 'pv-linux' && !vm.isControlDomain;

function vmVbds(vm: SimVm, model: LabModel): SimVbd[] {
  return [...model.state.vbds.values()].filter((b) => b.vmUuid === vm.uuid);
}

const memField = (name: string): FieldDef<SimVm> => ({
  name,

  get: (vm) => String(vm.memory),
  set: (vm, v) => intSetter((n) => (vm.memory = n), name)(v),
});

export const VM_CLASS: ClassDef<SimVm> = {
  cli: 'vm',
  table: 'VM',
  all: (m, pool) => [...m.state.vms.values()].filter((vm) => vm.poolUuid === pool),
  byUuid: (m, uuid) => m.state.vms.get(uuid),
  fields: [
    ro('uuid', (vm) => vm.uuid),
    { name: 'name-label', get: (vm) => vm.name, set: (vm, v) => void (vm.name = v) },
    { name: 'name-description', get: (vm) => vm.description, set: (vm, v) => void (vm.description = v) },
    { name: 'user-version', get: () => '1' },
    {
      name: 'is-a-template',
      get: (vm) => bool(vm.isTemplate),
      // xapi's VM.set_is_a_template: only a halted VM becomes a template; a template may go back.
      set: (vm, v) => {
        if (v !== 'true' && v !== 'false') {
          throw new XeCliError(`Failed to parse parameter 'is-a-template': expecting a boolean`);
        }
        if (v === 'true' && !vm.isTemplate) assertPowerState(vm, ['halted']);
        vm.isTemplate = v === 'true';
      },
    },
    { name: 'is-default-template', get: (vm) => bool(vm.isDefaultTemplate) },
    ro('is-a-snapshot', (vm) => bool(!!vm.isSnapshot)),
    ro('snapshot-of', (vm, m) => refOf(vm.snapshotOf && m.state.vms.has(vm.snapshotOf) ? vm.snapshotOf : null)),
    ro('snapshots', (vm, m) =>
      [...m.state.vms.values()]
        .filter((s) => s.isSnapshot && s.snapshotOf === vm.uuid)
        .map((s) => s.uuid)
        .join('; '),
    ),
    ro('snapshot-time', (vm) => xeDate(vm.snapshotTime ?? null)),
    ro('transportable-snapshot-id', () => ''),
    ro('snapshot-info', () => ''),
    ro('parent', () => NOT_IN_DB),
    ro('children', () => ''),
    ro('is-control-domain', (vm) => bool(vm.isControlDomain)),
    ro('power-state', (vm) => vm.powerState),
    ro('memory-actual', (vm) => (vm.powerState === 'running' ? String(vm.memory) : '0')),
    ro('memory-target', (vm) => String(vm.memory)),
    ro('memory-overhead', (vm) => String(Math.round(vm.memory / 128))),
    memField('memory-static-max'),
    memField('memory-dynamic-max'),
    memField('memory-dynamic-min'),
    { name: 'memory-static-min', get: () => String(512 * 1024 * 1024) },
    { name: 'suspend-VDI-uuid', get: (vm) => refOf(vm.suspendVdiUuid) },
    {
      name: 'suspend-SR-uuid',

      get: (vm, m) => refOf(vm.suspendVdiUuid ? m.state.vdis.get(vm.suspendVdiUuid)?.srUuid : null),
    },
    { name: 'VCPUs-params', get: () => [] },
    {
      name: 'VCPUs-max',

      get: (vm) => String(vm.vcpus),
      set: (vm, v) => intSetter((n) => (vm.vcpus = n), 'VCPUs-max')(v),
    },
    {
      name: 'VCPUs-at-startup',

      get: (vm) => String(vm.vcpus),
      set: (vm, v) => intSetter((n) => (vm.vcpus = n), 'VCPUs-at-startup')(v),
    },
    { name: 'actions-after-shutdown', get: () => 'Destroy' },
    { name: 'actions-after-softreboot', get: () => 'Soft reboot' },
    { name: 'actions-after-reboot', get: () => 'Restart' },
    { name: 'actions-after-crash', get: () => 'Restart' },
    { name: 'console-uuids', get: () => [] },
    ro('hvm', (vm) => bool(isHvm(vm))),
    ro('nomigrate', () => 'false'),
    ro('nested-virt', () => 'false'),
    {
      name: 'platform',

      get: (vm) => {
        const p: Array<[string, string]> = [];
        if (isHvm(vm)) {
          p.push(
            ['timeoffset', '0'],
            ['nx', 'true'],
            ['acpi', '1'],
            ['apic', 'true'],
            ['pae', 'true'],
            ['hpet', 'true'],
          );
        }
        if (vm.image === 'hvm-windows') p.push(['viridian', 'true'], ['device_id', '0002']);
        if (vm.firmware === 'uefi') p.push(['secureboot', 'false']);
        p.push(['cores-per-socket', String(vm.vcpus)]);
        for (const [k, v] of Object.entries(vm.platformExtra ?? {})) {
          const at = p.findIndex(([key]) => key === k);
          if (at >= 0) p.splice(at, 1);
          p.push([k, v]);
        }
        return p;
      },
      setKey: (vm, k, v) => void (vm.platformExtra = { ...vm.platformExtra, [k]: v }),
    },
    ro('numa-optimised', () => 'false'),
    ro('numa-nodes', () => '0'),
    { name: 'numa-node-memory', get: () => [] },
    { name: 'allowed-operations', get: (vm) => allowedVmOps(vm) },
    { name: 'current-operations', get: (vm) => [...vm.currentOperations.values()] },
    { name: 'blocked-operations', get: () => [] },
    { name: 'allowed-VBD-devices', get: () => ['2', '3', '4', '5', '6'] },
    { name: 'allowed-VIF-devices', get: () => ['1', '2', '3', '4', '5', '6'] },
    ro('possible-hosts', (vm, m) =>
      m
        .poolHosts(vm.poolUuid)
        .filter((h) =>
          m.vmVdis(vm).every((vdi) => {
            const sr = m.state.srs.get(vdi.srUuid);
            return !!sr && m.srVisibleFrom(sr, h.uuid);
          }),
        )
        .map((h) => h.uuid)
        .join('; '),
    ),
    { name: 'domain-type', get: (vm) => (isHvm(vm) ? 'hvm' : 'pv') },
    ro('current-domain-type', (vm) => (vm.powerState === 'halted' ? 'unspecified' : isHvm(vm) ? 'hvm' : 'pv')),
    { name: 'HVM-boot-policy', get: (vm) => (isHvm(vm) ? 'BIOS order' : '') },
    {
      name: 'HVM-boot-params',

      get: (vm) =>
        isHvm(vm)
          ? [
              ['order', 'cdn'] as [string, string],
              ...(vm.firmware === 'uefi' ? [['firmware', 'uefi'] as [string, string]] : []),
            ]
          : [],
    },
    { name: 'HVM-shadow-multiplier', get: () => '1.000' },
    { name: 'NVRAM', get: () => [] },
    { name: 'PV-kernel', get: () => '' },
    { name: 'PV-ramdisk', get: () => '' },
    {
      name: 'PV-args',

      get: (vm) => (vm.image === 'pv-linux' && !vm.isControlDomain ? 'console=hvc0' : ''),
    },
    { name: 'PV-legacy-args', get: () => '' },
    {
      name: 'PV-bootloader',

      get: (vm) => (vm.image === 'pv-linux' && !vm.isControlDomain ? 'pygrub' : ''),
    },
    { name: 'PV-bootloader-args', get: () => '' },
    ro('last-boot-CPU-flags', (vm) =>
      vm.powerState === 'running' ? 'vendor: GenuineIntel; features: 1fcbfbff-f7fa3223-2d93fbff-00000423' : '',
    ),
    ro('last-boot-record', () => ''),
    ro('resident-on', (vm) => refOf(vm.residentOn)),
    {
      name: 'affinity',

      get: (vm) => refOf(vm.affinity),
      set: (vm, v) => void (vm.affinity = v === '' ? null : v),
    },
    {
      name: 'other-config',

      get: (vm) => Object.entries(vm.otherConfig),
      setKey: (vm, k, v) => void (vm.otherConfig[k] = v),
    },
    ro('dom-id', (vm) => String(vm.domId)),
    ro('recommendations', () => ''),
    { name: 'xenstore-data', get: () => [] },
    { name: 'ha-always-run', get: () => 'false' },
    { name: 'ha-restart-priority', get: () => '' },
    ro('blobs', () => ''),
    ro('start-time', (vm) => xeDate(vm.startTime)),
    ro('install-time', (vm) => xeDate(vm.installTime)),
    ro('VCPUs-number', (vm) => (vm.powerState === 'running' ? String(vm.vcpus) : '0')),
    {
      name: 'VCPUs-utilisation',

      get: (vm) =>
        vm.powerState === 'running'
          ? Array.from({ length: vm.vcpus }, (_, i): [string, string] => [String(i), (vm.guest.load * 0.9).toFixed(3)])
          : [],
    },
    { name: 'os-version', get: (vm, m) => osVersion(vm, m) },
    { name: 'netbios-name', get: () => [] },
    {
      name: 'PV-drivers-version',

      get: (vm, m) => (vm.tools && guestReporting(vm, m) ? toolsVersionParts(vm.tools.version) : []),
    },
    ro('PV-drivers-up-to-date', (vm, m) => {
      if (!vm.tools || !guestReporting(vm, m)) return NOT_IN_DB;
      const host = vm.residentOn ? m.state.hosts.get(vm.residentOn) : undefined;
      return bool(
        !!host &&
          sameOrNewer(
            vm.tools.version.split('-')[0] ?? '0',
            versionInfo(host.version).guestToolsBundled.split('-')[0] ?? '0',
          ),
      );
    }),
    { name: 'memory', get: () => [] },
    { name: 'disks', get: () => [] },
    { name: 'VBDs', get: (vm, m) => vmVbds(vm, m).map((b) => b.uuid) },
    { name: 'networks', get: (vm, m) => vmNetworks(vm, m) },
    { name: 'services', get: () => [] },
    ro('PV-drivers-detected', (vm, m) => bool(vm.tools !== null && guestReporting(vm, m))),
    {
      name: 'other',

      get: (vm, m) =>
        guestReporting(vm, m)
          ? [
              ['feature-shutdown', '1'],
              ['feature-poweroff', '1'],
              ['feature-reboot', '1'],
              ['feature-suspend', '1'],
              ['feature-vcpu-hotplug', '1'],
              ['has-vendor-device', '0'],
            ]
          : [],
    },
    ro('live', (vm, m) => bool(guestReporting(vm, m))),
    ro('guest-metrics-last-updated', (vm, m) => xeDate(guestReporting(vm, m) ? m.clock.now() : null)),
    ro('can-use-hotplug-vbd', (vm, m) => (guestReporting(vm, m) ? 'yes' : 'unspecified')),
    ro('can-use-hotplug-vif', (vm, m) => (guestReporting(vm, m) ? 'yes' : 'unspecified')),
    ro('cooperative', () => 'true'),
    { name: 'tags', get: (vm) => vm.tags },
    { name: 'appliance', get: () => NOT_IN_DB },
    { name: 'groups', get: () => '' },
    { name: 'snapshot-schedule', get: () => NOT_IN_DB },
    ro('is-vmss-snapshot', () => 'false'),
    { name: 'start-delay', get: () => '0' },
    { name: 'shutdown-delay', get: () => '0' },
    { name: 'order', get: () => '0' },
    ro('version', () => '0'),
    ro('generation-id', (vm) => (vm.image === 'hvm-windows' ? '0:0' : '')),
    ro('hardware-platform-version', () => '0'),
    { name: 'has-vendor-device', get: () => 'false' },
    ro('requires-reboot', () => 'false'),
    ro('reference-label', () => ''),
    {
      name: 'bios-strings',

      get: (vm) =>
        isHvm(vm)
          ? [
              ['bios-vendor', 'Xen'],
              ['system-manufacturer', 'Xen'],
            ]
          : [],
    },
  ],
};

// ---- host -------------------------------------------------------------------------------------

function softwareVersion(host: SimHost): Array<[string, string]> {
  const v = versionInfo(host.version);
  const base: Array<[string, string]> = [
    ['product_version', v.productVersion],
    ['product_version_text', v.productVersion.replace(/\.0$/, '')],
    ['product_version_text_short', v.productVersion.replace(/\.0$/, '')],
    ['platform_name', 'XCP'],
    ['platform_version', v.platformVersion],
    ['product_brand', 'XCP-ng'],
  ];
  if (v.newWording) base.push(['xapi', v.xapi]);
  base.push(['build_number', v.buildNumber], ['hostname', 'localhost'], ['date', v.date]);
  if (!v.newWording) base.push(['xapi', v.xapi]);
  else base.push(['xapi_build', v.xapiBuild]);
  base.push(
    ['xen', v.xen],
    ['linux', v.linux],
    ['xencenter_min', '2.16'],
    ['xencenter_max', '2.21'],
    ['network_backend', 'openvswitch'],
    ['db_schema', v.newWording ? '5.780' : '5.602'],
  );
  return base;
}

export const HOST_CLASS: ClassDef<SimHost> = {
  cli: 'host',
  table: 'host',
  all: (m, pool) => m.poolHosts(pool),
  byUuid: (m, uuid) => m.state.hosts.get(uuid),
  fields: [
    ro('uuid', (h) => h.uuid),
    { name: 'name-label', get: (h) => h.name, set: (h, v) => void (h.name = v) },
    { name: 'name-description', get: () => 'Default install' },
    {
      name: 'allowed-operations',

      get: () => ['vm_migrate', 'provision', 'vm_resume', 'evacuate', 'vm_start'],
    },
    { name: 'current-operations', get: () => [] },
    ro('enabled', (h) => bool(h.enabled)),
    ro('display', () => 'enabled'),
    ro('API-version-major', () => '2'),
    ro('API-version-minor', (h) => (h.version === '8.3.0' ? '21' : '16')),
    ro('API-version-vendor', () => 'XenSource'),
    { name: 'API-version-vendor-implementation', get: () => [] },
    { name: 'logging', get: () => [] },
    { name: 'suspend-image-sr-uuid', get: (h, m) => refOf(m.pool(h.poolUuid).defaultSrUuid) },
    { name: 'crash-dump-sr-uuid', get: (h, m) => refOf(m.pool(h.poolUuid).defaultSrUuid) },
    { name: 'software-version', get: (h) => softwareVersion(h) },
    { name: 'capabilities', get: () => ['xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_64'] },
    { name: 'other-config', get: (h) => [['agent_start_time', String(h.bootedAt / 1000)]] },
    {
      name: 'cpu_info',

      get: (h) => [
        ['cpu_count', String(h.cpuCount)],
        ['socket_count', '1'],
        ['vendor', 'GenuineIntel'],
        ['speed', '2394.374'],
        ['modelname', h.cpuModel],
        ['family', '6'],
        ['model', '85'],
      ],
    },
    { name: 'chipset-info', get: () => [['iommu', 'true']] },
    ro('hostname', (h) => h.name),
    ro('address', (h) => h.address),
    { name: 'https-only', get: () => 'false' },
    { name: 'supported-bootloaders', get: () => ['pygrub', 'eliloader'] },
    ro('blobs', () => ''),
    ro('memory-overhead', (h) => String(h.memoryOverhead)),
    ro('memory-total', (h) => String(h.memoryTotal)),
    ro('memory-free', (h, m) => String(m.memoryFree(h))),
    ro('memory-free-computed', (h, m) => String(m.memoryFree(h))),
    ro('host-metrics-live', () => 'true'),
    { name: 'patches', get: () => [] },
    { name: 'updates', get: () => [] },
    ro('ha-statefiles', () => ''),
    ro('ha-network-peers', () => ''),
    ro('external-auth-type', () => ''),
    ro('external-auth-service-name', () => ''),
    { name: 'external-auth-configuration', get: () => [] },
    ro('edition', () => 'xcp-ng'),
    {
      name: 'license-server',

      get: () => [
        ['address', 'localhost'],
        ['port', '27000'],
      ],
    },
    ro('power-on-mode', () => ''),
    { name: 'power-on-config', get: () => [] },
    ro('local-cache-sr', () => NOT_IN_DB),
    { name: 'tags', get: () => [] },
    { name: 'ssl-legacy', get: () => 'false' },
    { name: 'guest_VCPUs_params', get: () => [] },
    { name: 'virtual-hardware-platform-versions', get: () => ['0', '1', '2'] },
    ro('control-domain-uuid', (h) => h.controlDomainUuid),
    { name: 'resident-vms', get: (h, m) => m.vmsOn(h.uuid).map((vm) => vm.uuid) },
    { name: 'updates-requiring-reboot', get: () => [] },
    { name: 'features', get: () => [] },
    { name: 'iscsi_iqn', get: (h) => `iqn.2024-01.sim:${h.name}` },
    { name: 'multipathing', get: () => 'false' },
    ro('tls-verification-enabled', (h, m) => bool(tlsVerification(m, h.poolUuid))),
  ],
};

/**
 * 8.3 enables TLS verification between pool members (pool certificates) when every host runs 8.3;
 * a pool with an 8.2.1 member (mid-upgrade) cannot have it yet.
 */
function tlsVerification(m: LabModel, poolUuid: string): boolean {
  return m.poolHosts(poolUuid).every((h) => h.version !== '8.2.1');
}

// ---- pool -------------------------------------------------------------------------------------

export const POOL_CLASS: ClassDef<SimPool> = {
  cli: 'pool',
  table: 'pool',
  all: (m, pool) => [m.pool(pool)],
  byUuid: (m, uuid) => m.state.pools.get(uuid),
  fields: [
    ro('uuid', (p) => p.uuid),
    { name: 'name-label', get: (p) => p.name, set: (p, v) => void (p.name = v) },
    { name: 'name-description', get: () => '' },
    ro('master', (p) => p.masterUuid),
    {
      name: 'default-SR',

      get: (p) => refOf(p.defaultSrUuid),
      set: (p, v, m) => {
        if (!m.state.srs.has(v)) throw new XeCliError(`Failed to find SR ${v}`);
        p.defaultSrUuid = v;
      },
    },
    { name: 'crash-dump-SR', get: (p) => refOf(p.defaultSrUuid) },
    { name: 'suspend-image-SR', get: (p) => refOf(p.defaultSrUuid) },
    ro('supported-sr-types', () => 'ext; lvm; nfs; lvmoiscsi; iso; udev'),
    {
      name: 'other-config',

      get: (p) => Object.entries(p.otherConfig),
      setKey: (p, k, v) => void (p.otherConfig[k] = v),
    },
    { name: 'allowed-operations', get: () => ['ha_enable', 'cluster_create'] },
    ro('tls-verification-enabled', (p, m) => bool(tlsVerification(m, p.uuid))),
    { name: 'current-operations', get: () => [] },
    ro('ha-enabled', () => 'false'),
    ro('ha-configuration', () => ''),
    ro('ha-statefiles', () => ''),
    { name: 'ha-host-failures-to-tolerate', get: () => '0' },
    ro('ha-plan-exists-for', () => '0'),
    { name: 'ha-allow-overcommit', get: () => 'false' },
    ro('ha-overcommitted', () => 'false'),
    ro('blobs', () => ''),
    ro('wlb-url', () => ''),
    ro('wlb-username', () => ''),
    { name: 'wlb-enabled', get: () => 'false' },
    { name: 'wlb-verify-cert', get: () => 'false' },
    { name: 'igmp-snooping-enabled', get: () => 'false' },
    { name: 'gui-config', get: () => [] },
    { name: 'health-check-config', get: () => [] },
    ro('restrictions', () => 'restrict_vswitch_controller: false; restrict_lab: false; restrict_pooling: false'),
    { name: 'tags', get: () => [] },
    ro('license-state', () => 'edition: xcp-ng; expiry: never'),
    ro('ha-cluster-stack', () => 'xhad'),
    { name: 'guest-agent-config', get: () => [] },
    {
      name: 'cpu_info',

      get: () => [
        ['cpu_count', '0'],
        ['socket_count', '0'],
        ['vendor', 'GenuineIntel'],
      ],
    },
    { name: 'policy-no-vendor-device', get: () => 'false' },
    { name: 'live-patching-disabled', get: () => 'false' },
    { name: 'https-only', get: () => 'false' },
  ],
};

// ---- storage ----------------------------------------------------------------------------------

function srHostField(sr: SimSr, m: LabModel): string {
  const hosts = m.srHosts(sr.uuid);
  if (hosts.length === 0) return NOT_IN_DB;
  if (hosts.length > 1) return '<shared>';
  return hosts[0]?.name ?? NOT_IN_DB;
}

export const SR_CLASS: ClassDef<SimSr> = {
  cli: 'sr',
  table: 'SR',
  all: (m, pool) => [...m.state.srs.values()].filter((s) => s.poolUuid === pool),
  byUuid: (m, uuid) => m.state.srs.get(uuid),
  fields: [
    ro('uuid', (s) => s.uuid),
    { name: 'name-label', get: (s) => s.name, set: (s, v) => void (s.name = v) },
    { name: 'name-description', get: () => '' },
    ro('host', (s, m) => srHostField(s, m)),
    {
      name: 'allowed-operations',

      get: () => ['VDI.create', 'VDI.destroy', 'VDI.clone', 'VDI.snapshot', 'scan', 'update'],
    },
    { name: 'current-operations', get: () => [] },
    {
      name: 'VDIs',

      get: (s, m) => [...m.state.vdis.values()].filter((v) => v.srUuid === s.uuid).map((v) => v.uuid),
    },
    {
      name: 'PBDs',

      get: (s, m) => [...m.state.pbds.values()].filter((p) => p.srUuid === s.uuid).map((p) => p.uuid),
    },
    ro('virtual-allocation', (s, m) => String(m.srUsed(s.uuid))),
    ro('physical-utilisation', (s, m) =>
      String(
        [...m.state.vdis.values()].filter((v) => v.srUuid === s.uuid).reduce((a, v) => a + v.physicalUtilisation, 0),
      ),
    ),
    ro('physical-size', (s) => String(s.physicalSize)),
    ro('type', (s) => s.type),
    ro('content-type', (s) => s.contentType),
    { name: 'shared', get: (s) => bool(s.shared) },
    ro('introduced-by', () => NOT_IN_DB),
    ro('is-tools-sr', () => 'false'),
    { name: 'other-config', get: () => [] },
    {
      name: 'sm-config',

      get: (s) =>
        s.type === 'nfs' || s.type === 'ext'
          ? []
          : [
              ['allocation', 'thick'],
              ['use_vhd', 'true'],
            ],
    },
    ro('blobs', () => ''),
    ro('local-cache-enabled', () => 'false'),
    { name: 'tags', get: () => [] },
    ro('clustered', () => 'false'),
  ],
};

export const PBD_CLASS: ClassDef<SimPbd> = {
  cli: 'pbd',
  table: 'PBD',
  all: (m, pool) => [...m.state.pbds.values()].filter((p) => m.state.hosts.get(p.hostUuid)?.poolUuid === pool),
  byUuid: (m, uuid) => m.state.pbds.get(uuid),
  fields: [
    ro('uuid', (p) => p.uuid),
    ro('host-uuid', (p) => p.hostUuid),
    ro('host-name-label', (p, m) => m.state.hosts.get(p.hostUuid)?.name ?? NOT_IN_DB),
    ro('sr-uuid', (p) => p.srUuid),
    ro('sr-name-label', (p, m) => m.state.srs.get(p.srUuid)?.name ?? NOT_IN_DB),
    { name: 'device-config', get: (p) => Object.entries(p.deviceConfig) },
    ro('currently-attached', (p) => bool(p.attached)),
    { name: 'other-config', get: () => [] },
  ],
};

export const VDI_CLASS: ClassDef<SimVdi> = {
  cli: 'vdi',
  table: 'VDI',
  all: (m, pool) => [...m.state.vdis.values()].filter((v) => m.state.srs.get(v.srUuid)?.poolUuid === pool),
  byUuid: (m, uuid) => m.state.vdis.get(uuid),
  fields: [
    ro('uuid', (v) => v.uuid),
    { name: 'name-label', get: (v) => v.name, set: (v, x) => void (v.name = x) },
    { name: 'name-description', get: (v) => v.description, set: (v, x) => void (v.description = x) },
    ro('is-a-snapshot', (v) => bool(!!v.isSnapshot)),
    ro('snapshot-of', (v, m) => refOf(v.snapshotOf && m.state.vdis.has(v.snapshotOf) ? v.snapshotOf : null)),
    ro('snapshots', (v, m) =>
      [...m.state.vdis.values()]
        .filter((s) => s.isSnapshot && s.snapshotOf === v.uuid)
        .map((s) => s.uuid)
        .join('; '),
    ),
    ro('snapshot-time', (v) => xeDate(v.snapshotTime ?? null)),
    { name: 'allowed-operations', get: () => ['clone', 'snapshot', 'copy', 'destroy'] },
    { name: 'current-operations', get: () => [] },
    ro('sr-uuid', (v) => v.srUuid),
    ro('sr-name-label', (v, m) => m.state.srs.get(v.srUuid)?.name ?? NOT_IN_DB),
    {
      name: 'vbd-uuids',

      get: (v, m) => [...m.state.vbds.values()].filter((b) => b.vdiUuid === v.uuid).map((b) => b.uuid),
    },
    { name: 'crashdump-uuids', get: () => [] },
    ro('virtual-size', (v) => String(v.virtualSize)),
    ro('physical-utilisation', (v) => String(v.physicalUtilisation)),
    ro('location', (v) => v.uuid),
    ro('type', (v) => (v.type === 'system' ? 'System' : v.type === 'suspend' ? 'Suspend' : 'User')),
    ro('sharable', (v) => bool(!!v.sharable)),
    ro('read-only', (v) => bool(v.readOnly)),
    ro('storage-lock', () => 'false'),
    ro('managed', () => 'true'),
    ro('parent', () => NOT_IN_DB),
    ro('missing', () => 'false'),
    ro('is-tools-iso', () => 'false'),
    { name: 'other-config', get: () => [] },
    { name: 'xenstore-data', get: () => [] },
    { name: 'sm-config', get: () => [['vdi_type', 'vhd']] },
    { name: 'on-boot', get: () => 'persist' },
    { name: 'allow-caching', get: () => 'false' },
    ro('metadata-latest', () => 'false'),
    ro('metadata-of-pool', () => NOT_IN_DB),
    { name: 'tags', get: () => [] },
    ro('cbt-enabled', () => 'false'),
  ],
};

const vmNameOf = (uuid: string, m: LabModel): string => m.state.vms.get(uuid)?.name ?? NOT_IN_DB;
const vmRunning = (uuid: string, m: LabModel): boolean => m.state.vms.get(uuid)?.powerState === 'running';
/** A device is attached while its VM runs, unless it was hot-unplugged or created since boot. */
export const deviceAttached = (d: { vmUuid: string; unplugged?: boolean; pending?: boolean }, m: LabModel): boolean =>
  vmRunning(d.vmUuid, m) && !d.unplugged && !d.pending;

export const VBD_CLASS: ClassDef<SimVbd> = {
  cli: 'vbd',
  table: 'VBD',
  all: (m, pool) => [...m.state.vbds.values()].filter((b) => m.state.vms.get(b.vmUuid)?.poolUuid === pool),
  byUuid: (m, uuid) => m.state.vbds.get(uuid),
  fields: [
    ro('uuid', (b) => b.uuid),
    ro('vm-uuid', (b) => b.vmUuid),
    ro('vm-name-label', (b, m) => vmNameOf(b.vmUuid, m)),
    ro('vdi-uuid', (b) => refOf(b.vdiUuid)),
    ro('vdi-name-label', (b, m) => (b.vdiUuid ? (m.state.vdis.get(b.vdiUuid)?.name ?? NOT_IN_DB) : NOT_IN_DB)),
    { name: 'allowed-operations', get: () => ['attach'] },
    { name: 'current-operations', get: () => [] },
    ro('empty', (b) => bool(b.vdiUuid === null)),
    ro('device', (b, m) => (deviceAttached(b, m) || b.unplugged ? b.device : '')),
    { name: 'userdevice', get: (b) => b.userdevice },
    { name: 'bootable', get: (b) => bool(b.bootable) },
    { name: 'mode', get: (b) => b.mode ?? 'RW' },
    { name: 'type', get: (b) => b.type },
    {
      name: 'unpluggable',
      get: (b) => bool(b.unpluggable ?? true),
      set: (b, v) => void (b.unpluggable = v === 'true'),
    },
    ro('currently-attached', (b, m) => bool(deviceAttached(b, m))),
    ro('attachable', () => 'true'),
    ro('storage-lock', () => 'false'),
    ro('status-code', () => '0'),
    ro('status-detail', () => ''),
    { name: 'qos_algorithm_type', get: () => '' },
    { name: 'qos_algorithm_params', get: () => [] },
    { name: 'qos_supported_algorithms', get: () => [] },
    { name: 'other-config', get: () => [] },
    ro('io_read_kbs', () => '0.000'),
    ro('io_write_kbs', () => '0.000'),
  ],
};

/** VIF.ipv4_allowed / ipv6_allowed: checked as VIF.add_ipv4_allowed checks them at that release. */
function allowedField(family: 'ipv4' | 'ipv6'): FieldDef<SimVif> {
  const key = family === 'ipv4' ? 'ipv4Allowed' : 'ipv6Allowed';
  return {
    name: `${family}-allowed`,
    get: (v) => v[key] ?? [],
    put: (v, value, version) => {
      const entries = value as string[];
      assertAllowedEntries(family, entries, version);
      v[key] = entries;
    },
  };
}

export const VIF_CLASS: ClassDef<SimVif> = {
  cli: 'vif',
  table: 'VIF',
  all: (m, pool) => [...m.state.vifs.values()].filter((v) => m.state.vms.get(v.vmUuid)?.poolUuid === pool),
  byUuid: (m, uuid) => m.state.vifs.get(uuid),
  fields: [
    ro('uuid', (v) => v.uuid),
    ro('vm-uuid', (v) => v.vmUuid),
    ro('vm-name-label', (v, m) => vmNameOf(v.vmUuid, m)),
    { name: 'allowed-operations', get: () => ['attach'] },
    { name: 'current-operations', get: () => [] },
    ro('device', (v) => v.device),
    ro('MAC', (v) => v.mac),
    ro('MAC-autogenerated', () => 'true'),
    ro('MTU', () => '1500'),
    ro('currently-attached', (v, m) => bool(deviceAttached(v, m))),
    { name: 'qos_algorithm_type', get: () => '' },
    { name: 'qos_algorithm_params', get: () => [] },
    { name: 'qos_supported_algorithms', get: () => [] },
    { name: 'other-config', get: () => [] },
    ro('network-uuid', (v) => v.networkUuid),
    ro('network-name-label', (v, m) => m.state.networks.get(v.networkUuid)?.name ?? NOT_IN_DB),
    ro('io_read_kbs', () => '0.000'),
    ro('io_write_kbs', () => '0.000'),
    {
      name: 'locking-mode',
      get: (v) => v.lockingMode ?? 'network_default',
      set: (v, text) => void (v.lockingMode = parseVifLockingMode(text)),
    },
    allowedField('ipv4'),
    allowedField('ipv6'),
    ro('ipv4-configuration-mode', () => 'None'),
    ro('ipv4-addresses', () => ''),
    ro('ipv4-gateway', () => ''),
    ro('ipv6-configuration-mode', () => 'None'),
    ro('ipv6-addresses', () => ''),
    ro('ipv6-gateway', () => ''),
  ],
};

/** A PIF is up when plugged (pif-plug/unplug), else when it carries management or has a link. */
const pifAttached = (p: SimPif): boolean => p.attached ?? (p.management || p.carrier);

export const PIF_CLASS: ClassDef<SimPif> = {
  cli: 'pif',
  table: 'PIF',
  all: (m, pool) => [...m.state.pifs.values()].filter((p) => m.state.hosts.get(p.hostUuid)?.poolUuid === pool),
  byUuid: (m, uuid) => m.state.pifs.get(uuid),
  fields: [
    ro('uuid', (p) => p.uuid),
    ro('device', (p) => p.device),
    ro('MAC', (p) => p.mac),
    ro('physical', (p) => bool(p.physical ?? true)),
    ro('managed', () => 'true'),
    ro('currently-attached', (p) => bool(pifAttached(p))),
    ro('MTU', () => '1500'),
    ro('VLAN', () => '-1'),
    { name: 'bond-master-of', get: (p) => (p.bond ? [p.bond.uuid] : []) },
    ro('bond-slave-of', (p) => p.bondSlaveOf ?? NOT_IN_DB),
    ro('management', (p) => bool(p.management)),
    ro('network-uuid', (p) => p.networkUuid),
    ro('network-name-label', (p, m) => m.state.networks.get(p.networkUuid)?.name ?? NOT_IN_DB),
    ro('host-uuid', (p) => p.hostUuid),
    ro('host-name-label', (p, m) => m.state.hosts.get(p.hostUuid)?.name ?? NOT_IN_DB),
    ro('IP-configuration-mode', (p) => p.mode ?? (p.management ? 'Static' : 'None')),
    ro('IP', (p) => p.ip),
    ro('netmask', (p) => p.netmask ?? (p.management ? '255.0.0.0' : '')),
    ro('gateway', (p) => p.gateway ?? ''),
    ro('IPv6-configuration-mode', () => 'None'),
    ro('IPv6', () => ''),
    ro('IPv6-gateway', () => ''),
    ro('primary-address-type', (p) => p.primaryAddressType ?? 'IPv4'),
    ro('DNS', (p) => p.dns ?? ''),
    { name: 'properties', get: () => [['gro', 'on']] },
    { name: 'capabilities', get: () => [] },
    ro('io_read_kbs', () => '0.000'),
    ro('io_write_kbs', () => '0.000'),
    ro('carrier', (p) => bool(p.carrier)),
    ro('vendor-id', () => '8086'),
    ro('vendor-name', () => 'Intel Corporation'),
    ro('device-id', () => '1572'),
    ro('device-name', () => 'Ethernet Controller X710 for 10GbE SFP+'),
    ro('speed', (p) => `${p.speedMbps} Mbit/s`),
    ro('duplex', () => 'full'),
    { name: 'disallow-unplug', get: () => 'false' },
    ro('pci-bus-path', (p) => `0000:0${p.device.slice(-1)}:00.0`),
    { name: 'other-config', get: () => [] },
  ],
};

/** Bond records live on their master PIF (xapi_bond.ml create makes both together). */
export const BOND_CLASS: ClassDef<SimPif & { bond: SimBond }> = {
  cli: 'bond',
  table: 'Bond',
  all: (m, pool) => PIF_CLASS.all(m, pool).filter((p): p is SimPif & { bond: SimBond } => p.bond !== undefined),
  byUuid: (m, uuid) => [...m.state.pifs.values()].find((p): p is SimPif & { bond: SimBond } => p.bond?.uuid === uuid),
  fields: [
    ro('uuid', (p) => p.bond.uuid),
    ro('master', (p) => p.uuid),
    { name: 'slaves', get: (p) => p.bond.members },
    ro('mode', (p) => p.bond.mode),
    {
      name: 'properties',
      get: (p) => p.bond.properties,
      // Xapi_bond.set_property: only keys the mode defines, with a value it allows
      setKey: (p, key, value) => {
        assertBondProperty(p.bond.mode, key, value);
        p.bond.properties = [...p.bond.properties.filter(([k]) => k !== key), [key, value]];
      },
    },
    ro('primary-slave', (p) => p.bond.primarySlave),
    ro('links-up', (p) => String(p.bond.members.length)),
    ro('auto-update-mac', (p) => bool(p.bond.autoUpdateMac)),
  ],
};

export const NETWORK_CLASS: ClassDef<SimNetwork> = {
  cli: 'network',
  table: 'network',
  all: (m, pool) => [...m.state.networks.values()].filter((n) => n.poolUuid === pool),
  byUuid: (m, uuid) => m.state.networks.get(uuid),
  fields: [
    ro('uuid', (n) => n.uuid),
    { name: 'name-label', get: (n) => n.name, set: (n, v) => void (n.name = v) },
    {
      name: 'name-description',
      get: (n) => n.description ?? '',
      set: (n, v) => void (n.description = v),
    },
    {
      name: 'VIF-uuids',

      get: (n, m) => [...m.state.vifs.values()].filter((v) => v.networkUuid === n.uuid).map((v) => v.uuid),
    },
    {
      name: 'PIF-uuids',

      get: (n, m) => [...m.state.pifs.values()].filter((p) => p.networkUuid === n.uuid).map((p) => p.uuid),
    },
    ro('MTU', (n) => String(n.mtu ?? 1500)),
    ro('bridge', (n) => n.bridge),
    ro('managed', (n) => bool(n.managed ?? true)),
    {
      name: 'default-locking-mode',
      get: (n) => n.defaultLockingMode ?? 'unlocked',
      set: (n, text) => void (n.defaultLockingMode = parseNetworkLockingMode(text)),
    },
    { name: 'other-config', get: () => [] },
    { name: 'tags', get: () => [] },
  ],
};

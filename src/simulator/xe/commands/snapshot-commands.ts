import { recordProcessImage, restoreProcessImage } from 'src/simulator/shell/commands/process-commands';
import { blankVm } from 'src/simulator/config/build-lab';
import { SimVbd, SimVdi, SimVm } from 'src/simulator/model/types';
import { toRecords } from 'src/simulator/xe/commands/generic-commands';
import { PrintedField, renderRecord } from 'src/simulator/xe/record-printer';
import { VBD_CLASS, VDI_CLASS } from 'src/simulator/xe/records';
import { assertNoOtherOperation, assertPowerState, assertSrHealthy, srRef } from 'src/simulator/xe/vm-checks';
import { removeVm } from 'src/simulator/xe/vm-factory';
import { markHalted } from 'src/simulator/xe/commands/lifecycle-commands';
import { selectOneVm, vmRef } from 'src/simulator/xe/vm-select';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';

/**
 * VM snapshots and disk listings: vm-snapshot, vm-checkpoint, snapshot-revert|destroy|uninstall,
 * vm-disk-list, snapshot-disk-list (cli_operations.ml vm_snapshot, vm_checkpoint, snapshot_*,
 * vm_disk_list_aux; xapi_vm_snapshot.ml for what a snapshot holds).
 */

/** SRs whose driver cannot snapshot (SM capabilities: iso has no VDI_SNAPSHOT). */
const NO_SNAPSHOT = new Set(['iso']);

/** VDI.snapshot: a read-write copy marked as a snapshot of its source, in the same SR. */
export function snapshotVdi(ctx: XeContext, vdi: SimVdi): SimVdi {
  const sr = ctx.model.state.srs.get(vdi.srUuid);
  if (sr && NO_SNAPSHOT.has(sr.type)) throw new XeApiError('SR_OPERATION_NOT_SUPPORTED', [srRef(sr)]);
  assertSrHealthy(ctx, ctx.host, 'vdi-snapshot');
  const copy: SimVdi = {
    ...vdi,
    uuid: ctx.model.ids.next('vdi'),
    isSnapshot: true,
    snapshotOf: vdi.uuid,
    snapshotTime: ctx.model.clock.now(),
  };
  ctx.model.state.vdis.set(copy.uuid, copy);
  return copy;
}

function vbdsOf(ctx: XeContext, vm: SimVm): SimVbd[] {
  return [...ctx.model.state.vbds.values()].filter((b) => b.vmUuid === vm.uuid);
}

function takeSnapshot(ctx: XeContext, vm: SimVm, name: string, checkpoint: boolean, ignore: string[]): SimVm {
  const snap = blankVm(ctx.model.ids.next('vm'), name, vm.poolUuid, ctx.model.clock.now(), {
    image: vm.image,
    firmware: vm.firmware,
    osName: vm.osName,
    distro: vm.distro,
    memory: vm.memory,
    vcpus: vm.vcpus,
    tools: vm.tools ? { ...vm.tools } : null,
    createdIn: vm.createdIn,
    origin: vm.origin,
    otherConfig: { ...vm.otherConfig },
    isTemplate: true,
    isSnapshot: true,
    snapshotOf: vm.uuid,
    snapshotTime: ctx.model.clock.now(),
    // a checkpoint of a running VM keeps its memory: the snapshot is suspended
    powerState: checkpoint && vm.powerState !== 'halted' ? 'suspended' : 'halted',
  });
  snap.guest.files = new Map(vm.guest.files);
  ctx.model.state.vms.set(snap.uuid, snap);
  for (const vbd of vbdsOf(ctx, vm)) {
    const vdi = vbd.vdiUuid ? ctx.model.state.vdis.get(vbd.vdiUuid) : undefined;
    if (vdi && ignore.includes(vdi.uuid)) continue;
    const copy = vdi && vbd.type === 'Disk' ? snapshotVdi(ctx, vdi) : undefined;
    const uuid = ctx.model.ids.next('vbd');
    ctx.model.state.vbds.set(uuid, {
      ...vbd,
      uuid,
      vmUuid: snap.uuid,
      vdiUuid: copy?.uuid ?? (vbd.type === 'CD' ? vbd.vdiUuid : null),
      unplugged: false,
      pending: false,
    });
  }
  for (const vif of [...ctx.model.state.vifs.values()].filter((v) => v.vmUuid === vm.uuid)) {
    const uuid = ctx.model.ids.next('vif');
    ctx.model.state.vifs.set(uuid, { ...vif, uuid, vmUuid: snap.uuid, unplugged: false, pending: false });
  }
  return snap;
}

/** get_snapshot_uuid + get_snapshotVM_by_uuid */
function selectSnapshot(ctx: XeContext, params: Map<string, string>): SimVm {
  const uuid = params.get('snapshot-uuid') ?? params.get('uuid');
  if (uuid === undefined) throw new XeCliError('Required parameter not found: snapshot-uuid or uuid.');
  const snap = ctx.model.state.vms.get(uuid);
  if (!snap || snap.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['VM', uuid]);
  if (!snap.isSnapshot) {
    throw new XeCliError(`This operation can only be performed on a VM snapshot. ${uuid} is not a VM snapshot.`);
  }
  return snap;
}

/**
 * vm_uninstall_common: lists what goes; with --force destroys it and says so, else asks "Type 'yes'
 * to continue" and reads the answer from xe's stdin. A simulated xe has no stdin to read, so it
 * takes the answer as "no" and destroys nothing (derived: the real client reads a line).
 */
export function uninstall(ctx: XeContext, vms: SimVm[], force: boolean): string {
  const lines = ['The following items are about to be destroyed'];
  for (const vm of vms) {
    lines.push(`VM : ${vm.uuid} (${vm.name})`);
    for (const vbd of vbdsOf(ctx, vm)) {
      const vdi = vbd.vdiUuid && vbd.type === 'Disk' ? ctx.model.state.vdis.get(vbd.vdiUuid) : undefined;
      if (!vdi) continue;
      const shared = [...ctx.model.state.vbds.values()].filter((b) => b.vdiUuid === vdi.uuid).length > 1;
      lines.push(`VDI: ${vdi.uuid} (${vdi.name}) ${shared ? ' ** WARNING: disk is shared by other VMs' : ''}`);
    }
  }
  if (!force) return [...lines, "Type 'yes' to continue"].map((l) => `${l}\n`).join('');
  for (const vm of vms) {
    if (vm.powerState !== 'halted') markHalted(ctx, vm);
    removeVm(ctx.model, vm, true);
  }
  lines.push('All objects destroyed');
  return lines.map((l) => `${l}\n`).join('');
}

/** vm_disk_list_aux: per disk a "Disk N VBD:" record then, unless empty, a "Disk N VDI:" record. */
function diskList(ctx: XeContext, vm: SimVm, params: Map<string, string>, cd: boolean): string {
  const vbds = vbdsOf(ctx, vm)
    .filter((b) => b.type === (cd ? 'CD' : 'Disk'))
    .sort((a, b) => Number(a.userdevice) - Number(b.userdevice));
  const pick = (name: string, defaults: string[]): string[] | 'all' => {
    const p = params.get(name);
    if (p === undefined) return defaults;
    return p === 'all' ? 'all' : p.split(',');
  };
  const vbdFields = pick(
    'vbd-params',
    cd ? ['uuid', 'vm-name-label', 'userdevice', 'empty'] : ['uuid', 'vm-name-label', 'userdevice'],
  );
  const vdiFields = pick('vdi-params', ['uuid', 'name-label', 'virtual-size', 'sr-name-label']);
  // cli_printer.ml: --minimal drops PMsg lines, keeps each table's first value and joins them, last printed first.
  const minimal: string[] = [];
  let text = '';
  const table = (record: PrintedField[]): void => {
    if (record.length > 0) minimal.unshift((record[0]?.value ?? '').replace(/\\/g, '\\\\').replace(/,/g, '\\,'));
    text += renderRecord(record);
  };
  vbds.forEach((vbd, n) => {
    const disk = `${cd ? 'CD' : 'Disk'} ${n}`;
    text += `${disk} VBD:\n`;
    table(toRecords(ctx, VBD_CLASS, [vbd], vbdFields, false)[0] ?? []);
    const vdi = vbd.vdiUuid ? ctx.model.state.vdis.get(vbd.vdiUuid) : undefined;
    if (vdi) {
      text += `${disk} VDI:\n`;
      table(toRecords(ctx, VDI_CLASS, [vdi], vdiFields, false)[0] ?? []);
    }
  });
  return params.get('minimal') === 'true' ? `${minimal.join(',')}\n` : text;
}

const SNAP_OWN = ['new-name-label', 'new-name-description', 'ignore-vdi-uuids'];

export const SNAPSHOT_COMMANDS: Record<string, XeCommand> = {
  'vm-snapshot': {
    run: (ctx, params) => {
      const vm = selectOneVm(ctx, params, SNAP_OWN);
      assertNoOtherOperation(vm);
      const ignore = params.get('ignore-vdi-uuids')?.split(',') ?? [];
      for (const uuid of ignore) {
        if (!ctx.model.state.vdis.has(uuid)) throw new XeApiError('UUID_INVALID', ['VDI', uuid]);
      }
      const snap = takeSnapshot(ctx, vm, params.get('new-name-label') ?? '', false, ignore);
      if (params.has('new-name-description')) snap.description = params.get('new-name-description') ?? '';
      return `${snap.uuid}\n`;
    },
  },
  'vm-checkpoint': {
    run: (ctx, params) => {
      const vm = selectOneVm(ctx, params, SNAP_OWN);
      assertPowerState(vm, ['paused', 'suspended', 'running']);
      assertNoOtherOperation(vm);
      const snap = takeSnapshot(ctx, vm, params.get('new-name-label') ?? '', true, []);
      recordProcessImage(vm, snap);
      if (params.has('new-name-description')) snap.description = params.get('new-name-description') ?? '';
      return `${snap.uuid}\n`;
    },
  },
  'snapshot-revert': {
    run: (ctx, params) => {
      const snap = selectSnapshot(ctx, params);
      const vm = snap.snapshotOf ? ctx.model.state.vms.get(snap.snapshotOf) : undefined;
      // xapi_vm_snapshot.ml revert: the snapshot's VM must still exist.
      if (!vm) throw new XeApiError('VM_REVERT_FAILED', [vmRef(snap), NOT_IN_DB_REF]);
      assertNoOtherOperation(vm);
      if (vm.powerState !== 'halted') markHalted(ctx, vm);
      // The VM's disks are replaced by clones of the snapshot's disks; the old ones are destroyed.
      for (const vbd of vbdsOf(ctx, vm)) {
        if (vbd.vdiUuid && vbd.type === 'Disk') ctx.model.state.vdis.delete(vbd.vdiUuid);
        ctx.model.state.vbds.delete(vbd.uuid);
      }
      for (const vbd of vbdsOf(ctx, snap)) {
        const src = vbd.vdiUuid ? ctx.model.state.vdis.get(vbd.vdiUuid) : undefined;
        let vdiUuid: string | null = vbd.type === 'CD' ? vbd.vdiUuid : null;
        if (src && vbd.type === 'Disk') {
          const clone: SimVdi = { ...src, uuid: ctx.model.ids.next('vdi'), isSnapshot: false, snapshotOf: null };
          delete clone.snapshotTime;
          ctx.model.state.vdis.set(clone.uuid, clone);
          vdiUuid = clone.uuid;
        }
        const uuid = ctx.model.ids.next('vbd');
        ctx.model.state.vbds.set(uuid, { ...vbd, uuid, vmUuid: vm.uuid, vdiUuid });
      }
      vm.guest.files = new Map(snap.guest.files);
      vm.powerState = snap.powerState === 'suspended' ? 'suspended' : 'halted';
      // A checkpoint's memory image brings back the processes that ran when it was taken.
      if (vm.powerState === 'suspended') restoreProcessImage(vm, snap);
      return '';
    },
  },
  'snapshot-destroy': {
    run: (ctx, params) => {
      const snap = selectSnapshot(ctx, params);
      if (snap.powerState !== 'halted') markHalted(ctx, snap);
      removeVm(ctx.model, snap, false);
      return '';
    },
  },
  'snapshot-uninstall': {
    run: (ctx, params) => {
      return uninstall(ctx, [selectSnapshot(ctx, params)], params.get('force') === 'true');
    },
  },
  'vm-disk-list': {
    run: (ctx, params) => diskList(ctx, selectOneVm(ctx, params, ['vbd-params', 'vdi-params']), params, false),
  },
  'snapshot-disk-list': {
    run: (ctx, params) => diskList(ctx, selectSnapshot(ctx, params), params, false),
  },
};

const NOT_IN_DB_REF = 'OpaqueRef:NULL';

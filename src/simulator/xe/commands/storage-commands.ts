import { SimHost, SimSr, SimVbd, SimVdi, SimVm, SrType } from 'src/simulator/model/types';
import { parseBool } from 'src/simulator/xe/format';
import { deviceAttached } from 'src/simulator/xe/records';
import { assertSrHealthy, srRef } from 'src/simulator/xe/vm-checks';
import { snapshotVdi } from 'src/simulator/xe/commands/snapshot-commands';
import { vmRef } from 'src/simulator/xe/vm-select';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';

/**
 * SRs, PBDs, VDIs and VBDs: sr-create|scan|destroy|forget, pbd-plug|unplug, vdi-clone|snapshot|
 * resize|copy, vbd-create|destroy|plug|unplug. CLI side from cli_operations.ml; refusals from
 * xapi (message_forwarding.ml SR.destroy/forget, xapi_pbd.ml, xapi_vbd.ml, xapi_vbd_helpers.ml
 * valid_operations) and the SM drivers (XE_SR_ERRORCODES.xml: 90 ConfigDeviceMissing,
 * 101 ConfigServerPathMissing, 102 ConfigServerMissing, 79 VDISize).
 */

const GIB = 1024 ** 3;

/** How xapi prints a ref it knows in error parameters (Cli_util.ref_convert): uuid, plus the name when there is one. */
const vdiRef = (vdi: SimVdi): string => `${vdi.uuid} (${vdi.name})`;

/** An SM driver failure: SR_BACKEND_FAILURE_<n> with ["", description, stderr] (sm_exec.ml). */
function smFailure(ctx: XeContext, host: SimHost, code: number, description: string): XeApiError {
  ctx.model.log(host.uuid, '/var/log/SMlog', `SM: [4242] Raising exception [${code}, ${description}]`);
  return new XeApiError(`SR_BACKEND_FAILURE_${code}`, ['', description, '']);
}

function lookupSr(ctx: XeContext, uuid: string): SimSr {
  const sr = ctx.model.state.srs.get(uuid);
  if (!sr || sr.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['SR', uuid]);
  return sr;
}

function lookupVdi(ctx: XeContext, uuid: string): SimVdi {
  const vdi = ctx.model.state.vdis.get(uuid);
  if (!vdi || ctx.model.state.srs.get(vdi.srUuid)?.poolUuid !== ctx.host.poolUuid) {
    throw new XeApiError('UUID_INVALID', ['VDI', uuid]);
  }
  return vdi;
}

function lookupVbd(ctx: XeContext, uuid: string): { vbd: SimVbd; vm: SimVm } {
  const vbd = ctx.model.state.vbds.get(uuid);
  const vm = vbd ? ctx.model.state.vms.get(vbd.vmUuid) : undefined;
  if (!vbd || !vm || vm.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['VBD', uuid]);
  return { vbd, vm };
}

/** VDIs in use by a running VM (a VBD currently attached). */
function vdiAttached(ctx: XeContext, vdi: SimVdi): boolean {
  return [...ctx.model.state.vbds.values()].some((b) => b.vdiUuid === vdi.uuid && deviceAttached(b, ctx.model));
}

/** SM capabilities: the iso driver cannot create, clone, snapshot or resize VDIs. */
function assertVdiOp(sr: SimSr | undefined, ctx: XeContext): void {
  if (sr?.type === 'iso') throw new XeApiError('SR_OPERATION_NOT_SUPPORTED', [srRef(sr)]);
  assertSrHealthy(ctx, ctx.host, 'vdi');
}

/** Record_util.bytes_of_string: an integer with an optional KiB/MiB/GiB/TiB (or K/M/G/T) suffix. */
function bytesOfString(field: string, text: string): number {
  const m = /^(\d+)\s*(KiB|MiB|GiB|TiB|K|M|G|T)?$/i.exec(text.trim());
  if (!m?.[1]) throw new XeCliError(`Failed to parse parameter '${field}': expecting an integer, got ${text}`);
  const unit = (m[2] ?? '').charAt(0).toUpperCase();
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[unit] ?? 1;
  return Number(m[1]) * mult;
}

// ---- SR creation -------------------------------------------------------------------------------

const KNOWN_TYPES: SrType[] = ['ext', 'lvm', 'nfs', 'lvmoiscsi', 'iso'];

/** The device-config each driver insists on, checked the way its load()/create() does. */
function checkDeviceConfig(ctx: XeContext, type: string, dc: Record<string, string>): void {
  const fail = (code: number, what: string): XeApiError => smFailure(ctx, ctx.host, code, what);
  if (type === 'ext' || type === 'lvm') {
    if (!dc['device']) throw fail(90, 'The request is missing the device parameter');
  } else if (type === 'nfs') {
    if (!dc['server']) throw fail(102, 'The request is missing the server parameter');
    if (!dc['serverpath']) throw fail(101, 'The request is missing the serverpath parameter');
  } else if (type === 'lvmoiscsi') {
    if (!dc['target']) throw fail(95, 'The request is missing the target parameter');
    if (!dc['targetIQN']) throw fail(96, 'The request is missing or has an incorrect target IQN parameter');
    if (!dc['SCSIid']) throw fail(107, 'The SCSIid parameter is missing or incorrect');
  } else if (type === 'iso') {
    if (!dc['location']) throw fail(220, "'Location' parameter must be specified in Device Configuration");
  }
}

function createSr(ctx: XeContext, params: Map<string, string>): SimSr {
  const m = ctx.model;
  const type = (params.get('type') ?? '').toLowerCase();
  const sharedText = params.get('shared') ?? 'false';
  const shared = parseBool(sharedText);
  if (shared === undefined) {
    throw new XeCliError(
      `Failed to parse parameter 'shared': Expected 'true','t','yes','y','1','false','f','no','n','0' got ${sharedText}`,
    );
  }
  const deviceConfig: Record<string, string> = {};
  for (const [k, v] of params) if (k.startsWith('device-config:')) deviceConfig[k.slice(14)] = v;
  // Xapi_sr.create: the driver must be known (SR_UNKNOWN_DRIVER) before it is called.
  if (!KNOWN_TYPES.includes(type as SrType)) throw new XeApiError('SR_UNKNOWN_DRIVER', [type]);
  let hosts: SimHost[];
  const hostUuid = params.get('host-uuid');
  if (shared) hosts = m.poolHosts(ctx.host.poolUuid);
  else {
    const host = hostUuid ? m.state.hosts.get(hostUuid) : m.master(ctx.host.poolUuid);
    if (!host || host.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['host', hostUuid ?? '']);
    hosts = [host];
  }
  checkDeviceConfig(ctx, type, deviceConfig);
  const size = Number(params.get('physical-size') ?? (type === 'nfs' ? 2048 * GIB : 100 * GIB));
  const sr: SimSr = {
    uuid: m.ids.next('sr'),
    name: params.get('name-label') ?? '',
    type: type as SrType,
    shared,
    poolUuid: ctx.host.poolUuid,
    physicalSize: Number.isFinite(size) && size > 0 ? size : 100 * GIB,
    contentType: params.get('content-type') ?? (type === 'iso' ? 'iso' : 'user'),
  };
  m.state.srs.set(sr.uuid, sr);
  for (const h of hosts) {
    const uuid = m.ids.next('pbd');
    m.state.pbds.set(uuid, {
      uuid,
      hostUuid: h.uuid,
      srUuid: sr.uuid,
      deviceConfig: { ...deviceConfig },
      attached: true,
    });
  }
  return sr;
}

/** SR.destroy and SR.forget first need every PBD unplugged (Xapi_sr.assert_all_pbds_unplugged). */
function assertPbdsUnplugged(ctx: XeContext, sr: SimSr): void {
  if ([...ctx.model.state.pbds.values()].some((p) => p.srUuid === sr.uuid && p.attached)) {
    throw new XeApiError('SR_HAS_PBD', [srRef(sr)]);
  }
}

function forgetSr(ctx: XeContext, sr: SimSr): void {
  const m = ctx.model.state;
  for (const vdi of [...m.vdis.values()]) {
    if (vdi.srUuid !== sr.uuid) continue;
    for (const vbd of m.vbds.values()) if (vbd.vdiUuid === vdi.uuid) vbd.vdiUuid = null;
    m.vdis.delete(vdi.uuid);
  }
  for (const pbd of [...m.pbds.values()]) if (pbd.srUuid === sr.uuid) m.pbds.delete(pbd.uuid);
  m.srs.delete(sr.uuid);
  const pool = ctx.model.pool(sr.poolUuid);
  if (pool.defaultSrUuid === sr.uuid) pool.defaultSrUuid = null;
}

// ---- VBDs --------------------------------------------------------------------------------------

/** xapi_vbd_helpers.ml valid_operations for plug/unplug, in its order. */
function assertPlugOp(ctx: XeContext, vbd: SimVbd, vm: SimVm, op: 'plug' | 'unplug'): void {
  if (op === 'unplug' && vbd.unpluggable === false) throw new XeApiError('VBD_NOT_UNPLUGGABLE', [vbd.uuid]);
  if (vm.powerState !== 'running') throw new XeApiError('VM_BAD_POWER_STATE', [vmRef(vm), 'running', vm.powerState]);
  const attached = deviceAttached(vbd, ctx.model);
  if (op === 'plug' && attached) throw new XeApiError('DEVICE_ALREADY_ATTACHED', [vbd.uuid]);
  if (op === 'unplug' && !attached) throw new XeApiError('DEVICE_ALREADY_DETACHED', [vbd.uuid]);
  if (vm.image !== 'pv-linux' && vbd.type === 'CD') {
    throw new XeApiError('OPERATION_NOT_ALLOWED', [
      'HVM CDROMs cannot be hotplugged/unplugged, only inserted or ejected',
    ]);
  }
}

const POSSIBLE_USERDEVICES = Array.from({ length: 16 }, (_, i) => String(i));

export const STORAGE_COMMANDS: Record<string, XeCommand> = {
  'sr-create': { run: (ctx, params) => `${createSr(ctx, params).uuid}\n` },
  'sr-scan': {
    run: (ctx, params) => {
      const sr = lookupSr(ctx, params.get('uuid') ?? '');
      const attached = [...ctx.model.state.pbds.values()].find((p) => p.srUuid === sr.uuid && p.attached);
      // Storage_access: an SR with no plugged PBD has nowhere to run the scan.
      if (!attached) throw new XeApiError('SR_HAS_NO_PBDS', [srRef(sr)]);
      assertSrHealthy(ctx, ctx.model.host(attached.hostUuid), 'sr-scan');
      return '';
    },
  },
  'sr-destroy': {
    run: (ctx, params) => {
      const sr = lookupSr(ctx, params.get('uuid') ?? '');
      assertPbdsUnplugged(ctx, sr);
      forgetSr(ctx, sr);
      return '';
    },
  },
  'sr-forget': {
    run: (ctx, params) => {
      const sr = lookupSr(ctx, params.get('uuid') ?? '');
      assertPbdsUnplugged(ctx, sr);
      forgetSr(ctx, sr);
      return '';
    },
  },
  'pbd-plug': {
    run: (ctx, params) => {
      const uuid = params.get('uuid') ?? '';
      const pbd = ctx.model.state.pbds.get(uuid);
      if (!pbd || ctx.model.state.hosts.get(pbd.hostUuid)?.poolUuid !== ctx.host.poolUuid) {
        throw new XeApiError('UUID_INVALID', ['PBD', uuid]);
      }
      if (!pbd.attached) assertSrHealthy(ctx, ctx.model.host(pbd.hostUuid), 'pbd-plug');
      pbd.attached = true;
      return '';
    },
  },
  'pbd-unplug': {
    run: (ctx, params) => {
      const uuid = params.get('uuid') ?? '';
      const pbd = ctx.model.state.pbds.get(uuid);
      if (!pbd || ctx.model.state.hosts.get(pbd.hostUuid)?.poolUuid !== ctx.host.poolUuid) {
        throw new XeApiError('UUID_INVALID', ['PBD', uuid]);
      }
      if (!pbd.attached) return '';
      // xapi_pbd.ml unplug: VDIs still attached to running VMs on that host keep the PBD in use.
      const active = [...ctx.model.state.vdis.values()].filter(
        (vdi) =>
          vdi.srUuid === pbd.srUuid &&
          [...ctx.model.state.vbds.values()].some(
            (b) =>
              b.vdiUuid === vdi.uuid &&
              deviceAttached(b, ctx.model) &&
              ctx.model.state.vms.get(b.vmUuid)?.residentOn === pbd.hostUuid,
          ),
      );
      if (active.length > 0) throw new XeApiError('VDI_IN_USE', active.map(vdiRef));
      pbd.attached = false;
      return '';
    },
  },
  'vdi-clone': {
    run: (ctx, params) => {
      const vdi = lookupVdi(ctx, params.get('uuid') ?? '');
      assertVdiOp(ctx.model.state.srs.get(vdi.srUuid), ctx);
      const clone: SimVdi = {
        ...vdi,
        uuid: ctx.model.ids.next('vdi'),
        name: params.get('new-name-label') ?? vdi.name,
        description: params.get('new-name-description') ?? vdi.description,
        isSnapshot: false,
        snapshotOf: null,
      };
      delete clone.snapshotTime;
      ctx.model.state.vdis.set(clone.uuid, clone);
      return `${clone.uuid}\n`;
    },
  },
  'vdi-snapshot': {
    run: (ctx, params) => `${snapshotVdi(ctx, lookupVdi(ctx, params.get('uuid') ?? '')).uuid}\n`,
  },
  'vdi-copy': {
    run: (ctx, params) => {
      const vdi = lookupVdi(ctx, params.get('uuid') ?? '');
      const sr = params.has('sr-uuid')
        ? lookupSr(ctx, params.get('sr-uuid') ?? '')
        : ctx.model.state.srs.get(vdi.srUuid);
      assertVdiOp(sr, ctx);
      const copy: SimVdi = {
        ...vdi,
        uuid: ctx.model.ids.next('vdi'),
        srUuid: sr?.uuid ?? vdi.srUuid,
        isSnapshot: false,
        snapshotOf: null,
      };
      delete copy.snapshotTime;
      ctx.model.state.vdis.set(copy.uuid, copy);
      return `${copy.uuid}\n`;
    },
  },
  'vdi-resize': {
    run: (ctx, params) => {
      const vdi = lookupVdi(ctx, params.get('uuid') ?? '');
      const size = bytesOfString('disk-size', params.get('disk-size') ?? '');
      const sr = ctx.model.state.srs.get(vdi.srUuid);
      assertVdiOp(sr, ctx);
      if (params.get('online') !== 'true' && vdiAttached(ctx, vdi)) {
        throw new XeApiError('VDI_IN_USE', [vdiRef(vdi), 'resize']);
      }
      // VHD drivers refuse to shrink (VDISize, "shrinking not allowed").
      if (size < vdi.virtualSize) throw smFailure(ctx, ctx.host, 79, 'VDI Invalid size [opterr=shrinking not allowed]');
      vdi.virtualSize = size;
      return '';
    },
  },
  'vbd-create': {
    run: (ctx, params) => {
      const vmUuid = params.get('vm-uuid') ?? '';
      const vm = ctx.model.state.vms.get(vmUuid);
      if (!vm || vm.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['VM', vmUuid]);
      const vdi = params.has('vdi-uuid') ? lookupVdi(ctx, params.get('vdi-uuid') ?? '') : null;
      const bootable = parseBool(params.get('bootable') ?? 'false') ?? false;
      const modeText = (params.get('mode') ?? 'rw').toLowerCase();
      if (modeText !== 'ro' && modeText !== 'rw') {
        throw new XeCliError(`Unknown mode: ${modeText} (should be "ro" or "rw"`);
      }
      const typeText = (params.get('type') ?? 'disk').toLowerCase();
      if (!['cd', 'disk', 'floppy'].includes(typeText)) {
        throw new XeCliError(`"Unknown type: ${typeText} (should be "cd", "disk" or "floppy"`);
      }
      const unpluggable = parseBool(params.get('unpluggable') ?? 'true') ?? true;
      if (typeText === 'disk' && !vdi) throw new XeCliError('Empty VBDs can only be made for type=CD');
      const type = typeText === 'cd' ? 'CD' : 'Disk';
      const mode = modeText === 'ro' ? 'RO' : 'RW';
      if (type === 'CD' && mode !== 'RO') throw new XeApiError('VBD_CDS_MUST_BE_READONLY', []);
      if (mode === 'RW' && vdi?.readOnly) throw new XeApiError('VDI_READONLY', [vdiRef(vdi)]);
      const used = [...ctx.model.state.vbds.values()].filter((b) => b.vmUuid === vm.uuid).map((b) => b.userdevice);
      let device = params.get('device') ?? '';
      if (device === 'autodetect') device = POSSIBLE_USERDEVICES.find((d) => !used.includes(d)) ?? 'autodetect';
      if (!POSSIBLE_USERDEVICES.includes(device)) throw new XeApiError('INVALID_DEVICE', [params.get('device') ?? '']);
      if (used.includes(device)) throw new XeApiError('DEVICE_ALREADY_EXISTS', [device]);
      const uuid = ctx.model.ids.next('vbd');
      ctx.model.state.vbds.set(uuid, {
        uuid,
        vmUuid: vm.uuid,
        vdiUuid: vdi?.uuid ?? null,
        device: `xvd${String.fromCharCode(97 + Number(device))}`,
        userdevice: device,
        type,
        bootable,
        mode,
        // created on a running VM, it waits for vbd-plug
        pending: vm.powerState === 'running',
        unpluggable,
      });
      return `${uuid}\n`;
    },
  },
  'vbd-destroy': {
    run: (ctx, params) => {
      const { vbd } = lookupVbd(ctx, params.get('uuid') ?? '');
      if (deviceAttached(vbd, ctx.model)) {
        throw new XeApiError('OPERATION_NOT_ALLOWED', [`VBD '${vbd.uuid}' still attached to '${vbd.vmUuid}'`]);
      }
      ctx.model.state.vbds.delete(vbd.uuid);
      return '';
    },
  },
  'vbd-plug': {
    run: (ctx, params) => {
      const { vbd, vm } = lookupVbd(ctx, params.get('uuid') ?? '');
      assertPlugOp(ctx, vbd, vm, 'plug');
      vbd.unplugged = false;
      vbd.pending = false;
      return '';
    },
  },
  'vbd-unplug': {
    run: (ctx, params) => {
      const { vbd, vm } = lookupVbd(ctx, params.get('uuid') ?? '');
      if (params.has('timeout') && !Number.isFinite(Number(params.get('timeout')))) {
        throw new XeCliError("Failed to parse parameter 'timeout': expecting a float");
      }
      assertPlugOp(ctx, vbd, vm, 'unplug');
      vbd.unplugged = true;
      return '';
    },
  },
};

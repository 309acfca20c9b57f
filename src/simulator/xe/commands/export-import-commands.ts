import { constants } from 'node:fs';
import { isIPv4 } from 'node:net';
import { open, readFile, stat } from 'node:fs/promises';
import { blankVm } from 'src/simulator/config/build-lab';
import { ImageKind, SimSr, SimVm } from 'src/simulator/model/types';
import { fetchFollowing } from 'src/simulator/shell/commands/http-client-commands';
import { compareVersions, versionInfo } from 'src/simulator/model/versions';
import { exportSeconds, importSeconds } from 'src/simulator/time/durations';
import { readXva, writeXva, XvaCompression, XvaReadError } from 'src/simulator/xva/xva-format';
import { XmlRpcValue } from 'src/simulator/xva/xmlrpc';
import { assertPowerState, assertSrHealthy, runOperation } from 'src/simulator/xe/vm-checks';
import { addVif } from 'src/simulator/xe/vm-factory';
import { selectOneVm } from 'src/simulator/xe/vm-select';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError, XeClientError, XeCliError } from 'src/simulator/xe/xe-errors';

/** compress=true|gzip → gzip, zstd → zstd, anything else → none, never an error (xe-cli.md §4.1). */
function compressionOf(value: string | undefined): XvaCompression {
  if (value === 'true' || value === 'gzip') return 'gzip';
  if (value === 'zstd') return 'zstd';
  return 'none';
}

function vmSnapshot(ctx: XeContext, vm: SimVm): Record<string, XmlRpcValue> {
  const hvm = vm.image !== 'pv-linux';
  return {
    name_label: vm.name,
    name_description: vm.description,
    memory_static_max: String(vm.memory),
    memory_dynamic_max: String(vm.memory),
    VCPUs_max: String(vm.vcpus),
    HVM_boot_policy: hvm ? 'BIOS order' : '',
    HVM_boot_params: vm.firmware === 'uefi' ? { order: 'cdn', firmware: 'uefi' } : hvm ? { order: 'cdn' } : {},
    PV_bootloader: hvm ? '' : 'pygrub',
    platform: vm.image === 'hvm-windows' ? { device_id: '0002', viridian: 'true' } : {},
    power_state: vm.powerState === 'suspended' ? 'Suspended' : 'Halted',
    other_config: {
      ...vm.otherConfig,
      'sim-os': vm.osName,
      'sim-distro': vm.distro,
      'sim-created-in': String(vm.createdIn),
    },
    is_a_template: vm.isTemplate,
    tags: vm.tags,
    exported_from: ctx.host.version,
  };
}

/** A scalar from ova.xml as text; structs and arrays have no text form. */
function str(v: XmlRpcValue | undefined, fallback: string): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : fallback;
}

function imageOf(snap: Record<string, XmlRpcValue>): ImageKind {
  const platform = (snap['platform'] ?? {}) as Record<string, XmlRpcValue>;
  if (platform['device_id'] === '0002') return 'hvm-windows';
  return snap['PV_bootloader'] === 'pygrub' ? 'pv-linux' : 'pvhvm-linux';
}

function targetSr(ctx: XeContext, params: Map<string, string>): SimSr {
  const uuid = params.get('sr-uuid');
  if (uuid !== undefined) {
    const sr = ctx.model.state.srs.get(uuid);
    if (!sr || sr.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['SR', uuid]);
    return sr;
  }
  const def = ctx.model.pool(ctx.host.poolUuid).defaultSrUuid;
  const sr = def ? ctx.model.state.srs.get(def) : undefined;
  if (!sr) throw new XeCliError('No SR specified and Pool default SR is null');
  return sr;
}

/** Xapi_vm.import follows at most this many redirects (xapi_vm.ml, max_redirects). */
const MAX_REDIRECTS = 5;

/**
 * `vm-import url=`: xapi itself GETs the URL (Xapi_vm.import_inner at both tags: a redirect is
 * followed up to 5 times, any status but 200 is IMPORT_ERROR with the status line, a connection
 * that fails raises the Unix error). The simulated host reaches the lab's own addresses only, as
 * `curl` on it does; a name the lab does not know does not resolve (getaddrinfo → Not_found).
 */
async function download(ctx: XeContext, start: string): Promise<Buffer> {
  let url = start;
  for (let n = 0; ; n++) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
    if (scheme === undefined) throw new XeApiError('INTERNAL_ERROR', [`Failure("Failed to parse URI: ${url}")`]);
    if (scheme !== 'http' && scheme !== 'https') {
      throw new XeApiError('INTERNAL_ERROR', [`Failure("Unsupported URI scheme: ${scheme}")`]);
    }
    if (n > MAX_REDIRECTS) throw new XeApiError('IMPORT_ERROR', ['Maximum redirect limit reached']);
    const r = await fetchFollowing(
      { model: ctx.model, self: ctx.host.address },
      url,
      { method: 'GET', headers: {}, insecure: true, timeoutMs: 15 * 60_000 },
      false,
      new AbortController().signal,
    );
    if (!('status' in r)) {
      if (r.kind === 'url') throw new XeApiError('INTERNAL_ERROR', [`Failure("Failed to parse URI: ${url}")`]);
      if (r.kind === 'unreachable' && !isIPv4(r.host)) throw new XeApiError('INTERNAL_ERROR', ['Not_found']);
      const errno = { unreachable: 'EHOSTUNREACH', refused: 'ECONNREFUSED', timeout: 'ETIMEDOUT', tls: 'ECONNRESET' }[
        r.kind
      ];
      throw new XeApiError('INTERNAL_ERROR', [`Unix.Unix_error(Unix.${errno}, "connect", "")`]);
    }
    if (r.status === 200) return r.body;
    const location = r.headers['location'];
    if (r.status >= 300 && r.status <= 399) {
      if (typeof location !== 'string') throw new XeApiError('IMPORT_ERROR', ['Redirect with no new location']);
      url = new URL(location, url).toString();
      continue;
    }
    throw new XeApiError('IMPORT_ERROR', [`${r.status} ${r.statusText}`]);
  }
}

/** Xapi's stream import of an XVA into one SR: the VM, its disks and a VIF on the management network. */
async function importXva(ctx: XeContext, sr: SimSr, file: Buffer): Promise<string> {
  if (ctx.model.isRollingUpgrade(ctx.host.poolUuid)) throw new XeApiError('NOT_SUPPORTED_DURING_UPGRADE', []);
  assertSrHealthy(ctx, ctx.host, 'vm-import');
  let content;
  try {
    content = await readXva(file);
  } catch (err) {
    if (err instanceof XvaReadError) throw new XeApiError(err.code, err.params);
    throw err;
  }
  const header = content.header as Record<string, XmlRpcValue>;
  const version = (header['version'] ?? {}) as Record<string, XmlRpcValue>;
  const mine = versionInfo(ctx.host.version);
  const theirs = `${str(version['xapi_major'], '0')}.${str(version['xapi_minor'], '0')}`;
  if (compareVersions(theirs, `${mine.xapiMajor}.${mine.xapiMinor}`) > 0) {
    throw new XeApiError('IMPORT_INCOMPATIBLE_VERSION', []);
  }
  const objects = (header['objects'] ?? []) as Array<Record<string, XmlRpcValue>>;
  const vmObj = objects.find((o) => o['class'] === 'VM');
  if (!vmObj) throw new XeApiError('IMPORT_ERROR', ['no VM object in ova.xml']);
  const snap = vmObj['snapshot'] as Record<string, XmlRpcValue>;
  const other = (snap['other_config'] ?? {}) as Record<string, string>;
  const metrics = objects.find((o) => o['class'] === 'VM_guest_metrics');
  const toolsVersion = metrics
    ? (((metrics['snapshot'] as Record<string, XmlRpcValue>)['PV_drivers_version'] as Record<string, string>)[
        'version'
      ] ?? null)
    : null;
  const hvmParams = (snap['HVM_boot_params'] ?? {}) as Record<string, string>;
  const vm: SimVm = blankVm(
    ctx.model.ids.next('vm'),
    str(snap['name_label'], 'imported'),
    ctx.host.poolUuid,
    ctx.model.clock.now(),
    {
      image: imageOf(snap),
      firmware: hvmParams['firmware'] === 'uefi' ? 'uefi' : 'bios',
      description: str(snap['name_description'], ''),
      memory: Number(snap['memory_static_max'] ?? 1024 ** 3),
      vcpus: Number(snap['VCPUs_max'] ?? 1),
      osName: other['sim-os'] ?? 'Linux',
      distro: other['sim-distro'] ?? 'other',
      createdIn: other['sim-created-in'] ?? str(snap['exported_from'], ctx.host.version),
      origin: 'recent',
      tools: toolsVersion ? { version: toolsVersion } : null,
      otherConfig: Object.fromEntries(Object.entries(other).filter(([k]) => !k.startsWith('sim-'))),
    },
  );
  vm.guest.address = ctx.model.allocGuestAddress();
  const vdiObjs = objects.filter((o) => o['class'] === 'VDI');
  const bytes = vdiObjs.reduce(
    (a, o) => a + Number((o['snapshot'] as Record<string, XmlRpcValue>)['physical_utilisation'] ?? 0),
    0,
  );
  await ctx.model.clock.wait(importSeconds(bytes, content.compression));
  ctx.model.state.vms.set(vm.uuid, vm);
  vdiObjs.forEach((o, i) => {
    const s = o['snapshot'] as Record<string, XmlRpcValue>;
    const vdiUuid = ctx.model.ids.next('vdi');
    ctx.model.state.vdis.set(vdiUuid, {
      uuid: vdiUuid,
      name: str(s['name_label'], `${vm.name} ${i}`),
      description: '',
      srUuid: sr.uuid,
      virtualSize: Number(s['virtual_size'] ?? 0),
      physicalUtilisation: Number(s['physical_utilisation'] ?? 0),
      readOnly: false,
      type: i === 0 ? 'system' : 'user',
    });
    const vbdUuid = ctx.model.ids.next('vbd');
    ctx.model.state.vbds.set(vbdUuid, {
      uuid: vbdUuid,
      vmUuid: vm.uuid,
      vdiUuid,
      device: `xvd${String.fromCharCode(97 + i)}`,
      userdevice: String(i),
      type: 'Disk',
      bootable: i === 0,
    });
    const disk = content.disks.find((d) => d.ref === o['id']);
    if (i === 0 && disk) {
      for (const [k, v] of Object.entries(disk.files)) vm.guest.files.set(k, v);
    }
  });
  const mgmt = [...ctx.model.state.pifs.values()].find((p) => p.hostUuid === ctx.host.uuid && p.management);
  if (mgmt) addVif(ctx.model, vm, mgmt.networkUuid, '0');
  ctx.model.recordOperation(ctx.host, vm, 'import', importSeconds(bytes, content.compression));
  return `${vm.uuid}\n`;
}

export const EXPORT_IMPORT_COMMANDS: Record<string, XeCommand> = {
  'vm-export': {
    run: async (ctx, params) => {
      const vm = selectOneVm(ctx, params, [
        'filename',
        'compress',
        'preserve-power-state',
        'metadata',
        'include-snapshots',
        'excluded-device-types',
        'progress',
      ]);
      const filename = params.get('filename') ?? '';
      const compression = compressionOf(params.get('compress'));
      assertPowerState(vm, ['halted', 'suspended']);
      assertSrHealthy(ctx, ctx.host, 'vm-export');
      const path = ctx.hostPath(ctx.host, filename);
      let handle;
      try {
        handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why =
          code === 'EEXIST' ? 'File exists' : code === 'ENOENT' ? 'No such file or directory' : (code ?? 'error');
        throw new XeClientError(`Operation failed. Error: Sys_error("${filename}: ${why}")`);
      }
      const info = versionInfo(ctx.host.version);
      const vdis = ctx.model.vmVdis(vm);
      const objects: XmlRpcValue[] = [{ class: 'VM', id: 'Ref:0', snapshot: vmSnapshot(ctx, vm) }];
      if (vm.tools) {
        objects.push({
          class: 'VM_guest_metrics',
          id: 'Ref:1',
          snapshot: { PV_drivers_version: { version: vm.tools.version } },
        });
      }
      vdis.forEach((vdi, i) =>
        objects.push({
          class: 'VDI',
          id: `Ref:${i + 2}`,
          snapshot: {
            name_label: vdi.name,
            virtual_size: String(vdi.virtualSize),
            physical_utilisation: String(vdi.physicalUtilisation),
            type: vdi.type,
          },
        }),
      );
      const header: XmlRpcValue = {
        version: {
          hostname: 'localhost',
          date: info.date,
          product_version: info.productVersion,
          product_brand: 'XCP-ng',
          build_number: info.buildNumber,
          xapi_major: info.xapiMajor,
          xapi_minor: info.xapiMinor,
          export_vsn: 2,
        },
        objects,
      };
      const files = Object.fromEntries(vm.guest.files);
      const bytes = vdis.reduce((a, v) => a + v.physicalUtilisation, 0);
      try {
        await runOperation(ctx, vm, 'export', exportSeconds(bytes, compression), () => undefined);
        const data = await writeXva(
          {
            header,
            disks: vdis.map((vdi, i) => ({ ref: `Ref:${i + 2}`, files: i === 0 ? files : {}, seed: vdi.uuid })),
          },
          compression,
        );
        await handle.write(data);
      } finally {
        await handle.close();
      }
      return 'Export succeeded\n';
    },
  },
  'vm-import': {
    run: async (ctx, params) => {
      const filename = params.get('filename');
      if (params.has('url') && filename !== undefined) {
        throw new XeClientError("Invalid arguments. The 'url' and 'filename' parameters should not both be specified.");
      }
      const url = params.get('url');
      const sr = targetSr(ctx, params);
      if (url !== undefined) return importXva(ctx, sr, await download(ctx, url));
      if (filename === undefined) {
        throw new XeClientError("Operation failed. Error: file '' does not exist");
      }
      const path = ctx.hostPath(ctx.host, filename);
      const exists = await stat(path)
        .then((s) => s.isFile())
        .catch(() => false);
      if (!exists) throw new XeClientError(`Operation failed. Error: file '${filename}' does not exist`);
      return importXva(ctx, sr, await readFile(path));
    },
  },
};

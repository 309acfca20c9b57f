import { SimSr, SimVm } from 'src/simulator/model/types';
import { versionInfo } from 'src/simulator/model/versions';
import { storageMotionSeconds } from 'src/simulator/time/durations';
import { assertPowerState, assertSrHealthy, runOperation } from 'src/simulator/xe/vm-checks';
import { addDisk, addVif, copyVm } from 'src/simulator/xe/vm-factory';
import { selectOneVm } from 'src/simulator/xe/vm-select';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';

function findTemplate(ctx: XeContext, params: Map<string, string>): SimVm {
  const pool = ctx.host.poolUuid;
  const all = [...ctx.model.state.vms.values()].filter((vm) => vm.poolUuid === pool && !vm.isControlDomain);
  let matches: SimVm[];
  const byUuid = params.get('template-uuid');
  const byName = params.get('template-name') ?? params.get('template-name-label');
  const any = params.get('template');
  if (byUuid !== undefined) matches = all.filter((vm) => vm.uuid === byUuid);
  else if (byName !== undefined) matches = all.filter((vm) => vm.name === byName);
  else if (any !== undefined) matches = all.filter((vm) => vm.uuid === any || vm.name === any);
  else {
    throw new XeCliError(
      "Template must be specified by parameter 'template-uuid', 'template-name', 'template-name-label' or 'template'",
    );
  }
  if (matches.length === 0) throw new XeCliError('No templates matched');
  const [template] = matches;
  if (matches.length > 1 || !template) throw new XeCliError('More than one matching template found');
  if (!template.isTemplate) throw new XeCliError('Can only install from templates');
  return template;
}

function findSr(ctx: XeContext, params: Map<string, string>): SimSr {
  const uuid = params.get('sr-uuid');
  if (uuid !== undefined) {
    const sr = ctx.model.state.srs.get(uuid);
    if (!sr || sr.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['SR', uuid]);
    return sr;
  }
  const name = params.get('sr-name-label');
  if (name !== undefined) {
    const sr = [...ctx.model.state.srs.values()].find((s) => s.poolUuid === ctx.host.poolUuid && s.name === name);
    if (!sr) throw new XeCliError('No SR with that name-label found');
    return sr;
  }
  const def = ctx.model.pool(ctx.host.poolUuid).defaultSrUuid;
  const sr = def ? ctx.model.state.srs.get(def) : undefined;
  if (!sr) {
    throw new XeCliError(
      'Failed to find a valid default SR for the Pool. Please provide an sr-name-label or sr-uuid parameter.',
    );
  }
  return sr;
}

function provisionedBytes(template: SimVm): number {
  const m = /size="(\d+)"/.exec(template.otherConfig['disks'] ?? '');
  return m?.[1] ? parseInt(m[1], 10) : 10 * 1024 ** 3;
}

async function installFromCustom(ctx: XeContext, template: SimVm, params: Map<string, string>): Promise<string> {
  assertSrHealthy(ctx, ctx.host, 'vm-install');
  const vdis = ctx.model.vmVdis(template);
  const from = vdis[0] ? ctx.model.state.srs.get(vdis[0].srUuid) : undefined;
  const sr = params.has('sr-uuid') ? findSr(ctx, params) : null;
  const overrides = { description: template.description, origin: 'recent' as const };
  if (!sr || !from || sr.uuid === from.uuid) {
    return `${copyVm(ctx.model, template, params.get('new-name-label') ?? '', null, overrides).uuid}\n`;
  }
  const bytes = vdis.reduce((a, v) => a + v.physicalUtilisation, 0);
  let uuid = '';
  await runOperation(ctx, template, 'copy', storageMotionSeconds(bytes, from, sr, Infinity), () => {
    uuid = copyVm(ctx.model, template, params.get('new-name-label') ?? '', sr, overrides).uuid;
  });
  return `${uuid}\n`;
}

export const INSTALL_COMMANDS: Record<string, XeCommand> = {
  'vm-install': {
    run: (ctx, params) => {
      const template = findTemplate(ctx, params);
      // A template made from a VM (no provision spec) carries its disks: xapi clones it, or copies
      // it when an SR other than its disks' is named (cli_operations vm_install).
      if (!template.otherConfig['disks']) return installFromCustom(ctx, template, params);
      const sr = findSr(ctx, params);
      assertSrHealthy(ctx, ctx.host, 'vm-install');
      // Linux templates come up with the host's bundled guest agent; Windows needs its PV drivers installed.
      const tools =
        template.image === 'hvm-windows' ? null : { version: versionInfo(ctx.host.version).guestToolsBundled };
      const vm = copyVm(ctx.model, template, params.get('new-name-label') ?? '', null, {
        description: 'Installed via xe CLI',
        createdIn: ctx.host.version,
        origin: 'recent',
        tools,
      });
      addDisk(ctx.model, vm, sr, provisionedBytes(template), 0.2, 0);
      const mgmt = [...ctx.model.state.pifs.values()].find((p) => p.hostUuid === ctx.host.uuid && p.management);
      if (mgmt) addVif(ctx.model, vm, mgmt.networkUuid, '0');
      return `${vm.uuid}\n`;
    },
  },
  'vm-clone': {
    run: (ctx, params) => {
      const vm = selectOneVm(ctx, params, ['new-name-label', 'new-name-description']);
      assertPowerState(vm, ['halted']);
      const copy = copyVm(ctx.model, vm, params.get('new-name-label') ?? '', null);
      copy.description = params.get('new-name-description') ?? vm.description;
      return `${copy.uuid}\n`;
    },
  },
  'vm-copy': {
    run: async (ctx, params) => {
      const vm = selectOneVm(ctx, params, ['new-name-label', 'new-name-description', 'sr-uuid']);
      assertPowerState(vm, ['halted']);
      const sr = params.has('sr-uuid') ? findSr(ctx, params) : null;
      assertSrHealthy(ctx, ctx.host, 'vm-copy');
      const vdis = ctx.model.vmVdis(vm);
      const bytes = vdis.reduce((a, v) => a + v.physicalUtilisation, 0);
      const from = vdis[0] ? ctx.model.state.srs.get(vdis[0].srUuid) : undefined;
      const seconds = from ? storageMotionSeconds(bytes, from, sr ?? from, Infinity) : 1;
      let uuid = '';
      await runOperation(ctx, vm, 'copy', seconds, () => {
        uuid = copyVm(ctx.model, vm, params.get('new-name-label') ?? '', sr).uuid;
      });
      return `${uuid}\n`;
    },
  },
  'vif-create': {
    run: (ctx, params) => {
      const vmUuid = params.get('vm-uuid') ?? '';
      const vm = ctx.model.state.vms.get(vmUuid);
      if (!vm) throw new XeApiError('UUID_INVALID', ['VM', vmUuid]);
      const netUuid = params.get('network-uuid') ?? '';
      if (!ctx.model.state.networks.has(netUuid)) throw new XeApiError('UUID_INVALID', ['network', netUuid]);
      const uuid = addVif(ctx.model, vm, netUuid, params.get('device') ?? '0');
      // VIF.create on a running VM leaves it unplugged until vif-plug (xapi_vif.ml create)
      const vif = ctx.model.state.vifs.get(uuid);
      if (vif && vm.powerState === 'running') vif.pending = true;
      return `${uuid}\n`;
    },
  },
};

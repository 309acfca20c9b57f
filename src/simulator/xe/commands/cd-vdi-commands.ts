import { versionInfo } from 'src/simulator/model/versions';
import { assertNotTemplate, assertSrHealthy } from 'src/simulator/xe/vm-checks';
import { addVdi } from 'src/simulator/xe/vm-factory';
import { selectOneVm, vmRef } from 'src/simulator/xe/vm-select';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';
import { PrintedField, renderMinimal, renderRecord } from 'src/simulator/xe/record-printer';

/** ISO names every simulated host's tools SR offers (8.2 and 8.3 ship the tools under both names). */
const TOOLS_ISOS = ['guest-tools.iso', 'xs-tools.iso'];

const SIZE_UNITS: Record<string, number> = { '': 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

/** xe's size syntax: bytes, or a number with KiB/MiB/GiB/TiB. */
function parseXeSize(text: string): number {
  const m = /^(\d+)(KiB|MiB|GiB|TiB)?$/.exec(text);
  if (!m?.[1]) throw new XeCliError(`Failed to parse parameter 'virtual-size': expecting an integer, got ${text}`);
  return Number(m[1]) * (SIZE_UNITS[m[2] ?? ''] ?? 1);
}

/** The VM's CD drive (userdevice 3, empty until an ISO is inserted); every simulated VM has one. */
const CD_VBD = (vmUuid: string): string => `${vmUuid.slice(0, 24)}cd0000000003`;

export const CD_VDI_COMMANDS: Record<string, XeCommand> = {
  /** The ISOs of the pool's tools SR (the only CDs the simulator has), uuid and name-label by default. */
  'cd-list': {
    run: (ctx, params) => {
      const wanted = (params.get('params') ?? 'uuid,name-label').split(',');
      const records: PrintedField[][] = TOOLS_ISOS.map((name) => {
        const all: PrintedField[] = [
          { name: 'uuid', kind: 'RO', value: ctx.model.ids.uuidFor(`tools-iso:${ctx.host.poolUuid}:${name}`) },
          { name: 'name-label', kind: 'RW', value: name },
        ];
        return wanted.includes('all') ? all : all.filter((f) => wanted.includes(f.name));
      });
      if (params.get('minimal') === 'true') return renderMinimal(records);
      return records.map(renderRecord).join('');
    },
  },
  'vm-cd-insert': {
    run: (ctx, params) => {
      const vm = selectOneVm(ctx, params, ['cd-name']);
      assertNotTemplate(vm);
      const name = params.get('cd-name') ?? '';
      if (!TOOLS_ISOS.includes(name)) throw new XeCliError(`CD ${name} not found!`);
      if (vm.cd) throw new XeApiError('VBD_NOT_EMPTY', [CD_VBD(vm.uuid)]);
      vm.cd = name;
      // A running Windows guest autoruns the drivers' installer from the tools CD.
      if (vm.image === 'hvm-windows' && vm.powerState === 'running' && vm.residentOn) {
        const bundled = versionInfo(ctx.model.host(vm.residentOn).version).guestToolsBundled;
        vm.tools = { version: bundled };
        ctx.model.log(
          vm.residentOn,
          '/var/log/xensource.log',
          `xapi: [ info||guest_agent] VM ${vmRef(vm)}: PV drivers ${bundled} installed from ${name} (simulated)`,
        );
      }
      return '';
    },
  },
  'vm-cd-eject': {
    run: (ctx, params) => {
      const vm = selectOneVm(ctx, params, []);
      assertNotTemplate(vm);
      if (!vm.cd) throw new XeApiError('VBD_IS_EMPTY', [CD_VBD(vm.uuid)]);
      vm.cd = null;
      return '';
    },
  },
  'vdi-create': {
    run: (ctx, params) => {
      const srUuid = params.get('sr-uuid') ?? '';
      const sr = ctx.model.state.srs.get(srUuid);
      if (!sr || sr.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['SR', srUuid]);
      if (sr.type === 'iso') throw new XeApiError('SR_OPERATION_NOT_SUPPORTED', [srUuid]);
      const type = params.get('type') ?? 'user';
      if (type !== 'user' && type !== 'system') {
        throw new XeCliError(`Failed to parse parameter 'type': expecting one of user, system; got ${type}`);
      }
      assertSrHealthy(ctx, ctx.host, 'vdi-create');
      const size = parseXeSize(params.get('virtual-size') ?? '');
      const vdi = addVdi(ctx.model, {
        name: params.get('name-label') ?? '',
        description: params.get('name-description') ?? '',
        srUuid,
        virtualSize: size,
        physicalUtilisation: 0,
        readOnly: params.get('read-only') === 'true',
        type,
      });
      return `${vdi.uuid}\n`;
    },
  },
};

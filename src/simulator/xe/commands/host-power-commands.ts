import { SimHost } from 'src/simulator/model/types';
import { selectOneHost } from 'src/simulator/xe/vm-select';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';

/** A dom0 reboot (firmware, kernel, services) in simulated seconds. */
const HOST_REBOOT_SECONDS = 150;

function target(ctx: XeContext, params: Map<string, string>): SimHost {
  const uuid = params.get('uuid');
  if (uuid === undefined) return selectOneHost(ctx, params, []);
  const host = ctx.model.state.hosts.get(uuid);
  if (!host || host.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['host', uuid]);
  return host;
}

/** host-disable / host-enable / host-reboot, with xapi's preconditions for a reboot. */
export const HOST_POWER_COMMANDS: Record<string, XeCommand> = {
  'host-disable': {
    run: (ctx, params) => {
      target(ctx, params).enabled = false;
      return '';
    },
  },
  'host-enable': {
    run: (ctx, params) => {
      target(ctx, params).enabled = true;
      return '';
    },
  },
  'host-reboot': {
    run: (ctx, params) => {
      const host = target(ctx, params);
      if (host.enabled) throw new XeApiError('HOST_NOT_DISABLED', []);
      const resident = ctx.model.vmsOn(host.uuid).find((vm) => !vm.isControlDomain);
      if (resident) throw new XeApiError('HOST_IN_USE', [host.uuid, 'VM', resident.uuid]);
      if (!ctx.model.hooks.hostRebootRequested) throw new XeCliError('host-reboot is not simulated in this lab');
      ctx.model.log(host.uuid, '/var/log/xensource.log', `xapi: [ info||host] Host ${host.name} rebooting (simulated)`);
      // xapi enables the host again when it starts.
      host.enabled = true;
      ctx.model.hooks.hostRebootRequested(host, HOST_REBOOT_SECONDS);
      return '';
    },
  },
};

import { SimPif, SimVif, SimVm } from 'src/simulator/model/types';
import { deviceAttached } from 'src/simulator/xe/records';
import { vmRef } from 'src/simulator/xe/vm-select';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';

/**
 * Networks and VIFs: network-create|destroy, vif-plug|unplug|destroy, host-management-disable
 * (cli_operations.ml; refusals from xapi_network.ml destroy and xapi_vif_helpers.ml).
 */

function lookupVif(ctx: XeContext, uuid: string): { vif: SimVif; vm: SimVm } {
  const vif = ctx.model.state.vifs.get(uuid);
  const vm = vif ? ctx.model.state.vms.get(vif.vmUuid) : undefined;
  if (!vif || !vm || vm.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['VIF', uuid]);
  return { vif, vm };
}

/** xapi_vif_helpers.ml valid_operations for plug/unplug. */
function assertVifPlug(ctx: XeContext, vif: SimVif, vm: SimVm, op: 'plug' | 'unplug'): void {
  if (vm.powerState !== 'running') throw new XeApiError('VM_BAD_POWER_STATE', [vmRef(vm), 'running', vm.powerState]);
  const attached = deviceAttached(vif, ctx.model);
  if (op === 'plug' && attached) throw new XeApiError('DEVICE_ALREADY_ATTACHED', [vif.uuid]);
  if (op === 'unplug' && !attached) throw new XeApiError('DEVICE_ALREADY_DETACHED', [vif.uuid]);
}

function lookupPif(ctx: XeContext, uuid: string): SimPif {
  const pif = ctx.model.state.pifs.get(uuid);
  if (!pif || ctx.model.state.hosts.get(pif.hostUuid)?.poolUuid !== ctx.host.poolUuid) {
    throw new XeApiError('UUID_INVALID', ['PIF', uuid]);
  }
  return pif;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export const NETWORK_COMMANDS: Record<string, XeCommand> = {
  'vif-move': {
    run: (ctx, params) => {
      const { vif } = lookupVif(ctx, params.get('uuid') ?? '');
      const netUuid = params.get('network-uuid') ?? '';
      const net = ctx.model.state.networks.get(netUuid);
      if (!net || net.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['network', netUuid]);
      vif.networkUuid = netUuid;
      return '';
    },
  },
  'pif-set-primary-address-type': {
    run: (ctx, params) => {
      const pif = lookupPif(ctx, params.get('uuid') ?? '');
      const text = params.get('primary_address_type') ?? '';
      const t = text.toLowerCase();
      // Record_util.primary_address_type_of_string
      if (t !== 'ipv4' && t !== 'ipv6') throw new XeCliError(`Expected 'ipv4' or 'ipv6', got ${text}`);
      pif.primaryAddressType = t === 'ipv4' ? 'IPv4' : 'IPv6';
      return '';
    },
  },
  'message-destroy': {
    // cli_operations.ml message_destroy; a simulated lab raises no messages, so any uuid is unknown
    run: (_ctx, params) => {
      const uuid = params.get('uuid');
      const uuids = params.get('uuids');
      if (uuid !== undefined && uuids !== undefined) {
        throw new XeCliError('Ambiguous arguments; need one of uuid, uuids');
      }
      if (uuid === undefined && uuids === undefined) throw new XeCliError('Need one of uuid, uuids');
      const first = uuid ?? (uuids ?? '').split(',')[0] ?? '';
      throw new XeApiError('UUID_INVALID', ['message', first]);
    },
  },
  'pif-plug': {
    run: (ctx, params) => {
      const pif = lookupPif(ctx, params.get('uuid') ?? '');
      // Xapi_network_attach_helpers.assert_no_slave
      if (pif.bondSlaveOf) throw new XeApiError('CANNOT_PLUG_BOND_SLAVE', [pif.uuid]);
      pif.attached = true;
      return '';
    },
  },
  'pif-unplug': {
    // xapi_pif.ml unplug: not the management PIF, no VIF of a running VM on its network on that host
    run: (ctx, params) => {
      const pif = lookupPif(ctx, params.get('uuid') ?? '');
      if (pif.management) throw new XeApiError('PIF_IS_MANAGEMENT_INTERFACE', [pif.uuid]);
      const inUse = [...ctx.model.state.vifs.values()].filter(
        (v) =>
          v.networkUuid === pif.networkUuid &&
          deviceAttached(v, ctx.model) &&
          ctx.model.state.vms.get(v.vmUuid)?.residentOn === pif.hostUuid,
      );
      const first = inUse[0];
      if (first) {
        const net = ctx.model.state.networks.get(pif.networkUuid);
        // Xapi_network_attach_helpers.assert_network_has_no_vifs_in_use_on_me
        throw new XeApiError('VIF_IN_USE', [`${pif.networkUuid} (${net?.name ?? ''})`, first.uuid]);
      }
      pif.attached = false;
      return '';
    },
  },
  'pif-reconfigure-ip': {
    run: (ctx, params) => {
      const pif = lookupPif(ctx, params.get('uuid') ?? '');
      const modeText = (params.get('mode') ?? '').toLowerCase();
      const modes: Record<string, 'DHCP' | 'None' | 'Static'> = { dhcp: 'DHCP', none: 'None', static: 'Static' };
      const mode = modes[modeText];
      if (!mode) throw new XeCliError(`Expected 'dhcp','none' or 'static', got ${params.get('mode') ?? ''}`);
      const lower = new Map([...params].map(([k, v]) => [k.toLowerCase(), v]));
      const ip = lower.get('ip') ?? '';
      const netmask = params.get('netmask') ?? '';
      const gateway = params.get('gateway') ?? '';
      if (mode === 'Static') {
        if (!IPV4.test(ip)) throw new XeApiError('INVALID_IP_ADDRESS_SPECIFIED', ['IP']);
        if (!IPV4.test(netmask)) throw new XeApiError('INVALID_IP_ADDRESS_SPECIFIED', ['netmask']);
      }
      for (const [name, value] of [
        ['IP', ip],
        ['netmask', netmask],
        ['gateway', gateway],
      ] as const) {
        if (value !== '' && !IPV4.test(value)) throw new XeApiError('INVALID_IP_ADDRESS_SPECIFIED', [name]);
      }
      if (pif.management && mode === 'None' && (pif.primaryAddressType ?? 'IPv4') === 'IPv4') {
        throw new XeApiError('PIF_IS_MANAGEMENT_INTERFACE', [pif.uuid]);
      }
      pif.mode = mode;
      // DHCP keeps the address the lab gave the interface; static takes the given one
      if (mode === 'Static') pif.ip = ip;
      if (mode === 'None') pif.ip = '';
      pif.netmask = mode === 'DHCP' ? (pif.netmask ?? '255.0.0.0') : netmask;
      pif.gateway = gateway;
      pif.dns = lower.get('dns') ?? '';
      return '';
    },
  },
  'pif-forget': {
    // xapi_pif.ml forget: never the management PIF; the record goes (a later pif-scan brings it back)
    run: (ctx, params) => {
      const pif = lookupPif(ctx, params.get('uuid') ?? '');
      if (pif.management) throw new XeApiError('PIF_IS_MANAGEMENT_INTERFACE', [pif.uuid]);
      ctx.model.state.pifs.delete(pif.uuid);
      return '';
    },
  },
  'pif-scan': {
    // every physical NIC of a simulated host already has its PIF: nothing new to introduce
    run: (ctx, params) => {
      const uuid = params.get('host-uuid') ?? '';
      const host = ctx.model.state.hosts.get(uuid);
      if (!host || host.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['host', uuid]);
      return '';
    },
  },
  'network-create': {
    run: (ctx, params) => {
      const mtuText = params.get('MTU');
      const mtu = mtuText === undefined ? 1500 : Number(mtuText);
      if (!Number.isInteger(mtu)) throw new XeCliError(`Failed to parse parameter 'MTU': expecting an integer`);
      // Xapi_network.create: MTU between 68 and 65535
      if (mtu < 68 || mtu > 65535) throw new XeApiError('MTU_OUT_OF_RANGE', [String(mtu), '68', '65535']);
      const taken = new Set([...ctx.model.state.networks.values()].map((n) => n.bridge));
      let bridge = params.get('bridge') ?? '';
      if (bridge === '') {
        // Xapi_network.create picks the first free xapi<N>
        let n = 0;
        while (taken.has(`xapi${n}`)) n += 1;
        bridge = `xapi${n}`;
      } else if (taken.has(bridge)) {
        throw new XeApiError('BRIDGE_NAME_EXISTS', [bridge]);
      }
      const uuid = ctx.model.ids.next('network');
      ctx.model.state.networks.set(uuid, {
        uuid,
        name: params.get('name-label') ?? '',
        description: params.get('name-description') ?? '',
        bridge,
        poolUuid: ctx.host.poolUuid,
        mtu,
        managed: params.get('managed') !== 'false',
      });
      return `${uuid}\n`;
    },
  },
  'network-destroy': {
    run: (ctx, params) => {
      const uuid = params.get('uuid') ?? '';
      const net = ctx.model.state.networks.get(uuid);
      if (!net || net.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['network', uuid]);
      const connected = [...ctx.model.state.vifs.values()].filter(
        (v) => v.networkUuid === uuid && deviceAttached(v, ctx.model),
      );
      if (connected.length > 0) {
        throw new XeApiError(
          'NETWORK_CONTAINS_VIF',
          connected.map((v) => v.uuid),
        );
      }
      const pifs = [...ctx.model.state.pifs.values()].filter((p) => p.networkUuid === uuid);
      if (pifs.length > 0) {
        throw new XeApiError(
          'NETWORK_CONTAINS_PIF',
          pifs.map((p) => p.uuid),
        );
      }
      // VIFs of halted VMs go with the network (Db cascade on VIF.network).
      for (const vif of [...ctx.model.state.vifs.values()]) {
        if (vif.networkUuid === uuid) ctx.model.state.vifs.delete(vif.uuid);
      }
      ctx.model.state.networks.delete(uuid);
      return '';
    },
  },
  'vif-destroy': {
    run: (ctx, params) => {
      const { vif } = lookupVif(ctx, params.get('uuid') ?? '');
      if (deviceAttached(vif, ctx.model)) {
        throw new XeApiError('OPERATION_NOT_ALLOWED', ['VIF currently attached to a running VM']);
      }
      ctx.model.state.vifs.delete(vif.uuid);
      return '';
    },
  },
  'vif-plug': {
    run: (ctx, params) => {
      const { vif, vm } = lookupVif(ctx, params.get('uuid') ?? '');
      assertVifPlug(ctx, vif, vm, 'plug');
      vif.unplugged = false;
      vif.pending = false;
      return '';
    },
  },
  'vif-unplug': {
    run: (ctx, params) => {
      const { vif, vm } = lookupVif(ctx, params.get('uuid') ?? '');
      assertVifPlug(ctx, vif, vm, 'unplug');
      vif.unplugged = true;
      return '';
    },
  },
  'host-management-disable': {
    // Host.management_disable runs on the host xe talks to (Neverforward): its management PIF lets go of the IP.
    run: (ctx) => {
      for (const pif of ctx.model.state.pifs.values()) {
        if (pif.hostUuid === ctx.host.uuid && pif.management) pif.management = false;
      }
      return '';
    },
  },
  'host-management-reconfigure': {
    run: (ctx, params) => {
      const uuid = params.get('pif-uuid') ?? '';
      const pif = ctx.model.state.pifs.get(uuid);
      if (!pif || ctx.model.state.hosts.get(pif.hostUuid)?.poolUuid !== ctx.host.poolUuid) {
        throw new XeApiError('UUID_INVALID', ['PIF', uuid]);
      }
      for (const other of ctx.model.state.pifs.values()) if (other.hostUuid === pif.hostUuid) other.management = false;
      pif.management = true;
      return '';
    },
  },
};

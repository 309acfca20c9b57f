import { SimPif } from 'src/simulator/model/types';
import { bondProperties, parseBondMode } from 'src/simulator/network/bond-modes';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError } from 'src/simulator/xe/xe-errors';

/**
 * bond-create, bond-destroy, bond-set-mode as cli_operations.ml calls them and xen-api
 * ocaml/xapi/xapi_bond.ml does them (v1.249.38 and v24.19.2 agree on what is modelled here): the
 * master PIF `bond<N>` on the given network, members marked bond_slave_of and unplugged, the IP
 * configuration, management and local VIFs moved to the master and back. VLANs, tunnels and HA are
 * not modelled in the lab, so their refusals cannot arise.
 */

const pifAttached = (p: SimPif): boolean => p.attached ?? (p.management || p.carrier);

function pifByUuid(ctx: XeContext, uuid: string): SimPif {
  const pif = ctx.model.state.pifs.get(uuid);
  if (!pif || ctx.model.state.hosts.get(pif.hostUuid)?.poolUuid !== ctx.host.poolUuid) {
    throw new XeApiError('UUID_INVALID', ['PIF', uuid]);
  }
  return pif;
}

/** get_local_vifs: VIFs on those networks of VMs resident on the host (or halted VMs that could only start there). */
function moveLocalVifs(ctx: XeContext, hostUuid: string, from: string[], to: string): void {
  for (const vif of ctx.model.state.vifs.values()) {
    if (!from.includes(vif.networkUuid)) continue;
    if (ctx.model.state.vms.get(vif.vmUuid)?.residentOn === hostUuid) vif.networkUuid = to;
  }
}

function moveIpConfiguration(from: SimPif, to: SimPif): void {
  to.mode = from.mode ?? (from.management ? 'Static' : 'None');
  to.ip = from.ip;
  to.netmask = from.netmask ?? (from.management ? '255.0.0.0' : '');
  to.gateway = from.gateway ?? '';
  to.dns = from.dns ?? '';
  from.mode = 'None';
  from.ip = '';
  from.netmask = '';
  from.gateway = '';
  from.dns = '';
}

export const BOND_COMMANDS: Record<string, XeCommand> = {
  'bond-create': {
    run: (ctx, params) => {
      const { state } = ctx.model;
      const networkUuid = params.get('network-uuid') ?? '';
      const network = state.networks.get(networkUuid);
      if (!network || network.poolUuid !== ctx.host.poolUuid) {
        throw new XeApiError('UUID_INVALID', ['network', networkUuid]);
      }
      const members = [...new Set((params.get('pif-uuids') ?? '').split(','))].map((u) => pifByUuid(ctx, u));
      const mode = parseBondMode(params.get('mode') ?? '');
      const given = [...params]
        .filter(([k]) => k.startsWith('properties:'))
        .map(([k, v]): [string, string] => [k.slice('properties:'.length), v]);
      const mac = params.get('mac') ?? '';
      // Xapi_network.assert_network_is_managed
      if (network.managed === false) throw new XeApiError('NETWORK_UNMANAGED', [network.uuid]);
      const hostUuid = members[0]!.hostUuid;
      const already = [...state.pifs.values()].find((p) => p.networkUuid === networkUuid && p.hostUuid === hostUuid);
      if (already) throw new XeApiError('NETWORK_ALREADY_CONNECTED', [hostUuid, already.uuid]);
      if (mac !== '' && !/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(mac)) throw new XeApiError('MAC_INVALID', [mac]);
      const properties = bondProperties(mode, given);
      const management = members.find((p) => p.management);
      const withIp = members.filter((p) => (p.mode ?? (p.management ? 'Static' : 'None')) !== 'None');
      const primary = management ?? withIp[0] ?? members[0]!;
      for (const pif of members) {
        // Xapi_pif_helpers.bond_is_allowed_on_pif
        if (pif.bondSlaveOf) throw new XeApiError('PIF_ALREADY_BONDED', [pif.uuid]);
      }
      if (new Set(members.map((p) => p.hostUuid)).size !== 1) throw new XeApiError('PIF_CANNOT_BOND_CROSS_HOST', []);
      if (withIp.length > 1) throw new XeApiError('PIF_BOND_MORE_THAN_ONE_IP', []);

      const taken = new Set(
        [...state.pifs.values()].filter((p) => p.hostUuid === hostUuid && p.bond).map((p) => p.device),
      );
      let n = 0;
      while (taken.has(`bond${n}`)) n += 1;
      const bondUuid = ctx.model.ids.next('bond');
      const master: SimPif = {
        uuid: ctx.model.ids.next('pif'),
        hostUuid,
        networkUuid,
        device: `bond${n}`,
        mac: mac === '' ? primary.mac : mac,
        carrier: true,
        management: false,
        ip: '',
        speedMbps: members.reduce((t, p) => t + p.speedMbps, 0),
        physical: false,
        bond: {
          uuid: bondUuid,
          mode,
          properties,
          primarySlave: primary.uuid,
          members: members.map((p) => p.uuid),
          autoUpdateMac: mac === '',
        },
      };
      state.pifs.set(master.uuid, master);
      for (const pif of members) pif.bondSlaveOf = bondUuid;
      moveIpConfiguration(primary, master);
      if (management) {
        management.management = false;
        master.management = true;
      }
      // Nm.bring_pif_up on the master takes the members down as separate interfaces
      master.attached = true;
      for (const pif of members) pif.attached = false;
      moveLocalVifs(
        ctx,
        hostUuid,
        members.map((p) => p.networkUuid),
        networkUuid,
      );
      return `${bondUuid}\n`;
    },
  },
  'bond-destroy': {
    run: (ctx, params) => {
      const uuid = params.get('uuid') ?? '';
      const master = [...ctx.model.state.pifs.values()].find((p) => p.bond?.uuid === uuid);
      if (!master?.bond || ctx.model.state.hosts.get(master.hostUuid)?.poolUuid !== ctx.host.poolUuid) {
        throw new XeApiError('UUID_INVALID', ['Bond', uuid]);
      }
      const members = master.bond.members.map((u) => ctx.model.state.pifs.get(u)).filter((p) => p !== undefined);
      const primary = ctx.model.state.pifs.get(master.bond.primarySlave) ?? members[0]!;
      moveIpConfiguration(master, primary);
      const plugged = pifAttached(master);
      if (master.management) {
        master.management = false;
        primary.management = true;
      }
      for (const pif of members) {
        pif.bondSlaveOf = undefined;
        if (plugged || pif === primary) pif.attached = plugged || pif.management;
      }
      moveLocalVifs(ctx, master.hostUuid, [master.networkUuid], primary.networkUuid);
      ctx.model.state.pifs.delete(master.uuid);
      return '';
    },
  },
  'bond-set-mode': {
    run: (ctx, params) => {
      const uuid = params.get('uuid') ?? '';
      const master = [...ctx.model.state.pifs.values()].find((p) => p.bond?.uuid === uuid);
      if (!master?.bond || ctx.model.state.hosts.get(master.hostUuid)?.poolUuid !== ctx.host.poolUuid) {
        throw new XeApiError('UUID_INVALID', ['Bond', uuid]);
      }
      const mode = parseBondMode(params.get('mode') ?? '');
      // Xapi_bond.set_mode keeps the properties the new mode allows, then adds its defaults
      const kept = master.bond.properties.filter(([k, v]) => {
        try {
          bondProperties(mode, [[k, v]]);
          return true;
        } catch {
          return false;
        }
      });
      master.bond.mode = mode;
      master.bond.properties = bondProperties(mode, kept);
      return '';
    },
  },
};

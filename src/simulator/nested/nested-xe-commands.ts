import { SimHost } from 'src/simulator/model/types';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError } from 'src/simulator/xe/xe-errors';
import { removeVm } from 'src/simulator/xe/vm-factory';
import { parseBool } from 'src/simulator/xe/format';

const CONNECTION_REFUSED =
  'Host cannot contact destination host: connection refused.\nCheck destination host has services running and accessible from this host.\n';

function findByAddress(ctx: XeContext, address: string): SimHost | undefined {
  return [...ctx.model.state.hosts.values()].find(
    (h) =>
      h.address === address ||
      [...ctx.model.state.pifs.values()].some((p) => p.hostUuid === h.uuid && p.management && p.ip === address),
  );
}

/** Checks in xapi's pre_join_checks order (xe-cli.md § Pool), those the simulator can tell apart. */
function assertCanJoin(ctx: XeContext, joiner: SimHost, master: SimHost, force: boolean): void {
  const m = ctx.model;
  if (m.poolHosts(joiner.poolUuid).length > 1) throw new XeApiError('JOINING_HOST_CANNOT_BE_MASTER_OF_OTHER_HOSTS', []);
  if (m.vmsOn(joiner.uuid).some((vm) => !vm.isControlDomain)) {
    throw new XeApiError('JOINING_HOST_CANNOT_HAVE_RUNNING_VMS', []);
  }
  if (!force && joiner.version !== master.version) {
    throw new XeApiError('HOSTS_NOT_HOMOGENEOUS', ['Software version differs']);
  }
  if ([...m.state.srs.values()].some((sr) => sr.poolUuid === joiner.poolUuid && sr.shared)) {
    throw new XeApiError('JOINING_HOST_CANNOT_CONTAIN_SHARED_SRS', []);
  }
}

/**
 * The joiner's database gives way to the pool's: its own VM records (bar dom0) and templates go, its
 * local SRs and PIFs come along (PIFs onto the pool network of the same bridge), and the pool's shared
 * SRs get plugged on it.
 */
function join(ctx: XeContext, joiner: SimHost, master: SimHost): void {
  const m = ctx.model;
  const from = joiner.poolUuid;
  const to = master.poolUuid;
  for (const vm of [...m.state.vms.values()]) {
    if (vm.poolUuid !== from) continue;
    if (vm.uuid === joiner.controlDomainUuid) {
      vm.poolUuid = to;
      continue;
    }
    for (const vbd of [...m.state.vbds.values()]) if (vbd.vmUuid === vm.uuid) m.state.vbds.delete(vbd.uuid);
    for (const vif of [...m.state.vifs.values()]) if (vif.vmUuid === vm.uuid) m.state.vifs.delete(vif.uuid);
    m.state.vms.delete(vm.uuid);
  }
  for (const pif of m.state.pifs.values()) {
    if (pif.hostUuid !== joiner.uuid) continue;
    const own = m.state.networks.get(pif.networkUuid);
    const same = [...m.state.networks.values()].find((n) => n.poolUuid === to && n.bridge === own?.bridge);
    if (same) pif.networkUuid = same.uuid;
    else if (own) own.poolUuid = to;
  }
  for (const net of [...m.state.networks.values()]) if (net.poolUuid === from) m.state.networks.delete(net.uuid);
  for (const sr of m.state.srs.values()) if (sr.poolUuid === from) sr.poolUuid = to;
  for (const sr of [...m.state.srs.values()]) {
    if (sr.poolUuid !== to || !sr.shared) continue;
    const template = [...m.state.pbds.values()].find((p) => p.srUuid === sr.uuid);
    const uuid = m.ids.next('pbd');
    m.state.pbds.set(uuid, {
      uuid,
      hostUuid: joiner.uuid,
      srUuid: sr.uuid,
      deviceConfig: { ...(template?.deviceConfig ?? {}) },
      attached: true,
    });
  }
  joiner.poolUuid = to;
  m.state.pools.delete(from);
  m.refreshRollingUpgrade(to);
  m.log(joiner.uuid, '/var/log/xensource.log', `xapi: joined the pool of ${master.name} (${master.address})`);
}

/**
 * Pool.eject (xapi_pool.ml eject_self): the host leaves with its local SRs, reinitialised (their
 * VDIs are lost, and with them the VMs that used them), becomes the master of a new pool of its
 * own, and restarts its toolstack.
 */
function eject(ctx: XeContext, host: SimHost): void {
  const m = ctx.model;
  const from = host.poolUuid;
  const to = m.ids.next('pool');
  m.state.pools.set(to, { uuid: to, name: '', masterUuid: host.uuid, defaultSrUuid: null, otherConfig: {} });
  for (const pbd of [...m.state.pbds.values()]) {
    if (pbd.hostUuid !== host.uuid) continue;
    const sr = m.state.srs.get(pbd.srUuid);
    if (!sr) continue;
    if (sr.shared) {
      m.state.pbds.delete(pbd.uuid);
      continue;
    }
    for (const vdi of [...m.state.vdis.values()]) {
      if (vdi.srUuid !== sr.uuid) continue;
      for (const vbd of [...m.state.vbds.values()]) {
        if (vbd.vdiUuid !== vdi.uuid) continue;
        const vm = m.state.vms.get(vbd.vmUuid);
        if (vm && !vm.isControlDomain) removeVm(m, vm, false);
        m.state.vbds.delete(vbd.uuid);
      }
      m.state.vdis.delete(vdi.uuid);
    }
    sr.poolUuid = to;
  }
  for (const pif of m.state.pifs.values()) {
    if (pif.hostUuid !== host.uuid) continue;
    const net = m.state.networks.get(pif.networkUuid);
    const uuid = m.ids.next('network');
    m.state.networks.set(uuid, {
      uuid,
      name: net?.name ?? pif.device,
      bridge: net?.bridge ?? `xenbr${pif.device.slice(3)}`,
      poolUuid: to,
    });
    pif.networkUuid = uuid;
  }
  const dom0 = m.state.vms.get(host.controlDomainUuid);
  if (dom0) dom0.poolUuid = to;
  host.poolUuid = to;
  m.refreshRollingUpgrade(from);
  m.log(host.uuid, '/var/log/xensource.log', `xapi: Pool.eject: this host is now the master of a new pool (simulated)`);
  m.hooks.hostRebootRequested?.(host, 60);
}

/** Pool membership, host identity and SR creation: what building a pool out of fresh hosts needs. */
export const NESTED_XE_COMMANDS: Record<string, XeCommand> = {
  'pool-eject': {
    run: (ctx, params) => {
      const uuid = params.get('host-uuid') ?? '';
      const host = ctx.model.state.hosts.get(uuid);
      if (!host || host.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['host', uuid]);
      const lines = [
        "WARNING: Ejecting a host from the pool will reinitialise that host's local SRs.",
        'WARNING: Any data contained with the local SRs will be lost.',
      ];
      if (params.get('force') !== 'true') {
        // cli_operations.ml pool_eject then asks "Type 'yes' to continue" on xe's stdin; the
        // simulated xe has none to read, so the answer is taken as no (derived).
        return [...lines, "Type 'yes' to continue", ''].join('\n');
      }
      // xapi_pool.ml eject_self
      if (ctx.model.pool(host.poolUuid).masterUuid === host.uuid) {
        throw new XeApiError('INTERNAL_ERROR', ['Xapi_pool.Cannot_eject_master']);
      }
      if (ctx.model.vmsOn(host.uuid).some((vm) => !vm.isControlDomain && vm.powerState !== 'halted')) {
        throw new XeApiError('OPERATION_NOT_ALLOWED', ['VM resident on host']);
      }
      eject(ctx, host);
      return 'Specified host will attempt to restart as a master of a new pool in 10. seconds...\n';
    },
  },
  'pool-join': {
    run: (ctx, params) => {
      const master = findByAddress(ctx, params.get('master-address') ?? '');
      // remote-password is not checked by the simulator (README); the joiner just has to reach a master.
      if (!master || master.uuid === ctx.host.uuid || ctx.model.pool(master.poolUuid).masterUuid !== master.uuid) {
        return CONNECTION_REFUSED;
      }
      assertCanJoin(ctx, ctx.host, master, parseBool(params.get('force') ?? 'false') ?? false);
      join(ctx, ctx.host, master);
      return 'Host agent will restart and attempt to join pool in 10. seconds...\n';
    },
  },
  'host-set-hostname-live': {
    run: (ctx, params) => {
      const uuid = params.get('host-uuid') ?? '';
      const host = ctx.model.state.hosts.get(uuid);
      if (!host || host.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['host', uuid]);
      const name = params.get('host-name') ?? '';
      if (!/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/.test(name)) throw new XeApiError('HOST_NAME_INVALID', [name]);
      host.name = name;
      return '';
    },
  },
};

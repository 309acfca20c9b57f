import { SimHost, SimSr } from 'src/simulator/model/types';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext } from 'src/simulator/xe/xe-context';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';
import { parseBool } from 'src/simulator/xe/format';

const GIB = 1024 ** 3;

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

function createSr(ctx: XeContext, params: Map<string, string>): SimSr {
  const m = ctx.model;
  const type = params.get('type') ?? '';
  const shared = parseBool(params.get('shared') ?? 'false') ?? false;
  const deviceConfig: Record<string, string> = {};
  for (const [k, v] of params) if (k.startsWith('device-config:')) deviceConfig[k.slice(14)] = v;
  if (type === 'nfs') {
    for (const key of ['server', 'serverpath']) {
      if (!deviceConfig[key]) throw new XeApiError('SR_BACKEND_FAILURE_72', ['', `NFS ${key} missing`, '']);
    }
  } else if (type !== 'ext' && type !== 'lvm') {
    throw new XeApiError('SR_UNKNOWN_DRIVER', [type]);
  }
  if (type !== 'nfs' && shared) throw new XeCliError(`SR type ${type} cannot be shared in the simulated lab`);
  const size = Number(params.get('physical-size') ?? (type === 'nfs' ? 2048 * GIB : 100 * GIB));
  const sr: SimSr = {
    uuid: m.ids.next('sr'),
    name: params.get('name-label') ?? '',
    type: type,
    shared: type === 'nfs' ? shared : false,
    poolUuid: ctx.host.poolUuid,
    physicalSize: Number.isFinite(size) && size > 0 ? size : 100 * GIB,
    contentType: params.get('content-type') ?? 'user',
  };
  let hosts: SimHost[];
  if (sr.shared) hosts = m.poolHosts(ctx.host.poolUuid);
  else {
    const uuid = params.get('host-uuid');
    const host = uuid ? m.state.hosts.get(uuid) : ctx.host;
    if (!host || host.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['host', uuid ?? '']);
    hosts = [host];
  }
  m.state.srs.set(sr.uuid, sr);
  for (const h of hosts) {
    const uuid = m.ids.next('pbd');
    m.state.pbds.set(uuid, { uuid, hostUuid: h.uuid, srUuid: sr.uuid, deviceConfig, attached: true });
  }
  return sr;
}

/** Pool membership, host identity and SR creation: what building a pool out of fresh hosts needs. */
export const NESTED_XE_COMMANDS: Record<string, XeCommand> = {
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
  'sr-create': {
    run: (ctx, params) => `${createSr(ctx, params).uuid}\n`,
  },
};

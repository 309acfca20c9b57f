import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { LabModel } from 'src/simulator/model/lab-model';
import { SimVif, VifLockingMode, XcpVersion } from 'src/simulator/model/types';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';

/**
 * VIF locking as xapi and the vswitch rules xenopsd writes for it apply it: what a guest sends
 * through a VIF leaves only when the VIF's effective locking mode lets its source address through.
 * Sources: xen-api ocaml/xapi/xapi_vif.ml (get_effective_locking_mode, add_ipv4_allowed),
 * ocaml/xapi/helpers.ml (assert_is_valid_ip at v1.249.38, assert_is_valid_ip_addr with CIDRs at
 * v24.19.2), ocaml/xapi-cli-server/record_util.ml (the mode names the CLI accepts).
 */

const VIF_MODES: readonly VifLockingMode[] = ['network_default', 'locked', 'unlocked', 'disabled'];

/** Record_util.string_to_vif_locking_mode */
export function parseVifLockingMode(text: string): VifLockingMode {
  const mode = VIF_MODES.find((m) => m === text);
  if (!mode) throw new XeCliError(`Expected 'network_default', 'locked', 'unlocked', 'disabled', got ${text}`);
  return mode;
}

/** Record_util.string_to_network_default_locking_mode */
export function parseNetworkLockingMode(text: string): 'unlocked' | 'disabled' {
  if (text === 'unlocked' || text === 'disabled') return text;
  throw new XeCliError(`Expected 'unlocked' or 'disabled', got ${text}`);
}

type Family = 'ipv4' | 'ipv6';
const isFamily = (family: Family, address: string): boolean => (family === 'ipv4' ? isIPv4(address) : isIPv6(address));

/** Helpers.parse_cidr: an address of the family, `/`, a prefix length the family allows. */
function parseCidr(family: Family, text: string): { address: string; prefix: number } | null {
  const m = /^([^/]*)\/(\d+)/.exec(text);
  if (!m || !isFamily(family, m[1]!)) return null;
  const prefix = Number(m[2]);
  return prefix <= (family === 'ipv4' ? 32 : 128) ? { address: m[1]!, prefix } : null;
}

/**
 * What VIF.add_ipv4_allowed / add_ipv6_allowed accept: an address on 8.2.1; an address or a CIDR
 * on 8.3.0. Anything else is INVALID_IP_ADDRESS_SPECIFIED naming the field.
 */
export function assertAllowedEntries(family: Family, entries: string[], version: XcpVersion): void {
  for (const entry of entries) {
    const ok = isFamily(family, entry) || (version !== '8.2.1' && parseCidr(family, entry) !== null);
    if (!ok) throw new XeApiError('INVALID_IP_ADDRESS_SPECIFIED', [`${family}_allowed`]);
  }
}

/** Xapi_vif.get_effective_locking_mode: network_default follows the network's default (unlocked unless set). */
function effectiveLockingMode(vif: SimVif, model: LabModel): Exclude<VifLockingMode, 'network_default'> {
  const mode = vif.lockingMode ?? 'network_default';
  if (mode !== 'network_default') return mode;
  return model.state.networks.get(vif.networkUuid)?.defaultLockingMode ?? 'unlocked';
}

/**
 * Whether a packet the guest sends from `source` leaves through the VIF. Unlocked: everything.
 * Disabled: nothing. Locked: only sources listed (or, on 8.3, inside a listed CIDR) for their
 * family; with both lists empty a locked VIF drops everything.
 */
export function vifLetsOut(vif: SimVif, model: LabModel, source: string): boolean {
  const mode = effectiveLockingMode(vif, model);
  if (mode === 'unlocked') return true;
  if (mode === 'disabled') return false;
  const family: Family = isIPv4(source) ? 'ipv4' : 'ipv6';
  const allowed = (family === 'ipv4' ? vif.ipv4Allowed : vif.ipv6Allowed) ?? [];
  const list = new BlockList();
  for (const entry of allowed) {
    const cidr = parseCidr(family, entry);
    if (cidr) list.addSubnet(cidr.address, cidr.prefix, family);
    else if (isFamily(family, entry)) list.addAddress(entry, family);
  }
  return list.check(source, family);
}

import { BondMode } from 'src/simulator/model/types';
import { XeApiError, XeCliError } from 'src/simulator/xe/xe-errors';

/**
 * Bond modes and their properties as xapi_bond.ml (requirements_of_mode) and Record_util
 * (bond_mode_of_string) define them: only lacp has properties, each with its allowed values.
 */
const LACP: Record<string, { fallback?: string; valid: (v: string) => boolean }> = {
  hashing_algorithm: { fallback: 'tcpudp_ports', valid: (v) => ['src_mac', 'tcpudp_ports'].includes(v) },
  'lacp-time': { fallback: 'slow', valid: (v) => ['fast', 'slow'].includes(v) },
  'lacp-aggregation-key': { valid: (v) => /^-?\d+$/.test(v) },
  'lacp-fallback-ab': { fallback: 'true', valid: (v) => ['true', 'false'].includes(v) },
};

/** Record_util.bond_mode_of_string: an empty mode is balance-slb. */
export function parseBondMode(text: string): BondMode {
  const m = text.toLowerCase();
  if (m === '' || m === 'balance-slb') return 'balance-slb';
  if (m === 'active-backup' || m === 'lacp') return m;
  throw new XeCliError(`Invalid bond mode. Got ${m}`);
}

/** Map_check.validate_kvpair "properties": a key the mode does not define, or a bad value, is INVALID_VALUE. */
export function assertBondProperty(mode: BondMode, key: string, value: string): void {
  const rule = mode === 'lacp' ? LACP[key] : undefined;
  if (!rule?.valid(value)) throw new XeApiError('INVALID_VALUE', ['properties', `${key} = ${value}`]);
}

/** The given properties, checked, with the mode's defaults added (Map_check.add_defaults). */
export function bondProperties(mode: BondMode, given: Array<[string, string]>): Array<[string, string]> {
  for (const [k, v] of given) assertBondProperty(mode, k, v);
  const defaults: Array<[string, string]> =
    mode === 'lacp'
      ? Object.entries(LACP)
          .filter(([k, r]) => r.fallback !== undefined && !given.some(([g]) => g === k))
          .map(([k, r]) => [k, r.fallback!])
      : [];
  return [...given, ...defaults];
}

import { LabModel } from 'src/simulator/model/lab-model';
import { GuestLinks, SimVif, SimVm } from 'src/simulator/model/types';
import { deviceAttached } from 'src/simulator/xe/records';

/**
 * A Linux guest's network interfaces as its kernel sees them: `lo`, then one `eth<N>` per VIF the
 * VM has plugged (a VIF created but not plugged, or unplugged, is not seen by the guest). The first
 * VIF carries the address the lab gave the guest; `ip`/`ifconfig` set links down and add addresses,
 * which last until the guest boots again.
 */
export interface GuestLink {
  name: string;
  mac: string;
  vif?: SimVif;
}

/** The guest's own changes for its current boot (fresh after a reboot or on a clone's first boot). */
export function guestLinks(vm: SimVm): GuestLinks {
  const links = vm.guest.links;
  if (links && links.bootedAt === vm.guest.bootedAt) return links;
  const fresh: GuestLinks = { bootedAt: vm.guest.bootedAt, down: new Set(), addresses: new Map() };
  vm.guest.links = fresh;
  return fresh;
}

export function linksOf(vm: SimVm | undefined, model: LabModel): GuestLink[] {
  const lo: GuestLink = { name: 'lo', mac: '00:00:00:00:00:00' };
  if (!vm) return [lo];
  const vifs = [...model.state.vifs.values()]
    .filter((v) => v.vmUuid === vm.uuid && deviceAttached(v, model))
    .sort((a, b) => Number(a.device) - Number(b.device));
  return [lo, ...vifs.map((v) => ({ name: `eth${v.device}`, mac: v.mac.toLowerCase(), vif: v }))];
}

export const linkUp = (vm: SimVm, name: string): boolean => !guestLinks(vm).down.has(name);

/** IPv4 addresses of one interface: the lab's address on the first VIF, then those the guest added. */
export function linkAddresses(vm: SimVm, model: LabModel, name: string): Array<[string, number]> {
  const first = linksOf(vm, model)[1];
  const own: Array<[string, number]> = first?.name === name && vm.guest.address ? [[vm.guest.address, 16]] : [];
  return [...own, ...(guestLinks(vm).addresses.get(name) ?? [])];
}

import { LabModel } from 'src/simulator/model/lab-model';
import { SimPif, SimVm } from 'src/simulator/model/types';
import { linksOf, linkUp } from 'src/simulator/network/guest-links';
import { vifLetsOut } from 'src/simulator/network/vif-locking';

/**
 * Frames a capture (tcpdump) sees on an interface of the simulated network, by ethertype:
 * - 0x86dd IPv6: a running guest whose link is up sends router solicitations from its link-local
 *   address; a dom0 NIC sees them when it carries the guest's network (its own network, or the bond
 *   it is a member of: the transmitting member sends them, the other gets them flooded back by the
 *   switch both are cabled to);
 * - 0x8809 slow protocols (LACP): Open vSwitch sends LACPDUs on the members of a bond in lacp mode,
 *   and a guest's interface on that bond's network sees them (as the suite's authors observed on
 *   real hosts, tests/network/test_bond.py).
 */
export const ETHERTYPES: Record<string, string> = {
  '0x86dd': 'ip6',
  '0x8809': 'slow',
  '0x0800': 'ip',
  '0x0806': 'arp',
};

function guestsSendingIpv6(model: LabModel, hostUuid: string, networkUuid: string): SimVm[] {
  return [...model.state.vms.values()].filter(
    (vm) =>
      !vm.isControlDomain &&
      vm.powerState === 'running' &&
      vm.residentOn === hostUuid &&
      model.clock.now() >= vm.guest.bootedAt &&
      linksOf(vm, model).some(
        (l) => l.vif?.networkUuid === networkUuid && linkUp(vm, l.name) && vifLetsOut(l.vif, model, 'fe80::1'),
      ),
  );
}

/** The bond master a dom0 NIC belongs to, if any. */
function bondOf(model: LabModel, pif: SimPif): SimPif | undefined {
  return pif.bondSlaveOf ? [...model.state.pifs.values()].find((p) => p.bond?.uuid === pif.bondSlaveOf) : undefined;
}

/** Ethertypes seen on a dom0 NIC (by device name) of the host. */
export function dom0Frames(model: LabModel, hostUuid: string, device: string): Set<string> {
  const seen = new Set<string>();
  const pif = [...model.state.pifs.values()].find((p) => p.hostUuid === hostUuid && p.device === device);
  if (!pif) return seen;
  const bond = bondOf(model, pif);
  const network = bond?.networkUuid ?? pif.networkUuid;
  if (guestsSendingIpv6(model, hostUuid, network).length > 0) seen.add('0x86dd');
  if (bond?.bond?.mode === 'lacp' || pif.bond?.mode === 'lacp') seen.add('0x8809');
  return seen;
}

/** Ethertypes seen on a guest's interface. */
export function guestFrames(model: LabModel, vm: SimVm, name: string): Set<string> {
  const seen = new Set<string>();
  const link = linksOf(vm, model).find((l) => l.name === name);
  if (!link?.vif || !linkUp(vm, name) || vm.powerState !== 'running') return seen;
  const networkUuid = link.vif.networkUuid;
  if (guestsSendingIpv6(model, vm.residentOn ?? '', networkUuid).length > 0) seen.add('0x86dd');
  const lacpBond = [...model.state.pifs.values()].some(
    (p) => p.networkUuid === networkUuid && p.hostUuid === vm.residentOn && p.bond?.mode === 'lacp',
  );
  if (lacpBond) seen.add('0x8809');
  return seen;
}

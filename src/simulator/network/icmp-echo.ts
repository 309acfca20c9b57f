import { LabModel } from 'src/simulator/model/lab-model';
import { SimHost, SimNetwork, SimVif, SimVm } from 'src/simulator/model/types';
import { linkAddresses, linksOf, linkUp } from 'src/simulator/network/guest-links';
import { vifLetsOut } from 'src/simulator/network/vif-locking';

/**
 * Whether an ICMP echo request is answered on the simulated network. Every address of the lab is a
 * loopback address of the machine, whose kernel would answer any ping itself: the lab answers
 * instead, from its model, so a host that is down, a guest that is halted or a reply that a locked
 * VIF drops is not answered. Rules modelled:
 * - a host's address answers while the host is up;
 * - a guest's address answers while the guest runs, its link carrying the address is up and its VIF
 *   plugged, and the VIF's locking lets the reply's source (the pinged address) out;
 * - from outside or from a dom0, a guest is reached over a network with a plugged PIF on the guest's
 *   host (a private network, without PIF, is reached only by guests of the same host on it);
 * - a guest reaches another over a network both have an address on (the request, from its address
 *   there, must get out of its own VIF) or, failing that, over the hosts' physical networks.
 */
export type EchoSender = { kind: 'outside' } | { kind: 'host'; host: SimHost } | { kind: 'guest'; vm: SimVm };

interface Interface {
  vm: SimVm;
  vif: SimVif;
  network: SimNetwork | undefined;
  address: string;
}

function guestInterfaces(model: LabModel, vm: SimVm): Interface[] {
  if (vm.powerState !== 'running' || model.clock.now() < vm.guest.bootedAt) return [];
  return linksOf(vm, model).flatMap((link) =>
    link.vif && linkUp(vm, link.name)
      ? linkAddresses(vm, model, link.name).map(([address]) => ({
          vm,
          vif: link.vif!,
          network: model.state.networks.get(link.vif!.networkUuid),
          address,
        }))
      : [],
  );
}

/** Whether a network leaves the guest's host over a plugged PIF (the LAN dom0 and the runner are on). */
function reachesLan(model: LabModel, nic: Interface): boolean {
  return [...model.state.pifs.values()].some(
    (p) =>
      p.networkUuid === nic.vif.networkUuid &&
      p.hostUuid === nic.vm.residentOn &&
      (p.attached ?? (p.management || p.carrier)),
  );
}

function hostAt(model: LabModel, address: string): SimHost | undefined {
  return [...model.state.hosts.values()].find(
    (h) =>
      h.address === address || [...model.state.pifs.values()].some((p) => p.hostUuid === h.uuid && p.ip === address),
  );
}

function targetInterface(model: LabModel, address: string): Interface | undefined {
  for (const vm of model.state.vms.values()) {
    if (vm.isControlDomain || vm.isTemplate) continue;
    const nic = guestInterfaces(model, vm).find((i) => i.address === address);
    if (nic) return nic;
  }
  return undefined;
}

/** The sender's way onto the target's network: true when the request gets there. */
function guestReaches(model: LabModel, from: SimVm, target: Interface | 'lan'): boolean {
  const own = guestInterfaces(model, from);
  if (target !== 'lan') {
    const direct = own.find((i) => i.vif.networkUuid === target.vif.networkUuid);
    if (direct) {
      const sameSegment = reachesLan(model, direct) || from.residentOn === target.vm.residentOn;
      if (sameSegment) return vifLetsOut(direct.vif, model, direct.address);
    }
    if (!reachesLan(model, target)) return false;
  }
  return own.some((i) => reachesLan(model, i) && vifLetsOut(i.vif, model, i.address));
}

export function echoAnswered(model: LabModel, from: EchoSender, address: string): boolean {
  if (from.kind === 'guest' && guestInterfaces(model, from.vm).some((i) => i.address === address)) return true;
  const host = hostAt(model, address);
  if (host) {
    if (!(model.hooks.hostAnswers?.(host) ?? true)) return false;
    return from.kind !== 'guest' || guestReaches(model, from.vm, 'lan');
  }
  const target = targetInterface(model, address);
  if (!target) return false;
  const there = from.kind === 'guest' ? guestReaches(model, from.vm, target) : reachesLan(model, target);
  return there && vifLetsOut(target.vif, model, address);
}

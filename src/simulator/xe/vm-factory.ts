import { blankVm } from 'src/simulator/config/build-lab';
import { LabModel } from 'src/simulator/model/lab-model';
import { SimSr, SimVdi, SimVm } from 'src/simulator/model/types';

/** Copies a VM (template or halted VM) with fresh VDIs on `targetSr` (or each disk's own SR). */
export function copyVm(
  model: LabModel,
  source: SimVm,
  name: string,
  targetSr: SimSr | null,
  overrides: Partial<SimVm> = {},
): SimVm {
  const vm = blankVm(model.ids.next('vm'), name, source.poolUuid, model.clock.now(), {
    image: source.image,
    firmware: source.firmware,
    osName: source.osName,
    distro: source.distro,
    memory: source.memory,
    vcpus: source.vcpus,
    tools: source.tools ? { ...source.tools } : null,
    software: [...(source.software ?? [])],
    repositories: source.repositories,
    createdIn: source.createdIn,
    origin: source.origin,
    otherConfig: Object.fromEntries(
      Object.entries(source.otherConfig).filter(([k]) => k !== 'default_template' && k !== 'disks'),
    ),
    ...overrides,
  });
  vm.guest.address = model.allocGuestAddress();
  model.state.vms.set(vm.uuid, vm);
  for (const vbd of [...model.state.vbds.values()].filter((b) => b.vmUuid === source.uuid)) {
    let vdiUuid: string | null = null;
    const vdi = vbd.vdiUuid ? model.state.vdis.get(vbd.vdiUuid) : undefined;
    if (vdi) vdiUuid = addVdi(model, { ...vdi, srUuid: targetSr?.uuid ?? vdi.srUuid, name: vdi.name }).uuid;
    const uuid = model.ids.next('vbd');
    model.state.vbds.set(uuid, { ...vbd, uuid, vmUuid: vm.uuid, vdiUuid });
  }
  for (const vif of [...model.state.vifs.values()].filter((v) => v.vmUuid === source.uuid)) {
    const uuid = model.ids.next('vif');
    model.state.vifs.set(uuid, { ...vif, uuid, vmUuid: vm.uuid, mac: model.ids.mac(uuid) });
  }
  vm.guest.files = new Map(source.guest.files);
  return vm;
}

export function addVdi(model: LabModel, fields: Omit<SimVdi, 'uuid'>): SimVdi {
  const vdi: SimVdi = { ...fields, uuid: model.ids.next('vdi') };
  model.state.vdis.set(vdi.uuid, vdi);
  return vdi;
}

export function addDisk(
  model: LabModel,
  vm: SimVm,
  sr: SimSr,
  bytes: number,
  used: number,
  userdevice: number,
): SimVdi {
  const vdi = addVdi(model, {
    name: `${vm.name} ${userdevice}`,
    description: '',
    srUuid: sr.uuid,
    virtualSize: bytes,
    physicalUtilisation: Math.round(bytes * used),
    readOnly: false,
    type: userdevice === 0 ? 'system' : 'user',
  });
  const uuid = model.ids.next('vbd');
  model.state.vbds.set(uuid, {
    uuid,
    vmUuid: vm.uuid,
    vdiUuid: vdi.uuid,
    device: `xvd${String.fromCharCode(97 + userdevice)}`,
    userdevice: String(userdevice),
    type: 'Disk',
    bootable: userdevice === 0,
  });
  return vdi;
}

export function addVif(model: LabModel, vm: SimVm, networkUuid: string, device: string): string {
  const uuid = model.ids.next('vif');
  model.state.vifs.set(uuid, { uuid, vmUuid: vm.uuid, networkUuid, device, mac: model.ids.mac(uuid) });
  return uuid;
}

/** Removes the VM, its VBDs and VIFs; with `withDisks` its VDIs too (vm-uninstall). */
export function removeVm(model: LabModel, vm: SimVm, withDisks: boolean): void {
  for (const vbd of [...model.state.vbds.values()]) {
    if (vbd.vmUuid !== vm.uuid) continue;
    if (withDisks && vbd.vdiUuid) model.state.vdis.delete(vbd.vdiUuid);
    model.state.vbds.delete(vbd.uuid);
  }
  for (const vif of [...model.state.vifs.values()]) if (vif.vmUuid === vm.uuid) model.state.vifs.delete(vif.uuid);
  if (vm.suspendVdiUuid) model.state.vdis.delete(vm.suspendVdiUuid);
  model.state.vms.delete(vm.uuid);
  model.hooks.vmRemoved?.(vm);
}

import { CampaignFacts, CaseParams, PoolNeed, ScenarioContext } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { oneOf, settingMap } from 'src/scenarios/support/params';
import {
  HostInfo,
  LabVm,
  MEMORY,
  objectLabel,
  PoolOps,
  SrInfo,
  VmKind,
  VmOrigin,
} from 'src/scenarios/support/pool-ops';
import { installTools } from 'src/scenarios/support/guest-tools';

const VM_KINDS = ['pvhvm-linux', 'pv-linux', 'hvm-windows'] as const;
const ORIGINS = ['recent', 'upgraded', 'imported'] as const;
const SIZES = ['tiny', 'large'] as const;
export type Scope = 'intra-pool' | 'cross-pool' | 'pool-upgrade' | 'cross-pool-from-older';
export type Storage = 'shared' | 'local-to-local' | 'shared-to-local' | 'local-to-shared' | 'shared-to-shared';

/**
 * The SR kind of one end of a migration (`sr_from`, `sr_to`), as xapi names SR types; `any` leaves the
 * choice to `storage` (a shared end is NFS, a local end the host's local SR). Local kinds can only be
 * a local end, shared kinds only a shared end: the case says both, and they must agree.
 */
export const MIGRATION_SR_KINDS = ['any', 'ext', 'lvm', 'nfs', 'lvmoiscsi'] as const;
export type MigrationSrKind = (typeof MIGRATION_SR_KINDS)[number];
const LOCAL_SR_KINDS: readonly MigrationSrKind[] = ['ext', 'lvm'];

/** Where the disks start and end: shared or local, and which SR kind (undefined: any of that sort). */
export interface MigrationEnds {
  from: { shared: boolean; kind: string | undefined };
  to: { shared: boolean; kind: string | undefined };
}

export function migrationEnds(p: { storage: Storage; srFrom: MigrationSrKind; srTo: MigrationSrKind }): MigrationEnds {
  const end = (param: string, shared: boolean, kind: MigrationSrKind): MigrationEnds['from'] => {
    if (kind === 'any') return { shared, kind: undefined };
    if (shared === LOCAL_SR_KINDS.includes(kind)) {
      throw new ScenarioError(
        `parameter ${param}=${kind} is a ${shared ? 'local' : 'shared'} SR kind, but storage=${p.storage} puts that end on ${shared ? 'shared' : 'local'} storage`,
        ScenarioErrorCode.BadParams,
        { parameter: param, value: kind },
      );
    }
    return { shared, kind };
  };
  const ends = {
    from: end('sr_from', p.storage === 'shared' || p.storage.startsWith('shared-'), p.srFrom),
    to: end('sr_to', p.storage === 'shared' || p.storage.endsWith('-to-shared'), p.srTo),
  };
  // storage=shared keeps the disks where they are: there is one SR, not two.
  if (p.storage === 'shared' && p.srTo !== 'any' && p.srTo !== p.srFrom) {
    throw new ScenarioError(
      `parameter sr_to=${p.srTo} asks for storage motion, but storage=shared keeps the disks on their SR (sr_from)`,
      ScenarioErrorCode.BadParams,
      { parameter: 'sr_to', value: p.srTo },
    );
  }
  return ends;
}

/** Which pools a migration case needs, from its scope and the SR kinds of its ends (a shared end: NFS unless named). */
export function migrationNeeds(
  scope: Scope,
  p: { storage: Storage; srFrom: MigrationSrKind; srTo: MigrationSrKind },
  campaign: CampaignFacts,
): PoolNeed[] {
  const baseline = campaign.baseline ?? campaign.release;
  const ends = migrationEnds(p);
  const kinds = (...sides: Array<MigrationEnds['from']>): string[] | undefined => {
    const named = [...new Set(sides.map((e) => e.kind ?? (e.shared ? 'nfs' : undefined)))];
    const list = named.filter((k): k is string => k !== undefined);
    return list.length ? list : undefined;
  };
  switch (scope) {
    case 'intra-pool':
      return [{ role: 'source', minHosts: 2, version: campaign.release, srKinds: kinds(ends.from, ends.to) }];
    case 'pool-upgrade':
      return [{ role: 'source', minHosts: 2, mixedVersions: true, srKinds: kinds(ends.from, ends.to) }];
    case 'cross-pool':
      return [
        { role: 'source', minHosts: 1, version: campaign.release, srKinds: kinds(ends.from) },
        { role: 'destination', minHosts: 1, version: campaign.release, srKinds: kinds(ends.to) },
      ];
    case 'cross-pool-from-older':
      return [
        { role: 'source', minHosts: 1, version: baseline, srKinds: kinds(ends.from) },
        { role: 'destination', minHosts: 1, version: campaign.release, srKinds: kinds(ends.to) },
      ];
  }
}

export interface MigrationSubject {
  src: PoolOps;
  dst: PoolOps;
  srcHost: HostInfo;
  dstHost: HostInfo;
  /** SR the VM's disks start on; where they go back to. */
  srcSr: SrInfo;
  /** Storage motion target; undefined when the disks stay (shared SR within a pool). */
  dstSr: SrInfo | undefined;
  vm: string;
  label: string;
  kind: VmKind;
  /** false when the case borrows one of the lab's own running VMs (never removed, put back where it was). */
  owned: boolean;
}

interface SubjectParams {
  kind: VmKind;
  origin: VmOrigin;
  size: 'tiny' | 'large';
  storage: Storage;
  srFrom: MigrationSrKind;
  srTo: MigrationSrKind;
  scope: Scope;
}

export function subjectParams(
  params: CaseParams,
  storages: readonly Storage[],
  scopes: readonly Scope[],
): SubjectParams {
  return {
    kind: oneOf(params, 'vm_kind', VM_KINDS),
    origin: oneOf(params, 'origin', ORIGINS),
    size: oneOf(params, 'size', SIZES),
    storage: oneOf(params, 'storage', storages),
    srFrom: oneOf(params, 'sr_from', MIGRATION_SR_KINDS, 'any'),
    srTo: oneOf(params, 'sr_to', MIGRATION_SR_KINDS, 'any'),
    scope: oneOf(params, 'scope', scopes),
  };
}

/**
 * Finds or makes the VM a migration case moves, and where it goes. Recent VMs come from a template;
 * VMs of another origin are the lab's own (other-config `sim-origin`/`shakedown-origin` or a tag
 * `origin:<x>`): a copy is the subject (a running one is stopped for the copy and started again).
 * During a pool upgrade the subject must already run on an older host: nothing new can start there.
 */
export async function prepareSubject(
  ctx: ScenarioContext,
  p: SubjectParams,
  opts: { running: boolean },
): Promise<MigrationSubject> {
  const src = new PoolOps(ctx, ctx.pool('source'));
  const dst = p.scope === 'intra-pool' || p.scope === 'pool-upgrade' ? src : new PoolOps(ctx, ctx.pool('destination'));
  const label = objectLabel(ctx, `${p.kind}-${p.origin}`);
  const byVersion = await src.hostsByVersion();
  let srcHost = byVersion[0]!;
  let dstHost =
    p.scope === 'pool-upgrade'
      ? byVersion[byVersion.length - 1]!
      : src === dst
        ? byVersion[1]!
        : (await dst.hostInfos())[0]!;
  if (p.scope === 'pool-upgrade' && srcHost.version === dstHost.version) {
    throw new ScenarioError(
      `pool ${src.pool.name} is not mid-upgrade: all its hosts run ${srcHost.version}`,
      ScenarioErrorCode.Unexpected,
    );
  }
  const ends = migrationEnds(p);
  const srcSr = ends.from.shared ? await src.sharedSr(ends.from.kind) : await src.localSr(srcHost.uuid, ends.from.kind);

  const candidates = (await src.labVms()).filter((v) => v.kind === p.kind && v.origin === p.origin);
  const pickRunning = (v: LabVm): boolean => v.powerState === 'running' && v.residentOn !== null;
  let subject: { vm: string; owned: boolean; sr: SrInfo; host: HostInfo };
  if (p.scope === 'pool-upgrade') {
    const oldHosts = byVersion.filter((h) => h.version === srcHost.version).map((h) => h.uuid);
    const found = candidates.find((v) => pickRunning(v) && oldHosts.includes(v.residentOn!));
    if (!found) {
      throw new ScenarioError(
        `pool ${src.pool.name} has no running ${p.kind} VM of origin ${p.origin} on a host still at ${srcHost.version}; during a pool upgrade no VM can be started there, so the lab must already run one`,
        ScenarioErrorCode.Unexpected,
      );
    }
    const sr = await srOfVm(src, found.uuid);
    if (ends.from.kind && sr.kind !== ends.from.kind) {
      throw new ScenarioError(
        `the lab's VM ${found.name} (the only kind of VM a pool upgrade can move) has its disks on ${sr.name}, of type ${sr.kind}, not ${ends.from.kind}`,
        ScenarioErrorCode.Unexpected,
      );
    }
    subject = { vm: found.uuid, owned: false, sr, host: await src.hostByUuid(found.residentOn!) };
    ctx.log(`borrowing the lab's VM ${found.name} (runs on the older host; it is put back where it was)`);
  } else if (p.origin === 'recent') {
    const vm = await src.installVm(p.kind, label, {
      srUuid: srcSr.uuid,
      templates: settingMap(ctx.settings, 'templates'),
    });
    subject = { vm, owned: true, sr: srcSr, host: srcHost };
  } else {
    const halted = candidates.find((v) => v.powerState === 'halted');
    const running = candidates.find(pickRunning);
    const source = halted ?? running;
    if (!source) {
      throw new ScenarioError(
        `pool ${src.pool.name} has no ${p.kind} VM of origin ${p.origin} (mark one with other-config:shakedown-origin=${p.origin})`,
        ScenarioErrorCode.Unexpected,
      );
    }
    // Only a halted VM can be copied: a running one is stopped for the copy and started again where it ran.
    const restartOn = source === running ? running.residentOn : null;
    if (restartOn) await stopVm(src, source.uuid);
    try {
      const vm = await src.copyVm(source.uuid, label, srcSr.uuid);
      subject = { vm, owned: true, sr: srcSr, host: srcHost };
    } finally {
      if (restartOn) await src.start(source.uuid, restartOn);
    }
    ctx.log(`subject is a copy of the lab's VM ${source.name} (created in an older release or imported)`);
  }
  srcHost = subject.host;
  if (src === dst && dstHost.uuid === srcHost.uuid) dstHost = byVersion.find((h) => h.uuid !== srcHost.uuid)!;

  let dstSr: SrInfo | undefined;
  if (p.storage === 'shared' && src === dst) dstSr = undefined;
  else if (ends.to.shared) dstSr = await otherShared(dst, subject.sr, ends.to.kind);
  else dstSr = await dst.localSr(dstHost.uuid, ends.to.kind);

  if (subject.owned) {
    await src.setMemory(subject.vm, MEMORY[p.size]);
    if (opts.running) {
      await src.start(subject.vm, srcHost.uuid);
      if (p.kind === 'hvm-windows' && (await src.toolsVersion(subject.vm)) === null) {
        // A running HVM guest without PV drivers cannot be live-migrated (VM_LACKS_FEATURE).
        await src.waitPowerState(subject.vm, 'running');
        await installTools(src, subject.vm, { os: 'windows', before: null });
      }
    }
  }
  return {
    src,
    dst,
    srcHost,
    dstHost,
    srcSr: subject.sr,
    dstSr,
    vm: subject.vm,
    label,
    kind: p.kind,
    owned: subject.owned,
  };
}

/** Clean shutdown through the tools when the guest has them, forced otherwise. */
export async function stopVm(ops: PoolOps, vm: string): Promise<void> {
  if ((await ops.xe.vm.powerState(vm)) === 'halted') return;
  await ops.xe.vm.shutdown(vm, { force: (await ops.toolsVersion(vm)) === null });
  await ops.waitPowerState(vm, 'halted');
}

async function srOfVm(ops: PoolOps, vm: string): Promise<SrInfo> {
  const [disk] = await ops.xe.vm.disks(vm);
  const uuid = disk ? await ops.xe.vdi.srOf(disk) : null;
  const sr = (await ops.srs()).find((s) => s.uuid === uuid);
  if (!sr) throw new ScenarioError(`VM ${vm} has no disk on a known SR`, ScenarioErrorCode.Unexpected);
  return sr;
}

/** A shared SR of `ops`' pool other than `from`, of `kind` when named (shared-to-shared within a pool needs two). */
async function otherShared(ops: PoolOps, from: SrInfo, kind: string | undefined): Promise<SrInfo> {
  const shared = (await ops.srs()).filter((s) => s.shared && s.uuid !== from.uuid && (!kind || s.kind === kind));
  const sr = shared.find((s) => s.kind === 'nfs') ?? shared[0];
  if (!sr) {
    throw new ScenarioError(
      `pool ${ops.pool.name} has no shared ${kind ? `${kind} ` : ''}SR other than ${from.name}`,
      ScenarioErrorCode.Unexpected,
    );
  }
  return sr;
}

import { CommandRunner } from 'src/remote/exec-result';
import { installCommand, parseProbe, probeCommand } from 'src/remote/package-install';
import { listPreparedTemplates, PREPARED_KEYS } from 'src/remote/prepared-templates';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { objectLabel, PoolOps, VmKind } from 'src/scenarios/support/pool-ops';
import { stopVm } from 'src/scenarios/support/migration-plan';

const INSTALL_TIMEOUT_MS = 900_000;

/**
 * Makes sure the guest has `programs`: what is missing is installed with the guest's package manager
 * and recorded on the run. Returns the manager used, or null when nothing was missing.
 */
export async function ensureGuestSoftware(
  ops: PoolOps,
  guest: CommandRunner,
  label: string,
  programs: readonly string[],
  template: string | null = null,
): Promise<{ manager: string; installed: string[] } | null> {
  if (!programs.length) return null;
  const probe = parseProbe((await guest.exec(probeCommand(programs), { timeoutMs: 60_000 })).stdout);
  if (!probe.missing.length) return null;
  if (!probe.manager) {
    throw new ScenarioError(
      `guest ${label} lacks ${probe.missing.join(', ')} and has no package manager (apt-get, dnf, yum, apk): install them in the template the cases start from`,
      ScenarioErrorCode.Unexpected,
    );
  }
  const r = await guest.exec(installCommand(probe.manager, probe.missing), { timeoutMs: INSTALL_TIMEOUT_MS });
  if (r.exitCode !== 0) {
    throw new ScenarioError(
      `${probe.manager} could not install ${probe.missing.join(', ')} in ${label} (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().slice(0, 300)}`,
      ScenarioErrorCode.Unexpected,
    );
  }
  await ops.ctx.recordGuestInstall({
    pool: ops.pool.name,
    template,
    software: [...probe.missing],
    manager: probe.manager,
  });
  return { manager: probe.manager, installed: probe.missing };
}

export interface PreparedTemplate {
  uuid: string;
  name: string;
  /** the SR holding its disks: a clone on that SR is thin and fast */
  srUuid: string;
}

/**
 * The pool's template for a `kind` VM with `programs` installed, built the first time a case asks
 * (install from the base template on `srUuid`, boot, install, clean shutdown, mark as template) and
 * found by its other-config from then on. Teardown never removes it; `shakedown lab clean` does.
 */
export async function preparedTemplate(
  ops: PoolOps,
  kind: VmKind,
  programs: readonly string[],
  opts: { srUuid: string; templates?: Record<string, string> },
): Promise<PreparedTemplate> {
  const base = await ops.templateFor(kind, opts.templates);
  const software = [...new Set(programs)].sort().join(',');
  const existing = await findPrepared(ops, base, software);
  if (existing) return existing;
  const label = objectLabel(ops.ctx, 'prepare');
  const vm = await ops.installVm(kind, label, { srUuid: opts.srUuid, templates: opts.templates });
  await ops.start(vm);
  const guest = await ops.guest(vm, label);
  const done = await ensureGuestSoftware(ops, guest, label, programs, base);
  await stopVm(ops, vm);
  const name = `shakedown prepared: ${base} + ${software}`;
  await ops.xe.vm.setParams(vm, {
    'name-label': name,
    'other-config': {
      [PREPARED_KEYS.from]: base,
      [PREPARED_KEYS.software]: software,
      [PREPARED_KEYS.installed]: done ? `${done.installed.join(',')} with ${done.manager}` : 'none needed',
      [PREPARED_KEYS.sr]: opts.srUuid,
    },
  });
  await ops.xe.vm.setParams(vm, { 'is-a-template': true });
  // From here on it belongs to the pool, not to this case: teardown leaves it.
  await ops.ctx.untrack('vm', vm);
  ops.ctx.log(`prepared template ${name} (${vm}) built on SR ${opts.srUuid}`);
  return { uuid: vm, name, srUuid: opts.srUuid };
}

async function findPrepared(ops: PoolOps, base: string, software: string): Promise<PreparedTemplate | null> {
  const found = (await listPreparedTemplates(ops.xe)).find(
    (t) => t.from === base && t.software === software && t.srUuid,
  );
  return found ? { uuid: found.uuid, name: found.name, srUuid: found.srUuid } : null;
}

/**
 * A case's VM from a prepared template: `vm-install` of a template made from a VM clones it (thin,
 * fast, on the template's SR) when the case wants that SR, and copies it to the SR it wants otherwise.
 * Tracked at once, like every VM a case makes.
 */
export async function vmFromPrepared(
  ops: PoolOps,
  template: PreparedTemplate,
  label: string,
  srUuid: string,
): Promise<string> {
  const uuid = await ops.xe.vm.install({
    template: template.uuid,
    nameLabel: label,
    srUuid: template.srUuid === srUuid ? undefined : srUuid,
  });
  await ops.ctx.track('vm', uuid, ops.pool.master, label);
  return uuid;
}

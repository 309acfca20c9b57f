import { CommandRunner } from 'src/remote/exec-result';
import { installCommand, parseProbe, probeCommand } from 'src/remote/package-install';
import { listPreparedTemplates, PREPARED_KEYS } from 'src/remote/prepared-templates';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { objectLabel, PoolOps, VmKind } from 'src/scenarios/support/pool-ops';
import { stopVm } from 'src/scenarios/support/migration-plan';

const INSTALL_TIMEOUT_MS = 900_000;
/** Where a static binary goes: in root's $PATH on every distro, never a package manager's own. */
const STATIC_DIR = '/usr/local/bin';

/**
 * Makes sure the guest has `programs`: what is missing is installed with the guest's package manager,
 * or, for what no repository offers, copied over SFTP from the operator's folder of static binaries
 * (SHAKEDOWN_GUEST_BINARIES_DIR). Each install is recorded on the run. Returns what was done, or null
 * when nothing was missing.
 */
export async function ensureGuestSoftware(
  ops: PoolOps,
  guest: CommandRunner,
  label: string,
  programs: readonly string[],
  template: string | null = null,
): Promise<{ how: string; installed: string[] } | null> {
  if (!programs.length) return null;
  const probe = parseProbe((await guest.exec(probeCommand(programs), { timeoutMs: 60_000 })).stdout);
  if (!probe.missing.length) return null;
  const offered = probe.manager ? probe.missing.filter((p) => probe.available.includes(p)) : [];
  const unoffered = probe.missing.filter((p) => !offered.includes(p));
  const done: string[] = [];
  if (offered.length) {
    const manager = probe.manager!;
    const r = await guest.exec(installCommand(manager, offered), { timeoutMs: INSTALL_TIMEOUT_MS });
    if (r.exitCode !== 0) {
      throw new ScenarioError(
        `${manager} could not install ${offered.join(', ')} in ${label} (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().slice(0, 300)}`,
        ScenarioErrorCode.Unexpected,
      );
    }
    await ops.ctx.recordGuestInstall({ pool: ops.pool.name, template, software: [...offered], manager });
    done.push(`${offered.join(', ')} with ${manager}`);
  }
  if (unoffered.length) {
    await copyStaticBinaries(ops, guest, label, unoffered, probe.machine, probe.manager);
    await ops.ctx.recordGuestInstall({ pool: ops.pool.name, template, software: [...unoffered], manager: 'sftp' });
    done.push(`${unoffered.join(', ')} as static binaries over SFTP`);
  }
  return { how: done.join('; '), installed: probe.missing };
}

/** Copies the operator's static binaries for the guest's machine to /usr/local/bin and checks they run. */
async function copyStaticBinaries(
  ops: PoolOps,
  guest: CommandRunner,
  label: string,
  programs: readonly string[],
  machine: string | null,
  manager: string | null,
): Promise<void> {
  const why = manager ? `${manager} finds no ${programs.join(', ')}` : 'it has no package manager';
  const folder = ops.ctx.guestBinaries;
  if (!folder || !guest.writeFile) {
    throw new ScenarioError(
      `guest ${label} lacks ${programs.join(', ')} and ${why}: put static binaries in SHAKEDOWN_GUEST_BINARIES_DIR (${machine ?? 'x86_64'}/<program>), or install them in the template the cases start from`,
      ScenarioErrorCode.Unexpected,
    );
  }
  for (const program of programs) {
    const data = machine ? await folder.read(program, machine) : null;
    if (!data) {
      throw new ScenarioError(
        `guest ${label} lacks ${program} and ${why}; SHAKEDOWN_GUEST_BINARIES_DIR has no ${machine ?? '(unknown machine)'}/${program} (${folder.folder})`,
        ScenarioErrorCode.Unexpected,
      );
    }
    await guest.writeFile(`${STATIC_DIR}/${program}`, data, { mode: 0o755, timeoutMs: INSTALL_TIMEOUT_MS });
  }
  // A binary for another machine or a broken copy is there but does not run: say so now, not mid-case.
  const after = parseProbe((await guest.exec(probeCommand(programs), { timeoutMs: 60_000 })).stdout);
  if (after.missing.length) {
    throw new ScenarioError(
      `guest ${label}: the static ${after.missing.join(', ')} copied to ${STATIC_DIR} does not run there (built for another machine than ${machine}?)`,
      ScenarioErrorCode.Unexpected,
    );
  }
}

interface PreparedTemplate {
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
  // Two cases (on any workers) needing the same template build it once: the second waits, then finds it.
  const build = async (): Promise<PreparedTemplate> =>
    (await findPrepared(ops, base, software)) ?? buildPrepared(ops, kind, programs, base, software, opts);
  const name = `shakedown prepared template: ${ops.pool.name} / ${base} / ${software}`;
  return ops.ctx.exclusive ? ops.ctx.exclusive(name, build) : build();
}

async function buildPrepared(
  ops: PoolOps,
  kind: VmKind,
  programs: readonly string[],
  base: string,
  software: string,
  opts: { srUuid: string; templates?: Record<string, string> },
): Promise<PreparedTemplate> {
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
      [PREPARED_KEYS.installed]: done ? done.how : 'none needed',
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

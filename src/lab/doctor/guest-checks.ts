import { DoctorNeeds, DoctorRow, ok, StaticBinarySource } from 'src/lab/doctor/doctor-row';
import { describeError } from 'src/lab/host-health.service';
import { LabInventory } from 'src/lab/lab-inventory';
import { GuestShell } from 'src/remote/guest-shell';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
import { GuestProbe, installCommand, parseProbe, probeCommand } from 'src/remote/package-install';
import { SshPool } from 'src/remote/ssh-pool';
import { XeClient } from 'src/remote/xe/xe-client';

/** Guests checked per pool: enough to prove the credential and the software, not every VM of the lab. */
const GUESTS_PER_POOL = 2;
export const GUEST_CREDENTIAL_CHECK = 'guest credential accepted';

/**
 * The lab's guest credential opens the pool's running guests, and the programs the cases run in
 * guests are there or installable (then `--prepare` installs them with the guest's package manager).
 */
export async function guestChecks(
  ssh: SshPool,
  xe: XeClient,
  lab: LabInventory,
  pool: string,
  needs: DoctorNeeds,
  timeoutMs: number,
  staticBinaries: StaticBinarySource | null = null,
): Promise<DoctorRow[]> {
  const access = lab.guestAccess();
  const check = GUEST_CREDENTIAL_CHECK;
  if (!access) {
    return [
      {
        check,
        subject: pool,
        status: 'fail',
        detail: 'the inventory names no guest_credential',
        fix: 'add guest_credential (a key the guests accept for root) to the inventory',
      },
    ];
  }
  // Linux guests only: Windows guests answer over SSH only once they run OpenSSH (not checked here).
  const vms = (
    await xe.records('vm-list', {
      'is-control-domain': false,
      'power-state': 'running',
      params: 'uuid,name-label,networks,platform',
    })
  ).filter((v) => /\b0\/ip(v4\/0)?: /.test(v.networks ?? '') && !/device_id: 0002/.test(v.platform ?? ''));
  // No guest to try here: the lab-wide row (LabDoctor) says so when no pool had one.
  if (!vms.length) return [];
  const shell = new GuestShell(ssh, xe.vm, access);
  const rows: DoctorRow[] = [];
  for (const vm of vms.slice(0, GUESTS_PER_POOL)) {
    const uuid = vm.uuid ?? '';
    const subject = `${pool}/${vm['name-label'] ?? uuid}`;
    try {
      const probe = await shell.exec(uuid, probeCommand(needs.guestSoftware), { timeoutMs });
      rows.push(ok(check, subject, `${access.username} logs in`));
      if (needs.guestSoftware.length) {
        rows.push(softwareRow(shell, uuid, subject, needs, parseProbe(probe.stdout), timeoutMs, staticBinaries));
      }
    } catch (err) {
      const refused = err instanceof RemoteError && err.code === RemoteErrorCode.AuthFailed;
      rows.push({
        check,
        subject,
        status: 'fail',
        detail: describeError(err),
        fix: refused
          ? `authorise the guest credential ${lab.inventory.guestCredential ?? ''} for ${access.username} in the VM (its key in ~/.ssh/authorized_keys)`
          : 'check that the VM runs sshd and its address (from its guest tools) is reachable from here',
      });
    }
  }
  return rows;
}

const STATIC_DIR = '/usr/local/bin';

function softwareRow(
  shell: GuestShell,
  uuid: string,
  subject: string,
  needs: DoctorNeeds,
  probe: GuestProbe,
  timeoutMs: number,
  staticBinaries: StaticBinarySource | null,
): DoctorRow {
  const check = `guest software (${needs.guestSoftware.join(', ')})`;
  if (!probe.missing.length) return ok(check, subject, 'present');
  const { manager, machine } = probe;
  const offered = manager ? probe.missing.filter((m) => probe.available.includes(m)) : [];
  const unoffered = probe.missing.filter((m) => !offered.includes(m));
  const copied = unoffered.filter((m) => !!machine && !!staticBinaries?.has(m, machine));
  const lacking = unoffered.filter((m) => !copied.includes(m));
  const why = manager
    ? `${manager} finds no ${unoffered.join(', ')} (no repository offers ${unoffered.length > 1 ? 'them' : 'it'})`
    : 'no package manager (apt-get, dnf, yum, apk)';
  if (lacking.length) {
    const folder = staticBinaries
      ? `add ${lacking.map((m) => `${machine ?? 'x86_64'}/${m}`).join(', ')} to ${staticBinaries.folder}`
      : `set SHAKEDOWN_GUEST_BINARIES_DIR to a folder with ${lacking.map((m) => `${machine ?? 'x86_64'}/${m}`).join(', ')}`;
    return {
      check,
      subject,
      status: 'fail',
      detail: `missing ${probe.missing.join(', ')}; ${why}`,
      fix: `${folder} (static binaries, copied over SFTP), give the guests a repository with ${lacking.join(', ')}, or install ${lacking.length > 1 ? 'them' : 'it'} in the template the cases start from`,
    };
  }
  const how = [
    ...(offered.length ? [`${offered.join(', ')} with ${manager}`] : []),
    ...(copied.length ? [`${copied.join(', ')} as static binaries from ${staticBinaries!.folder} over SFTP`] : []),
  ].join('; ');
  return {
    check,
    subject,
    status: 'warn',
    detail: `missing ${probe.missing.join(', ')}; installable: ${how}`,
    fix: `shakedown lab doctor --prepare installs them (${how})`,
    repair: async () => {
      if (offered.length) {
        const r = await shell.exec(uuid, installCommand(manager!, offered), {
          timeoutMs: Math.max(timeoutMs, 600_000),
        });
        if (r.exitCode !== 0) {
          throw new Error(`${manager} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
        }
      }
      for (const program of copied) {
        const data = await staticBinaries!.read(program, machine!);
        if (!data) throw new Error(`${staticBinaries!.folder}/${machine}/${program} is gone`);
        await shell.writeFile(uuid, `${STATIC_DIR}/${program}`, data, { mode: 0o755, timeoutMs });
      }
      return `installed ${how}`;
    },
  };
}

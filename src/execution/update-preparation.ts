import { setTimeout as delay } from 'node:timers/promises';
import { REPO_ID, RPM_NAME } from 'src/campaign/campaign.schema';
import { CampaignUpdates } from 'src/campaign/campaign.types';
import { HostLeases } from 'src/execution/host-leases';
import { LabHostView, LabPoolView, LabView } from 'src/lab/lab-view';
import { hostTarget } from 'src/execution/ssh-targets';
import { parseRpmList, yumProblems } from 'src/remote/dom0/package-output';
import { CommandRunner } from 'src/remote/exec-result';
import { SshPool } from 'src/remote/ssh-pool';

/** Units `xe-toolstack-restart` restarts together (restarting one alone leaves the toolstack inconsistent). */
const TOOLSTACK = ['xapi', 'xenopsd-xc', 'xcp-networkd', 'squeezed', 'xcp-rrdd', 'message-switch', 'forkexecd'];
/** Packages whose new version only runs after a reboot. */
const NEEDS_REBOOT = /^(kernel|xen-hypervisor|xen-dom0-libs|microcode_ctl|linux-firmware)$/;
const OUTPUT_KEPT = 4000;

interface PackageChange {
  name: string;
  from: string | null;
  to: string | null;
}

interface HostUpdateRecord {
  host: string;
  pool: string;
  master: boolean;
  status: 'updated' | 'unchanged' | 'failed' | 'not-reached';
  changes: PackageChange[];
  restarted: string[];
  rebooted: boolean;
  command?: string;
  /** the tail of yum's output (and of what failed after it) */
  output?: string;
  error?: string;
}

/** What the run's update preparation did, stored on the run (`runs.updates`). */
export interface RunUpdatesRecord {
  repository: string;
  packages: string[] | 'all';
  status: 'applied' | 'failed';
  startedAt: string;
  finishedAt: string;
  /** pools updated (candidate release) and left as they are (baseline and mixed pools) */
  pools: Array<{ name: string; updated: boolean; reason?: string }>;
  hosts: HostUpdateRecord[];
  error?: string;
}

export interface UpdatePreparationDeps {
  ssh: SshPool;
  leases: HostLeases;
  holder: string;
  log: (fields: Record<string, unknown>, message: string) => void;
  /** how long to wait for a pool's hosts to be free (cases of other runs may hold them) */
  leaseWaitMs?: number;
  /** how long a host may take to answer again after a toolstack restart or a reboot */
  healthTimeoutMs?: number;
  pollMs?: number;
}

class UpdateFailure extends Error {}

const tail = (s: string): string => (s.length > OUTPUT_KEPT ? `…${s.slice(-OUTPUT_KEPT)}` : s);

/** The pools a run's updates apply to: those whose every host runs the candidate release. */
function candidatePools(lab: LabView, release: string): LabRecordPools {
  return lab.pools.map((pool) => {
    const versions = new Set(pool.hosts.map((h) => h.version ?? ''));
    if (versions.size === 1 && versions.has(release)) return { pool, updated: true };
    const why = versions.has(release)
      ? 'mixed versions: not a candidate pool'
      : `runs ${[...versions].join('+')}: baseline side, not updated`;
    return { pool, updated: false, reason: why };
  });
}
type LabRecordPools = Array<{ pool: LabPoolView; updated: boolean; reason?: string }>;

/**
 * The campaign's `updates:` as a run preparation step: on each candidate pool (hosts leased for the
 * time of it), master first as XCP-ng requires, `yum update … --enablerepo=REPO -y`, the package
 * diff from `rpm -qa` before and after, the toolstack restarted or the host rebooted as the updated
 * packages need, and the pool checked healthy (every host enabled in xapi). The first failure stops
 * it: the hosts already updated are in the record, so no half-updated pool goes unreported.
 */
export class UpdatePreparation {
  constructor(private readonly deps: UpdatePreparationDeps) {}

  async apply(runId: string, lab: LabView, release: string, updates: CampaignUpdates): Promise<RunUpdatesRecord> {
    // The campaign schema checked these; checked again here because this is where they reach a shell.
    const packages = updates.packages;
    if (!REPO_ID.test(updates.enablerepo) || (packages !== 'all' && !packages.every((p) => RPM_NAME.test(p)))) {
      throw new Error('updates: repository or package names outside the allowed characters');
    }
    const record: RunUpdatesRecord = {
      repository: updates.enablerepo,
      packages,
      status: 'applied',
      startedAt: new Date().toISOString(),
      finishedAt: '',
      pools: [],
      hosts: [],
    };
    const pools = candidatePools(lab, release);
    record.pools = pools.map((p) => ({
      name: p.pool.name,
      updated: p.updated,
      ...(p.reason ? { reason: p.reason } : {}),
    }));
    try {
      for (const { pool, updated } of pools) if (updated) await this.updatePool(runId, lab, pool, updates, record);
    } catch (err) {
      record.status = 'failed';
      record.error = err instanceof Error ? err.message : String(err);
    }
    record.finishedAt = new Date().toISOString();
    return record;
  }

  private async updatePool(
    runId: string,
    lab: LabView,
    pool: LabPoolView,
    updates: CampaignUpdates,
    record: RunUpdatesRecord,
  ): Promise<void> {
    const master = pool.hosts.find((h) => h.name === pool.masterName) ?? pool.hosts[0];
    if (!master) return;
    const ordered = [master, ...pool.hosts.filter((h) => h !== master)];
    const lease = await this.lease(runId, pool);
    try {
      const entries = ordered.map((h): HostUpdateRecord => ({
        host: h.name,
        pool: pool.name,
        master: h === master,
        status: 'not-reached',
        changes: [],
        restarted: [],
        rebooted: false,
      }));
      record.hosts.push(...entries);
      for (const [i, host] of ordered.entries()) {
        const entry = entries[i]!;
        try {
          await this.updateHost(lab, host, this.runner(lab, master), updates, entry);
        } catch (err) {
          entry.status = 'failed';
          entry.error = err instanceof Error ? err.message : String(err);
          const before = entries.filter((e) => e.status === 'updated').map((e) => e.host);
          const own = entry.changes.length
            ? ` — its packages did change (${entry.changes.map((c) => `${c.name} ${c.to ?? 'removed'}`).join(', ')}) but it is not running them`
            : '';
          throw new UpdateFailure(
            `${host.name} (pool ${pool.name}): ${entry.error}${own}` +
              (before.length
                ? ` — already updated: ${before.join(', ')}`
                : own
                  ? ''
                  : ' — no host of the pool was changed'),
          );
        }
      }
      await this.healthy(this.runner(lab, master), pool);
    } finally {
      await this.deps.leases.release(lease).catch(() => undefined);
    }
  }

  private runner(lab: LabView, host: LabHostView): CommandRunner {
    return this.deps.ssh.runner(hostTarget(lab, host));
  }

  private async lease(runId: string, pool: LabPoolView): Promise<string> {
    const until = Date.now() + (this.deps.leaseWaitMs ?? 600_000);
    for (;;) {
      const got = await this.deps.leases.tryAcquire({
        holder: this.deps.holder,
        purpose: `update preparation of pool ${pool.name}`,
        runId,
        hostIds: pool.hosts.map((h) => h.id),
        ttlMs: 3_600_000,
      });
      if (got) return got.leaseId;
      if (Date.now() > until) throw new UpdateFailure(`the hosts of pool ${pool.name} stayed busy with other cases`);
      await delay(this.deps.pollMs ?? 1_000);
    }
  }

  private async updateHost(
    lab: LabView,
    host: LabHostView,
    master: CommandRunner,
    updates: CampaignUpdates,
    entry: HostUpdateRecord,
  ): Promise<void> {
    const runner = this.runner(lab, host);
    const before = await installed(runner);
    const names = updates.packages === 'all' ? '' : ` ${updates.packages.join(' ')}`;
    const command = `yum update${names} --enablerepo=${updates.enablerepo} -y`;
    entry.command = command;
    const yum = await runner.exec(command, { timeoutMs: 1_800_000 });
    entry.output = tail(`${yum.stdout}${yum.stderr}`);
    const problems = yumProblems(yum);
    if (yum.exitCode !== 0 || problems.length) {
      throw new UpdateFailure(
        `\`${command}\` ${yum.exitCode === 0 ? 'reported problems' : `exited ${yum.exitCode ?? 'without status'}`}: ${tail(
          problems.length ? problems.join('\n') : (yum.stderr || yum.stdout).trim(),
        )}`,
      );
    }
    const after = await installed(runner);
    entry.changes = diff(before, after);
    entry.status = entry.changes.length ? 'updated' : 'unchanged';
    this.deps.log({ host: host.name, changes: entry.changes.length }, 'update candidates applied');
    const changed = entry.changes.map((c) => c.name);
    const reboot =
      updates.reboot === 'always' || (updates.reboot === 'auto' && changed.some((n) => NEEDS_REBOOT.test(n)));
    if (reboot) {
      await this.reboot(runner, master, host);
      entry.rebooted = true;
      return;
    }
    const units = changed.length ? await this.unitsOf(runner, changed) : [];
    const toolstack =
      updates.restartToolstack === 'always' ||
      (updates.restartToolstack === 'auto' && units.some((u) => TOOLSTACK.includes(u)));
    if (toolstack) {
      await must(runner, 'xe-toolstack-restart', 600_000);
      entry.restarted.push('toolstack');
    }
    for (const u of units.filter((u) => !TOOLSTACK.includes(u))) {
      await must(runner, `systemctl restart ${u}`);
      entry.restarted.push(u);
    }
  }

  /** systemd units the packages ship, from `rpm -ql` (what must restart to run the new code). */
  private async unitsOf(runner: CommandRunner, names: string[]): Promise<string[]> {
    const files = await runner.exec(`rpm -ql ${names.join(' ')}`, { timeoutMs: 60_000 });
    const units = new Set<string>();
    for (const m of files.stdout.matchAll(/\/usr\/lib\/systemd\/system\/([\w@.-]+)\.service$/gm)) units.add(m[1]!);
    return [...units].sort();
  }

  /** As an administrator does: disable, evacuate, `xe host-reboot`, wait for a new boot id, enable. */
  private async reboot(runner: CommandRunner, master: CommandRunner, host: LabHostView): Promise<void> {
    const before = await bootId(runner);
    if (!before) throw new UpdateFailure('cannot read its boot id before the reboot');
    const uuid = (await must(master, `xe host-list name-label=${host.name} --minimal`)).stdout.trim();
    if (!/^[0-9a-f-]{36}$/.test(uuid)) throw new UpdateFailure(`xe does not know host ${host.name}`);
    await must(master, `xe host-disable uuid=${uuid}`);
    try {
      await must(master, `xe host-evacuate uuid=${uuid}`, 3_600_000);
      await must(master, `xe host-reboot uuid=${uuid}`);
    } catch (err) {
      // Not rebooted: the host goes back into service rather than staying disabled behind the run.
      await master.exec(`xe host-enable uuid=${uuid}`, { timeoutMs: 60_000 }).catch(() => undefined);
      throw err;
    }
    await this.until(`${host.name} back with a new boot id`, async () => {
      const now = await bootId(runner);
      return now !== undefined && now !== before;
    });
    await this.until(`xapi enabling ${host.name} again`, async () => {
      const r = await master.exec(`xe host-enable uuid=${uuid}`, { timeoutMs: 30_000 }).catch(() => null);
      return r?.exitCode === 0;
    });
  }

  /** Every host of the pool enabled in xapi, asked of the master. */
  private async healthy(master: CommandRunner, pool: LabPoolView): Promise<void> {
    let seen = '';
    await this.until(
      `every host of pool ${pool.name} enabled after the update (last seen: ${seen || 'no answer'})`,
      async () => {
        const r = await master.exec('xe host-list params=enabled --minimal', { timeoutMs: 30_000 }).catch(() => null);
        seen = r?.stdout.trim() ?? '';
        const states = seen.split(',').filter(Boolean);
        return r?.exitCode === 0 && states.length === pool.hosts.length && states.every((s) => s === 'true');
      },
    );
  }

  private async until(what: string, ok: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + (this.deps.healthTimeoutMs ?? 600_000);
    while (!(await ok())) {
      if (Date.now() > deadline) throw new UpdateFailure(`gave up waiting for ${what}`);
      await delay(this.deps.pollMs ?? 1_000);
    }
  }
}

async function installed(runner: CommandRunner): Promise<Record<string, string>> {
  const r = await runner.exec(`rpm -qa --qf '%{NAME} %{VERSION}-%{RELEASE}\\n'`, { timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new UpdateFailure(`rpm -qa exited ${r.exitCode ?? 'without status'}: ${tail(r.stderr)}`);
  return parseRpmList(r.stdout);
}

async function must(runner: CommandRunner, command: string, timeoutMs = 120_000) {
  const r = await runner.exec(command, { timeoutMs });
  if (r.exitCode !== 0) {
    throw new UpdateFailure(
      `\`${command}\` exited ${r.exitCode ?? 'without status'}: ${tail((r.stderr || r.stdout).trim())}`,
    );
  }
  return r;
}

async function bootId(runner: CommandRunner): Promise<string | undefined> {
  const r = await runner.exec('cat /proc/sys/kernel/random/boot_id', { timeoutMs: 15_000 }).catch(() => null);
  return r?.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** name, old → new for every package whose version changed, appeared or went. */
function diff(before: Record<string, string>, after: Record<string, string>): PackageChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names
    .filter((n) => before[n] !== after[n])
    .map((n) => ({ name: n, from: before[n] ?? null, to: after[n] ?? null }));
}

import { DataSource } from 'typeorm';
import { SshPool } from 'src/remote/ssh-pool';
import { CaseQueue } from 'src/execution/case-queue';
import { publishEvent } from 'src/execution/run-events';
import { RunRepository } from 'src/execution/run.repository';
import { hostTarget } from 'src/execution/ssh-targets';
import { LabHostView, LabView } from 'src/lab/lab-view';
import { LabRepository } from 'src/lab/lab.repository';
import { parseRpmList, parseXensourceInventory } from 'src/remote/dom0/package-output';
import { CampaignUpdates } from 'src/campaign/campaign.types';
import { UpdatePreparation } from 'src/execution/update-preparation';
import { CasePlan, narrowToUpdatedPools } from 'src/execution/planner';

interface HostSoftware {
  name: string;
  pool: string;
  version?: string;
  build?: string;
  packages?: Record<string, string>;
  /** From the inventory's `hw:<class>` tag, so comparisons can warn across hardware classes. */
  hardwareClass?: string;
  error?: string;
}

/**
 * First job of a run, done by a worker (it reaches the hosts): apply the campaign's update candidates
 * to the candidate pools when it has `updates:` (a failure there ends the run in error with yum's
 * output, before any case), record the software state of the lab (version, build, installed packages
 * of every host) so a report can say what changed since the baseline run, then queue the cases.
 */
export class RunPreparer {
  private readonly labs: LabRepository;

  constructor(
    private readonly db: DataSource,
    private readonly repo: RunRepository,
    private readonly ssh: SshPool,
    private readonly queue: CaseQueue,
    private readonly log: (fields: Record<string, unknown>, message: string) => void,
    private readonly updates?: UpdatePreparation,
  ) {
    this.labs = new LabRepository(db);
  }

  async prepare(runId: string): Promise<void> {
    const run = await this.repo.findRun(runId);
    if (!run || run.status !== 'queued') return;
    const lab = run.labName ? await this.labs.findLab(run.labName) : null;
    if (!lab) {
      await this.repo.markRunError(runId, `lab ${run.labName} is not in the inventory any more`);
      return;
    }
    const updates = run.options.updates as CampaignUpdates | null | undefined;
    let updatedPools: string[] = [];
    if (updates) {
      if (!this.updates) {
        await this.repo.markRunError(runId, 'updates: this worker cannot apply update candidates');
        return;
      }
      const record = await this.updates.apply(runId, lab, run.release, updates);
      await this.repo.setRunUpdates(runId, record);
      updatedPools = record.pools.filter((p) => p.updated).map((p) => p.name);
      if (record.status === 'failed') {
        await this.repo.markRunError(runId, `update preparation failed: ${record.error ?? 'unknown error'}`);
        await publishEvent(this.db, { kind: 'run', runId, runNumber: run.number, status: 'error' });
        this.log({ run: run.number }, 'update preparation failed; no case runs');
        return;
      }
    }
    await this.confineToUpdatedPools(runId, lab, updatedPools);
    const hosts = await Promise.all(lab.pools.flatMap((p) => p.hosts.map((h) => this.software(lab, h, p.name))));
    await this.repo.setRunSnapshot(runId, { takenAt: new Date().toISOString(), simulated: lab.simulated, hosts });
    await this.repo.markRunStarted(runId);
    const jobs = await this.repo.queuePendingCases(runId);
    await this.queue.enqueueCases(jobs);
    await publishEvent(this.db, { kind: 'run', runId, runNumber: run.number, status: 'running' });
    await publishEvent(this.db, { kind: 'queued', runId });
    const settled = await this.repo.settleRun(runId);
    if (settled.closed) {
      await publishEvent(this.db, { kind: 'run', runId, runNumber: run.number, status: settled.status });
    }
    this.log({ run: run.number, cases: jobs.length }, 'run prepared and queued');
  }

  /**
   * Cases of `requires: { updated: true }` suites go only to pools the update step just changed: their
   * planned pools are narrowed to those, and a case left with none is skipped saying why (its pools
   * were not updated, or the run applied no candidates) instead of running on un-updated hosts.
   */
  private async confineToUpdatedPools(runId: string, lab: LabView, updatedPools: string[]): Promise<void> {
    for (const c of await this.repo.pendingCasesNeedingUpdates(runId)) {
      const narrowed = narrowToUpdatedPools(c.needs as CasePlan, lab, updatedPools);
      if (!narrowed.ok) await this.repo.finishCase(c.id, { outcome: 'skipped', reason: narrowed.reason });
      else if (narrowed.changed) await this.repo.setCaseNeeds(c.id, narrowed.plan);
    }
  }

  private async software(lab: LabView, host: LabHostView, pool: string): Promise<HostSoftware> {
    const hw = host.tags.find((t) => t.startsWith('hw:'))?.slice(3);
    return { ...(await this.installed(lab, host, pool)), ...(hw ? { hardwareClass: hw } : {}) };
  }

  private async installed(lab: LabView, host: LabHostView, pool: string): Promise<HostSoftware> {
    const runner = this.ssh.runner(hostTarget(lab, host));
    try {
      const inv = await runner.exec('cat /etc/xensource-inventory', { timeoutMs: 30_000 });
      const fields = parseXensourceInventory(inv.stdout);
      const rpm = await runner.exec(`rpm -qa --qf '%{NAME} %{VERSION}-%{RELEASE}\\n'`, { timeoutMs: 60_000 });
      return {
        name: host.name,
        pool,
        version: fields.PRODUCT_VERSION ?? host.version ?? undefined,
        build: fields.BUILD_NUMBER,
        packages: rpm.exitCode === 0 ? parseRpmList(rpm.stdout) : undefined,
        error: rpm.exitCode === 0 ? undefined : `rpm -qa: exit ${rpm.exitCode}`,
      };
    } catch (err) {
      return {
        name: host.name,
        pool,
        version: host.version ?? undefined,
        error: err instanceof Error ? err.message : String(err),
      };
    }
  }
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { expandCampaign, refuseRepeatedCases } from 'src/campaign/expand-campaign';
import { loadCampaign } from 'src/campaign/load-campaign';
import { Campaign, CampaignCase, CampaignUpdates } from 'src/campaign/campaign.types';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { PoolNeed, ScenarioNeeds } from 'src/scenarios/scenario.types';
import { CaseQueue } from 'src/execution/case-queue';
import { ExecutionError, ExecutionErrorCode } from 'src/execution/execution.errors';
import { planCase } from 'src/execution/planner';
import { publishEvent } from 'src/execution/run-events';
import { RunRepository } from 'src/execution/run.repository';
import { NewCase, RunRow } from 'src/execution/run.types';
import { LabView } from 'src/lab/lab-view';
import { LabRepository } from 'src/lab/lab.repository';
import { ArtifactStore } from 'src/results/artifact-store';

export interface StartRunInput {
  /** A path to the campaign file, or its text with a name for messages. */
  campaign: string | { text: string; filename: string };
  lab: string;
  suite?: string;
  /** Only the cases matching this expression (the constraint language, as `campaign expand --only`). */
  only?: string;
  /** Only these case keys (or case hashes). */
  cases?: string[];
  priority?: number;
  createdBy?: string;
  /** What `run start`'s lab check found; a run started over failing rows with --force records them. */
  labCheck?: LabCheck;
  /** Run the lab's quick checks first (API and web starts) and refuse on a failing row unless `force`. */
  checkLab?: { force: boolean };
  /** Replaces the campaign's `updates:` (the watcher names the new packages it found). */
  updates?: CampaignUpdates;
  /** What started the run, when not a person (the repository watcher and the set it found); kept in its options. */
  trigger?: Record<string, unknown>;
}

interface LabCheck {
  forced: boolean;
  failing: Array<{ check: string; subject: string; detail: string }>;
  /** who queued the run over failing checks */
  forcedBy?: string;
}

/** The lab's quick checks for a campaign: what to record on the run, or a LabNotReady refusal. */
export type RunGate = (
  lab: LabView,
  campaign: Campaign,
  suite: string | undefined,
  force: boolean,
) => Promise<LabCheck>;

interface StartedRun {
  run: RunRow;
  counts: { total: number; queued: number; skipped: number; manual: number };
}

/** Starts and cancels runs: campaign → cases → plan against the lab → stored and handed to workers. */
export class RunService {
  private readonly repo: RunRepository;
  private readonly labs: LabRepository;

  constructor(
    private readonly db: DataSource,
    private readonly queue: CaseQueue,
    private readonly registry: ScenarioRegistry,
    private readonly gate?: RunGate,
  ) {
    this.repo = new RunRepository(db);
    this.labs = new LabRepository(db);
  }

  /** The labs one may start a run or a schedule on. */
  async listLabs(): Promise<Array<{ name: string; simulated: boolean }>> {
    const labs = await this.labs.listLabs();
    return labs.map(({ name, simulated }) => ({ name, simulated }));
  }

  async start(input: StartRunInput): Promise<StartedRun> {
    const source =
      typeof input.campaign === 'string'
        ? { text: readFileSync(input.campaign, 'utf8'), filename: input.campaign }
        : input.campaign;
    const campaign = loadCampaign(source);
    const lab = await this.labs.findLab(input.lab);
    if (!lab) {
      throw new ExecutionError(
        `no lab named ${input.lab} in the inventory (load one with \`shakedown lab import\`)`,
        ExecutionErrorCode.LabNotFound,
      );
    }
    let cases = expandCampaign(campaign, { suite: input.suite, only: input.only }).suites.flatMap((s) => s.cases);
    if (input.cases?.length) {
      const wanted = new Set(input.cases);
      cases = cases.filter((c) => wanted.has(c.caseKey) || wanted.has(c.caseHash));
    }
    if (!cases.length) throw new ExecutionError('the selection leaves no case to run', ExecutionErrorCode.NothingToRun);
    refuseRepeatedCases(campaign, cases);
    let labCheck = input.labCheck;
    // A nested lab is provisioned by the run itself: there is nothing to check before.
    if (input.checkLab && this.gate && !campaign.nestedLab) {
      labCheck = await this.gate(lab, campaign, input.suite, input.checkLab.force);
      if (labCheck.forced && input.createdBy) labCheck = { ...labCheck, forcedBy: input.createdBy };
    }

    const updates = input.updates ?? campaign.updates ?? null;
    const planned = cases.map((c) => this.plan(c, lab, campaign.release, campaign.baseline));
    const priority = input.priority ?? campaign.schedule?.priority ?? 0;
    const sha256 = createHash('sha256').update(source.text).digest('hex');
    const run = await this.repo.transaction(async (em) => {
      const campaignId = await this.repo.upsertCampaign(
        {
          name: campaign.name,
          release: campaign.release,
          baseline: campaign.baseline,
          path: typeof input.campaign === 'string' ? resolve(input.campaign) : null,
          text: source.text,
          sha256,
        },
        em,
      );
      const row = await this.repo.insertRun(
        {
          campaignId,
          campaignName: campaign.name,
          release: campaign.release,
          baseline: campaign.baseline,
          lab,
          priority,
          options: {
            suite: input.suite ?? null,
            only: input.only ?? null,
            cases: input.cases ?? null,
            updates,
            notify: campaign.notify ?? null,
            ...(input.trigger ? { trigger: input.trigger } : {}),
            ...(labCheck ? { labCheck } : {}),
          },
          createdBy: input.createdBy,
        },
        em,
      );
      await this.repo.insertCases(row.id, priority, planned, em);
      return row;
    });
    await this.queue.enqueueRunPrepare({ runId: run.id }, priority);
    await publishEvent(this.db, { kind: 'run', runId: run.id, runNumber: run.number, status: run.status });
    const skipped = planned.filter((c) => c.outcome === 'skipped').length;
    const manual = planned.filter((c) => c.outcome === 'manual-pending').length;
    return { run, counts: { total: planned.length, queued: planned.length - skipped - manual, skipped, manual } };
  }

  async cancel(runRef: string): Promise<RunRow> {
    const run = await this.repo.findRunAsCaller(runRef);
    if (!run) throw new ExecutionError(`no run ${runRef}`, ExecutionErrorCode.RunNotFound);
    if (['finished', 'cancelled', 'error'].includes(run.status)) {
      throw new ExecutionError(`run ${run.number} is already ${run.status}`, ExecutionErrorCode.RunFinished);
    }
    await this.repo.requestCancel(run.id);
    await publishEvent(this.db, { kind: 'cancel', runId: run.id });
    await this.repo.settleRun(run.id);
    return (await this.repo.findRun(run.id))!;
  }

  /** Cancels one case: dropped if not started; stopped within seconds (teardown still runs) if running. */
  async cancelCase(runRef: string, caseRef: string): Promise<{ caseKey: string; status: string }> {
    const run = await this.repo.findRunAsCaller(runRef);
    if (!run) throw new ExecutionError(`no run ${runRef}`, ExecutionErrorCode.RunNotFound);
    const c = await this.repo.findCaseInRun(run.id, caseRef);
    if (!c) throw new ExecutionError(`run ${run.number} has no case ${caseRef}`, ExecutionErrorCode.CaseNotFound);
    if (c.status === 'done') {
      throw new ExecutionError(`case ${c.caseKey} is already ${c.outcome}`, ExecutionErrorCode.CaseFinished);
    }
    const dropped = await this.repo.cancelQueuedCase(c.id);
    if (!dropped) await publishEvent(this.db, { kind: 'cancel', runId: run.id, caseId: c.id });
    await this.repo.settleRun(run.id);
    return { caseKey: c.caseKey, status: dropped ? 'cancelled' : 'cancelling' };
  }

  /**
   * Records the outcome of a manual check (installer bullets and other checklists a person does),
   * with notes and evidence files kept as artifacts. A later record replaces an earlier one.
   */
  async recordManual(input: {
    run: string;
    case: string;
    outcome: 'passed' | 'failed' | 'skipped';
    notes?: string;
    by: string;
    evidence?: Array<{ name: string; content: Buffer; mediaType?: string }>;
    artifacts: ArtifactStore;
  }): Promise<{ caseKey: string; outcome: string }> {
    const run = await this.repo.findRunAsCaller(input.run);
    if (!run) throw new ExecutionError(`no run ${input.run}`, ExecutionErrorCode.RunNotFound);
    const c = await this.repo.findCaseInRun(run.id, input.case);
    if (!c) throw new ExecutionError(`run ${run.number} has no case ${input.case}`, ExecutionErrorCode.CaseNotFound);
    if (!c.manual) {
      throw new ExecutionError(
        `case ${c.caseKey} is automated: its outcome comes from running it`,
        ExecutionErrorCode.NotManual,
      );
    }
    const evidence: string[] = [];
    for (const file of input.evidence ?? []) {
      const stored = await input.artifacts.put(file.content);
      await this.repo.insertArtifact({
        runId: run.id,
        caseId: c.id,
        attemptId: null,
        name: file.name,
        mediaType: file.mediaType ?? 'application/octet-stream',
        ...stored,
      });
      evidence.push(stored.sha256);
    }
    await this.repo.recordManual(c.id, { outcome: input.outcome, notes: input.notes ?? '', by: input.by, evidence });
    await this.repo.settleRun(run.id);
    await publishEvent(this.db, {
      kind: 'case',
      runId: run.id,
      runNumber: run.number,
      caseId: c.id,
      status: 'done',
      outcome: input.outcome,
    });
    return { caseKey: c.caseKey, outcome: input.outcome };
  }

  /** Each case's needs: what its scenario says, tightened by the suite's `requires`. */
  private plan(c: CampaignCase, lab: LabView, release: string, baseline: string): NewCase {
    const base: NewCase = {
      caseKey: c.caseKey,
      caseHash: c.caseHash,
      suite: c.suite,
      scenario: c.scenario,
      params: c.params,
      expectation: c.expectation,
      settings: c.settings as unknown as Record<string, unknown>,
      release:
        typeof c.params.release === 'string'
          ? c.params.release === 'baseline'
            ? baseline
            : c.params.release === 'candidate'
              ? release
              : c.params.release
          : release,
      manual: c.manual,
      needs: null,
    };
    if (c.manual) return { ...base, outcome: 'manual-pending', reason: 'a tester completes this checklist' };
    if (!this.registry.has(c.scenario)) {
      return {
        ...base,
        outcome: 'skipped',
        reason: `no automation for scenario ${c.scenario} in this version of Shakedown`,
      };
    }
    const needs = withRequirements(
      this.registry
        .get(c.scenario)
        .needs(c.params, { release, baseline }, c.settings as unknown as Record<string, unknown>),
      c.settings.requires,
      { release, baseline },
    );
    const plan = planCase(needs, lab);
    return plan.ok ? { ...base, needs: plan.plan } : { ...base, outcome: 'skipped', reason: plan.reason };
  }
}

export function withRequirements(
  needs: ScenarioNeeds,
  req: CampaignCase['settings']['requires'] | undefined,
  facts: { release: string; baseline: string },
): ScenarioNeeds {
  if (!req) return needs;
  const pools: PoolNeed[] = needs.pools.map((p) => ({
    ...p,
    minHosts: Math.max(p.minHosts, req.hosts_per_pool ?? 0),
    srKinds: [...new Set([...(p.srKinds ?? []), ...(req.sr_kinds ?? [])])],
    tags: [...new Set([...(p.tags ?? []), ...(req.hardware ?? [])])],
  }));
  while (req.pools && pools.length < req.pools) {
    pools.push({ role: `extra-${pools.length + 1}`, minHosts: req.hosts_per_pool ?? 1 });
  }
  if (!req.updated) return { pools };
  // The update step changes candidate-release pools only; a role on the baseline (the "old" side of
  // an old-vs-new case) stays un-updated, which is what the comparison is against.
  return {
    pools: pools.map((p) =>
      p.mixedVersions || (p.version !== undefined && p.version !== facts.release)
        ? p
        : { ...p, version: facts.release, updated: true },
    ),
  };
}

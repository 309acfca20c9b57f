import { Campaign, CampaignCase } from 'src/campaign/campaign.types';
import { expandCampaign } from 'src/campaign/expand-campaign';
import { DoctorOptions, DoctorRow, LabDoctor } from 'src/lab/doctor/lab-doctor';
import { GIB } from 'src/lab/doctor/doctor-row';
import { Inventory } from 'src/lab/inventory.types';
import { LabInventory } from 'src/lab/lab-inventory';
import { LabView } from 'src/lab/lab-view';
import { describeNeed, planCase } from 'src/execution/planner';
import { ExecutionError, ExecutionErrorCode } from 'src/execution/execution.errors';
import { RunGate, withRequirements } from 'src/execution/run.service';
import { SshPool } from 'src/remote/ssh-pool';
import { MEMORY, TEMPLATE_HINTS, VmKind } from 'src/scenarios/support/pool-ops';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { ScenarioNeeds } from 'src/scenarios/scenario.types';

/** A case's VM disk as the templates make it; its data files (fio's `size`) come on top. */
const VM_DISK_BYTES = 10 * GIB;
const SIZE = /^(\d+(?:\.\d+)?)\s*([KMGT])i?B?$/i;
const UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: GIB, T: 1024 * GIB };

function bytesOf(value: unknown): number {
  const m = typeof value === 'string' ? SIZE.exec(value.trim()) : null;
  return m ? Number(m[1]) * (UNITS[m[2]!.toUpperCase()] ?? 1) : 0;
}

/** The lab inventory as the planner sees it, every host taken as healthy (the doctor checks health itself). */
function labViewOf(lab: LabInventory): LabView {
  return {
    id: lab.name,
    name: lab.name,
    simulated: lab.inventory.simulated,
    inventory: {},
    pools: lab.pools.map((p) => ({
      id: p.name,
      name: p.name,
      masterName: p.master,
      tags: p.tags,
      hosts: p.hosts.map((h) => ({
        id: h.name,
        name: h.name,
        address: h.address,
        port: h.port,
        username: h.user,
        credentialRef: {},
        version: h.version ?? null,
        tags: lab.tagsOf(h, p),
        health: 'good',
      })),
    })),
  };
}

function vmKindsOf(c: CampaignCase): VmKind[] {
  const kinds = new Set<VmKind>();
  for (const v of [c.params.vm_kind, c.params.kind]) {
    if (typeof v === 'string' && v in TEMPLATE_HINTS) kinds.add(v as VmKind);
  }
  if (c.scenario.includes('windows')) kinds.add('hvm-windows');
  if (!kinds.size) kinds.add('pvhvm-linux');
  return [...kinds];
}

/**
 * What a campaign asks of a lab, for `lab doctor --campaign` and `run start`'s gate: the doctor's
 * needs (templates of the VM kinds used, the largest VM and disk, tools ISO, xapi login, guest
 * software), and one row per suite saying whether the lab's pools can serve its cases.
 */
export class CampaignReadiness {
  private readonly cases: CampaignCase[];

  constructor(
    private readonly campaign: Campaign,
    private readonly registry: ScenarioRegistry,
    suite?: string,
  ) {
    this.cases = expandCampaign(campaign, { suite })
      .suites.flatMap((s) => s.cases)
      .filter((c) => !c.manual && registry.has(c.scenario));
  }

  doctorOptions(): DoctorOptions {
    const kinds = new Set(this.cases.flatMap(vmKindsOf));
    const templateHints: Record<string, readonly RegExp[]> = {};
    for (const kind of kinds) templateHints[kind] = TEMPLATE_HINTS[kind];
    const software = new Set(this.cases.flatMap((c) => this.registry.get(c.scenario).guestSoftware?.(c.params) ?? []));
    const needs = this.cases.map((c) => this.needsOf(c));
    return {
      templateHints,
      needs: {
        vmMemoryBytes: this.cases.some((c) => c.params.size === 'large') ? MEMORY.large : MEMORY.tiny,
        srFreeBytes: VM_DISK_BYTES + Math.max(0, ...this.cases.map((c) => bytesOf(c.settings.with.size))),
        srKinds: [...new Set(needs.flatMap((n) => n.pools.flatMap((p) => p.srKinds ?? [])))],
        toolsIso: this.cases.some((c) => c.scenario === 'guest-tools'),
        xapiLogin: this.cases.some(
          (c) =>
            (typeof c.params.scope === 'string' && c.params.scope.startsWith('cross-pool')) ||
            (typeof c.params.storage === 'string' && c.params.storage.includes('local')),
        ),
        guestSoftware: [...software].sort(),
      },
    };
  }

  /** Per suite: can the lab's pools serve its cases (pools, hosts, versions, SR kinds, tags)? */
  coverage(lab: LabInventory): DoctorRow[] {
    const view = labViewOf(lab);
    const suites = [...new Set(this.cases.map((c) => c.suite))];
    return suites.map((suite) => {
      const cases = this.cases.filter((c) => c.suite === suite);
      const refused = cases.map((c) => ({ c, plan: planCase(this.needsOf(c), view) })).filter((x) => !x.plan.ok);
      const check = `campaign ${this.campaign.name}: suite ${suite}`;
      if (!refused.length) {
        return { check, subject: lab.name, status: 'ok', detail: `${cases.length} cases placeable`, fix: '' };
      }
      const first = refused[0]!;
      const reason = first.plan.ok ? '' : first.plan.reason;
      return {
        check,
        subject: lab.name,
        status: refused.length === cases.length ? 'fail' : 'warn',
        detail: `${refused.length} of ${cases.length} cases have no pool and would be skipped, e.g. ${first.c.caseKey}: ${reason}`,
        fix: `give the lab a pool with ${this.needsOf(first.c).pools.map(describeNeed).join(' and ')} (inventory tags sr:<kind> and versions), or leave the suite out`,
      } satisfies DoctorRow;
    });
  }

  /** The same needs run start plans with: the scenario's, tightened by the suite's `requires`. */
  private needsOf(c: CampaignCase): ScenarioNeeds {
    const facts = { release: this.campaign.release, baseline: this.campaign.baseline };
    return withRequirements(
      this.registry.get(c.scenario).needs(c.params, facts, c.settings as unknown as Record<string, unknown>),
      c.settings.requires,
      facts,
    );
  }
}

/** The whole doctor for a campaign: its coverage rows, then the lab's own rows with the campaign's needs. */
export async function examineForCampaign(
  ssh: SshPool,
  lab: LabInventory,
  readiness: CampaignReadiness,
  options: Partial<DoctorOptions> = {},
): Promise<{ doctor: LabDoctor; rows: DoctorRow[] }> {
  const doctor = new LabDoctor(ssh, lab, { ...readiness.doctorOptions(), ...options });
  return { doctor, rows: [...readiness.coverage(lab), ...(await doctor.examine())] };
}

/**
 * `run start`'s gate: the campaign's coverage and the doctor's quick checks (SSH and pins, xapi,
 * templates, shared SRs, clocks) on the stored lab. Returns the failing rows; empty means go.
 */
export async function labGate(ssh: SshPool, lab: LabView, readiness: CampaignReadiness): Promise<DoctorRow[]> {
  const inventory = new LabInventory(lab.inventory as unknown as Inventory);
  const { rows } = await examineForCampaign(ssh, inventory, readiness, { quick: true });
  return rows.filter((r) => r.status === 'fail');
}

/**
 * The gate of runs started from the API and the web pages: `labGate`, refusing with the failing rows
 * (LAB_NOT_READY, 409) unless the caller insists, and then recorded on the run.
 */
export function runGate(ssh: SshPool, registry: ScenarioRegistry): RunGate {
  return async (lab, campaign, suite, force) => {
    const failing = await labGate(ssh, lab, new CampaignReadiness(campaign, registry, suite));
    const rows = failing.map((r) => ({ check: r.check, subject: r.subject, detail: r.detail, fix: r.fix }));
    if (failing.length && !force) {
      const shown = rows.slice(0, 5).map((r) => `${r.subject}: ${r.check}: ${r.detail} (fix: ${r.fix || '-'})`);
      throw new ExecutionError(
        `lab ${lab.name} is not ready for ${campaign.name}: ${failing.length} check${failing.length > 1 ? 's' : ''} fail (force to queue anyway): ${shown.join('; ')}${rows.length > 5 ? '; …' : ''}`,
        ExecutionErrorCode.LabNotReady,
        { failing: rows },
      );
    }
    return { forced: failing.length > 0, failing: rows.map(({ fix: _fix, ...r }) => r) };
  };
}

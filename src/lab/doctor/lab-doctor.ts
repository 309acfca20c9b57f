import { toolsIso, xapiLogin } from 'src/lab/doctor/access-checks';
import { diskHeadroom, memoryHeadroom } from 'src/lab/doctor/capacity-checks';
import { DoctorNeeds, DoctorRow, GIB, StaticBinarySource } from 'src/lab/doctor/doctor-row';
import { GUEST_CREDENTIAL_CHECK, guestChecks } from 'src/lab/doctor/guest-checks';
import { describeError, HostHealthService } from 'src/lab/host-health.service';
import { LabInventory } from 'src/lab/lab-inventory';
import { SshPool } from 'src/remote/ssh-pool';
import { XeClient } from 'src/remote/xe/xe-client';

export type { DoctorRow, DoctorStatus } from 'src/lab/doctor/doctor-row';

export interface DoctorOptions {
  /** Template names a VM kind accepts, first match wins (the scenarios' own choice). */
  templateHints: Record<string, readonly RegExp[]>;
  /** What the campaign needs beyond templates; defaults: one 512 MiB VM, 20 GiB of disk, no guest software. */
  needs?: Partial<Omit<DoctorNeeds, 'templateHints'>>;
  /** The ISO the guest-tools cases insert. */
  toolsIsoName?: string;
  /** `run start`'s gate: reachability, xapi, templates and SRs only (no capacity, login or guest checks). */
  quick?: boolean;
  /** Host clocks in one pool may differ by this much before migration timings mean nothing. */
  maxClockSpreadSeconds?: number;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** The operator's static binaries for guests without repositories (SHAKEDOWN_GUEST_BINARIES_DIR). */
  staticBinaries?: StaticBinarySource | null;
}

interface PreparedRow {
  row: DoctorRow;
  /** What --prepare did, or why it could not. */
  outcome: string;
  repaired: boolean;
}

/**
 * `shakedown lab doctor`: what a run would otherwise find out case by case, hours in, checked up
 * front, one row per requirement with its fix.
 */
export class LabDoctor {
  constructor(
    private readonly ssh: SshPool,
    private readonly lab: LabInventory,
    private readonly options: DoctorOptions,
  ) {}

  private get needs(): DoctorNeeds {
    return {
      templateHints: this.options.templateHints,
      vmMemoryBytes: 512 * 1024 ** 2,
      srFreeBytes: 20 * GIB,
      srKinds: [],
      toolsIso: false,
      xapiLogin: false,
      guestSoftware: [],
      ...this.options.needs,
    };
  }

  async examine(): Promise<DoctorRow[]> {
    const rows = (await Promise.all(this.lab.inventory.pools.map((p) => this.examinePool(p.name)))).flat();
    if (!this.options.quick && !rows.some((r) => r.check === GUEST_CREDENTIAL_CHECK)) {
      rows.push({
        check: GUEST_CREDENTIAL_CHECK,
        subject: this.lab.name,
        status: 'warn',
        detail: 'no running Linux VM with an address in any pool to try it on',
        fix: 'start one of the lab VMs and check again',
      });
    }
    return rows;
  }

  /**
   * `--prepare`: does what the failing and warning rows allow without judgement (plug a shared SR's
   * PBD, install missing guest software with the guest's package manager), one row at a time.
   */
  async prepare(rows: readonly DoctorRow[]): Promise<PreparedRow[]> {
    const out: PreparedRow[] = [];
    for (const row of rows) {
      if (row.status === 'ok' || !row.repair) continue;
      try {
        out.push({ row, outcome: await row.repair(), repaired: true });
      } catch (err) {
        out.push({ row, outcome: describeError(err), repaired: false });
      }
    }
    return out;
  }

  private async examinePool(poolName: string): Promise<DoctorRow[]> {
    const rows: DoctorRow[] = [];
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const health = new HostHealthService(this.ssh);
    const hosts = await Promise.all(
      this.lab.pool(poolName).hosts.map((h) => health.check(this.lab, h.name, { timeoutMs })),
    );
    for (const h of hosts) {
      const ssh = h.reachable;
      rows.push({
        check: 'SSH reachable, host key as pinned',
        subject: h.host,
        status: ssh ? 'ok' : 'fail',
        detail: ssh ? 'answers' : h.problems.join('; '),
        fix: ssh
          ? ''
          : h.problems.some((p) => p.includes('HOST_KEY_MISMATCH'))
            ? `verify the new key out of band, then: shakedown lab trust ${h.host} --fingerprint SHA256:…`
            : 'check address, port, credential and sshd on the host',
      });
      if (!ssh) continue;
      rows.push({
        check: 'xapi answers (version, build)',
        subject: h.host,
        status: h.xapi && h.state === 'good' ? 'ok' : h.xapi ? 'warn' : 'fail',
        detail: h.xapi
          ? `XCP-ng ${h.version ?? '?'} build ${h.build ?? '?'}${h.problems.length ? `; ${h.problems.join('; ')}` : ''}`
          : h.problems.join('; '),
        fix: h.xapi
          ? h.state === 'good'
            ? ''
            : 'enable the host (xe host-enable) or fix the inventory version'
          : 'xe-toolstack-restart on the host',
      });
    }
    const master = hosts.find((h) => h.host === this.lab.pool(poolName).master);
    if (!master?.xapi) return rows;
    const xe = this.lab.xe(this.ssh, poolName, { defaultTimeoutMs: timeoutMs });
    rows.push(...(await this.templates(xe, poolName)));
    rows.push(...(await this.sharedStorage(xe, poolName)));
    rows.push(await this.clocks(poolName));
    if (this.options.quick) return rows;
    const needs = this.needs;
    rows.push(await memoryHeadroom(xe, poolName, needs));
    rows.push(...(await diskHeadroom(xe, poolName, needs)));
    rows.push(await toolsIso(xe, poolName, this.options.toolsIsoName ?? 'guest-tools.iso'));
    const login = await xapiLogin(xe, this.lab, poolName, needs, this.options.env);
    if (login) rows.push(login);
    rows.push(
      ...(await guestChecks(this.ssh, xe, this.lab, poolName, needs, timeoutMs, this.options.staticBinaries ?? null)),
    );
    return rows;
  }

  private async templates(xe: XeClient, pool: string): Promise<DoctorRow[]> {
    let names: string[];
    try {
      names = (await xe.records('template-list', { params: 'name-label' })).map((r) => r['name-label'] ?? '');
    } catch (err) {
      return [
        {
          check: 'templates',
          subject: pool,
          status: 'fail',
          detail: describeError(err),
          fix: 'xe template-list must answer on the master',
        },
      ];
    }
    return Object.entries(this.options.templateHints).map(([kind, hints]) => {
      const found = hints.map((hint) => names.find((n) => hint.test(n))).find((n) => n !== undefined);
      return {
        check: `template for ${kind} VMs`,
        subject: pool,
        status: found ? 'ok' : 'fail',
        detail: found ?? `none of ${hints.map((h) => h.source).join(', ')}`,
        fix: found
          ? ''
          : `import or create a ${kind} template in pool ${pool}, or name one with with.templates.${kind} in the suite`,
      } satisfies DoctorRow;
    });
  }

  private async sharedStorage(xe: XeClient, pool: string): Promise<DoctorRow[]> {
    try {
      const [srs, hosts] = await Promise.all([xe.sr.list({ shared: true }), xe.host.list()]);
      const shared = srs.filter((s) => s.contentType !== 'iso');
      if (!shared.length) {
        return [
          {
            check: 'shared SR',
            subject: pool,
            status: 'warn',
            detail: 'no shared SR',
            fix: 'add an NFS or iSCSI SR for live migration within the pool',
          },
        ];
      }
      const rows: DoctorRow[] = [];
      for (const sr of shared) {
        const pbds = await xe.pbd.list({ srUuid: sr.uuid });
        const unplugged = hosts.filter((h) => !pbds.some((p) => p.hostUuid === h.uuid && p.attached));
        rows.push({
          check: 'shared SR plugged on every host',
          subject: pool,
          status: unplugged.length ? 'fail' : 'ok',
          detail: unplugged.length
            ? `${sr.nameLabel} (${sr.kind}) not plugged on ${unplugged.map((h) => h.nameLabel).join(', ')}`
            : `${sr.nameLabel} (${sr.kind}) on ${hosts.length} hosts`,
          fix: unplugged.length
            ? `xe pbd-plug uuid=<the PBD of ${sr.nameLabel} on that host> (xe pbd-list sr-uuid=${sr.uuid}); --prepare does it`
            : '',
          ...(unplugged.length
            ? {
                repair: async () => {
                  for (const host of unplugged) {
                    const pbd = pbds.find((p) => p.hostUuid === host.uuid);
                    if (!pbd) throw new Error(`${sr.nameLabel} has no PBD on ${host.nameLabel}: xe pbd-create first`);
                    await xe.call('pbd-plug', { uuid: pbd.uuid });
                  }
                  return `plugged ${sr.nameLabel} on ${unplugged.map((h) => h.nameLabel).join(', ')}`;
                },
              }
            : {}),
        });
      }
      return rows;
    } catch (err) {
      return [
        {
          check: 'shared SR plugged on every host',
          subject: pool,
          status: 'fail',
          detail: describeError(err),
          fix: 'xe sr-list and pbd-list must answer on the master',
        },
      ];
    }
  }

  private async clocks(pool: string): Promise<DoctorRow> {
    const max = this.options.maxClockSpreadSeconds ?? 5;
    const p = this.lab.pool(pool);
    if (p.hosts.every((h) => this.lab.kindOf(h, p) === 'simulated')) {
      // Simulated hosts read one model clock, which runs faster than real time: nothing to compare.
      return {
        check: 'host clocks agree',
        subject: pool,
        status: 'ok',
        detail: 'simulated: one model clock for every host',
        fix: '',
      };
    }
    const names = p.hosts.map((h) => h.name);
    const times = await Promise.all(
      names.map(async (name) => {
        const r = await this.ssh
          .exec(this.lab.sshTarget(name), 'date +%s', { timeoutMs: this.options.timeoutMs ?? 30_000 })
          .catch(() => null);
        const t = r?.exitCode === 0 ? Number(r.stdout.trim()) : NaN;
        return { name, t };
      }),
    );
    const known = times.filter((x) => Number.isFinite(x.t));
    if (known.length < names.length) {
      return {
        check: 'host clocks agree',
        subject: pool,
        status: 'warn',
        detail: 'date +%s did not answer on every host',
        fix: 'check SSH on those hosts',
      };
    }
    const spread = Math.max(...known.map((x) => x.t)) - Math.min(...known.map((x) => x.t));
    return {
      check: 'host clocks agree',
      subject: pool,
      status: spread <= max ? 'ok' : 'fail',
      detail: `spread ${spread} s (at most ${max} s)`,
      fix: spread <= max ? '' : 'enable NTP (chronyd) on every host of the pool',
    };
  }
}

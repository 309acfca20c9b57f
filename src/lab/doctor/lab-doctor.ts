import { describeError, HostHealthService } from 'src/lab/host-health.service';
import { LabInventory } from 'src/lab/lab-inventory';
import { SshPool } from 'src/remote/ssh-pool';
import { XeClient } from 'src/remote/xe/xe-client';

export type DoctorStatus = 'ok' | 'warn' | 'fail';

/** One requirement of the campaign on the lab, as checked on the lab. */
export interface DoctorRow {
  check: string;
  /** The host or pool it concerns. */
  subject: string;
  status: DoctorStatus;
  detail: string;
  /** What to do about it; empty when ok. */
  fix: string;
}

export interface DoctorOptions {
  /** Template names a VM kind accepts, first match wins (the scenarios' own choice). */
  templateHints: Record<string, readonly RegExp[]>;
  /** Host clocks in one pool may differ by this much before migration timings mean nothing. */
  maxClockSpreadSeconds?: number;
  timeoutMs?: number;
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

  async examine(): Promise<DoctorRow[]> {
    const perPool = await Promise.all(this.lab.inventory.pools.map((p) => this.examinePool(p.name)));
    return perPool.flat();
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
            ? `xe pbd-plug uuid=<the PBD of ${sr.nameLabel} on that host> (xe pbd-list sr-uuid=${sr.uuid})`
            : '',
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

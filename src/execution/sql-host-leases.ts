import { queryRows } from 'src/database/sql';
import { DataSource } from 'typeorm';
import { HostLeaseRequest, HostLeases } from 'src/execution/host-leases';

/**
 * Host leases in PostgreSQL. All or nothing in one transaction: expired leases on the wanted hosts
 * are cleared, then one row per host goes into lease_hosts, whose UNIQUE(host_id) makes a second
 * holder's insert fail, so two workers can never hold one host even when they race.
 */
export class SqlHostLeases implements HostLeases {
  constructor(private readonly db: DataSource) {}

  async tryAcquire(r: HostLeaseRequest): Promise<{ leaseId: string } | null> {
    if (!r.hostIds.length) throw new Error('a lease needs at least one host');
    try {
      return await this.db.transaction(async (em) => {
        // An expired lease still tied to a running case belongs to the reaper: that case's objects
        // must be cleaned off the hosts before anyone else uses them.
        await queryRows(
          em,
          `DELETE FROM leases l USING lease_hosts lh
            WHERE lh.lease_id = l.id AND lh.host_id = ANY($1::uuid[]) AND l.expires_at < now()
              AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.lease_id = l.id AND c.status = 'running')`,
          [r.hostIds],
        );
        const [lease] = await queryRows(
          em,
          `INSERT INTO leases (holder, purpose, run_id, case_id, expires_at)
           VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5 / 1000.0)) RETURNING id`,
          [r.holder, r.purpose, r.runId ?? null, r.caseId ?? null, r.ttlMs],
        );
        const inserted = await queryRows(
          em,
          `INSERT INTO lease_hosts (lease_id, host_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT (host_id) DO NOTHING RETURNING host_id`,
          [lease.id, r.hostIds],
        );
        if (inserted.length !== new Set(r.hostIds).size) throw new LeaseBusy();
        return { leaseId: lease.id as string };
      });
    } catch (err) {
      if (err instanceof LeaseBusy) return null;
      throw err;
    }
  }

  async heartbeat(leaseId: string, ttlMs: number): Promise<boolean> {
    const rows = await queryRows(
      this.db,
      `UPDATE leases SET heartbeat_at = now(), expires_at = now() + make_interval(secs => $2 / 1000.0)
        WHERE id = $1 RETURNING id`,
      [leaseId, ttlMs],
    );
    return rows.length > 0;
  }

  /** Takes over an expired lease (one reaper wins); false when it is live or gone. */
  async adoptExpired(leaseId: string, holder: string, ttlMs: number): Promise<boolean> {
    const rows = await queryRows(
      this.db,
      `UPDATE leases SET holder = $2, heartbeat_at = now(), expires_at = now() + make_interval(secs => $3 / 1000.0)
        WHERE id = $1 AND expires_at < now() RETURNING id`,
      [leaseId, holder, ttlMs],
    );
    return rows.length > 0;
  }

  async release(leaseId: string): Promise<void> {
    await queryRows(this.db, `DELETE FROM leases WHERE id = $1`, [leaseId]);
  }
}

/** Thrown inside the transaction to roll it back when a host is taken. */
class LeaseBusy extends Error {}

import { DataSource } from 'typeorm';
import { queryRows } from 'src/database/sql';

interface LeaseRequest {
  holder: string;
  purpose: string;
  hostIds: readonly string[];
  ttlMs: number;
  runId?: string;
  caseId?: string;
}

interface LeaseRecord {
  id: string;
  holder: string;
  hostIds: string[];
  expiresAt: Date;
}

/** PostgreSQL errors that mean "someone else got there first": treat as busy, not as a failure. */
const CONTENTION = new Set(['40P01', '40001', '23505']);

/**
 * Leases on hosts. UNIQUE(lease_hosts.host_id) is the guarantee: whatever the timing, a host row
 * can be inserted for one lease only. Acquisition is one transaction, all hosts or none.
 */
export class LeaseRepository {
  constructor(private readonly db: DataSource) {}

  async tryAcquire(request: LeaseRequest): Promise<LeaseRecord | null> {
    // Sorted, so that two overlapping requests lock rows in the same order and cannot deadlock.
    const hostIds = [...new Set(request.hostIds)].sort();
    if (!hostIds.length) throw new Error('a lease needs at least one host');
    try {
      return await this.db.transaction(async (em) => {
        // Reclaim: an expired lease on any wanted host is dropped (its lease_hosts go with it),
        // unless a case still runs under it: that one belongs to the reaper, which must clean the
        // dead holder's objects off the hosts before anyone else uses them.
        await em.query(
          `DELETE FROM leases l WHERE l.expires_at < now()
              AND EXISTS (SELECT 1 FROM lease_hosts lh WHERE lh.lease_id = l.id AND lh.host_id = ANY($1::uuid[]))
              AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.lease_id = l.id AND c.status = 'running')`,
          [hostIds],
        );
        const [lease] = await em.query(
          `INSERT INTO leases (holder, purpose, run_id, case_id, expires_at)
           VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::double precision / 1000))
           RETURNING id, expires_at`,
          [request.holder, request.purpose, request.runId ?? null, request.caseId ?? null, request.ttlMs],
        );
        const inserted: unknown[] = await em.query(
          `INSERT INTO lease_hosts (lease_id, host_id) SELECT $1, h FROM unnest($2::uuid[]) AS h
           ON CONFLICT (host_id) DO NOTHING RETURNING host_id`,
          [lease.id, hostIds],
        );
        if (inserted.length !== hostIds.length) throw new HostsBusy();
        return { id: lease.id as string, holder: request.holder, hostIds, expiresAt: lease.expires_at as Date };
      });
    } catch (err) {
      if (err instanceof HostsBusy) return null;
      const code = (err as { code?: string }).code;
      if (code && CONTENTION.has(code)) return null;
      throw err;
    }
  }

  /** Extends a lease its holder still has; false when it was reclaimed by someone else. */
  async heartbeat(leaseId: string, holder: string, ttlMs: number): Promise<Date | null> {
    const [row] = await queryRows<{ expires_at: Date }>(
      this.db,
      `UPDATE leases SET heartbeat_at = now(), expires_at = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = $1 AND holder = $2 RETURNING expires_at`,
      [leaseId, holder, ttlMs],
    );
    return row ? row.expires_at : null;
  }

  /** Takes over an expired lease so that exactly one reaper cleans up after its dead holder. */
  async adoptExpired(leaseId: string, holder: string, ttlMs: number): Promise<boolean> {
    const rows = await queryRows(
      this.db,
      `UPDATE leases SET holder = $2, heartbeat_at = now(), expires_at = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = $1 AND expires_at < now() RETURNING id`,
      [leaseId, holder, ttlMs],
    );
    return rows.length > 0;
  }

  async release(leaseId: string, holder: string): Promise<void> {
    await this.db.query(`DELETE FROM leases WHERE id = $1 AND holder = $2`, [leaseId, holder]);
  }

  /** Who holds each host now (live leases only). */
  async liveHolders(hostIds: readonly string[]): Promise<Map<string, string>> {
    const rows: { host_id: string; holder: string }[] = await this.db.query(
      `SELECT lh.host_id, l.holder FROM lease_hosts lh JOIN leases l ON l.id = lh.lease_id
        WHERE lh.host_id = ANY($1::uuid[]) AND l.expires_at >= now()`,
      [hostIds],
    );
    return new Map(rows.map((r) => [r.host_id, r.holder]));
  }
}

/** Thrown inside the transaction to roll it back when a wanted host is taken. */
class HostsBusy extends Error {}

import { DataSource } from 'typeorm';

export interface LeaseRequest {
  holder: string;
  purpose: string;
  hostIds: readonly string[];
  ttlMs: number;
  runId?: string;
  caseId?: string;
}

export interface LeaseRecord {
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
        // Reclaim: an expired lease on any wanted host is dropped (its lease_hosts go with it).
        await em.query(
          `DELETE FROM leases l WHERE l.expires_at < now()
              AND EXISTS (SELECT 1 FROM lease_hosts lh WHERE lh.lease_id = l.id AND lh.host_id = ANY($1::uuid[]))`,
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
    const result: unknown = await this.db.query(
      `UPDATE leases SET heartbeat_at = now(), expires_at = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = $1 AND holder = $2 RETURNING expires_at`,
      [leaseId, holder, ttlMs],
    );
    const [row] = returnedRows<{ expires_at: Date }>(result);
    return row ? row.expires_at : null;
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

/** TypeORM's postgres driver answers UPDATE … RETURNING with [rows, count], INSERT/SELECT with rows. */
function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}

/** Thrown inside the transaction to roll it back when a wanted host is taken. */
class HostsBusy extends Error {}

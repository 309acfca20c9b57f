import { LabRepository } from 'src/lab/lab.repository';
import { LeaseRecord, LeaseRepository } from 'src/lab/lease.repository';
import { LabError, LabErrorCode } from 'src/lab/lab.errors';

export interface LeaseOptions {
  holder: string;
  purpose: string;
  ttlMs?: number;
  runId?: string;
  caseId?: string;
  /** Keep trying this long before giving up (0: one try). */
  waitMs?: number;
  /** Pause between tries while waiting. */
  retryEveryMs?: number;
  signal?: AbortSignal;
}

/** What a case asks for: a pool, a pair of pools (cross-pool cases) or named hosts. */
export type LeaseNeed = { pool: string } | { pools: readonly [string, string] } | { hosts: readonly string[] };

export interface HeldLease extends LeaseRecord {
  /** Stops the heartbeat and releases the hosts. */
  release(): Promise<void>;
}

const DEFAULT_TTL_MS = 120_000;

/** Leases what a case needs, all or nothing, and keeps it alive with a heartbeat until released. */
export class LeaseService {
  constructor(
    private readonly labs: LabRepository,
    private readonly leases: LeaseRepository,
  ) {}

  async hostIdsFor(labName: string, need: LeaseNeed): Promise<string[]> {
    if ('pool' in need) return this.labs.hostIdsOfPool(labName, need.pool);
    if ('pools' in need) {
      const [a, b] = need.pools;
      if (a === b) {
        throw new LabError(`a cross-pool lease needs two different pools, got ${a} twice`, LabErrorCode.UnknownPool);
      }
      return [...(await this.labs.hostIdsOfPool(labName, a)), ...(await this.labs.hostIdsOfPool(labName, b))];
    }
    return this.labs.hostIdsByName(labName, need.hosts);
  }

  /** Leases the need or returns null when it stays taken for `waitMs`. */
  async tryLease(labName: string, need: LeaseNeed, options: LeaseOptions): Promise<LeaseRecord | null> {
    const hostIds = await this.hostIdsFor(labName, need);
    const until = Date.now() + (options.waitMs ?? 0);
    for (;;) {
      const lease = await this.leases.tryAcquire({
        holder: options.holder,
        purpose: options.purpose,
        hostIds,
        ttlMs: options.ttlMs ?? DEFAULT_TTL_MS,
        runId: options.runId,
        caseId: options.caseId,
      });
      if (lease || Date.now() >= until || options.signal?.aborted) return lease;
      await new Promise((r) => setTimeout(r, options.retryEveryMs ?? 1000));
    }
  }

  /**
   * Leases and heartbeats at a third of the TTL; `onLost` runs if the lease was reclaimed (the
   * holder stalled past its TTL), so the case can stop touching hosts it no longer owns.
   */
  async hold(labName: string, need: LeaseNeed, options: LeaseOptions & { onLost?: (lease: LeaseRecord) => void }) {
    const lease = await this.tryLease(labName, need, options);
    if (!lease) {
      throw new LabError(
        `lab ${labName}: ${describeNeed(need)} is leased by someone else`,
        LabErrorCode.LeaseUnavailable,
      );
    }
    const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    let stopped = false;
    const held: HeldLease = {
      ...lease,
      release: async () => {
        stopped = true;
        clearInterval(timer);
        await this.leases.release(lease.id, lease.holder);
      },
    };
    const timer = setInterval(
      () => {
        this.leases.heartbeat(lease.id, lease.holder, ttlMs).then(
          (expiresAt) => {
            if (stopped) return;
            if (expiresAt) held.expiresAt = expiresAt;
            else {
              stopped = true;
              clearInterval(timer);
              options.onLost?.(held);
            }
          },
          () => undefined, // a missed beat is retried at the next tick; the TTL leaves room for it
        );
      },
      Math.max(100, Math.floor(ttlMs / 3)),
    );
    timer.unref();
    return held;
  }
}

function describeNeed(need: LeaseNeed): string {
  if ('pool' in need) return `pool ${need.pool}`;
  if ('pools' in need) return `pools ${need.pools.join(' and ')}`;
  return `hosts ${need.hosts.join(', ')}`;
}

/** Exclusive holds on hosts, so that two workers never drive one host. */
export interface HostLeaseRequest {
  holder: string;
  purpose: string;
  runId?: string;
  caseId?: string;
  hostIds: string[];
  ttlMs: number;
}

export interface HostLeases {
  /** All of the hosts or none; null when any of them is held by a live lease. */
  tryAcquire(request: HostLeaseRequest): Promise<{ leaseId: string } | null>;
  /** Extends the lease; false when it is gone (expired and taken over). */
  heartbeat(leaseId: string, ttlMs: number): Promise<boolean>;
  release(leaseId: string): Promise<void>;
  /** Takes over an expired lease so that one reaper cleans up after a dead holder; false if live or gone. */
  adoptExpired(leaseId: string, holder: string, ttlMs: number): Promise<boolean>;
}

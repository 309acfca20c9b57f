import { LeaseRepository } from 'src/lab/lease.repository';
import { HostLeaseRequest, HostLeases } from 'src/execution/host-leases';

/** The engine's view of the lab's lease store: one holder (this worker) per adapter. */
export class LabLeases implements HostLeases {
  constructor(
    private readonly leases: LeaseRepository,
    private readonly holder: string,
  ) {}

  async tryAcquire(request: HostLeaseRequest): Promise<{ leaseId: string } | null> {
    const lease = await this.leases.tryAcquire({ ...request, holder: this.holder });
    return lease ? { leaseId: lease.id } : null;
  }

  async heartbeat(leaseId: string, ttlMs: number): Promise<boolean> {
    return (await this.leases.heartbeat(leaseId, this.holder, ttlMs)) !== null;
  }

  async release(leaseId: string): Promise<void> {
    await this.leases.release(leaseId, this.holder);
  }

  adoptExpired(leaseId: string, _holder: string, ttlMs: number): Promise<boolean> {
    return this.leases.adoptExpired(leaseId, this.holder, ttlMs);
  }
}

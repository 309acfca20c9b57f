import fc from 'fast-check';
import { PgHostKeyStore } from 'src/lab/host-key.repository';
import { parseInventory } from 'src/lab/inventory.loader';
import { LabErrorCode } from 'src/lab/lab.errors';
import { LabRepository, StoredLab } from 'src/lab/lab.repository';
import { LeaseRepository } from 'src/lab/lease.repository';
import { LeaseService } from 'src/lab/lease.service';
import { TestDatabase, createTestDatabase } from 'test/utils/database';

const FP = 'SHA256:' + 'k'.repeat(43);

function inventory(hostsPerPool: number, pools = 2) {
  return parseInventory(
    JSON.stringify({
      name: 'lease-lab',
      credentials: { k: { key_file: '/keys/id' } },
      pools: Array.from({ length: pools }, (_, p) => ({
        name: `pool-${p}`,
        master: `h-${p}-0`,
        hosts: Array.from({ length: hostsPerPool }, (_, h) => ({
          name: `h-${p}-${h}`,
          address: `127.10.${p}.${h + 1}`,
          credential: 'k',
          ...(p === 0 && h === 0 ? { host_key: FP } : {}),
        })),
      })),
    }),
  );
}

async function poll<T>(fn: () => Promise<T | null>, what: string, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('leases and lab tables in PostgreSQL', () => {
  let db: TestDatabase;
  let labs: LabRepository;
  let leases: LeaseRepository;
  let sut: LeaseService;
  let stored: StoredLab;

  beforeAll(async () => {
    db = await createTestDatabase();
    labs = new LabRepository(db.dataSource);
    leases = new LeaseRepository(db.dataSource);
    sut = new LeaseService(labs, leases);
    stored = await labs.upsertInventory(inventory(3));
  });
  afterAll(async () => {
    await db.close();
  });
  afterEach(async () => {
    await db.dataSource.query('DELETE FROM leases');
  });

  it('upserts an inventory idempotently, keeping credential references only', async () => {
    const again = await labs.upsertInventory(inventory(3));
    expect(again).toEqual(stored);
    const [row] = await db.dataSource.query(
      `SELECT credential_ref, host_key_fingerprint, host_key_source FROM hosts WHERE name = 'h-0-0'`,
    );
    expect(row).toEqual({
      credential_ref: { name: 'k', keyFile: '/keys/id' },
      host_key_fingerprint: FP,
      host_key_source: 'inventory',
    });
  });

  it('pins a first-use host key in the hosts table and keeps the first one', async () => {
    const store = new PgHostKeyStore(db.dataSource);
    const first = 'SHA256:' + 'a'.repeat(43);
    expect(await store.get({ lab: 'lease-lab', name: 'h-1-0' })).toBeUndefined();
    expect(await store.recordFirstUse({ lab: 'lease-lab', name: 'h-1-0' }, first)).toEqual({
      fingerprint: first,
      source: 'first-use',
    });
    expect(await store.recordFirstUse({ lab: 'lease-lab', name: 'h-1-0' }, 'SHA256:' + 'b'.repeat(43))).toEqual({
      fingerprint: first,
      source: 'first-use',
    });
    expect(await store.get({ lab: 'lease-lab', name: 'h-0-0' })).toEqual({ fingerprint: FP, source: 'inventory' });
  });

  it('leases a pool all or nothing, and never a host twice', async () => {
    const a = await sut.tryLease('lease-lab', { pool: 'pool-0' }, { holder: 'w1', purpose: 'case-1' });
    expect(a?.hostIds).toHaveLength(3);
    expect(await sut.tryLease('lease-lab', { pool: 'pool-0' }, { holder: 'w2', purpose: 'case-2' })).toBeNull();
    // The pair overlaps pool-0: nothing of pool-1 may stay leased by the failed attempt.
    expect(await sut.tryLease('lease-lab', { pools: ['pool-0', 'pool-1'] }, { holder: 'w2', purpose: 'x' })).toBeNull();
    const b = await sut.tryLease('lease-lab', { hosts: ['h-1-2'] }, { holder: 'w3', purpose: 'case-3' });
    expect(b?.hostIds).toEqual([stored.hostIds['h-1-2']]);
    await leases.release(a!.id, 'w1');
    const pair = await sut.tryLease('lease-lab', { hosts: ['h-0-0', 'h-1-0'] }, { holder: 'w2', purpose: 'migrate' });
    expect(pair?.hostIds).toHaveLength(2);
  });

  it('reclaims an expired lease; the old holder then finds it lost', async () => {
    const dead = await sut.tryLease('lease-lab', { pool: 'pool-1' }, { holder: 'dead', purpose: 'p', ttlMs: 1 });
    expect(dead).not.toBeNull();
    const next = await poll(
      () => sut.tryLease('lease-lab', { pool: 'pool-1' }, { holder: 'alive', purpose: 'p' }),
      'the expired lease to be reclaimable',
    );
    expect(next.holder).toBe('alive');
    expect(await leases.heartbeat(dead!.id, 'dead', 60_000)).toBeNull();
    expect(await leases.heartbeat(next.id, 'alive', 60_000)).toBeInstanceOf(Date);
  });

  it('holds with a heartbeat and refuses with a clear error when taken', async () => {
    let lost = false;
    const held = await sut.hold(
      'lease-lab',
      { pool: 'pool-0' },
      { holder: 'w1', purpose: 'p', ttlMs: 300, onLost: () => (lost = true) },
    );
    const first = held.expiresAt.getTime();
    await poll(
      async () =>
        (
          await db.dataSource.query(`SELECT 1 FROM leases WHERE id = $1 AND expires_at > $2`, [
            held.id,
            new Date(first),
          ])
        ).length
          ? true
          : null,
      'a heartbeat',
    );
    await expect(sut.hold('lease-lab', { pool: 'pool-0' }, { holder: 'w2', purpose: 'p' })).rejects.toMatchObject({
      code: LabErrorCode.LeaseUnavailable,
    });
    await poll(async () => (held.expiresAt.getTime() > first ? true : null), 'the heartbeat to extend the lease');
    expect(lost).toBe(false);
    await held.release();
    expect((await leases.liveHolders(Object.values(stored.hostIds))).size).toBe(0);
  });

  it('never double-books: N workers racing for random host sets (property)', async () => {
    const allHosts = Object.values(stored.hostIds);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.array(fc.subarray(allHosts, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }), {
          minLength: 6,
          maxLength: 6,
        }),
        async (workers, plans) => {
          const owner = new Map<string, string>();
          const conflicts: string[] = [];
          let granted = 0;
          await Promise.all(
            plans.slice(0, workers).map(async (rounds, w) => {
              const holder = `worker-${w}`;
              for (const wanted of rounds) {
                const lease = await leases.tryAcquire({ holder, purpose: 'race', hostIds: wanted, ttlMs: 60_000 });
                if (!lease) continue;
                granted++;
                for (const h of lease.hostIds) {
                  if (owner.has(h)) conflicts.push(`${h} held by ${owner.get(h)} and ${holder}`);
                  owner.set(h, holder);
                }
                const live = await leases.liveHolders(lease.hostIds);
                for (const h of lease.hostIds) {
                  if (live.get(h) !== holder) conflicts.push(`${h} not ${holder}'s in the database`);
                }
                await new Promise((r) => setImmediate(r));
                for (const h of lease.hostIds) owner.delete(h);
                await leases.release(lease.id, holder);
              }
            }),
          );
          expect(conflicts).toEqual([]);
          expect(granted).toBeGreaterThan(0);
          expect((await leases.liveHolders(allHosts)).size).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});

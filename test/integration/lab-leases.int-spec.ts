import fc from 'fast-check';
import { PgHostKeyStore } from 'src/lab/host-key.repository';
import { parseInventory } from 'src/lab/inventory.loader';
import { LabRepository, StoredLab } from 'src/lab/lab.repository';
import { LeaseRepository } from 'src/lab/lease.repository';
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
  let stored: StoredLab;

  beforeAll(async () => {
    db = await createTestDatabase();
    labs = new LabRepository(db.dataSource);
    leases = new LeaseRepository(db.dataSource);
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

  const TTL = 60_000;
  const pool = (p: number) => [0, 1, 2].map((h) => stored.hostIds[`h-${p}-${h}`]!);

  it('leases a set of hosts all or nothing, and never a host twice', async () => {
    const a = await leases.tryAcquire({ holder: 'w1', purpose: 'case-1', hostIds: pool(0), ttlMs: TTL });
    expect(a?.hostIds).toHaveLength(3);
    expect(await leases.tryAcquire({ holder: 'w2', purpose: 'case-2', hostIds: pool(0), ttlMs: TTL })).toBeNull();
    // The pair overlaps pool-0: nothing of pool-1 may stay leased by the failed attempt.
    expect(
      await leases.tryAcquire({ holder: 'w2', purpose: 'x', hostIds: [...pool(0), ...pool(1)], ttlMs: TTL }),
    ).toBeNull();
    const h12 = stored.hostIds['h-1-2']!;
    const b = await leases.tryAcquire({ holder: 'w3', purpose: 'case-3', hostIds: [h12], ttlMs: TTL });
    expect(b?.hostIds).toEqual([h12]);
    await leases.release(a!.id, 'w1');
    const pairIds = [stored.hostIds['h-0-0']!, stored.hostIds['h-1-0']!];
    const pair = await leases.tryAcquire({ holder: 'w2', purpose: 'migrate', hostIds: pairIds, ttlMs: TTL });
    expect(pair?.hostIds).toHaveLength(2);
  });

  it('reclaims an expired lease; the old holder then finds it lost', async () => {
    const dead = await leases.tryAcquire({ holder: 'dead', purpose: 'p', hostIds: pool(1), ttlMs: 1 });
    expect(dead).not.toBeNull();
    const next = await poll(
      () => leases.tryAcquire({ holder: 'alive', purpose: 'p', hostIds: pool(1), ttlMs: TTL }),
      'the expired lease to be reclaimable',
    );
    expect(next.holder).toBe('alive');
    expect(await leases.heartbeat(dead!.id, 'dead', 60_000)).toBeNull();
    expect(await leases.heartbeat(next.id, 'alive', 60_000)).toBeInstanceOf(Date);
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

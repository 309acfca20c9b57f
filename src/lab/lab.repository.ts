import { DataSource, EntityManager } from 'typeorm';
import { HostHealth } from 'src/lab/host-health.service';
import { Inventory } from 'src/lab/inventory.types';
import { LabError, LabErrorCode } from 'src/lab/lab.errors';
import { LabPoolView, LabView } from 'src/lab/lab-view';
import { queryRows } from 'src/database/sql';

/** A stored lab as `lab list` shows it: its pools with their hosts' versions and health. */
export interface LabSummary {
  name: string;
  simulated: boolean;
  updatedAt: Date;
  pools: Array<{
    name: string;
    master: string | null;
    hosts: Array<{ name: string; version: string | null; health: string; hardwareClass: string | null }>;
  }>;
}

export interface StoredLab {
  labId: string;
  poolIds: Record<string, string>;
  hostIds: Record<string, string>;
}

/** The lab tables (labs, pools, hosts): an inventory in, ids and host state out. */
export class LabRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Writes the inventory (only credential references, never secrets). Hosts keep their ids across
   * imports; hosts and pools the inventory no longer lists are removed, so that nothing plans on
   * them (results name hosts as text and keep their history).
   */
  async upsertInventory(inv: Inventory, em: EntityManager = this.db.manager): Promise<StoredLab> {
    return em.transaction(async (tx) => {
      const [lab] = await tx.query(
        `INSERT INTO labs (name, simulated, inventory) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET simulated = EXCLUDED.simulated, inventory = EXCLUDED.inventory, updated_at = now()
         RETURNING id`,
        [inv.name, inv.simulated, JSON.stringify(inv)],
      );
      const labId = lab.id as string;
      const poolIds: Record<string, string> = {};
      const hostIds: Record<string, string> = {};
      for (const pool of inv.pools) {
        const [p] = await tx.query(
          `INSERT INTO pools (lab_id, name, master_host_name, tags) VALUES ($1, $2, $3, $4)
           ON CONFLICT (lab_id, name) DO UPDATE SET master_host_name = EXCLUDED.master_host_name, tags = EXCLUDED.tags
           RETURNING id`,
          [labId, pool.name, pool.master, pool.tags],
        );
        poolIds[pool.name] = p.id as string;
        for (const host of pool.hosts) {
          const credential = inv.credentials[host.credential] ?? {};
          // An inventory fingerprint overrides whatever was recorded; without one, a recorded
          // first-use pin stays.
          const [h] = await tx.query(
            `INSERT INTO hosts (lab_id, pool_id, name, address, port, username, credential_ref, host_key_fingerprint,
                                host_key_source, host_key_pinned_at, version, tags)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8::text IS NULL THEN NULL ELSE 'inventory' END,
                     CASE WHEN $8::text IS NULL THEN NULL ELSE now() END, $9, $10)
             ON CONFLICT (lab_id, name) DO UPDATE SET
               pool_id = EXCLUDED.pool_id, address = EXCLUDED.address, port = EXCLUDED.port,
               username = EXCLUDED.username, credential_ref = EXCLUDED.credential_ref,
               host_key_fingerprint = COALESCE(EXCLUDED.host_key_fingerprint, hosts.host_key_fingerprint),
               host_key_source = COALESCE(EXCLUDED.host_key_source, hosts.host_key_source),
               host_key_pinned_at = CASE WHEN EXCLUDED.host_key_fingerprint IS DISTINCT FROM hosts.host_key_fingerprint
                 AND EXCLUDED.host_key_fingerprint IS NOT NULL THEN now() ELSE hosts.host_key_pinned_at END,
               host_key_offered = CASE WHEN EXCLUDED.host_key_fingerprint IS NULL THEN hosts.host_key_offered END,
               version = COALESCE(EXCLUDED.version, hosts.version), tags = EXCLUDED.tags, updated_at = now()
             RETURNING id`,
            [
              labId,
              p.id,
              host.name,
              host.address,
              host.port,
              host.user,
              JSON.stringify({ name: host.credential, ...credential }),
              host.hostKey ?? null,
              host.version ?? null,
              host.tags,
            ],
          );
          hostIds[host.name] = h.id as string;
        }
      }
      await tx.query(`DELETE FROM hosts WHERE lab_id = $1 AND NOT (id = ANY($2::uuid[]))`, [
        labId,
        Object.values(hostIds),
      ]);
      await tx.query(`DELETE FROM pools WHERE lab_id = $1 AND NOT (id = ANY($2::uuid[]))`, [
        labId,
        Object.values(poolIds),
      ]);
      return { labId, poolIds, hostIds };
    });
  }

  /** The stored lab as the planner and the dispatcher see it, or null when no lab has this name. */
  async findLab(name: string): Promise<LabView | null> {
    const [lab] = await queryRows(this.db, `SELECT id, name, simulated, inventory FROM labs WHERE name = $1`, [name]);
    if (!lab) return null;
    const pools = await queryRows(
      this.db,
      `SELECT id, name, master_host_name AS "masterName", tags FROM pools WHERE lab_id = $1 ORDER BY name`,
      [lab.id],
    );
    const hosts = await queryRows(
      this.db,
      `SELECT id, pool_id AS "poolId", name, address, port, username, credential_ref AS "credentialRef",
              host_key_fingerprint AS "hostKey", version, tags, health
         FROM hosts WHERE lab_id = $1 ORDER BY name`,
      [lab.id],
    );
    return {
      id: lab.id,
      name: lab.name,
      simulated: lab.simulated,
      inventory: lab.inventory,
      pools: pools.map((p: LabPoolView) => ({
        ...p,
        hosts: hosts.filter((h: { poolId: string }) => h.poolId === p.id),
      })),
    };
  }

  /** Every stored lab, by name, with its pools and hosts (hosts outside a pool are left out). */
  async listLabs(): Promise<LabSummary[]> {
    const rows: Array<{
      lab: string;
      simulated: boolean;
      updated_at: Date;
      pool: string | null;
      master: string | null;
      host: string | null;
      version: string | null;
      health: string | null;
      hardware_class: string | null;
    }> = await this.db.query(
      `SELECT l.name AS lab, l.simulated, l.updated_at, p.name AS pool, p.master_host_name AS master,
              h.name AS host, h.version, h.health, h.hardware_class
         FROM labs l LEFT JOIN pools p ON p.lab_id = l.id LEFT JOIN hosts h ON h.pool_id = p.id
        ORDER BY l.name, p.name, h.name`,
    );
    const labs = new Map<string, LabSummary>();
    for (const r of rows) {
      let lab = labs.get(r.lab);
      if (!lab) {
        lab = { name: r.lab, simulated: r.simulated, updatedAt: r.updated_at, pools: [] };
        labs.set(r.lab, lab);
      }
      if (r.pool === null) continue;
      let pool = lab.pools.find((p) => p.name === r.pool);
      if (!pool) {
        pool = { name: r.pool, master: r.master, hosts: [] };
        lab.pools.push(pool);
      }
      if (r.host !== null) {
        pool.hosts.push({
          name: r.host,
          version: r.version,
          health: r.health ?? 'unknown',
          hardwareClass: r.hardware_class,
        });
      }
    }
    return [...labs.values()];
  }

  async hostIdsOfPool(labName: string, poolName: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT h.id FROM hosts h JOIN pools p ON p.id = h.pool_id JOIN labs l ON l.id = p.lab_id
        WHERE l.name = $1 AND p.name = $2 ORDER BY h.name`,
      [labName, poolName],
    );
    if (!rows.length) throw new LabError(`lab ${labName}: no pool ${poolName} with hosts`, LabErrorCode.UnknownPool);
    return rows.map((r) => r.id);
  }

  async hostIdsByName(labName: string, hostNames: readonly string[]): Promise<string[]> {
    const rows: { id: string; name: string }[] = await this.db.query(
      `SELECT h.id, h.name FROM hosts h JOIN labs l ON l.id = h.lab_id WHERE l.name = $1 AND h.name = ANY($2::text[])`,
      [labName, hostNames],
    );
    const missing = hostNames.filter((n) => !rows.some((r) => r.name === n));
    if (missing.length) throw new LabError(`lab ${labName}: no host ${missing.join(', ')}`, LabErrorCode.UnknownHost);
    return hostNames.map((n) => rows.find((r) => r.name === n)!.id);
  }

  async saveHealth(labName: string, health: HostHealth): Promise<void> {
    await this.db.query(
      `UPDATE hosts h SET health = $3, health_detail = $4, checked_at = $5,
              version = COALESCE($6, h.version), build = COALESCE($7, h.build),
              hardware = COALESCE($8::jsonb, h.hardware), hardware_class = COALESCE($9, h.hardware_class), updated_at = now()
         FROM labs l WHERE l.id = h.lab_id AND l.name = $1 AND h.name = $2`,
      [
        labName,
        health.host,
        health.state,
        health.problems.join('\n') || null,
        health.checkedAt,
        health.version ?? null,
        health.build ?? null,
        health.hardware ? JSON.stringify(health.hardware) : null,
        health.hardwareClass ?? null,
      ],
    );
  }
}

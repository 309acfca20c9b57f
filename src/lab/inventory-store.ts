import { queryRows } from 'src/database/sql';
import { DataSource } from 'typeorm';
import { Inventory } from 'src/lab/inventory.types';

/**
 * Keeps an inventory in the database (labs, pools, hosts), where runs, leases and pages find it.
 * Importing again updates hosts in place (their ids, so leases and history, stay) and removes the
 * ones the inventory dropped. Credentials stay references; a pinned host key is kept unless the
 * inventory names one.
 */
export class InventoryStore {
  constructor(private readonly db: DataSource) {}

  async save(inventory: Inventory): Promise<{ labId: string; hosts: number }> {
    return this.db.transaction(async (em) => {
      const [lab] = await queryRows(
        em,
        `INSERT INTO labs (name, simulated, inventory) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET simulated = EXCLUDED.simulated, inventory = EXCLUDED.inventory, updated_at = now()
         RETURNING id`,
        [inventory.name, inventory.simulated, JSON.stringify(inventory)],
      );
      const keptHosts: string[] = [];
      const keptPools: string[] = [];
      for (const pool of inventory.pools) {
        const [p] = await queryRows(
          em,
          `INSERT INTO pools (lab_id, name, master_host_name, tags) VALUES ($1,$2,$3,$4)
           ON CONFLICT (lab_id, name) DO UPDATE SET master_host_name = EXCLUDED.master_host_name, tags = EXCLUDED.tags
           RETURNING id`,
          [lab.id, pool.name, pool.master, pool.tags],
        );
        keptPools.push(p.id);
        for (const host of pool.hosts) {
          const credential = inventory.credentials[host.credential] ?? {};
          const tags =
            inventory.simulated && !host.tags.includes('simulated') ? [...host.tags, 'simulated'] : host.tags;
          const [h] = await queryRows(
            em,
            `INSERT INTO hosts (lab_id, pool_id, name, address, port, username, credential_ref, host_key_fingerprint,
                                host_key_source, version, tags)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8, CASE WHEN $8::text IS NULL THEN NULL ELSE 'inventory' END, $9, $10)
             ON CONFLICT (lab_id, name) DO UPDATE SET pool_id = EXCLUDED.pool_id, address = EXCLUDED.address,
               port = EXCLUDED.port, username = EXCLUDED.username, credential_ref = EXCLUDED.credential_ref,
               host_key_fingerprint = COALESCE(EXCLUDED.host_key_fingerprint, hosts.host_key_fingerprint),
               host_key_source = COALESCE(EXCLUDED.host_key_source, hosts.host_key_source),
               version = COALESCE(EXCLUDED.version, hosts.version), tags = EXCLUDED.tags, updated_at = now()
             RETURNING id`,
            [
              lab.id,
              p.id,
              host.name,
              host.address,
              host.port,
              host.user,
              JSON.stringify(credential),
              host.hostKey ?? null,
              host.version ?? null,
              tags,
            ],
          );
          keptHosts.push(h.id);
        }
      }
      await queryRows(em, `DELETE FROM hosts WHERE lab_id = $1 AND NOT (id = ANY($2::uuid[]))`, [lab.id, keptHosts]);
      await queryRows(em, `DELETE FROM pools WHERE lab_id = $1 AND NOT (id = ANY($2::uuid[]))`, [lab.id, keptPools]);
      return { labId: lab.id as string, hosts: keptHosts.length };
    });
  }
}

import { DataSource } from 'typeorm';
import { HostKeySource, HostKeyStore, PinnedHostKey } from 'src/remote/host-key';

/**
 * Host-key pins in `hosts.host_key_fingerprint` for one lab, shared by every worker: the first key
 * any of them sees is recorded (a conditional UPDATE, so concurrent first uses agree on one).
 */
export class PgHostKeyStore implements HostKeyStore {
  constructor(
    private readonly db: DataSource,
    private readonly labName: string,
  ) {}

  async get(hostName: string): Promise<PinnedHostKey | undefined> {
    const [row]: { fp: string | null; source: string | null }[] = await this.db.query(
      `SELECT h.host_key_fingerprint AS fp, h.host_key_source AS source FROM hosts h JOIN labs l ON l.id = h.lab_id
        WHERE l.name = $1 AND h.name = $2`,
      [this.labName, hostName],
    );
    if (!row?.fp) return undefined;
    return { fingerprint: row.fp, source: (row.source as HostKeySource | null) ?? 'first-use' };
  }

  async recordFirstUse(hostName: string, fingerprint: string): Promise<PinnedHostKey> {
    await this.db.query(
      `UPDATE hosts h SET host_key_fingerprint = $3, host_key_source = 'first-use', updated_at = now()
         FROM labs l WHERE l.id = h.lab_id AND l.name = $1 AND h.name = $2 AND h.host_key_fingerprint IS NULL`,
      [this.labName, hostName, fingerprint],
    );
    const pinned = await this.get(hostName);
    if (!pinned) throw new Error(`lab ${this.labName}: host ${hostName} is not in the database, cannot pin its key`);
    return pinned;
  }
}

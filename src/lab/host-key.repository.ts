import { DataSource } from 'typeorm';
import { HostKeySource, HostKeyStore, HostKeySubject, InMemoryHostKeyStore, PinnedHostKey } from 'src/remote/host-key';

/** A host's pin as `lab check` and the lab's page show it. */
export interface HostKeyPinView {
  lab: string;
  host: string;
  address: string;
  port: number;
  fingerprint: string | null;
  source: HostKeySource | null;
  pinnedAt: Date | null;
  pinnedBy: string | null;
  /** Set while the host offers another key than its pin: the host is refused until someone trusts it. */
  offered: string | null;
  offeredAt: Date | null;
}

interface PinRow {
  lab: string;
  host: string;
  address: string;
  port: number;
  fingerprint: string | null;
  source: string | null;
  pinned_at: Date | null;
  pinned_by: string | null;
  offered: string | null;
  offered_at: Date | null;
}

const PIN_COLUMNS = `l.name AS lab, h.name AS host, h.address, h.port, h.host_key_fingerprint AS fingerprint, h.host_key_source AS source,
  h.host_key_pinned_at AS pinned_at, h.host_key_pinned_by AS pinned_by,
  h.host_key_offered AS offered, h.host_key_offered_at AS offered_at`;

function viewOf(r: PinRow): HostKeyPinView {
  return {
    lab: r.lab,
    host: r.host,
    address: r.address,
    port: r.port,
    fingerprint: r.fingerprint,
    source: r.source as HostKeySource | null,
    pinnedAt: r.pinned_at,
    pinnedBy: r.pinned_by,
    offered: r.offered,
    offeredAt: r.offered_at,
  };
}

/**
 * Host-key pins of every lab in `hosts.host_key_fingerprint`, shared by every process (API, CLI,
 * workers, provisioning) and kept across restarts: the first key any of them sees is recorded (a
 * conditional UPDATE, so concurrent first uses agree on one). Endpoints of no stored lab (guests, an
 * inventory file never imported) are pinned for this process only.
 */
export class PgHostKeyStore implements HostKeyStore {
  constructor(
    private readonly db: DataSource,
    private readonly unstored: HostKeyStore = new InMemoryHostKeyStore(),
  ) {}

  async get(subject: HostKeySubject): Promise<PinnedHostKey | undefined> {
    if (subject.lab === undefined) return this.unstored.get(subject);
    const view = await this.pin(subject.lab, subject.name);
    if (!view) return this.unstored.get(subject);
    if (!view.fingerprint) return undefined;
    return { fingerprint: view.fingerprint, source: view.source ?? 'first-use' };
  }

  async recordFirstUse(subject: HostKeySubject, fingerprint: string): Promise<PinnedHostKey> {
    if (subject.lab === undefined) return this.unstored.recordFirstUse(subject, fingerprint);
    await this.db.query(
      `UPDATE hosts h SET host_key_fingerprint = $3, host_key_source = 'first-use', host_key_pinned_at = now(),
              host_key_pinned_by = NULL, updated_at = now()
         FROM labs l WHERE l.id = h.lab_id AND l.name = $1 AND h.name = $2 AND h.host_key_fingerprint IS NULL`,
      [subject.lab, subject.name, fingerprint],
    );
    return (await this.get(subject)) ?? this.unstored.recordFirstUse(subject, fingerprint);
  }

  async recordMismatch(subject: HostKeySubject, offered: string): Promise<void> {
    if (subject.lab === undefined) return;
    await this.db.query(
      `UPDATE hosts h SET host_key_offered = $3, host_key_offered_at = now()
         FROM labs l WHERE l.id = h.lab_id AND l.name = $1 AND h.name = $2
          AND h.host_key_offered IS DISTINCT FROM $3`,
      [subject.lab, subject.name, offered],
    );
  }

  /** Re-pins a host on purpose (`shakedown lab trust`): the new key, who trusted it and when. */
  async trust(lab: string, host: string, fingerprint: string, by: string): Promise<HostKeyPinView | undefined> {
    await this.db.query(
      `UPDATE hosts h SET host_key_fingerprint = $3, host_key_source = 'trusted', host_key_pinned_at = now(),
              host_key_pinned_by = $4, host_key_offered = NULL, host_key_offered_at = NULL, updated_at = now()
         FROM labs l WHERE l.id = h.lab_id AND l.name = $1 AND h.name = $2`,
      [lab, host, fingerprint, by],
    );
    return this.pin(lab, host);
  }

  async pin(lab: string, host: string): Promise<HostKeyPinView | undefined> {
    const [row]: PinRow[] = await this.db.query(
      `SELECT ${PIN_COLUMNS} FROM hosts h JOIN labs l ON l.id = h.lab_id WHERE l.name = $1 AND h.name = $2`,
      [lab, host],
    );
    return row ? viewOf(row) : undefined;
  }

  /** Every host of that name, in any lab (so `lab trust HOST` can tell when it must ask which). */
  async pinsNamed(host: string): Promise<HostKeyPinView[]> {
    const rows: PinRow[] = await this.db.query(
      `SELECT ${PIN_COLUMNS} FROM hosts h JOIN labs l ON l.id = h.lab_id WHERE h.name = $1 ORDER BY l.name`,
      [host],
    );
    return rows.map(viewOf);
  }

  async pinsOfLab(lab: string): Promise<HostKeyPinView[]> {
    const rows: PinRow[] = await this.db.query(
      `SELECT ${PIN_COLUMNS} FROM hosts h JOIN labs l ON l.id = h.lab_id WHERE l.name = $1 ORDER BY h.name`,
      [lab],
    );
    return rows.map(viewOf);
  }
}

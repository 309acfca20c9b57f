import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Host-key pins are the lab's, not a process's: when and by whom a key was pinned (an operator's
 * `lab trust` names itself), and the key a host offers instead of its pin while it is refused.
 */
export class HostKeyPins1764150000000 implements MigrationInterface {
  name = 'HostKeyPins1764150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE hosts
      ADD COLUMN host_key_pinned_at timestamptz,
      ADD COLUMN host_key_pinned_by text,
      ADD COLUMN host_key_offered text,
      ADD COLUMN host_key_offered_at timestamptz`);
    await q.query(`UPDATE hosts SET host_key_pinned_at = updated_at WHERE host_key_fingerprint IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE hosts
      DROP COLUMN host_key_pinned_at, DROP COLUMN host_key_pinned_by,
      DROP COLUMN host_key_offered, DROP COLUMN host_key_offered_at`);
  }
}

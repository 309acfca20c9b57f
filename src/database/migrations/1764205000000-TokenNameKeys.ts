import { MigrationInterface, QueryRunner } from 'typeorm';
import { nameKey } from 'src/common/input/name-key';

/**
 * Token names are unique among live (pending or active) tokens, whoever made them: the database
 * says so, not a check before the insert. `name_key` is the name in the form names are compared in
 * (nameKey: case, accents and spacing do not make a name new), filled here for existing tokens.
 * Live tokens that already shared a name before this migration keep working: the oldest keeps the
 * key, the later ones get none (NULL, outside the index) rather than being renamed or revoked.
 */
export class TokenNameKeys1764205000000 implements MigrationInterface {
  name = 'TokenNameKeys1764205000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_tokens ADD COLUMN name_key text`);
    const rows: Array<{ id: string; name: string; live: boolean }> = await q.query(
      `SELECT id, name, status <> 'revoked' AS live FROM api_tokens ORDER BY created_at, id`,
    );
    const liveKeys = new Set<string>();
    for (const row of rows) {
      const key = nameKey(row.name);
      if (row.live && liveKeys.has(key)) continue;
      if (row.live) liveKeys.add(key);
      await q.query(`UPDATE api_tokens SET name_key = $2 WHERE id = $1`, [row.id, key]);
    }
    await q.query(
      `CREATE UNIQUE INDEX uq_api_tokens_live_name ON api_tokens(name_key) WHERE status <> 'revoked' AND name_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX uq_api_tokens_live_name`);
    await q.query(`ALTER TABLE api_tokens DROP COLUMN name_key`);
  }
}

import { TokenNameKeys1764205000000 } from 'src/database/migrations/1764205000000-TokenNameKeys';
import { createTestDatabase, TestDatabase } from 'test/utils/database';

/**
 * The migration that makes live token names unique must not fail, rename or revoke on a database
 * where names were already shared (admin-created tokens never were checked): the oldest live token
 * keeps the name, later ones keep working outside the index.
 */
describe('migration TokenNameKeys on names already shared', () => {
  let db: TestDatabase;
  const migration = new TokenNameKeys1764205000000();

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('should key every token, leave later live duplicates unkeyed, then refuse a new duplicate', async () => {
    const runner = db.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      const insert = (name: string, status: string, hash: string, at: string) =>
        runner.query(
          `INSERT INTO api_tokens (name, role, token_hash, token_prefix, status, created_at)
           VALUES ($1, 'tester', $2, 'shk_x', $3, $4)`,
          [name, hash, status, at],
        );
      await insert('CI bot', 'revoked', 'h0', '2026-01-01');
      await insert('CI bot', 'active', 'h1', '2026-01-02');
      await insert('ci-bot', 'active', 'h2', '2026-01-03');
      await insert('Zoé', 'pending', 'h3', '2026-01-04');
      await migration.up(runner);
      const rows: Array<{ token_hash: string; name_key: string | null }> = await runner.query(
        `SELECT token_hash, name_key FROM api_tokens WHERE token_hash IN ('h0','h1','h2','h3') ORDER BY token_hash`,
      );
      expect(rows).toEqual([
        { token_hash: 'h0', name_key: 'cibot' },
        { token_hash: 'h1', name_key: 'cibot' },
        { token_hash: 'h2', name_key: null },
        { token_hash: 'h3', name_key: 'zoe' },
      ]);
      await expect(
        runner.query(
          `INSERT INTO api_tokens (name, name_key, role, token_hash, token_prefix, status) VALUES ('ZOE', 'zoe', 'tester', 'h4', 'shk_x', 'active')`,
        ),
      ).rejects.toMatchObject({ code: '23505', constraint: 'uq_api_tokens_live_name' });
    } finally {
      await runner.release();
    }
  });
});

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in sessions of the web pages. Only the sha256 of the cookie's secret is kept, like tokens;
 * a session stands for the token it was opened with (revoking the token ends its sessions) or for
 * the configured admin token (recorded by hash, so changing that token ends them too).
 */
export class WebSessions1764190000000 implements MigrationInterface {
  name = 'WebSessions1764190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE web_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        secret_hash text NOT NULL,
        token_id uuid REFERENCES api_tokens(id) ON DELETE CASCADE,
        admin_token_hash text,
        role text NOT NULL CHECK (role IN ('admin','tester','submitter')),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT uq_web_sessions_secret UNIQUE (secret_hash),
        CONSTRAINT ck_web_sessions_who CHECK ((token_id IS NULL) <> (admin_token_hash IS NULL))
      )`);
    await q.query(`CREATE INDEX ix_web_sessions_expires_at ON web_sessions(expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE web_sessions`);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role } from 'src/auth/role';

interface SessionRecord {
  id: string;
  tokenId: string | null;
  adminTokenHash: string | null;
  role: Role;
  name: string;
  tokenPrefix: string | null;
}

/** The web_sessions table. A session of a token that is no longer active is never returned. */
@Injectable()
export class SessionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(s: {
    secretHash: string;
    tokenId: string | null;
    adminTokenHash: string | null;
    role: Role;
    name: string;
    ttlMs: number;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO web_sessions (secret_hash, token_id, admin_token_hash, role, name, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6 / 1000.0))`,
      [s.secretHash, s.tokenId, s.adminTokenHash, s.role, s.name, s.ttlMs],
    );
  }

  async findLive(secretHash: string): Promise<SessionRecord | null> {
    const [row] = await this.db.query<SessionRecord[]>(
      `SELECT s.id, s.token_id AS "tokenId", s.admin_token_hash AS "adminTokenHash", s.role, s.name,
              t.token_prefix AS "tokenPrefix"
         FROM web_sessions s LEFT JOIN api_tokens t ON t.id = s.token_id
        WHERE s.secret_hash = $1 AND s.expires_at > now() AND (s.token_id IS NULL OR t.status = 'active')`,
      [secretHash],
    );
    return row ?? null;
  }

  async delete(secretHash: string): Promise<void> {
    await this.db.query(`DELETE FROM web_sessions WHERE secret_hash = $1 OR expires_at < now()`, [secretHash]);
  }
}

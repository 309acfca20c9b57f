import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role } from 'src/auth/role';

export type TokenStatus = 'pending' | 'active' | 'revoked';

export interface TokenRecord {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  tokenPrefix: string;
  status: TokenStatus;
  createdAt: Date;
  approvedAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

interface TokenRow {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  token_prefix: string;
  status: TokenStatus;
  created_at: Date;
  approved_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = 'id, name, email, role, token_prefix, status, created_at, approved_at, revoked_at, last_used_at';

function toRecord(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    tokenPrefix: row.token_prefix,
    status: row.status,
    createdAt: row.created_at,
    approvedAt: row.approved_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

const UNIQUE_VIOLATION = '23505';
const LIVE_NAME_INDEX = 'uq_api_tokens_live_name';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The api_tokens table. Only hashes of tokens are ever written or compared here. */
@Injectable()
export class TokenRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Inserts a token; undefined when a live (pending or active) token already has its name, as
   * compared by `nameKey`. The unique index on name_key decides, so two requests racing for one
   * name cannot both win, whether an admin or a newcomer makes them.
   */
  async insert(input: {
    name: string;
    nameKey: string;
    email?: string;
    role: Role;
    hash: string;
    prefix: string;
    status: TokenStatus;
  }): Promise<TokenRecord | undefined> {
    try {
      const rows: TokenRow[] = await this.db.query(
        `INSERT INTO api_tokens (name, name_key, email, role, token_hash, token_prefix, status, approved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7 = 'active' THEN now() END)
         RETURNING ${COLUMNS}`,
        [input.name, input.nameKey, input.email ?? null, input.role, input.hash, input.prefix, input.status],
      );
      return toRecord(rows[0]!);
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e.code === UNIQUE_VIOLATION && e.constraint === LIVE_NAME_INDEX) return undefined;
      throw err;
    }
  }

  async findByHash(hash: string): Promise<TokenRecord | undefined> {
    const rows: TokenRow[] = await this.db.query(`SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = $1`, [hash]);
    return rows[0] && toRecord(rows[0]);
  }

  async findById(id: string): Promise<TokenRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows: TokenRow[] = await this.db.query(`SELECT ${COLUMNS} FROM api_tokens WHERE id = $1`, [id]);
    return rows[0] && toRecord(rows[0]);
  }

  async list(): Promise<TokenRecord[]> {
    const rows: TokenRow[] = await this.db.query(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at, id`);
    return rows.map(toRecord);
  }

  /** Moves a token from one of `from` to `to`; undefined when it was in another state (or is gone). */
  async transition(id: string, from: TokenStatus[], to: TokenStatus): Promise<TokenRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const stamp = to === 'active' ? 'approved_at' : 'revoked_at';
    const rows: [TokenRow[], number] = await this.db.query(
      `UPDATE api_tokens SET status = $2, ${stamp} = now() WHERE id = $1 AND status = ANY($3::text[]) RETURNING ${COLUMNS}`,
      [id, to, from],
    );
    const row = rows[0]?.[0];
    return row && toRecord(row);
  }

  async touch(id: string): Promise<void> {
    await this.db.query(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, [id]);
  }
}

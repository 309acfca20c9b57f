import type { Queryable } from 'src/common/sql/queryable';

/**
 * Rows of any statement. TypeORM's PostgreSQL driver answers UPDATE and DELETE with
 * `[rows, affectedCount]` but SELECT and INSERT with the rows alone; this evens that out, so
 * `UPDATE … RETURNING` reads like a SELECT.
 */
// Rows are untyped at this edge, exactly as TypeORM's own query(); repositories give them their types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function queryRows<T = any>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}

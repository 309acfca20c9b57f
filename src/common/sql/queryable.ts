/**
 * What a repository needs of a database to run a statement. TypeORM's DataSource and EntityManager
 * fit it, and so do a pg pool and client; the read side (reports/read) sees nothing of TypeORM.
 */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Anything that runs SQL: a TypeORM DataSource, EntityManager or QueryRunner, or a pg Client. Statements that set a
 * session (lock_timeout) or must run outside a transaction (CONCURRENTLY) need ONE connection: a QueryRunner or a
 * Client, not a pool.
 */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** The rows of a result: TypeORM gives rows (or [rows, count] for UPDATE … RETURNING), pg gives { rows }. */
export function resultRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}

export async function queryRows<T>(q: SqlRunner, sql: string, params?: unknown[]): Promise<T[]> {
  return resultRows<T>(await q.query(sql, params));
}

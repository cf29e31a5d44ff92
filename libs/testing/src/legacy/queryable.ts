/**
 * What the legacy helpers accept as a database: anything with query(sql, params) - a TypeORM DataSource or
 * QueryRunner, a pg Client or Pool. rowsOf() reads rows from either result shape; withOneConnection() runs work on a
 * single connection (needed for transactions and for `SET LOCAL session_replication_role`).
 */

export interface Queryable {
  /** pg and TypeORM type their results differently (any): rowsOf() reads both. */
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** Rows of a query result: TypeORM gives the array (or [rows, count] for UPDATE/DELETE), pg gives { rows }. */
export function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result)) {
    if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
    return result as T[];
  }
  if (result && typeof result === 'object' && Array.isArray((result as { rows?: unknown }).rows)) return (result as { rows: T[] }).rows;
  return [];
}

/** Runs fn on one connection of q: a QueryRunner for a DataSource, a pooled client for a pg Pool, q itself otherwise. */
export async function withOneConnection<T>(q: Queryable, fn: (c: Queryable) => Promise<T>): Promise<T> {
  const anyQ = q as unknown as {
    createQueryRunner?: () => { connect(): Promise<unknown>; release(): Promise<void>; query: Queryable['query'] };
    connect?: () => Promise<{ query: Queryable['query']; release(): void }>;
    totalCount?: number;
  };
  if (typeof anyQ.createQueryRunner === 'function') {
    const qr = anyQ.createQueryRunner();
    await qr.connect();
    try {
      return await fn(qr);
    } finally {
      await qr.release();
    }
  }
  if (typeof anyQ.connect === 'function' && typeof anyQ.totalCount === 'number') {
    const client = await anyQ.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }
  return fn(q);
}

/** Runs fn in a transaction on one connection (ROLLBACK on error). */
export async function inTransaction<T>(q: Queryable, fn: (c: Queryable) => Promise<T>): Promise<T> {
  return withOneConnection(q, async (c) => {
    await c.query('BEGIN');
    try {
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    }
  });
}

/** A double-quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

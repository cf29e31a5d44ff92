/**
 * Rows of a raw `query()` result: TypeORM's postgres driver returns `[rows, rowCount]` for
 * UPDATE/DELETE … RETURNING, and the rows otherwise.
 */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return Array.isArray(result) ? (result as T[]) : [];
}

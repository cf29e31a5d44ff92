/**
 * TEMPORARY (until migration 1764600000000 creates it on every database, see /work/adopt/DESIGN.md): the
 * adoption log the logged heal writes to, with the DDL of DESIGN.md. IF NOT EXISTS, so it is a no-op once the
 * migration has run. Remove this file and its calls when the migration lands.
 */
import type { Queryable } from '../context-repository';

export async function ensureAdoptionLog(db: Queryable): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS casegraph_adoption_log (
    id bigserial PRIMARY KEY, table_name text NOT NULL, row_id text NOT NULL, column_name text NOT NULL,
    old_value jsonb, new_value jsonb, reason text NOT NULL, logged_at timestamptz NOT NULL DEFAULT now())`);
}

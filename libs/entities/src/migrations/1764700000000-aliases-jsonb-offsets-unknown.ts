import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The string elements of a jsonb array, in order; '{}' for NULL, a non-array ('{}', 'null', a number, a string)
 * or an array without strings. Never raises: the old system's aliases column holds whatever its code wrote.
 * Every SQL read of canonical_entities.aliases goes through it.
 */
const ALIASES_FUNCTION = `
CREATE OR REPLACE FUNCTION casegraph_aliases(a jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(e.v #>> '{}' ORDER BY e.i), '{}'::text[])
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(a) = 'array' THEN a ELSE '[]'::jsonb END) WITH ORDINALITY AS e(v, i)
   WHERE jsonb_typeof(e.v) = 'string'
$$`;

async function columnType(q: QueryRunner, table: string, column: string): Promise<string | null> {
  const rows: Array<{ udt_name: string }> = await q.query(
    `SELECT udt_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
    [table, column],
  );
  return rows[0]?.udt_name ?? null;
}

/**
 * canonical_entities.aliases as jsonb (the old system's type) and offsets that may be unknown.
 *
 * - aliases: a CaseGraph database's text[] NOT NULL DEFAULT '{}' becomes jsonb NOT NULL DEFAULT '[]'
 *   (to_jsonb: same strings, same order; the table is rewritten under its lock). An old database's
 *   aliases already is jsonb (nullable, DEFAULT '[]'): left as it is. No index of ours involves aliases;
 *   an index that does would have to be rebuilt for the new type, so the migration stops and names it.
 * - casegraph_aliases(jsonb) RETURNS text[] (see above).
 * - entity_mentions.start_char/end_char and document_chunks.char_start_index/char_end_index lose NOT NULL:
 *   NULL = unknown (legacy rows whose offsets cannot be made document-absolute).
 * - entity_mentions.offset_basis varchar(10) DEFAULT 'document': 'document' (absolute) or 'unknown'; NULL =
 *   a legacy row not healed yet (backfill). On a table CaseGraph created, every existing row is ours and
 *   absolute: the column is added with the default (metadata only, existing rows read 'document'). On an
 *   adopted table it is added nullable and then given the default, so legacy rows stay NULL; rows CaseGraph
 *   wrote there already (method set, no extraction_method, not backfill's 'legacy') are marked 'document'.
 */
export class AliasesJsonbOffsetsUnknown1764700000000 implements MigrationInterface {
  name = 'AliasesJsonbOffsetsUnknown1764700000000';

  public async up(q: QueryRunner): Promise<void> {
    if ((await columnType(q, 'canonical_entities', 'aliases')) === '_text') {
      const indexes: Array<{ name: string }> = await q.query(
        `SELECT i.relname AS name
           FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           JOIN pg_class t ON t.oid = x.indrelid
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = 'aliases'
          WHERE t.relname = 'canonical_entities' AND t.relnamespace = current_schema()::regnamespace
            AND (a.attnum = ANY(x.indkey::int2[]) OR pg_get_expr(x.indexprs, x.indrelid) ~ '\\maliases\\M'
                 OR pg_get_expr(x.indpred, x.indrelid) ~ '\\maliases\\M')`,
      );
      if (indexes.length) {
        throw new Error(
          `canonical_entities.aliases cannot become jsonb while these indexes use it as text[]: ${indexes.map((i) => i.name).join(', ')}; ` +
            'drop them (and re-create them on casegraph_aliases(aliases) afterwards)',
        );
      }
      await q.query(`ALTER TABLE canonical_entities
        ALTER COLUMN aliases DROP DEFAULT,
        ALTER COLUMN aliases TYPE jsonb USING to_jsonb(coalesce(aliases, '{}'::text[])),
        ALTER COLUMN aliases SET DEFAULT '[]'::jsonb,
        ALTER COLUMN aliases SET NOT NULL`);
    }
    await q.query(ALIASES_FUNCTION);

    await q.query('ALTER TABLE entity_mentions ALTER COLUMN start_char DROP NOT NULL, ALTER COLUMN end_char DROP NOT NULL');
    await q.query('ALTER TABLE document_chunks ALTER COLUMN char_start_index DROP NOT NULL, ALTER COLUMN char_end_index DROP NOT NULL');

    if ((await columnType(q, 'entity_mentions', 'offset_basis')) === null) {
      const adopted = (await columnType(q, 'entity_mentions', 'extraction_method')) !== null;
      if (!adopted) {
        await q.query(`ALTER TABLE entity_mentions ADD COLUMN offset_basis varchar(10) DEFAULT 'document'`);
      } else {
        await q.query('ALTER TABLE entity_mentions ADD COLUMN offset_basis varchar(10)');
        await q.query(`ALTER TABLE entity_mentions ALTER COLUMN offset_basis SET DEFAULT 'document'`);
        await q.query(
          `UPDATE entity_mentions SET offset_basis = 'document'
            WHERE offset_basis IS NULL AND method IS NOT NULL AND method <> 'legacy' AND extraction_method IS NULL`,
        );
      }
    } else {
      await q.query(`ALTER TABLE entity_mentions ALTER COLUMN offset_basis SET DEFAULT 'document'`);
    }
  }

  /**
   * Back to text[] NOT NULL on a database whose aliases this migration converted (recorded by its NOT NULL:
   * the old system's jsonb column is nullable and is left jsonb). Offsets get NOT NULL back only when no row
   * holds an unknown offset (otherwise they stay nullable: nothing is deleted). offset_basis is dropped
   * only on a table without old rows that still need it (no extraction_method column).
   */
  public async down(q: QueryRunner): Promise<void> {
    const aliases: Array<{ is_nullable: string; udt_name: string }> = await q.query(
      `SELECT is_nullable, udt_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'canonical_entities' AND column_name = 'aliases'`,
    );
    if (aliases[0]?.udt_name === 'jsonb' && aliases[0].is_nullable === 'NO') {
      await q.query(`ALTER TABLE canonical_entities
        ALTER COLUMN aliases DROP DEFAULT,
        ALTER COLUMN aliases TYPE text[] USING casegraph_aliases(aliases),
        ALTER COLUMN aliases SET DEFAULT '{}'`);
    }
    await q.query('DROP FUNCTION IF EXISTS casegraph_aliases(jsonb)');

    const adopted = (await columnType(q, 'entity_mentions', 'extraction_method')) !== null;
    if (!adopted) {
      const [m]: Array<{ n: number }> = await q.query('SELECT count(*)::int AS n FROM entity_mentions WHERE start_char IS NULL OR end_char IS NULL');
      if (!m.n) await q.query('ALTER TABLE entity_mentions ALTER COLUMN start_char SET NOT NULL, ALTER COLUMN end_char SET NOT NULL');
      const [c]: Array<{ n: number }> = await q.query(
        'SELECT count(*)::int AS n FROM document_chunks WHERE char_start_index IS NULL OR char_end_index IS NULL',
      );
      if (!c.n) await q.query('ALTER TABLE document_chunks ALTER COLUMN char_start_index SET NOT NULL, ALTER COLUMN char_end_index SET NOT NULL');
      await q.query('ALTER TABLE entity_mentions DROP COLUMN IF EXISTS offset_basis');
    }
  }
}

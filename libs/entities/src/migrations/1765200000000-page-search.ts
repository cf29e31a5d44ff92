import { MigrationInterface, QueryRunner } from 'typeorm';

/** Pages written per backfill statement: each commits on its own, so locks are short and the work survives a restart. */
export const PAGE_SEARCH_BACKFILL_BATCH = 5000;

/**
 * Issue 15: full-text search over page text. Expand and heal, safe on a live database:
 *  - document_pages.search_vector: nullable, no default (ADD COLUMN is catalogue-only);
 *  - casegraph_search_text(text): the text as it is indexed (`§` → section, `¶` → paragraph, so `§ 1983` is two
 *    words a query can name); casegraph_page_vector(text): english-stemmed lexemes at weight D plus 'simple' (exact)
 *    lexemes at weight A, so a query can ask for stemmed words or, weight-restricted, the exact words;
 *    casegraph_exact_query(text): the weight-A phrase query of a text (`'410':A <-> 'u.s':A <-> '113':A`);
 *  - a BEFORE INSERT OR UPDATE OF text trigger keeps the vector current, whoever writes pages (the OCR stage,
 *    productions, child documents): no writer needs to know the column;
 *  - the pages written before are backfilled in batches of PAGE_SEARCH_BACKFILL_BATCH, each its own statement;
 *  - a GIN index, built CONCURRENTLY when the migration runs outside a transaction (the runner: `transaction =
 *    false`), so writers are not blocked while it builds.
 * Only the first 100,000 characters of a page are indexed (a tsvector holds at most 1 MB of lexemes and 16,383
 * positions; a printed page has a few thousand characters). A re-run is a no-op; a run cut short is finished by the
 * next one (an index left INVALID by a failed concurrent build is dropped and rebuilt).
 */
export class PageSearch1765200000000 implements MigrationInterface {
  name = 'PageSearch1765200000000';
  // Batches commit one by one and CREATE INDEX CONCURRENTLY cannot run in a transaction.
  transaction = false;

  public async up(q: QueryRunner): Promise<void> {
    await withSettings(q, { lock_timeout: '10s', statement_timeout: '0' }, async () => {
      await q.query(`ALTER TABLE document_pages ADD COLUMN IF NOT EXISTS search_vector tsvector`);
      await q.query(`CREATE OR REPLACE FUNCTION casegraph_search_text(t text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT replace(replace(t, '§', ' section '), '¶', ' paragraph ') $$`);
      await q.query(`CREATE OR REPLACE FUNCTION casegraph_page_vector(t text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT setweight(to_tsvector('english'::regconfig, n), 'D') || setweight(to_tsvector('simple'::regconfig, n), 'A')
                FROM (SELECT casegraph_search_text(left(coalesce(t, ''), 100000)) AS n) s $$`);
      // Lexemes come out of to_tsvector and are quoted for tsquery input ('' for ', \\ for \): no text is parsed as syntax.
      await q.query(`CREATE OR REPLACE FUNCTION casegraph_exact_query(t text) RETURNS tsquery
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT coalesce(string_agg(
                        CASE WHEN prev IS NULL THEN '' ELSE ' <' || (pos - prev) || '> ' END
                        || '''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || ''':A', '' ORDER BY pos), '')::tsquery
                FROM (SELECT lexeme, pos, lag(pos) OVER (ORDER BY pos) AS prev
                        FROM unnest(to_tsvector('simple'::regconfig, casegraph_search_text(left(coalesce(t, ''), 2000)))) v,
                             unnest(v.positions) AS pos) w $$`);
      await q.query(`CREATE OR REPLACE FUNCTION casegraph_page_search_vector() RETURNS trigger
        LANGUAGE plpgsql
        AS $$ BEGIN NEW.search_vector := casegraph_page_vector(NEW.text); RETURN NEW; END $$`);
      await q.query(`DROP TRIGGER IF EXISTS trg_document_pages_search_vector ON document_pages`);
      await q.query(`CREATE TRIGGER trg_document_pages_search_vector BEFORE INSERT OR UPDATE OF text ON document_pages
        FOR EACH ROW EXECUTE FUNCTION casegraph_page_search_vector()`);
    });

    // Heal: the trigger now covers every new write, so one pass in id order over the rows of before is enough.
    let after = 0;
    for (;;) {
      const [r]: Array<{ last: string | null }> = await q.query(
        `WITH batch AS (SELECT id FROM document_pages WHERE id > $1 ORDER BY id LIMIT ${PAGE_SEARCH_BACKFILL_BATCH}),
              healed AS (UPDATE document_pages p SET search_vector = casegraph_page_vector(p.text)
                           FROM batch WHERE p.id = batch.id AND p.search_vector IS NULL)
         SELECT max(id)::text AS last FROM batch`,
        [after],
      );
      if (r?.last === null || r?.last === undefined) break;
      after = Number(r.last);
    }

    const concurrently = q.isTransactionActive ? '' : 'CONCURRENTLY';
    await withSettings(q, { lock_timeout: '10s', statement_timeout: '0' }, async () => {
      const [idx]: Array<{ valid: boolean }> = await q.query(
        `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE c.relname = 'idx_document_pages_search' AND c.relnamespace = current_schema()::regnamespace`,
      );
      if (idx && !idx.valid) await q.query(`DROP INDEX ${concurrently} IF EXISTS idx_document_pages_search`);
      await q.query(`CREATE INDEX ${concurrently} IF NOT EXISTS idx_document_pages_search ON document_pages USING gin (search_vector)`);
    });
  }

  public async down(q: QueryRunner): Promise<void> {
    const concurrently = q.isTransactionActive ? '' : 'CONCURRENTLY';
    await withSettings(q, { lock_timeout: '10s', statement_timeout: '0' }, async () => {
      await q.query(`DROP INDEX ${concurrently} IF EXISTS idx_document_pages_search`);
      await q.query(`DROP TRIGGER IF EXISTS trg_document_pages_search_vector ON document_pages`);
      await q.query(`DROP FUNCTION IF EXISTS casegraph_page_search_vector()`);
      await q.query(`ALTER TABLE document_pages DROP COLUMN IF EXISTS search_vector`);
      await q.query(`DROP FUNCTION IF EXISTS casegraph_exact_query(text)`);
      await q.query(`DROP FUNCTION IF EXISTS casegraph_page_vector(text)`);
      await q.query(`DROP FUNCTION IF EXISTS casegraph_search_text(text)`);
    });
  }
}

/**
 * Runs `work` with session settings: SET LOCAL inside a transaction (a test's runMigrationStep), else SET on the
 * runner's connection and RESET after, so the pooled connection goes back as it came.
 */
async function withSettings(q: QueryRunner, settings: Record<string, string>, work: () => Promise<void>): Promise<void> {
  const local = q.isTransactionActive;
  for (const [k, v] of Object.entries(settings)) await q.query(`SET ${local ? 'LOCAL ' : ''}${k} = '${v}'`);
  try {
    await work();
  } finally {
    if (!local) for (const k of Object.keys(settings)) await q.query(`RESET ${k}`);
  }
}

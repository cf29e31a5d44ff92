import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions, migrate } from '@casegraph/entities';
import { PAGE_SEARCH_BACKFILL_BATCH, PageSearch1765200000000 } from '../../libs/entities/src/migrations/1765200000000-page-search';
import { type PrivateDatabase, createPrivateDatabase, runMigrationStep } from '@casegraph/testing';

jest.setTimeout(180_000);

/**
 * Migration 1765200000000 (page search vectors) on a database that already holds pages: the runner applies it
 * outside a transaction (batched backfill, GIN index built CONCURRENTLY); the pages of before are healed, the
 * trigger keeps every later write current whoever writes it, down() removes exactly what up() added.
 */
const THIS = new PageSearch1765200000000().name;

async function migrateBefore(url: string): Promise<void> {
  const before = MIGRATIONS.slice(
    0,
    MIGRATIONS.findIndex((M) => new M().name === THIS),
  );
  const ds = new DataSource(dataSourceOptions(url, ENTITIES, before, { poolSize: 2, applicationName: 'casegraph-mig-test' }));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

describe('migration 1765200000000: page search', () => {
  let db: PrivateDatabase;
  let c: Client;
  let documentUuid: string;
  // More than one backfill batch, so the loop's continuation is exercised.
  const OLD_PAGES = PAGE_SEARCH_BACKFILL_BATCH + 7;

  beforeAll(async () => {
    db = await createPrivateDatabase('page_search', { migrate: false });
    await migrateBefore(db.url);
    c = new Client({ connectionString: db.url });
    await c.connect();
    const [p] = (await c.query(`INSERT INTO projects (name, project_uuid) VALUES ('search', gen_random_uuid()) RETURNING id`)).rows;
    documentUuid = randomUUID();
    await c.query(`INSERT INTO source_documents (document_uuid, project_fk_id, original_file_name) VALUES ($1, $2, 'old.pdf')`, [documentUuid, p.id]);
    // Pages written before the migration, by a writer that knows nothing of search.
    await c.query(
      `INSERT INTO document_pages (document_uuid, page_number, text, engine)
       SELECT $1, g, CASE WHEN g = 1 THEN 'The court ruled on the writ of mandamus, 410 U.S. 113, under 42 U.S.C. § 1983.'
                          ELSE 'page ' || g END, 'pdfjs'
         FROM generate_series(1, $2) g`,
      [documentUuid, OLD_PAGES],
    );
    expect(await migrate(db.url, () => undefined)).toEqual([THIS]);
  });
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });

  const matches = async (page: number, query: string): Promise<boolean> =>
    (await c.query(`SELECT search_vector @@ (${query}) AS m FROM document_pages WHERE document_uuid = $1 AND page_number = $2`, [documentUuid, page]))
      .rows[0].m;

  it('heals every page written before, in batches, and builds a valid GIN index', async () => {
    const r = await c.query(`SELECT count(*)::int AS n FROM document_pages WHERE search_vector IS NULL`);
    expect(r.rows[0].n).toBe(0);
    expect(await matches(1, `plainto_tsquery('english', 'ruling')`)).toBe(true);
    expect(await matches(1, `casegraph_exact_query('410 U.S. 113')`)).toBe(true);
    expect(await matches(1, `casegraph_exact_query('§ 1983')`)).toBe(true);
    expect(await matches(OLD_PAGES, `plainto_tsquery('english', 'page')`)).toBe(true);
    const idx = await c.query(
      `SELECT i.indisvalid AS valid, am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
        WHERE c.relname = 'idx_document_pages_search'`,
    );
    expect(idx.rows).toEqual([{ valid: true, amname: 'gin' }]);
  });

  it('the trigger fills the vector on insert and follows updates of the text; other updates leave it alone', async () => {
    await c.query(
      `INSERT INTO document_pages (document_uuid, page_number, text, engine) VALUES ($1, 100000, 'Halvorsen Marine Logistics, LLC', 'tesseract')`,
      [documentUuid],
    );
    expect(await matches(100000, `casegraph_exact_query('Halvorsen Marine Logistics')`)).toBe(true);
    // Even a writer that names the column cannot leave a stale vector behind.
    await c.query(
      `UPDATE document_pages SET text = 'petition for certiorari', search_vector = NULL WHERE document_uuid = $1 AND page_number = 100000`,
      [documentUuid],
    );
    expect(await matches(100000, `casegraph_exact_query('Halvorsen')`)).toBe(false);
    expect(await matches(100000, `plainto_tsquery('english', 'petitions')`)).toBe(true);
    await c.query(`UPDATE document_pages SET confidence = 50 WHERE document_uuid = $1 AND page_number = 100000`, [documentUuid]);
    expect(await matches(100000, `plainto_tsquery('english', 'certiorari')`)).toBe(true);
    // An upsert (the OCR stage's retry) rewrites it too.
    await c.query(
      `INSERT INTO document_pages (document_uuid, page_number, text, engine) VALUES ($1, 100000, 'habeas corpus', 'pdfjs')
       ON CONFLICT (document_uuid, page_number) DO UPDATE SET text = EXCLUDED.text`,
      [documentUuid],
    );
    expect(await matches(100000, `plainto_tsquery('english', 'corpus')`)).toBe(true);
    expect(await matches(100000, `plainto_tsquery('english', 'certiorari')`)).toBe(false);
  });

  it('exact queries are weight-restricted phrases and never a syntax error', async () => {
    const q = async (t: string) => (await c.query(`SELECT casegraph_exact_query($1)::text AS q`, [t])).rows[0].q;
    expect(await q('410 U.S. 113')).toBe(`'410':A <-> 'u.s':A <-> '113':A`);
    expect(await q('42 U.S.C. § 1983')).toBe(`'42':A <-> 'u.s.c':A <-> 'section':A <-> '1983':A`);
    expect(await q(`O'Brien & !(x) <-> 'y' \\ :*`)).toBe(`'o':A <-> 'brien':A <-> 'x':A <-> 'y':A`);
    expect(await q('!!! ---')).toBe('');
    // Scattered words do not match a citation: 410 … 113 with other words between.
    await c.query(
      `INSERT INTO document_pages (document_uuid, page_number, text, engine) VALUES ($1, 100001, '410 pages, U.S. mail, 113 days', 'pdfjs')`,
      [documentUuid],
    );
    expect(await matches(100001, `casegraph_exact_query('410 U.S. 113')`)).toBe(false);
    expect(await matches(100001, `plainto_tsquery('english', '410 U.S. 113')`)).toBe(true);
  });

  it('is idempotent; down() removes the column, trigger, functions and index, keeping the pages; up() heals again', async () => {
    const pages = async () => (await c.query(`SELECT count(*)::int AS n FROM document_pages`)).rows[0].n;
    const before = await pages();
    await runMigrationStep(db.url, new PageSearch1765200000000(), 'up');
    await runMigrationStep(db.url, new PageSearch1765200000000(), 'down');
    const col = await c.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'document_pages' AND column_name = 'search_vector'`);
    expect(col.rows).toEqual([]);
    const fns = await c.query(`SELECT proname FROM pg_proc WHERE proname LIKE 'casegraph\\_%' AND proname IN
      ('casegraph_search_text', 'casegraph_page_vector', 'casegraph_exact_query', 'casegraph_page_search_vector')`);
    expect(fns.rows).toEqual([]);
    expect((await c.query(`SELECT 1 FROM pg_trigger WHERE tgname = 'trg_document_pages_search_vector'`)).rows).toEqual([]);
    expect(await pages()).toBe(before);
    // Writers keep working on the rolled-back schema.
    await c.query(`INSERT INTO document_pages (document_uuid, page_number, text, engine) VALUES ($1, 100002, 'rolled back', 'pdfjs')`, [
      documentUuid,
    ]);

    await runMigrationStep(db.url, new PageSearch1765200000000(), 'up');
    expect((await c.query(`SELECT count(*)::int AS n FROM document_pages WHERE search_vector IS NULL`)).rows[0].n).toBe(0);
    expect(await matches(100002, `plainto_tsquery('english', 'roll')`)).toBe(true);
  });
});

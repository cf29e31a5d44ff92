import { randomUUID } from 'node:crypto';
import { type PrivateDataSource, createPrivateDataSource } from '@casegraph/testing';
import { GraphService } from './graph.service';

// Private databases are created, migrated and dropped (WITH FORCE): slow on a busy server.
jest.setTimeout(180_000);

/**
 * The entity list's ?sort= / ?order=, its document counts and curated flags, and the page of each mention in an
 * entity's detail, on rows written as the graph worker writes them. Private database, real PostgreSQL.
 */
describe('entity list sort and counts, mention pages (private database)', () => {
  let db: PrivateDataSource;
  let graph: GraphService;
  const project = randomUUID();
  const docs = [randomUUID(), randomUUID(), randomUUID()];
  const uuids: Record<string, string> = {};
  // Page texts of document 0: the joined text is "Page one text.\n\nAcme Corp page two.\n\nAcme Corp again." (PAGE_SEPARATOR '\n\n').
  const pages = ['Page one text.', 'Acme Corp page two.', 'Acme Corp again.'];
  const joined = pages.join('\n\n');

  beforeAll(async () => {
    db = await createPrivateDataSource('graph_list', { poolSize: 3, applicationName: 'casegraph-graph-list-test' });
    graph = new GraphService(db.ds);
    const [p] = await db.ds.query(`INSERT INTO projects (name, project_uuid) VALUES ('graph list', $1) RETURNING id`, [project]);
    for (const [i, d] of docs.entries()) {
      await db.ds.query(`INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name) VALUES ($1, $2, $3, $4)`, [
        d,
        p.id,
        project,
        `doc-${i}.pdf`,
      ]);
    }
    for (const [i, text] of pages.entries()) {
      await db.ds.query(`INSERT INTO document_pages (document_uuid, page_number, text, engine) VALUES ($1, $2, $3, 'pdfjs')`, [docs[0], i + 1, text]);
    }
    // One chunk spanning pages 2 and 3 (so the page is computed from the page offsets).
    const chunk = randomUUID();
    const chunkStart = joined.indexOf('Acme');
    await db.ds.query(
      `INSERT INTO document_chunks (chunk_uuid, document_uuid, project_uuid, chunk_index, text, char_start_index, char_end_index, page_numbers)
       VALUES ($1, $2, $3, 0, $4, $5, $6, '{2,3}')`,
      [chunk, docs[0], project, joined.slice(chunkStart), chunkStart, joined.length],
    );
    // name, mentions, documents (MENTIONED_IN edges), curated
    const rows: Array<[string, number, number, string | null]> = [
      ['acme corp', 5, 1, null],
      ['Beta LLC', 9, 2, '{"canonicalName": true}'],
      ['Zeta Inc', 2, 3, null],
    ];
    for (const [name, mentions, documents, curated] of rows) {
      const [row] = await db.ds.query(
        `INSERT INTO canonical_entities (canonical_entity_uuid, entity_type, canonical_name, project_uuid, normalized_key, mention_count, curated)
         VALUES (gen_random_uuid(), 'ORG', $1, $2, lower($1), $3, $4::jsonb) RETURNING canonical_entity_uuid`,
        [name, project, mentions, curated],
      );
      uuids[name] = row.canonical_entity_uuid;
      for (const d of docs.slice(0, documents)) {
        await db.ds.query(
          `INSERT INTO relationship_staging (relationship_uuid, project_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight)
           VALUES (gen_random_uuid(), $1, $2, $3, 'MENTIONED_IN', 1)`,
          [project, row.canonical_entity_uuid, d],
        );
      }
    }
    const second = joined.lastIndexOf('Acme');
    await db.ds.query(
      `INSERT INTO entity_mentions (mention_uuid, document_uuid, chunk_uuid, project_uuid, entity_text, entity_type, start_char, end_char,
                                    confidence_score, method, normalized_key, canonical_entity_uuid, offset_basis)
       VALUES (gen_random_uuid(), $1, $2, $3, 'Acme Corp', 'ORG', $5, $5 + 9, 0.9, 'pattern:org', 'acme corp', $4, 'document'),
              (gen_random_uuid(), $1, $2, $3, 'Acme Corp', 'ORG', $6, $6 + 9, 0.9, 'pattern:org', 'acme corp', $4, 'document')`,
      [docs[0], chunk, project, uuids['acme corp'], chunkStart, second],
    );
  });

  afterAll(async () => {
    await db?.drop();
  });

  const names = async (q: Parameters<GraphService['listEntities']>[1]) => (await graph.listEntities(project, q)).items.map((e) => e.name);

  it('sorts by mentions (default, most first), documents or name, either way; name ignores case', async () => {
    const base = { page: 1, pageSize: 10 };
    expect(await names(base)).toEqual(['Beta LLC', 'acme corp', 'Zeta Inc']);
    expect(await names({ ...base, sort: 'mentions', order: 'asc' })).toEqual(['Zeta Inc', 'acme corp', 'Beta LLC']);
    expect(await names({ ...base, sort: 'documents' })).toEqual(['Zeta Inc', 'Beta LLC', 'acme corp']);
    expect(await names({ ...base, sort: 'documents', order: 'asc' })).toEqual(['acme corp', 'Beta LLC', 'Zeta Inc']);
    expect(await names({ ...base, sort: 'name' })).toEqual(['acme corp', 'Beta LLC', 'Zeta Inc']);
    expect(await names({ ...base, sort: 'name', order: 'desc' })).toEqual(['Zeta Inc', 'Beta LLC', 'acme corp']);
    // Paging follows the order.
    expect(await names({ page: 2, pageSize: 2, sort: 'name' })).toEqual(['Zeta Inc']);
  });

  it('gives each entity its document count and curated fields', async () => {
    const page = await graph.listEntities(project, { page: 1, pageSize: 10, sort: 'name' });
    expect(page.items.map((e) => [e.name, e.documentCount, e.curated])).toEqual([
      ['acme corp', 1, {}],
      ['Beta LLC', 2, { canonicalName: true }],
      ['Zeta Inc', 3, {}],
    ]);
    expect((await graph.getEntity(project, uuids['Beta LLC'])).curated).toEqual({ canonicalName: true });
  });

  it('gives each mention the page it starts on and marks it in its snippet, in a chunk that spans pages', async () => {
    const e = await graph.getEntity(project, uuids['acme corp']);
    expect(e.documentCount).toBe(1);
    expect(e.mentions.map((m) => ({ page: m.page, pages: m.pages, marked: m.highlight && m.snippet.slice(...m.highlight) }))).toEqual([
      { page: 2, pages: [2, 3], marked: 'Acme Corp' },
      { page: 3, pages: [2, 3], marked: 'Acme Corp' },
    ]);
  });
});

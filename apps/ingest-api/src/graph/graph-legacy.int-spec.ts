import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions, migrate } from '@casegraph/entities';
import { type PrivateDatabase, createPrivateDatabase } from '@casegraph/testing';
import { GraphService } from './graph.service';

// Private databases are created, migrated and dropped (WITH FORCE): slow on a busy server.
jest.setTimeout(180_000);

/**
 * The read API on rows the old system left: canonical_entities.aliases of the old jsonb shape (NULL, '{}',
 * 'null', numbers among the strings) and mentions whose offsets are unknown (offset_basis 'unknown', NULL
 * offsets) or not healed yet (offset_basis NULL, old relative offsets). Private database, real PostgreSQL.
 */
describe('graph read API on old rows (private database, old canonical_entities shape)', () => {
  let db: PrivateDatabase;
  let ds: DataSource;
  let graph: GraphService;
  const project = randomUUID();
  const documentUuid = randomUUID();
  const chunkUuid = randomUUID();
  const uuids: Record<string, string> = {};

  beforeAll(async () => {
    db = await createPrivateDatabase('graph_legacy', { migrate: false });
    const setup = new DataSource(dataSourceOptions(db.url, [], [], { poolSize: 1 }));
    await setup.initialize();
    // The old table (column types of the old schema) before CaseGraph's migrations expand it.
    await setup.query(`CREATE TABLE canonical_entities (
      id serial PRIMARY KEY, canonical_entity_uuid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE, entity_type text NOT NULL,
      canonical_name text NOT NULL, mention_count int DEFAULT 1, confidence_score double precision DEFAULT 0.0, resolution_method text,
      aliases jsonb DEFAULT '[]'::jsonb, properties jsonb DEFAULT '{}'::jsonb, metadata jsonb DEFAULT '{}'::jsonb,
      created_at timestamptz DEFAULT CURRENT_TIMESTAMP, updated_at timestamptz DEFAULT CURRENT_TIMESTAMP)`);
    await setup.destroy();
    await migrate(db.url, () => undefined);
    ds = new DataSource(dataSourceOptions(db.url, ENTITIES, MIGRATIONS, { poolSize: 3, applicationName: 'casegraph-graph-legacy-test' }));
    await ds.initialize();
    graph = new GraphService(ds);

    const [p] = await ds.query(`INSERT INTO projects (name, project_uuid) VALUES ('legacy graph', $1) RETURNING id`, [project]);
    await ds.query(`INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name) VALUES ($1, $2, $3, 'old.pdf')`, [
      documentUuid,
      p.id,
      project,
    ]);
    // Chunk text "....Acme Corp...." starting at document offset 1000.
    await ds.query(
      `INSERT INTO document_chunks (chunk_uuid, document_uuid, project_uuid, chunk_index, text, char_start_index, char_end_index, page_numbers)
       VALUES ($1, $2, $3, 0, 'Signed by Acme Corp on Monday.', 1000, 1030, '{2}')`,
      [chunkUuid, documentUuid, project],
    );
    for (const [name, aliases] of [
      ['Acme Corp', '["Acme Corp", 7, null, {"x": 1}, "ACME"]'],
      ['Empty Object', '{}'],
      ['Json Null', 'null'],
      ['Sql Null', null],
    ] as const) {
      const [row] = await ds.query(
        `INSERT INTO canonical_entities (entity_type, canonical_name, aliases, project_uuid, normalized_key, mention_count)
         VALUES ('ORG', $1, $2::jsonb, $3, lower($1), 3) RETURNING canonical_entity_uuid`,
        [name, aliases, project],
      );
      uuids[name] = row.canonical_entity_uuid;
    }
    // Acme's mentions: one absolute (healed), one with unknown offsets, one not healed yet (relative offsets).
    await ds.query(
      `INSERT INTO entity_mentions (mention_uuid, document_uuid, chunk_uuid, project_uuid, entity_text, entity_type, start_char, end_char,
                                    confidence_score, method, normalized_key, canonical_entity_uuid, offset_basis)
       VALUES (gen_random_uuid(), $1, $2, $3, 'Acme Corp', 'ORG', 1010, 1019, 0.9, 'pattern:org', 'acme corp', $4, 'document'),
              (gen_random_uuid(), $1, $2, $3, 'ACME', 'ORG', NULL, NULL, 0.5, 'legacy', 'acme', $4, 'unknown'),
              (gen_random_uuid(), $1, $2, $3, 'Acme', 'ORG', 10, 14, 0.5, 'legacy', 'acme', $4, NULL)`,
      [documentUuid, chunkUuid, project, uuids['Acme Corp']],
    );
  });

  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  it("an entity whose aliases is '{}'::jsonb (or 'null', or NULL) reads as []", async () => {
    for (const name of ['Empty Object', 'Json Null', 'Sql Null']) {
      const e = await graph.getEntity(project, uuids[name]);
      expect({ name, aliases: e.aliases }).toEqual({ name, aliases: [] });
    }
    const page = await graph.listEntities(project, { page: 1, pageSize: 10 });
    expect(Object.fromEntries(page.items.map((e) => [e.name, e.aliases]))).toEqual({
      'Acme Corp': ['Acme Corp', 'ACME'],
      'Empty Object': [],
      'Json Null': [],
      'Sql Null': [],
    });
  });

  it('searches the string aliases of an old row (its other elements are ignored)', async () => {
    // "ACME" is only an alias (the key is "acme corp"): found through casegraph_aliases().
    const byAlias = await graph.listEntities(project, { page: 1, pageSize: 10, q: 'ACME' });
    expect(byAlias.items.map((e) => e.name)).toEqual(['Acme Corp']);
    expect((await graph.listEntities(project, { page: 1, pageSize: 10, q: '7' })).items).toEqual([]);
  });

  it('a mention with unknown or not yet healed offsets has null offsets and no snippet, and comes last', async () => {
    const e = await graph.getEntity(project, uuids['Acme Corp']);
    expect(e.mentions.map((m) => ({ text: m.text, start: m.start, end: m.end, snippet: m.snippet, pages: m.pages }))).toEqual([
      { text: 'Acme Corp', start: 1010, end: 1019, snippet: 'Signed by Acme Corp on Monday.', pages: [2] },
      expect.objectContaining({ start: null, end: null, snippet: '', pages: [2] }),
      expect.objectContaining({ start: null, end: null, snippet: '', pages: [2] }),
    ]);
    expect(
      e.mentions
        .slice(1)
        .map((m) => m.text)
        .sort(),
    ).toEqual(['ACME', 'Acme']);
  });
});

import { Client } from 'pg';
import { migrate } from '@casegraph/entities';
import {
  type LegacySchema,
  type LegacySeed,
  type LegacySeedDocument,
  OWN_LEGACY_SCHEMA,
  type PrivateDatabase,
  buildLegacyDatabase,
  createPrivateDatabase,
  describeWithLegacySeed,
  requireSharedLegacySchema,
  seedLegacyRows,
} from '@casegraph/testing';
import { PipelineApp, createPipelineApp, deleteDocumentKeys, snapshotProject } from '../testing/graph-test-kit';

jest.setTimeout(180_000);

/**
 * The graph stages on the old system's database, migrated but not yet backfilled (the state right after
 * `db:migrate`): the project-owned old schema (@casegraph/testing OWN_LEGACY_SCHEMA, the shape of the old
 * production database) and, when ../shared/seed is there, the real exporter schema, each seeded with rows the
 * way the old code wrote them. Old documents are re-processed end to
 * end: their old chunks (named by document_uuid, or only by document_fk_id), old mentions (chunk-relative offsets,
 * no project) and old edges' chunk references are replaced or released, and what CaseGraph writes is its own
 * shape (jsonb aliases, absolute offsets, offset_basis 'document'). Other documents' old rows are left alone.
 */
function adoptedDatabaseSuite(schemaOf: () => LegacySchema) {
  let db: PrivateDatabase;
  let c: Client;
  let t: PipelineApp;
  let seed: LegacySeed;
  const processed: LegacySeedDocument[] = [];

  /** The old 'good' documents (both project columns agree) that have chunks, by how the chunks name the document. */
  const goodWithChunks = (ref: 'both' | 'fk' | 'uuid') =>
    seed.byCase.good.filter((d) => seed.chunks.some((ch) => ch.documentId === d.id && ch.documentRef === ref));

  const oldRowsOf = async (doc: LegacySeedDocument) => {
    const chunkIds = seed.chunks.filter((ch) => ch.documentId === doc.id).map((ch) => ch.id);
    const chunkUuids = seed.chunks.filter((ch) => ch.documentId === doc.id).map((ch) => ch.chunkUuid);
    const mentionIds = seed.mentions.filter((m) => m.documentId === doc.id).map((m) => m.id);
    const [r] = (
      await c.query(
        `SELECT (SELECT count(*)::int FROM document_chunks WHERE id = ANY($1::int[])) AS chunks,
                (SELECT count(*)::int FROM entity_mentions WHERE id = ANY($2::int[])) AS mentions,
                (SELECT count(*)::int FROM relationship_staging WHERE source_chunk_uuid = ANY($3::uuid[])) AS edges_with_chunk`,
        [chunkIds, mentionIds, chunkUuids],
      )
    ).rows;
    return r as { chunks: number; mentions: number; edges_with_chunk: number };
  };

  const totals = async () =>
    (
      await c.query(
        `SELECT (SELECT count(*)::int FROM document_chunks) AS chunks, (SELECT count(*)::int FROM entity_mentions) AS mentions,
                (SELECT count(*)::int FROM canonical_entities) AS entities, (SELECT count(*)::int FROM relationship_staging) AS edges`,
      )
    ).rows[0] as { chunks: number; mentions: number; entities: number; edges: number };

  beforeAll(async () => {
    db = await createPrivateDatabase('graph_adopted', { migrate: false });
    c = new Client({ connectionString: db.url });
    await c.connect();
    const schema = schemaOf();
    await buildLegacyDatabase(c, schema);
    seed = await seedLegacyRows(c, schema);
    await migrate(db.url, () => undefined);
    t = await createPipelineApp({}, 4, db.url);
  });

  afterAll(async () => {
    await deleteDocumentKeys(processed.map((d) => d.documentUuid));
    await t?.close();
    await c?.end();
    await db?.drop();
  });

  it('the seed has what this test needs: old documents whose chunks name them by uuid and by document_fk_id only', () => {
    expect(goodWithChunks('both').length).toBeGreaterThan(0);
    expect(goodWithChunks('fk').length).toBeGreaterThan(0);
  });

  it.each([
    ['document_uuid and document_fk_id', 'both'],
    ['document_fk_id only', 'fk'],
  ] as const)('re-processes an old document whose chunks name it by %s', async (_label, ref) => {
    const doc = goodWithChunks(ref)[0];
    processed.push(doc);
    const project = doc.originalProjectUuid!;
    const before = await oldRowsOf(doc);
    expect(before.chunks).toBeGreaterThan(0);
    expect(before.mentions).toBeGreaterThan(0);
    const othersBefore = await totals();
    const ownBefore = (
      await c.query(
        `SELECT (SELECT count(*)::int FROM document_chunks WHERE id = ANY($1::int[])) AS chunks,
                (SELECT count(*)::int FROM entity_mentions WHERE id = ANY($2::int[])) AS mentions`,
        [
          seed.chunks.filter((ch) => ch.documentId !== doc.id).map((ch) => ch.id),
          seed.mentions.filter((m) => m.documentId !== doc.id).map((m) => m.id),
        ],
      )
    ).rows[0];

    const result = await t.pipeline.process(doc.documentUuid);
    expect(result.projectUuid).toBe(project);
    expect(result.chunks).toBeGreaterThan(0);
    expect(result.mentions).toBeGreaterThan(0);

    // The document is complete; its old chunks and mentions are gone, old edges that cited its chunks keep their row.
    const [state] = (
      await c.query(`SELECT status, chunking_status, entities_status, resolution_status, relationships_status FROM source_documents WHERE id = $1`, [
        doc.id,
      ])
    ).rows;
    expect(state).toEqual({
      status: 'completed',
      chunking_status: 'completed',
      entities_status: 'completed',
      resolution_status: 'completed',
      relationships_status: 'completed',
    });
    expect(await oldRowsOf(doc)).toEqual({ chunks: 0, mentions: 0, edges_with_chunk: 0 });

    // Every chunk of the document (by either reference) is ours, in the project, with known offsets.
    const chunks = (
      await c.query(
        `SELECT project_uuid, char_start_index, char_end_index, document_uuid FROM document_chunks
          WHERE document_uuid = $1 OR document_fk_id = $2 ORDER BY chunk_index`,
        [doc.documentUuid, doc.id],
      )
    ).rows;
    expect(chunks).toHaveLength(result.chunks);
    for (const ch of chunks)
      expect(ch).toEqual({
        project_uuid: project,
        char_start_index: expect.any(Number),
        char_end_index: expect.any(Number),
        document_uuid: doc.documentUuid,
      });

    // Every mention of the document is ours: absolute offsets, offset_basis 'document', linked to an entity of the project.
    const mentions = (
      await c.query(
        `SELECT m.offset_basis, m.start_char, m.end_char, m.method, m.project_uuid, e.project_uuid AS entity_project,
                substr(d.raw_extracted_text, m.start_char + 1, m.end_char - m.start_char) = m.entity_text AS text_at_offsets
           FROM entity_mentions m JOIN source_documents d ON d.document_uuid = m.document_uuid
           LEFT JOIN canonical_entities e ON e.canonical_entity_uuid = m.canonical_entity_uuid
          WHERE m.document_uuid = $1`,
        [doc.documentUuid],
      )
    ).rows;
    expect(mentions).toHaveLength(result.mentions);
    for (const m of mentions) {
      expect(m).toMatchObject({
        offset_basis: 'document',
        method: expect.any(String),
        project_uuid: project,
        entity_project: project,
        text_at_offsets: true,
      });
    }

    // The project's entities have jsonb array aliases and exact mention counts; the old global ones too where
    // the document's mentions were theirs (recounted when the chunks' old CASCADE foreign keys removed them).
    const entities = (
      await c.query(
        `SELECT canonical_entity_uuid AS u, project_uuid, jsonb_typeof(aliases) AS shape, mention_count,
                (SELECT count(*)::int FROM entity_mentions m WHERE m.canonical_entity_uuid = e.canonical_entity_uuid) AS linked
           FROM canonical_entities e WHERE project_uuid = $1`,
        [project],
      )
    ).rows;
    expect(entities.length).toBeGreaterThan(0);
    for (const e of entities) expect(e).toMatchObject({ shape: 'array', mention_count: e.linked });
    const oldLinked = [...new Set(seed.mentions.filter((m) => m.documentId === doc.id && m.entityUuid).map((m) => m.entityUuid!))];
    const oldCounts = (
      await c.query(
        `SELECT canonical_entity_uuid AS u, mention_count,
                (SELECT count(*)::int FROM entity_mentions m WHERE m.canonical_entity_uuid = e.canonical_entity_uuid) AS linked
           FROM canonical_entities e WHERE canonical_entity_uuid = ANY($1::uuid[])`,
        [oldLinked],
      )
    ).rows;
    expect(oldCounts).toHaveLength(oldLinked.length); // no old entity is deleted
    if (ref === 'both') for (const e of oldCounts) expect({ u: e.u, n: e.mention_count }).toEqual({ u: e.u, n: e.linked });

    // Edges: MENTIONED_IN to the document and CO_OCCURS between the project's entities.
    const edges = (
      await c.query(`SELECT relationship_type AS type, count(*)::int AS n FROM relationship_staging WHERE project_uuid = $1 GROUP BY 1 ORDER BY 1`, [
        project,
      ])
    ).rows;
    expect(edges.find((e) => e.type === 'MENTIONED_IN')?.n).toBe(result.relationships.mentionedIn);

    // The other documents' old rows are all still there.
    const ownAfter = (
      await c.query(
        `SELECT (SELECT count(*)::int FROM document_chunks WHERE id = ANY($1::int[])) AS chunks,
                (SELECT count(*)::int FROM entity_mentions WHERE id = ANY($2::int[])) AS mentions`,
        [
          seed.chunks.filter((ch) => ch.documentId !== doc.id).map((ch) => ch.id),
          seed.mentions.filter((m) => m.documentId !== doc.id).map((m) => m.id),
        ],
      )
    ).rows[0];
    expect(ownAfter).toEqual(ownBefore);
    const othersAfter = await totals();
    expect(othersAfter.chunks - othersBefore.chunks).toBe(result.chunks - before.chunks);
    expect(othersAfter.mentions - othersBefore.mentions).toBe(result.mentions - before.mentions);
    expect(othersAfter.entities).toBeGreaterThanOrEqual(othersBefore.entities);

    // A second run leaves exactly the same rows.
    const first = await snapshotProject(t.db, project);
    await t.pipeline.process(doc.documentUuid);
    expect(await snapshotProject(t.db, project)).toEqual(first);
  });
}

describe('graph stages on an adopted old database (private database, own legacy schema)', () => adoptedDatabaseSuite(() => OWN_LEGACY_SCHEMA));

describeWithLegacySeed('graph stages on an adopted old database (private database, the real exporter schema)', () =>
  adoptedDatabaseSuite(requireSharedLegacySchema),
);

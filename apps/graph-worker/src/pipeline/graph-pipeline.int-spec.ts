import { DataSource } from 'typeorm';
import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  createDocument,
  createPipelineApp,
  createProject,
  fixturePages,
  ownFixture,
  snapshotProject,
} from '../testing/graph-test-kit';

jest.setTimeout(120_000);

/**
 * The shared fixtures' ground-truth texts (GPL-3, Apache-2.0, MPL-2.0) plus our
 * Apache NOTICE file, processed into one project with real PostgreSQL and Redis.
 */
describe('graph pipeline on the fixtures (PostgreSQL + Redis)', () => {
  let t: PipelineApp;
  let db: DataSource;
  const projects: TestProject[] = [];
  let project: TestProject;
  const docs: Record<string, string> = {};

  beforeAll(async () => {
    t = await createPipelineApp();
    db = t.db;
    project = await createProject(db, 'graph-fixtures');
    projects.push(project);
    docs.gpl = await createDocument(db, project, fixturePages('GPL-3.txt'), 'GPL-3.pdf');
    docs.apache = await createDocument(db, project, fixturePages('Apache-2.0.txt'), 'Apache-2.0.pdf');
    docs.mpl = await createDocument(db, project, fixturePages('MPL-2.0.txt'), 'MPL-2.0.pdf');
    docs.notice = await createDocument(db, project, [ownFixture('entities-apache-notice.txt')], 'NOTICE.txt');
    for (const d of Object.values(docs)) await t.pipeline.process(d);
  });

  afterAll(async () => {
    await cleanupProjects(db, projects);
    await t.close();
  });

  const entities = (type: string, like: string) =>
    db.query(
      `SELECT canonical_entity_uuid, canonical_name, normalized_key, aliases, mention_count
         FROM canonical_entities WHERE project_uuid = $1 AND entity_type = $2 AND normalized_key LIKE $3`,
      [project.projectUuid, type, like],
    );

  it('completes every document and every stage', async () => {
    const rows = await db.query(
      `SELECT status, chunking_status, entities_status, resolution_status, relationships_status,
              processing_completed_at IS NOT NULL AS done, error_message
         FROM source_documents WHERE document_uuid = ANY($1::uuid[])`,
      [Object.values(docs)],
    );
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r).toEqual({
        status: 'completed',
        chunking_status: 'completed',
        entities_status: 'completed',
        resolution_status: 'completed',
        relationships_status: 'completed',
        done: true,
        error_message: null,
      });
    }
  });

  it('stores chunks whose offsets and page numbers agree with the joined page text', async () => {
    const bad = await db.query(
      `SELECT c.chunk_index FROM document_chunks c JOIN source_documents d USING (document_uuid)
        WHERE d.document_uuid = ANY($1::uuid[])
          AND substr(d.raw_extracted_text, c.char_start_index + 1, c.char_end_index - c.char_start_index) <> c.text`,
      [Object.values(docs)],
    );
    expect(bad).toEqual([]);
    const gpl = await db.query(
      'SELECT chunk_index, char_start_index, char_end_index, page_numbers FROM document_chunks WHERE document_uuid = $1 ORDER BY chunk_index',
      [docs.gpl],
    );
    expect(gpl.length).toBeGreaterThan(30); // 35 kB at ~1,000 characters a chunk with overlap
    for (const c of gpl) expect(c.char_end_index - c.char_start_index).toBeLessThanOrEqual(1000);
    expect(gpl[0].page_numbers).toEqual([1]);
    expect(gpl[gpl.length - 1].page_numbers).toEqual([fixturePages('GPL-3.txt').length]);
    expect(gpl.some((c: { page_numbers: number[] }) => c.page_numbers.length === 2)).toBe(true);
  });

  it('stores mentions at document-absolute offsets, with type, confidence, method and chunk', async () => {
    const bad = await db.query(
      `SELECT m.entity_text FROM entity_mentions m JOIN source_documents d USING (document_uuid)
        WHERE m.project_uuid = $1
          AND (substr(d.raw_extracted_text, m.start_char + 1, m.end_char - m.start_char) <> m.entity_text
               OR m.canonical_entity_uuid IS NULL OR m.chunk_uuid IS NULL
               OR m.confidence_score <= 0 OR m.confidence_score > 1 OR m.method NOT LIKE '%:%')`,
      [project.projectUuid],
    );
    expect(bad).toEqual([]);
    const outside = await db.query(
      `SELECT m.entity_text FROM entity_mentions m JOIN document_chunks c USING (chunk_uuid)
        WHERE m.project_uuid = $1 AND (m.start_char < c.char_start_index OR m.start_char >= c.char_end_index)`,
      [project.projectUuid],
    );
    expect(outside).toEqual([]);
  });

  it('resolves the Free Software Foundation to one ORG with its aliases and exact mention count', async () => {
    const fsf = await entities('ORG', '%free software%');
    expect(fsf).toHaveLength(1);
    expect(fsf[0].canonical_name).toBe('Free Software Foundation, Inc.');
    expect(fsf[0].aliases).toEqual(expect.arrayContaining(['Free Software Foundation', 'Free Software Foundation, Inc.']));
    const [{ n }] = await db.query('SELECT count(*)::int AS n FROM entity_mentions WHERE canonical_entity_uuid = $1', [
      fsf[0].canonical_entity_uuid,
    ]);
    expect(fsf[0].mention_count).toBe(n);
    expect(n).toBe(6); // GPL-3 names it 6 times (once wrapped across a line); no other document does
  });

  it('resolves the Apache Software Foundation (incl. an OCR slip) and the Mozilla Foundation to one ORG each', async () => {
    const asf = await entities('ORG', '%apache softwar%');
    expect(asf).toHaveLength(1);
    expect(asf[0].aliases).toEqual(expect.arrayContaining(['Apache Software Foundation', 'Apache Softwar Foundation']));
    expect(asf[0].canonical_name).toBe('Apache Software Foundation');
    expect(asf[0].mention_count).toBeGreaterThanOrEqual(4);
    const mozilla = await entities('ORG', '%mozilla%');
    expect(mozilla.map((m: { canonical_name: string }) => m.canonical_name)).toEqual(['Mozilla Foundation']);
  });

  it('finds the dates, URLs and e-mail addresses', async () => {
    const keys = async (type: string) =>
      (
        await db.query('SELECT normalized_key FROM canonical_entities WHERE project_uuid = $1 AND entity_type = $2', [
          project.projectUuid,
          type,
        ])
      ).map((r: { normalized_key: string }) => r.normalized_key);
    expect(await keys('DATE')).toEqual(expect.arrayContaining(['2007-06-29', '2004-01', '1996-12-20', '2007-03-28', '2024-03-15']));
    expect(await keys('URL')).toEqual(
      expect.arrayContaining(['fsf.org', 'gnu.org/licenses', 'apache.org/licenses', 'apache.org/licenses/LICENSE-2.0', 'mozilla.org/MPL/2.0']),
    );
    expect(await keys('EMAIL')).toEqual(expect.arrayContaining(['legal-discuss@apache.org', 'trademarks@apache.org', 'security@apache.org']));
    const dateTexts = await db.query(
      `SELECT DISTINCT entity_text FROM entity_mentions WHERE project_uuid = $1 AND entity_type = 'DATE'`,
      [project.projectUuid],
    );
    expect(dateTexts.map((r: { entity_text: string }) => r.entity_text)).toEqual(expect.arrayContaining(['29 June 2007', 'January 2004']));
  });

  it('keeps mention_count equal to the linked mentions for every entity', async () => {
    const wrong = await db.query(
      `SELECT c.canonical_name, c.mention_count,
              (SELECT count(*) FROM entity_mentions m WHERE m.canonical_entity_uuid = c.canonical_entity_uuid)::int AS actual
         FROM canonical_entities c WHERE c.project_uuid = $1
        AND c.mention_count <> (SELECT count(*) FROM entity_mentions m WHERE m.canonical_entity_uuid = c.canonical_entity_uuid)`,
      [project.projectUuid],
    );
    expect(wrong).toEqual([]);
  });

  it('builds MENTIONED_IN and sentence-level CO_OCCURS edges, each the sum of its contributions', async () => {
    const fsf = (await entities('ORG', '%free software%'))[0];
    const [mentioned] = await db.query(
      `SELECT weight, properties FROM relationship_staging
        WHERE project_uuid = $1 AND relationship_type = 'MENTIONED_IN' AND source_entity_uuid = $2 AND target_entity_uuid = $3`,
      [project.projectUuid, fsf.canonical_entity_uuid, docs.gpl],
    );
    const [{ n }] = await db.query(
      'SELECT count(*)::int AS n FROM entity_mentions WHERE canonical_entity_uuid = $1 AND document_uuid = $2',
      [fsf.canonical_entity_uuid, docs.gpl],
    );
    expect(mentioned.weight).toBe(n);
    expect(mentioned.properties.documentCount).toBe(1);
    expect(mentioned.properties.evidenceChunkUuids.length).toBeGreaterThan(0);

    // "Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>": the FSF and its URL co-occur.
    const [url] = await db.query(
      `SELECT canonical_entity_uuid FROM canonical_entities WHERE project_uuid = $1 AND entity_type = 'URL' AND normalized_key = 'fsf.org'`,
      [project.projectUuid],
    );
    const [a, b] = [fsf.canonical_entity_uuid, url.canonical_entity_uuid].sort();
    const co = await db.query(
      `SELECT weight FROM relationship_staging WHERE project_uuid = $1 AND relationship_type = 'CO_OCCURS'
          AND source_entity_uuid = $2 AND target_entity_uuid = $3`,
      [project.projectUuid, a, b],
    );
    expect(co).toHaveLength(1);
    expect(co[0].weight).toBeGreaterThanOrEqual(1);

    const mismatched = await db.query(
      `SELECT r.relationship_type, r.weight, s.total FROM relationship_staging r
         JOIN (SELECT source_entity_uuid, target_entity_uuid, relationship_type, sum(weight) AS total
                 FROM relationship_contributions WHERE project_uuid = $1 GROUP BY 1, 2, 3) s
           USING (source_entity_uuid, target_entity_uuid, relationship_type)
        WHERE r.project_uuid = $1 AND r.weight <> s.total`,
      [project.projectUuid],
    );
    expect(mismatched).toEqual([]);
    const [{ orphans }] = await db.query(
      `SELECT count(*)::int AS orphans FROM relationship_staging r WHERE r.project_uuid = $1 AND NOT EXISTS (
         SELECT 1 FROM relationship_contributions c WHERE c.project_uuid = r.project_uuid
            AND c.source_entity_uuid = r.source_entity_uuid AND c.target_entity_uuid = r.target_entity_uuid
            AND c.relationship_type = r.relationship_type)`,
      [project.projectUuid],
    );
    expect(orphans).toBe(0);
    // CO_OCCURS is stored once per pair, source < target
    const [{ unordered }] = await db.query(
      `SELECT count(*)::int AS unordered FROM relationship_staging
        WHERE project_uuid = $1 AND relationship_type = 'CO_OCCURS' AND source_entity_uuid >= target_entity_uuid`,
      [project.projectUuid],
    );
    expect(unordered).toBe(0);
  });

  it('does not pair every two entities of a document', async () => {
    const [{ entities: n, pairs }] = await db.query(
      `SELECT (SELECT count(DISTINCT canonical_entity_uuid) FROM entity_mentions WHERE document_uuid = $1)::int AS entities,
              (SELECT count(*) FROM relationship_contributions WHERE document_uuid = $1 AND relationship_type = 'CO_OCCURS')::int AS pairs`,
      [docs.gpl],
    );
    expect(n).toBeGreaterThan(5);
    expect(pairs).toBeLessThan((n * (n - 1)) / 2);
  });

  it('re-processing a document leaves identical rows (sequentially and twice at once)', async () => {
    const before = await snapshotProject(db, project.projectUuid);
    await t.pipeline.process(docs.gpl);
    expect(await snapshotProject(db, project.projectUuid)).toEqual(before);
    await Promise.all([t.pipeline.process(docs.mpl), t.pipeline.process(docs.mpl), t.pipeline.process(docs.notice)]);
    expect(await snapshotProject(db, project.projectUuid)).toEqual(before);
  });
});

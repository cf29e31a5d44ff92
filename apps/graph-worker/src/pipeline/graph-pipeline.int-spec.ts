import { DataSource } from 'typeorm';
import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  createDocument,
  createPipelineApp,
  createProject,
  generatedPages,
  ownFixture,
  snapshotProject,
} from '../testing/graph-test-kit';

jest.setTimeout(120_000);

/**
 * The generated filings' ground-truth texts (a 6-page complaint, a motion to dismiss, a scanned demand
 * letter: @casegraph/testing, text written for the tests, so every entity in them is known) plus our
 * Apache NOTICE file, processed into one project with real PostgreSQL and Redis.
 */
describe('graph pipeline on the generated filings (PostgreSQL + Redis)', () => {
  let t: PipelineApp;
  let db: DataSource;
  const projects: TestProject[] = [];
  let project: TestProject;
  const docs: Record<string, string> = {};

  beforeAll(async () => {
    t = await createPipelineApp();
    db = t.db;
    project = await createProject(db, 'graph-filings');
    projects.push(project);
    docs.complaint = await createDocument(db, project, generatedPages('complaint.pdf'), 'complaint.pdf');
    docs.motion = await createDocument(db, project, generatedPages('motion.pdf'), 'motion.pdf');
    docs.letter = await createDocument(db, project, generatedPages('scanned-letter.pdf'), 'scanned-letter.pdf');
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
    const complaint = await db.query(
      'SELECT chunk_index, char_start_index, char_end_index, page_numbers FROM document_chunks WHERE document_uuid = $1 ORDER BY chunk_index',
      [docs.complaint],
    );
    expect(complaint.length).toBeGreaterThan(18); // 18 kB at ~1,000 characters a chunk with overlap
    for (const c of complaint) expect(c.char_end_index - c.char_start_index).toBeLessThanOrEqual(1000);
    expect(complaint[0].page_numbers).toEqual([1]);
    expect(complaint[complaint.length - 1].page_numbers).toEqual([generatedPages('complaint.pdf').length]);
    expect(complaint.some((c: { page_numbers: number[] }) => c.page_numbers.length === 2)).toBe(true);
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

  it('resolves the plaintiff to one ORG across documents, with its exact mention count', async () => {
    const plaintiff = await entities('ORG', 'northwind%');
    expect(plaintiff).toHaveLength(1);
    expect(plaintiff[0].canonical_name).toBe('Northwind Freight Corporation');
    expect(plaintiff[0].aliases).toEqual(expect.arrayContaining(['Northwind Freight Corporation']));
    const perDoc: Array<{ document_uuid: string; n: number }> = await db.query(
      'SELECT document_uuid, count(*)::int AS n FROM entity_mentions WHERE canonical_entity_uuid = $1 GROUP BY 1',
      [plaintiff[0].canonical_entity_uuid],
    );
    const n = (d: string) => perDoc.find((r) => r.document_uuid === d)?.n ?? 0;
    // Every "Northwind" of a document is a mention of it: the full name (in the caption's capitals, once wrapped across a line) and, where a
    // filing defines it ('Northwind Freight Corporation ("Northwind")'), the short name; the NOTICE never names it.
    const named = async (d: string) => {
      const [{ t }] = await db.query('SELECT raw_extracted_text AS t FROM source_documents WHERE document_uuid = $1', [d]);
      return (t.match(/\bnorthwind\b/gi) ?? []).length;
    };
    const counts = [n(docs.complaint), n(docs.motion), n(docs.letter), n(docs.notice)];
    expect(counts).toEqual([await named(docs.complaint), await named(docs.motion), await named(docs.letter), 0]);
    expect(counts[0]).toBeGreaterThan(20); // the complaint defines the short name and uses it throughout
    expect(plaintiff[0].mention_count).toBe(counts.reduce((a, b) => a + b, 0));
  });

  it('resolves the court, the case number and the defendant company to one entity each across the filings', async () => {
    const court = await entities('COURT', '%district of oregon%');
    expect(court.map((c: { normalized_key: string }) => c.normalized_key)).toEqual(['united states district court for the district of oregon']);
    expect(court[0].mention_count).toBe(5); // the complaint's and the motion's captions (in capitals) and text (wrapped), the letter (wrapped)
    const caseNo = await entities('CASE_NUMBER', '%');
    expect(caseNo.map((c: { canonical_name: string }) => c.canonical_name)).toEqual(['3:24-cv-01187-JR']);
    expect(caseNo[0].mention_count).toBe(2); // the complaint's and the motion's captions
    // "Halvorsen Marine Logistics, LLC (\"Halvorsen Marine\")": the full name and its short form are one company.
    const llc = await entities('ORG', 'halvorsen marine%');
    expect(llc.map((e: { canonical_name: string; aliases: string[] }) => [e.canonical_name, [...e.aliases].sort()])).toEqual([
      ['Halvorsen Marine Logistics, LLC', expect.arrayContaining(['Halvorsen Marine', 'Halvorsen Marine Logistics, LLC'])],
    ]);
    expect(llc[0].mention_count).toBeGreaterThanOrEqual(20);
  });

  it('finds the reporter and statute citations of the filings', async () => {
    const keys = async (type: string) => (await entities(type, '%')).map((c: { normalized_key: string }) => c.normalized_key);
    expect(await keys('CASE')).toEqual(expect.arrayContaining(['410 us 113', '550 us 544', '556 us 662', '405 us 56']));
    expect(await keys('STATUTE')).toEqual(expect.arrayContaining(['us usc 28 1332(a)', 'us usc 28 1391(b)(2)', 'us frcp 12(b)(6)']));
    expect(await keys('CITATION')).toEqual([]);
    // Twombly and Iqbal are cited in the complaint and in the motion: one entity each, two mentions or more.
    const twombly = await entities('CASE', '550 us 544');
    expect(twombly[0].mention_count).toBeGreaterThanOrEqual(2);
  });

  it('resolves the Apache Software Foundation of our NOTICE file (incl. an OCR slip) to one ORG', async () => {
    const asf = await entities('ORG', '%apache softwar%');
    expect(asf).toHaveLength(1);
    expect(asf[0].aliases).toEqual(expect.arrayContaining(['Apache Software Foundation', 'Apache Softwar Foundation']));
    expect(asf[0].canonical_name).toBe('Apache Software Foundation');
    expect(asf[0].mention_count).toBeGreaterThanOrEqual(4);
  });

  it('finds the dates, URLs and e-mail addresses', async () => {
    const keys = async (type: string) =>
      (await db.query('SELECT normalized_key FROM canonical_entities WHERE project_uuid = $1 AND entity_type = $2', [project.projectUuid, type])).map(
        (r: { normalized_key: string }) => r.normalized_key,
      );
    expect(await keys('DATE')).toEqual(expect.arrayContaining(['2022-03-03', '2024-01-15', '2023-12', '2024-04-02', '2024-03-15']));
    expect(await keys('URL')).toEqual(expect.arrayContaining(['okaforlindqvist.example/litigation', 'apache.org/security']));
    expect(await keys('EMAIL')).toEqual(
      expect.arrayContaining([
        'mokafor@okaforlindqvist.example',
        'isolberg@halvorsenmarine.example',
        'tkowalczyk@brandtkowalczyk.example',
        'legal-discuss@apache.org',
        'security@apache.org',
      ]),
    );
    expect(await keys('MONEY')).toEqual(expect.arrayContaining(['usd 1284500']));
    const dateTexts = await db.query(`SELECT DISTINCT entity_text FROM entity_mentions WHERE project_uuid = $1 AND entity_type = 'DATE'`, [
      project.projectUuid,
    ]);
    expect(dateTexts.map((r: { entity_text: string }) => r.entity_text)).toEqual(
      expect.arrayContaining(['15 January 2024', 'March 3, 2022', 'January 15, 2024']),
    );
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
    const plaintiff = (await entities('ORG', 'northwind%'))[0];
    const [mentioned] = await db.query(
      `SELECT weight, properties FROM relationship_staging
        WHERE project_uuid = $1 AND relationship_type = 'MENTIONED_IN' AND source_entity_uuid = $2 AND target_entity_uuid = $3`,
      [project.projectUuid, plaintiff.canonical_entity_uuid, docs.complaint],
    );
    const [{ n }] = await db.query('SELECT count(*)::int AS n FROM entity_mentions WHERE canonical_entity_uuid = $1 AND document_uuid = $2', [
      plaintiff.canonical_entity_uuid,
      docs.complaint,
    ]);
    expect(mentioned.weight).toBe(n);
    expect(mentioned.properties.documentCount).toBe(1);
    expect(mentioned.properties.evidenceChunkUuids.length).toBeGreaterThan(0);

    // "The Agreement designates Ingrid Solberg, ... at isolberg@halvorsenmarine.example.": the person and her address co-occur.
    const [person] = await entities('PERSON', 'ingrid solberg');
    const [email] = await entities('EMAIL', 'isolberg@halvorsenmarine.example');
    const [a, b] = [person.canonical_entity_uuid, email.canonical_entity_uuid].sort();
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
      [docs.complaint],
    );
    expect(n).toBeGreaterThan(5);
    expect(pairs).toBeLessThan((n * (n - 1)) / 2);
  });

  it('re-processing a document leaves identical rows (sequentially and twice at once)', async () => {
    const before = await snapshotProject(db, project.projectUuid);
    await t.pipeline.process(docs.complaint);
    expect(await snapshotProject(db, project.projectUuid)).toEqual(before);
    await Promise.all([t.pipeline.process(docs.motion), t.pipeline.process(docs.motion), t.pipeline.process(docs.notice)]);
    expect(await snapshotProject(db, project.projectUuid)).toEqual(before);
  });
});

import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EdgeEvidence } from '@casegraph/contracts';
import { TestProject, cleanupProjects, createDocument, createProject } from '../../apps/graph-worker/src/testing/graph-test-kit';
import { parseCsv, parseGraphml, replayCypher, textBody } from '../../apps/ingest-api/src/graph/testing/export-readers';
import { TestApp, cleanupTestData, createTestApp } from '../../apps/ingest-api/src/testing/test-app';

jest.setTimeout(120_000);

/**
 * The read side of typed edges (neighbourhood, graph relationshipTypes, entity roles and citations, exports)
 * through the real ingest AppModule, on rows written here with SQL in the shapes the graph worker stores
 * (relationship_staging: CITES from a document, PARTY_TO / JUDGE_OF with roles, evidence), so that every
 * expected value is known. test/ingest-api/graph-pipeline-typed.e2e-spec.ts runs the real pipeline on an opinion.
 */
describe('typed graph read API', () => {
  let t: TestApp;
  let project: TestProject;
  let other: TestProject;
  const e: Record<string, string> = {};
  const d: Record<string, string> = {};
  const edge: Record<string, string> = {};

  const ev = (doc: string, start: number, text: string): EdgeEvidence => ({ documentUuid: doc, page: 1, start, end: start + 5, snippet: text });

  async function entity(key: string, type: string, name: string, mentions = 1): Promise<void> {
    const [row] = await t.db.query(
      `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key, aliases, mention_count)
       VALUES (gen_random_uuid(), $1, $2, $3, lower($3), to_jsonb(ARRAY[$3::text]), $4) RETURNING canonical_entity_uuid`,
      [project.projectUuid, type, name, mentions],
    );
    e[key] = row.canonical_entity_uuid;
  }

  async function rel(
    key: string,
    type: string,
    source: string,
    target: string,
    weight: number,
    properties: Record<string, unknown>,
    evidence: EdgeEvidence[] | null = null,
  ): Promise<void> {
    const [row] = await t.db.query(
      `INSERT INTO relationship_staging (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight, properties, evidence)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING relationship_uuid`,
      [project.projectUuid, source, target, type, weight, JSON.stringify(properties), evidence === null ? null : JSON.stringify(evidence)],
    );
    edge[key] = row.relationship_uuid;
  }

  /** A caption CASE mention of `caseKey` in document `doc` (what LEGAL's caption grammar writes). */
  async function caption(doc: string, caseKey: string, start = 0): Promise<void> {
    await t.db.query(
      `INSERT INTO entity_mentions (mention_uuid, document_uuid, project_uuid, entity_text, entity_type, start_char, end_char, confidence_score,
                                    method, normalized_key, canonical_entity_uuid, attributes)
       VALUES (gen_random_uuid(), $1, $2, 'HINES v. STATE', 'CASE', $3, $3 + 14, 1, 'pattern:caption', 'hines v state', $4, '{"kind":"caption"}')`,
      [doc, project.projectUuid, start, e[caseKey]],
    );
  }

  beforeAll(async () => {
    t = await createTestApp();
    project = await createProject(t.db, 'graph-typed');
    other = await createProject(t.db, 'graph-typed-other');
    d.opinion = await createDocument(t.db, project, ['HINES v. STATE ...'], 'opinion.pdf');
    d.brief = await createDocument(t.db, project, ['HINES v. STATE brief ...'], 'brief.pdf');
    d.memo = await createDocument(t.db, project, ['memo ...'], 'memo & notes.txt');
    await entity('case', 'CASE', 'Hines v. State', 4);
    await entity('twombly', 'CASE', 'Bell Atlantic Corp. v. Twombly', 4);
    await entity('iqbal', 'CASE', 'Ashcroft v. Iqbal', 1);
    await entity('statute', 'STATUTE', '42 U.S.C. § 1983', 2);
    await entity('hines', 'PERSON', 'Rosa Hines', 9);
    await entity('state', 'ORG', 'State of Ohio', 7);
    await entity('ellis', 'PERSON', 'Mary Ellis', 2);
    await entity('park', 'PERSON', 'Tom Park', 2);
    await entity('lee', 'PERSON', 'Ann Lee', 2);
    await entity('court', 'COURT', 'Ohio Court of Appeals', 2);
    await entity('date', 'DATE', 'March 3, 2025', 30);
    await caption(d.opinion, 'case');
    await caption(d.brief, 'case');
    // A second caption-kind mention later in the opinion names another entity: the first one is the document's case.
    await caption(d.opinion, 'iqbal', 500);

    const h = ev(d.opinion, 0, 'ROSA HINES, Plaintiff-Appellant, v. STATE OF OHIO');
    await rel(
      'partyHines',
      'PARTY_TO',
      e.hines,
      e.case,
      2,
      { roles: ['appellant', 'plaintiff'], documentCount: 2, evidenceChunkUuids: [randomUUID()] },
      [h, ev(d.brief, 0, 'Rosa Hines, Appellant')],
    );
    await rel('partyState', 'PARTY_TO', e.state, e.case, 1, { roles: ['appellee'], documentCount: 1 }, [
      ev(d.opinion, 20, 'STATE OF OHIO, Defendant-Appellee'),
    ]);
    const [lo, hi] = [e.hines, e.state].sort();
    await rel('adverse', 'ADVERSE_TO', lo, hi, 1, { documentCount: 1 }, [h]);
    await rel('represents', 'REPRESENTS', e.lee, e.hines, 1, { documentCount: 1 }, [ev(d.opinion, 90, 'Ann Lee, for Appellant')]);
    await rel('author', 'JUDGE_OF', e.ellis, e.case, 1, { roles: ['author'], documentCount: 1 }, [ev(d.opinion, 120, 'ELLIS, J.')]);
    await rel('dissent', 'JUDGE_OF', e.park, e.case, 1, { roles: ['dissent'], documentCount: 1 }, [ev(d.opinion, 900, 'PARK, J., dissenting')]);
    await rel('decided', 'DECIDED_BY', e.case, e.court, 1, { documentCount: 1 }, [ev(d.opinion, 40, 'COURT OF APPEALS OF OHIO')]);
    await rel('citesOpinion', 'CITES', d.opinion, e.twombly, 3, { count: 3, pins: ['570'], signals: ['see'], documentCount: 1 }, [
      ev(d.opinion, 300, 'See Twombly, 550 U.S. at 570'),
    ]);
    await rel('citesBrief', 'CITES', d.brief, e.twombly, 1, { count: 1, pins: ['556'], signals: ['cf.'], documentCount: 1 }, [
      ev(d.brief, 30, 'cf. Twombly'),
    ]);
    await rel('citesIqbal', 'CITES', d.opinion, e.iqbal, 1, { count: 1, pins: [], signals: [], documentCount: 1 }, null); // an old row: no evidence
    await rel('citesStatute', 'CITES', d.memo, e.statute, 2, { count: 2, pins: [], signals: [], documentCount: 1 }, [ev(d.memo, 10, '§ 1983')]);
    await rel('coDate', 'CO_OCCURS', ...([e.hines, e.date].sort() as [string, string]), 50, { documentCount: 1 });
    await rel('coState', 'CO_OCCURS', lo, hi, 10, { documentCount: 2 });
    await rel('coCases', 'CO_OCCURS', ...([e.twombly, e.iqbal].sort() as [string, string]), 3, { documentCount: 1 });
    await rel('mentionedOpinion', 'MENTIONED_IN', e.hines, d.opinion, 5, { documentCount: 1 });
    await rel('mentionedBrief', 'MENTIONED_IN', e.hines, d.brief, 4, { documentCount: 1 });
    // Dangling: an edge to an entity that no longer exists (the exports must not write it).
    await rel('dangling', 'CO_OCCURS', e.hines, randomUUID(), 1, { documentCount: 1 });
  });

  afterAll(async () => {
    await cleanupProjects(t.db, [project, other]);
    await cleanupTestData(t, []);
    await t.close();
  });

  const api = () => request(t.http);
  const base = () => `/v1/projects/${project.projectUuid}`;
  const hood = (key: string, qs = '') => api().get(`${base()}/entities/${e[key]}/neighbourhood${qs ? `?${qs}` : ''}`);
  const TYPED = new Set(['CITES', 'PARTY_TO', 'ADVERSE_TO', 'REPRESENTS', 'JUDGE_OF', 'DECIDED_BY']);
  const name = (uuid: string) => Object.entries({ ...e, ...d }).find(([, v]) => v === uuid)?.[0] ?? uuid;

  /** Typed edges before untyped ones, each group heaviest first. */
  function expectTypedFirst(edges: Array<{ type: string; weight: number }>): void {
    const typed = edges.map((x) => TYPED.has(x.type));
    expect(typed).toEqual([...typed].sort((a, b) => Number(b) - Number(a)));
    for (const group of [edges.filter((x) => TYPED.has(x.type)), edges.filter((x) => !TYPED.has(x.type))]) {
      const w = group.map((x) => x.weight);
      expect(w).toEqual([...w].sort((a, b) => b - a));
    }
  }

  describe('GET entities/:entityUuid/neighbourhood', () => {
    it('depth 1: the entity first, typed neighbours before a heavier co-occurrence, edges among the nodes typed first', async () => {
      const res = await hood('hines').expect(200);
      expect(res.body.nodes[0]).toEqual({ id: e.hines, kind: 'entity', type: 'PERSON', name: 'Rosa Hines', mentionCount: 9, depth: 0 });
      // PARTY_TO (2) > ADVERSE_TO (1, and a co-occurrence of 10) > REPRESENTS (1); the DATE (CO_OCCURS 50) last although heaviest.
      expect(res.body.nodes.slice(1).map((n: { id: string }) => name(n.id))).toEqual(['case', 'state', 'lee', 'date']);
      expect(res.body.nodes.slice(1).every((n: { depth: number }) => n.depth === 1)).toBe(true);
      expect(res.body.truncated).toBe(false);
      const ids = new Set(res.body.nodes.map((n: { id: string }) => n.id));
      for (const x of res.body.edges) expect(ids.has(x.source) && ids.has(x.target)).toBe(true);
      expectTypedFirst(res.body.edges);
      expect(res.body.edges.map((x: { type: string }) => x.type).sort()).toEqual(
        ['ADVERSE_TO', 'CO_OCCURS', 'CO_OCCURS', 'PARTY_TO', 'PARTY_TO', 'REPRESENTS'].sort(),
      );
      const party = res.body.edges.find((x: { id: string }) => x.id === edge.partyHines);
      expect(party).toEqual({
        id: edge.partyHines,
        source: e.hines,
        target: e.case,
        type: 'PARTY_TO',
        weight: 2,
        documentCount: 2,
        properties: { roles: ['appellant', 'plaintiff'] }, // evidenceChunkUuids are internal
        evidenceCount: 2,
        evidence: { documentUuid: d.opinion, page: 1, start: 0, end: 5, snippet: 'ROSA HINES, Plaintiff-Appellant, v. STATE OF OHIO' },
      });
      expect(res.body.edges.find((x: { type: string; weight: number }) => x.type === 'CO_OCCURS' && x.weight === 10)).toMatchObject({
        evidenceCount: 0,
        evidence: null,
      });
    });

    it('limit cuts the lower-ranked nodes (typed kept) and says so', async () => {
      const res = await hood('hines', 'limit=3').expect(200);
      expect(res.body.nodes.map((n: { id: string }) => name(n.id))).toEqual(['hines', 'case', 'state']);
      expect(res.body.truncated).toBe(true);
      const one = await hood('hines', 'limit=1').expect(200);
      expect(one.body).toMatchObject({ nodes: [{ id: e.hines, depth: 0 }], edges: [], truncated: true });
    });

    it('depth 2: through the case to its judges, court and (case cites case) the cases its documents cite', async () => {
      const res = await hood('hines', 'depth=2').expect(200);
      const depth = Object.fromEntries(res.body.nodes.map((n: { id: string; depth: number }) => [name(n.id), n.depth]));
      expect(depth).toEqual({ hines: 0, case: 1, lee: 1, state: 1, date: 1, ellis: 2, park: 2, court: 2, twombly: 2, iqbal: 2 });
      expectTypedFirst(res.body.edges);
      // The opinion's and the brief's CITES of Twombly are one edge from their caption case: counts summed, pins/signals merged.
      const cites = res.body.edges.filter((x: { type: string; target: string }) => x.type === 'CITES' && x.target === e.twombly);
      expect(cites).toEqual([
        {
          id: [edge.citesOpinion, edge.citesBrief].find((u) => u === cites[0].id),
          source: e.case,
          target: e.twombly,
          type: 'CITES',
          weight: 4,
          documentCount: 2,
          properties: { count: 4, pins: ['556', '570'], signals: ['cf.', 'see'] },
          evidenceCount: 2,
          evidence: expect.objectContaining({ snippet: expect.stringMatching(/Twombly/) }),
          citingDocuments: [d.opinion, d.brief].sort(),
        },
      ]);
      // The opinion's later caption-kind mention of Iqbal does not make Iqbal the opinion's case.
      expect(res.body.edges.find((x: { type: string; target: string }) => x.type === 'CITES' && x.target === e.iqbal)).toMatchObject({
        source: e.case,
        evidenceCount: 0,
        evidence: null,
        citingDocuments: [d.opinion],
      });
      // Co-citation of Twombly and Iqbal: an edge among the returned nodes, though neither end is the entity.
      expect(res.body.edges.some((x: { id: string }) => x.id === edge.coCases)).toBe(true);
      const ids = new Set(res.body.nodes.map((n: { id: string }) => n.id));
      for (const x of res.body.edges) expect(ids.has(x.source) && ids.has(x.target)).toBe(true);
    });

    it('types and relationshipTypes filter the nodes and edges (paths do not run through a filtered-out node)', async () => {
      const people = await hood('hines', 'depth=2&types=PERSON').expect(200);
      expect(people.body.nodes.map((n: { id: string }) => name(n.id))).toEqual(['hines', 'lee']);
      const parties = await hood('hines', 'depth=2&relationshipTypes=PARTY_TO').expect(200);
      expect(parties.body.nodes.map((n: { id: string; depth: number }) => [name(n.id), n.depth])).toEqual([
        ['hines', 0],
        ['case', 1],
        ['state', 2],
      ]);
      expect(new Set(parties.body.edges.map((x: { type: string }) => x.type))).toEqual(new Set(['PARTY_TO']));
      const repeated = await hood('hines', 'depth=2&relationshipTypes=PARTY_TO&relationshipTypes=JUDGE_OF').expect(200);
      expect(repeated.body.nodes.map((n: { id: string }) => name(n.id)).sort()).toEqual(['case', 'ellis', 'hines', 'park', 'state']);
    });

    it('MENTIONED_IN brings documents in as nodes; CITES from a document without a caption case starts at the document', async () => {
      const docs = await hood('hines', 'relationshipTypes=MENTIONED_IN').expect(200);
      expect(docs.body.nodes.slice(1)).toEqual([
        { id: d.opinion, kind: 'document', type: 'DOCUMENT', name: 'opinion.pdf', mentionCount: null, depth: 1 },
        { id: d.brief, kind: 'document', type: 'DOCUMENT', name: 'brief.pdf', mentionCount: null, depth: 1 },
      ]);
      expect(docs.body.edges.map((x: { type: string; weight: number }) => [x.type, x.weight])).toEqual([
        ['MENTIONED_IN', 5],
        ['MENTIONED_IN', 4],
      ]);
      const statute = await hood('statute').expect(200);
      expect(statute.body.nodes.slice(1)).toEqual([
        { id: d.memo, kind: 'document', type: 'DOCUMENT', name: 'memo & notes.txt', mentionCount: null, depth: 1 },
      ]);
      expect(statute.body.edges).toEqual([
        expect.objectContaining({
          source: d.memo,
          target: e.statute,
          type: 'CITES',
          properties: { count: 2, pins: [], signals: [] },
          citingDocuments: [d.memo],
        }),
      ]);
      // The cited case's neighbourhood: the citing case (not its documents) and its co-cited case.
      const twombly = await hood('twombly').expect(200);
      expect(twombly.body.nodes.map((n: { id: string }) => name(n.id))).toEqual(['twombly', 'case', 'iqbal']);
    });

    it('answers 400 for bad parameters and 404 for an unknown entity or project', async () => {
      for (const qs of [
        'depth=0',
        'depth=3',
        'depth=abc',
        'types=PERSON,NOPE',
        'relationshipTypes=KNOWS',
        'relationshipTypes=cites',
        'limit=0',
        'limit=501',
        'limit=x',
        'extra=1',
      ]) {
        const res = await hood('hines', qs);
        expect([qs, res.status]).toEqual([qs, 400]);
        expect(res.body.statusCode).toBe(400);
      }
      expect((await hood('hines', 'relationshipTypes=KNOWS')).body.message).toMatch(
        /relationshipTypes must be a comma-separated list of MENTIONED_IN/,
      );
      expect((await hood('hines', 'depth=3')).body.message).toMatch(/depth must be 1 or 2/);
      await api().get(`${base()}/entities/not-a-uuid/neighbourhood`).expect(400);
      const missing = await api().get(`${base()}/entities/${randomUUID()}/neighbourhood`).expect(404);
      expect(missing.body.message).toMatch(/Entity .* not found in project/);
      await api().get(`/v1/projects/${other.projectUuid}/entities/${e.hines}/neighbourhood`).expect(404);
      await api().get(`/v1/projects/${randomUUID()}/entities/${e.hines}/neighbourhood`).expect(404);
    });
  });

  describe('GET graph with relationshipTypes', () => {
    it('default: every type but MENTIONED_IN, typed edges ranked above heavier co-occurrence, CITES as case cites case', async () => {
      const res = await api().get(`${base()}/graph`).expect(200);
      expectTypedFirst(res.body.edges);
      const types = new Set(res.body.edges.map((x: { type: string }) => x.type));
      expect(types.has('MENTIONED_IN')).toBe(false);
      expect([...types].sort()).toEqual(['ADVERSE_TO', 'CITES', 'CO_OCCURS', 'DECIDED_BY', 'JUDGE_OF', 'PARTY_TO', 'REPRESENTS']);
      const cites = res.body.edges.filter((x: { type: string }) => x.type === 'CITES');
      expect(cites.map((x: { source: string; target: string }) => `${name(x.source)}->${name(x.target)}`).sort()).toEqual([
        'case->iqbal',
        'case->twombly',
      ]);
      // An entity graph: the memo (no caption case) and its CITES come in only with MENTIONED_IN (below).
      expect(res.body.nodes.every((n: { kind: string }) => n.kind === 'entity')).toBe(true);
      const ids = new Set(res.body.nodes.map((n: { id: string }) => n.id));
      for (const x of res.body.edges) expect(ids.has(x.source) && ids.has(x.target)).toBe(true);
      expect(res.body.edges.some((x: { id: string }) => x.id === edge.dangling)).toBe(false);
    });

    it('filters by relationship type; minWeight applies to CO_OCCURS only', async () => {
      const co = await api().get(`${base()}/graph?relationshipTypes=CO_OCCURS`).expect(200);
      expect(new Set(co.body.edges.map((x: { type: string }) => x.type))).toEqual(new Set(['CO_OCCURS']));
      expect(co.body.nodes.every((n: { kind: string }) => n.kind === 'entity')).toBe(true);
      const heavy = await api().get(`${base()}/graph?minWeight=5`).expect(200);
      expect(heavy.body.edges.filter((x: { type: string }) => x.type === 'CO_OCCURS').map((x: { weight: number }) => x.weight)).toEqual([50, 10]);
      expect(heavy.body.edges.filter((x: { type: string }) => x.type === 'PARTY_TO')).toHaveLength(2);
      const docs = await api().get(`${base()}/graph?relationshipTypes=MENTIONED_IN,JUDGE_OF`).expect(200);
      expect(docs.body.edges.map((x: { type: string }) => x.type)).toEqual(['JUDGE_OF', 'JUDGE_OF', 'MENTIONED_IN', 'MENTIONED_IN']);
      expect(docs.body.nodes.filter((n: { kind: string }) => n.kind === 'document').map((n: { label: string }) => n.label)).toEqual([
        'brief.pdf',
        'opinion.pdf',
      ]);
      // With MENTIONED_IN, a document without a caption case is the source of its CITES.
      const withDocs = await api().get(`${base()}/graph?relationshipTypes=MENTIONED_IN,CITES`).expect(200);
      expect(
        withDocs.body.edges
          .filter((x: { type: string }) => x.type === 'CITES')
          .map((x: { source: string; target: string }) => `${name(x.source)}->${name(x.target)}`)
          .sort(),
      ).toEqual(['case->iqbal', 'case->twombly', 'memo->statute']);
      expect(withDocs.body.nodes.filter((n: { kind: string }) => n.kind === 'document').map((n: { label: string }) => n.label)).toEqual([
        'brief.pdf',
        'memo & notes.txt',
        'opinion.pdf',
      ]);
      const withIds = new Set(withDocs.body.nodes.map((n: { id: string }) => n.id));
      for (const x of withDocs.body.edges) expect(withIds.has(x.source) && withIds.has(x.target)).toBe(true);
      // The node limit counts entities (the most mentioned first); edges stay among them.
      const top = await api().get(`${base()}/graph?limit=2&relationshipTypes=CO_OCCURS`).expect(200);
      expect(top.body.nodes.map((n: { id: string }) => name(n.id))).toEqual(['date', 'hines']);
      expect(top.body.edges.map((x: { id: string }) => x.id)).toEqual([edge.coDate]);
      expect(top.body.truncated).toBe(true);
      for (const qs of ['relationshipTypes=NOPE', 'relationshipTypes=PARTY_TO,', 'relationshipTypes=PARTY_TO,x']) {
        const bad = await api().get(`${base()}/graph?${qs}`);
        expect([qs, bad.status]).toEqual([qs, qs === 'relationshipTypes=PARTY_TO,' ? 200 : 400]);
      }
    });
  });

  it('GET graph: when the edge limit cuts, the typed edges are kept and the lightest co-occurrences go', async () => {
    // 25 entities, every pair co-occurring (300 edges, weights 2..) and 5 PARTY_TO edges of weight 1: limit=25 keeps
    // at most 250 edges.
    const dense = await createProject(t.db, 'graph-typed-dense');
    try {
      await t.db.query(
        `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key, aliases, mention_count)
         SELECT gen_random_uuid(), $1, CASE WHEN i <= 5 THEN 'CASE' ELSE 'PERSON' END, 'N' || i, 'n' || i, '[]', 100 - i FROM generate_series(1, 25) i`,
        [dense.projectUuid],
      );
      await t.db.query(
        `INSERT INTO relationship_staging (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight, properties)
         SELECT $1, least(a.canonical_entity_uuid, b.canonical_entity_uuid), greatest(a.canonical_entity_uuid, b.canonical_entity_uuid),
                'CO_OCCURS', 2 + (a.id + b.id) % 40, '{"documentCount":1}'
           FROM canonical_entities a JOIN canonical_entities b ON a.project_uuid = b.project_uuid AND a.id < b.id WHERE a.project_uuid = $1`,
        [dense.projectUuid],
      );
      await t.db.query(
        `INSERT INTO relationship_staging (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight, properties)
         SELECT $1, p.canonical_entity_uuid, c.canonical_entity_uuid, 'PARTY_TO', 1, '{"roles":["plaintiff"],"documentCount":1}'
           FROM canonical_entities p JOIN canonical_entities c ON c.project_uuid = p.project_uuid AND c.normalized_key = 'n' || (substr(p.normalized_key, 2)::int - 5)
          WHERE p.project_uuid = $1 AND substr(p.normalized_key, 2)::int BETWEEN 6 AND 10`,
        [dense.projectUuid],
      );
      const res = await api().get(`/v1/projects/${dense.projectUuid}/graph?limit=25`).expect(200);
      expect(res.body.nodes).toHaveLength(25);
      expect(res.body.edges).toHaveLength(250);
      expect(res.body.truncated).toBe(true);
      expect(res.body.edges.slice(0, 5).map((x: { type: string }) => x.type)).toEqual(Array(5).fill('PARTY_TO'));
      expectTypedFirst(res.body.edges);
      const kept = res.body.edges.filter((x: { type: string }) => x.type === 'CO_OCCURS').map((x: { weight: number }) => x.weight);
      const [{ cut }] = await t.db.query(
        `SELECT max(weight)::float8 AS cut FROM (SELECT weight FROM relationship_staging WHERE project_uuid = $1 AND relationship_type = 'CO_OCCURS'
          ORDER BY weight DESC OFFSET 245) x`,
        [dense.projectUuid],
      );
      expect(Math.min(...kept)).toBeGreaterThanOrEqual(cut); // the heaviest 245 co-occurrences, no lighter one
    } finally {
      await cleanupProjects(t.db, [dense]);
    }
  });

  it('GET graph: the ends of typed edges are nodes although less mentioned than the dates (up to half the limit)', async () => {
    const small = await createProject(t.db, 'graph-typed-anchors');
    try {
      await t.db.query(
        `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key, aliases, mention_count)
         SELECT gen_random_uuid(), $1::uuid, 'DATE', 'May ' || i || ', 2025', 'may ' || i, '[]'::jsonb, 50 FROM generate_series(1, 10) i
         UNION ALL SELECT gen_random_uuid(), $1, 'CASE', 'Ames v. Bolt', 'ames v bolt', '[]', 1
         UNION ALL SELECT gen_random_uuid(), $1, 'PERSON', 'Ann Ames', 'ann ames', '[]', 1`,
        [small.projectUuid],
      );
      await t.db.query(
        `INSERT INTO relationship_staging (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight, properties)
         SELECT $1, p.canonical_entity_uuid, c.canonical_entity_uuid, 'PARTY_TO', 1, '{"roles":["plaintiff"],"documentCount":1}'
           FROM canonical_entities p, canonical_entities c
          WHERE p.project_uuid = $1 AND c.project_uuid = $1 AND p.entity_type = 'PERSON' AND c.entity_type = 'CASE'`,
        [small.projectUuid],
      );
      const res = await api().get(`/v1/projects/${small.projectUuid}/graph?limit=4`).expect(200);
      expect(res.body.nodes.map((n: { type: string }) => n.type).sort()).toEqual(['CASE', 'DATE', 'DATE', 'PERSON']);
      expect(res.body.nodes).toHaveLength(4);
      const counts = res.body.nodes.map((n: { mentionCount: number }) => n.mentionCount);
      expect(counts).toEqual([...counts].sort((a, b) => b - a)); // still most mentioned first
      expect(res.body.edges.map((x: { type: string }) => x.type)).toEqual(['PARTY_TO']);
      expect(res.body.truncated).toBe(true);
      // Asked for co-occurrence only: the most mentioned, as before.
      const co = await api().get(`/v1/projects/${small.projectUuid}/graph?limit=4&relationshipTypes=CO_OCCURS`).expect(200);
      expect(co.body.nodes.map((n: { type: string }) => n.type)).toEqual(['DATE', 'DATE', 'DATE', 'DATE']);
    } finally {
      await cleanupProjects(t.db, [small]);
    }
  });

  describe('GET entities/:entityUuid: roles and citations', () => {
    const detail = async (key: string) => (await api().get(`${base()}/entities/${e[key]}`).expect(200)).body;
    const names = (list: Array<{ entity: { uuid: string }; roles: string[] }>) => list.map((x) => [name(x.entity.uuid), x.roles]);

    it('a party: the case it is party to and as what, its adversary, its counsel', async () => {
      const hines = await detail('hines');
      expect(names(hines.roles.partyTo)).toEqual([['case', ['appellant', 'plaintiff']]]);
      expect(hines.roles.partyTo[0]).toMatchObject({
        relationshipUuid: edge.partyHines,
        entity: { uuid: e.case, type: 'CASE', name: 'Hines v. State' },
        weight: 2,
        documentCount: 2,
        evidenceCount: 2,
        evidence: { documentUuid: d.opinion, snippet: 'ROSA HINES, Plaintiff-Appellant, v. STATE OF OHIO' },
      });
      expect(names(hines.roles.adverseTo)).toEqual([['state', []]]);
      expect(names(hines.roles.representedBy)).toEqual([['lee', []]]);
      for (const k of ['parties', 'represents', 'judgeOf', 'judges', 'decidedBy', 'decides']) expect([k, hines.roles[k]]).toEqual([k, []]);
      expect(hines.citedBy).toEqual([]);
      expect(hines.cites).toEqual([]);
      expect(names((await detail('state')).roles.adverseTo)).toEqual([['hines', []]]); // either end of ADVERSE_TO
      expect(names((await detail('lee')).roles.represents)).toEqual([['hines', []]]);
      expect(names((await detail('ellis')).roles.judgeOf)).toEqual([['case', ['author']]]);
      expect(names((await detail('court')).roles.decides)).toEqual([['case', []]]);
    });

    it('a caption case: its parties, judges, court and what its documents cite', async () => {
      const c = await detail('case');
      expect(names(c.roles.parties)).toEqual([
        ['hines', ['appellant', 'plaintiff']],
        ['state', ['appellee']],
      ]);
      expect(names(c.roles.judges).sort()).toEqual([
        ['ellis', ['author']],
        ['park', ['dissent']],
      ]);
      expect(names(c.roles.decidedBy)).toEqual([['court', []]]);
      expect(
        c.cites.map((x: { cited: { uuid: string }; documentName: string; count: number }) => [name(x.cited.uuid), x.documentName, x.count]),
      ).toEqual([
        ['twombly', 'opinion.pdf', 3],
        ['iqbal', 'opinion.pdf', 1],
        ['twombly', 'brief.pdf', 1],
      ]);
      expect(c.cites[0]).toMatchObject({
        relationshipUuid: edge.citesOpinion,
        documentUuid: d.opinion,
        cited: { uuid: e.twombly, type: 'CASE', name: 'Bell Atlantic Corp. v. Twombly' },
        pins: ['570'],
        signals: ['see'],
        evidenceCount: 1,
        evidence: { snippet: 'See Twombly, 550 U.S. at 570' },
      });
      expect(c.cites[1]).toMatchObject({ evidenceCount: 0, evidence: null, pins: [], signals: [] });
      expect(c.citedBy).toEqual([]);
    });

    it('a cited case or statute: the documents that cite it and their cases, with pins, signals and counts', async () => {
      const tw = await detail('twombly');
      expect(tw.citedBy).toEqual([
        {
          relationshipUuid: edge.citesOpinion,
          documentUuid: d.opinion,
          documentName: 'opinion.pdf',
          citingCase: { uuid: e.case, type: 'CASE', name: 'Hines v. State' },
          count: 3,
          pins: ['570'],
          signals: ['see'],
          evidenceCount: 1,
          evidence: { documentUuid: d.opinion, page: 1, start: 300, end: 305, snippet: 'See Twombly, 550 U.S. at 570' },
        },
        expect.objectContaining({
          documentUuid: d.brief,
          count: 1,
          pins: ['556'],
          signals: ['cf.'],
          citingCase: expect.objectContaining({ uuid: e.case }),
        }),
      ]);
      expect(tw.cites).toEqual([]); // no document has it as its caption
      const st = await detail('statute');
      expect(st.citedBy).toEqual([expect.objectContaining({ documentUuid: d.memo, documentName: 'memo & notes.txt', citingCase: null, count: 2 })]);
      // Iqbal is named by a caption-kind mention of the opinion, but it is not the opinion's case: it cites nothing.
      expect((await detail('iqbal')).cites).toEqual([]);
    });
  });

  describe('GET graph/export with typed edges', () => {
    const exportOf = (format: string) => api().get(`${base()}/graph/export?format=${format}`).buffer(true).parse(textBody).expect(200);
    const stored = async () =>
      (
        await t.db.query(`SELECT relationship_uuid AS id, relationship_type AS type FROM relationship_staging WHERE project_uuid = $1`, [
          project.projectUuid,
        ])
      ).filter((r: { id: string }) => r.id !== edge.dangling) as Array<{ id: string; type: string }>;

    it('GraphML parses: every stored edge but the dangling one, typed, with roles, pins, signals, count and evidence', async () => {
      const g = parseGraphml((await exportOf('graphml')).body as string);
      const nodeIds = new Set(g.nodes.map((n) => n.id));
      expect(nodeIds).toEqual(new Set([...Object.values(e), d.opinion, d.brief, d.memo])); // the memo: a CITES source only
      for (const x of g.edges) expect([x.id, nodeIds.has(x.source) && nodeIds.has(x.target)]).toEqual([x.id, true]);
      expect(new Map(g.edges.map((x) => [x.id, x.data.rel]))).toEqual(new Map((await stored()).map((r) => [r.id, r.type])));
      const byId = new Map(g.edges.map((x) => [x.id, x]));
      expect(byId.get(edge.partyHines)).toMatchObject({
        directed: true,
        data: { roles: 'appellant; plaintiff', documents: '2', evidence_count: '2' },
      });
      expect(JSON.parse(byId.get(edge.partyHines)!.data.evidence)).toHaveLength(2);
      expect(byId.get(edge.citesOpinion)).toMatchObject({
        source: d.opinion,
        data: { count: '3', pins: '570', signals: 'see', snippet: 'See Twombly, 550 U.S. at 570' },
      });
      expect(byId.get(edge.adverse)!.directed).toBe(false);
      expect(g.nodes.find((n) => n.id === d.memo)!.data).toMatchObject({ label: 'memo & notes.txt', kind: 'document' });
    });

    it('Cypher replays in order on an empty graph, relationship types as Neo4j types, properties as maps', async () => {
      const graph = replayCypher((await exportOf('cypher')).body as string);
      expect(graph.nodes.size).toBe(Object.keys(e).length + 3);
      expect(new Map([...graph.relationships].map(([id, r]) => [id, r.type]))).toEqual(new Map((await stored()).map((r) => [r.id, r.type])));
      expect(graph.relationships.get(edge.citesBrief)).toMatchObject({
        from: d.brief,
        to: e.twombly,
        directed: true,
        props: { count: 1, pins: ['556'], signals: ['cf.'], documentCount: 1, evidenceCount: 1, snippet: 'cf. Twombly' },
      });
      expect(graph.relationships.get(edge.author)!.props).toMatchObject({ roles: ['author'] });
      expect(graph.nodes.get(d.memo)).toMatchObject({ label: 'Document' });
    });

    it('CSV: a nodes file and an edges file; every edge end is in the nodes file', async () => {
      const [nodesRes, edgesRes] = [await exportOf('csv-nodes'), await exportOf('csv-edges')];
      expect(nodesRes.headers['content-disposition']).toContain(`casegraph-${project.projectUuid}.nodes.csv`);
      expect(edgesRes.headers['content-disposition']).toContain(`casegraph-${project.projectUuid}.edges.csv`);
      const nodes = parseCsv(nodesRes.body as string);
      const edges = parseCsv(edgesRes.body as string);
      const n = (row: string[]) => Object.fromEntries(nodes[0].map((c, i) => [c, row[i]]));
      const x = (row: string[]) => Object.fromEntries(edges[0].map((c, i) => [c, row[i]]));
      const ids = new Set(nodes.slice(1).map((r) => n(r)[':ID']));
      expect(ids.size).toBe(nodes.length - 1);
      expect(edges.length - 1).toBe((await stored()).length);
      for (const r of edges.slice(1)) expect(ids.has(x(r)[':START_ID']) && ids.has(x(r)[':END_ID'])).toBe(true);
      const party = x(edges.find((r) => r[0] === edge.partyHines)!);
      expect(party).toMatchObject({ ':TYPE': 'PARTY_TO', Type: 'Directed', 'roles:string[]': 'appellant;plaintiff', 'evidenceCount:int': '2' });
      expect(x(edges.find((r) => r[0] === edge.coState)!)).toMatchObject({ Type: 'Undirected', Weight: '10' });
      expect(n(nodes.find((r) => r[0] === d.memo)!)).toMatchObject({ Label: 'memo & notes.txt', ':LABEL': 'Document' });
      expect(n(nodes.find((r) => r[0] === e.case)!)).toMatchObject({ ':LABEL': 'Entity;CASE', 'mentionCount:int': '4' });
    });

    it('evidence=first writes the first occurrence only, evidence=none none; the counts stay', async () => {
      const first = parseGraphml((await exportOf('graphml&evidence=first')).body as string).edges.find((x) => x.id === edge.partyHines)!;
      expect(first.data).toMatchObject({ evidence_count: '2', snippet: 'ROSA HINES, Plaintiff-Appellant, v. STATE OF OHIO' });
      expect(JSON.parse(first.data.evidence)).toEqual([expect.objectContaining({ documentUuid: d.opinion, start: 0 })]);
      const none = parseGraphml((await exportOf('graphml&evidence=none')).body as string).edges.find((x) => x.id === edge.partyHines)!;
      expect(none.data.evidence_count).toBe('2');
      expect(none.data.evidence).toBeUndefined();
      const cypher = replayCypher((await exportOf('cypher&evidence=first')).body as string);
      expect(cypher.relationships.get(edge.partyHines)!.props).toMatchObject({ evidenceCount: 2 });
      expect(JSON.parse(cypher.relationships.get(edge.partyHines)!.props.evidence as string)).toHaveLength(1);
      const bad = await api().get(`${base()}/graph/export?format=graphml&evidence=some`).expect(400);
      expect(bad.body.message).toMatch(/evidence must be one of all, first, none/);
    });

    it('answers 400 naming the formats', async () => {
      const bad = await api().get(`${base()}/graph/export?format=zip`).expect(400);
      expect(bad.body.message).toMatch(/format must be one of graphml, cypher, csv-nodes, csv-edges, csv/);
    });
  });
});

import { validate } from 'fast-xml-parser';
import { randomUUID } from 'node:crypto';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  createDocument,
  createPipelineApp,
  createProject,
  generatedPages,
  ownFixture,
} from '../../apps/graph-worker/src/testing/graph-test-kit';
import { parseCsv, textBody } from '../../apps/ingest-api/src/graph/testing/export-readers';
import { TestApp, cleanupTestData, createTestApp } from '../../apps/ingest-api/src/testing/test-app';

jest.setTimeout(120_000);

/**
 * The graph read API through the real ingest AppModule (global validation, error
 * filter, API-key guard), on rows written by the real graph pipeline.
 */
describe('graph read API (/v1/projects/:projectUuid/...)', () => {
  let t: TestApp;
  let worker: PipelineApp;
  let project: TestProject;
  let other: TestProject;
  let big: TestProject;
  const docs: Record<string, string> = {};

  beforeAll(async () => {
    [t, worker] = await Promise.all([createTestApp(), createPipelineApp()]);
    project = await createProject(t.db, 'graph-api');
    other = await createProject(t.db, 'graph-api-other');
    big = await createProject(t.db, 'graph-api-big');
    docs.complaint = await createDocument(t.db, project, generatedPages('complaint.pdf'), 'complaint.pdf');
    docs.notice = await createDocument(t.db, project, [ownFixture('entities-apache-notice.txt')], 'NOTICE & <legal>.txt');
    docs.other = await createDocument(t.db, other, generatedPages('motion.pdf'), 'motion.pdf');
    for (const d of Object.values(docs)) await worker.pipeline.process(d);
  });

  afterAll(async () => {
    await cleanupProjects(t.db, [project, other, big]);
    await cleanupTestData(t, []);
    await Promise.all([t.close(), worker.close()]);
  });

  const api = () => request(t.http);
  const base = () => `/v1/projects/${project.projectUuid}`;

  describe('GET entities', () => {
    it('lists canonical entities with mention counts, most mentioned first, paginated', async () => {
      const res = await api().get(`${base()}/entities?pageSize=5`).expect(200);
      expect(res.body.page).toBe(1);
      expect(res.body.pageSize).toBe(5);
      expect(res.body.total).toBeGreaterThan(5);
      expect(res.body.items).toHaveLength(5);
      const counts = res.body.items.map((e: { mentionCount: number }) => e.mentionCount);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      const page2 = await api().get(`${base()}/entities?pageSize=5&page=2`).expect(200);
      expect(page2.body.items[0].uuid).not.toBe(res.body.items[0].uuid);
    });

    it('filters by type and searches names and aliases', async () => {
      const orgs = await api().get(`${base()}/entities?type=ORG&q=northwind%20freight%20corp`).expect(200);
      // The generated complaint names the plaintiff 28 times: 8 times in full (once in the caption's capitals, once
      // wrapped across a line) and 20 times by the short name it defines ('Northwind Freight Corporation ("Northwind")'). Its counsel's
      // "Attorneys for Plaintiff Northwind Freight Corporation" is no organisation of its own any more.
      expect(orgs.body.items.map((e: { name: string; mentionCount: number }) => [e.name, e.mentionCount])).toEqual([
        ['Northwind Freight Corporation', 28],
      ]);
      expect(orgs.body.items[0]).toMatchObject({ type: 'ORG', name: 'Northwind Freight Corporation', mentionCount: 28 });
      expect(orgs.body.items[0].aliases).toContain('Northwind Freight Corporation');
      const emails = await api().get(`${base()}/entities?type=EMAIL`).expect(200);
      expect(emails.body.items.map((e: { name: string }) => e.name).sort()).toEqual([
        'accounts@halvorsenmarine.example',
        'dlindqvist@okaforlindqvist.example',
        'isolberg@halvorsenmarine.example',
        'legal-discuss@apache.org',
        'mokafor@okaforlindqvist.example',
        'security@apache.org',
        'trademarks@apache.org',
      ]);
      const none = await api()
        .get(`${base()}/entities?q=${encodeURIComponent('%_nothing_%')}`)
        .expect(200);
      expect(none.body).toMatchObject({ items: [], total: 0 });
    });

    it('answers 400 for bad parameters and 404 for an unknown project', async () => {
      for (const qs of ['type=FOO', 'page=0', 'page=abc', 'pageSize=1000', 'q=%20%20', 'unknown=1']) {
        const res = await api().get(`${base()}/entities?${qs}`);
        expect([qs, res.status]).toEqual([qs, 400]);
        expect(res.body.statusCode).toBe(400);
      }
      await api().get('/v1/projects/not-a-uuid/entities').expect(400);
      const missing = await api().get(`/v1/projects/${randomUUID()}/entities`).expect(404);
      expect(missing.body.message).toMatch(/Project .* not found/);
    });
  });

  describe('GET entities/:entityUuid', () => {
    it('returns aliases, mentions with document and snippet, documents and neighbours', async () => {
      const list = await api().get(`${base()}/entities?type=ORG&q=apache%20software`).expect(200);
      const asf = list.body.items[0];
      const res = await api().get(`${base()}/entities/${asf.uuid}`).expect(200);
      expect(res.body).toMatchObject({ uuid: asf.uuid, type: 'ORG', name: 'Apache Software Foundation' });
      expect(res.body.aliases).toEqual(expect.arrayContaining(['Apache Software Foundation', 'Apache Softwar Foundation']));
      expect(res.body.mentions.length).toBe(res.body.mentionsTotal);
      for (const m of res.body.mentions) {
        expect(m.documentUuid).toBe(docs.notice);
        expect(m.documentName).toBe('NOTICE & <legal>.txt');
        expect(m.snippet.replace(/\s+/g, ' ')).toContain(m.text.replace(/\s+/g, ' '));
        expect(m.pages).toEqual([1]);
      }
      expect(res.body.documents).toEqual([{ documentUuid: docs.notice, documentName: 'NOTICE & <legal>.txt', mentions: res.body.mentionsTotal }]);
      const names = res.body.neighbours.map((n: { name: string }) => n.name);
      expect(names).toEqual(expect.arrayContaining(['https://www.apache.org/']));
    });

    it('does not show an entity of another project (404) and refuses a bad uuid (400)', async () => {
      const theirs = await api().get(`/v1/projects/${other.projectUuid}/entities?pageSize=1`).expect(200);
      await api().get(`${base()}/entities/${theirs.body.items[0].uuid}`).expect(404);
      await api().get(`${base()}/entities/xyz`).expect(400);
    });
  });

  describe('GET graph', () => {
    it('returns nodes and edges among them, typed edges first; relationshipTypes=CO_OCCURS the co-occurrences only', async () => {
      const all = await api().get(`${base()}/graph?limit=50`).expect(200);
      const typed = all.body.edges.map((e: { type: string }) => !['CO_OCCURS', 'MENTIONED_IN'].includes(e.type));
      expect(typed).toEqual([...typed].sort((a, b) => Number(b) - Number(a)));
      expect(all.body.edges.some((e: { type: string }) => e.type === 'MENTIONED_IN')).toBe(false);
      const res = await api().get(`${base()}/graph?limit=50&relationshipTypes=CO_OCCURS`).expect(200);
      expect(res.body.nodes.length).toBeGreaterThan(5);
      expect(res.body.nodes.length).toBeLessThanOrEqual(50);
      const ids = new Set(res.body.nodes.map((n: { id: string }) => n.id));
      expect(res.body.edges.length).toBeGreaterThan(0);
      for (const e of res.body.edges) {
        expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
        expect(e.type).toBe('CO_OCCURS');
        expect(e.weight).toBeGreaterThanOrEqual(1);
      }
      const orgs = await api().get(`${base()}/graph?types=ORG,URL&minWeight=2&relationshipTypes=CO_OCCURS`).expect(200);
      expect(new Set(orgs.body.nodes.map((n: { type: string }) => n.type))).toEqual(new Set(['ORG', 'URL']));
      for (const e of orgs.body.edges) expect(e.weight).toBeGreaterThanOrEqual(2);
      const repeated = await api().get(`${base()}/graph?types=ORG&types=URL`).expect(200);
      expect(repeated.body.nodes.length).toBe((await api().get(`${base()}/graph?types=ORG,URL`)).body.nodes.length);
    });

    it('answers 400 for bad parameters and 404 for an unknown project', async () => {
      for (const qs of ['minWeight=-1', 'minWeight=abc', 'types=ORG,NOPE', 'limit=0', 'limit=5000', 'relationshipTypes=NOPE']) {
        const res = await api().get(`${base()}/graph?${qs}`);
        expect([qs, res.status]).toEqual([qs, 400]);
      }
      await api().get(`/v1/projects/${randomUUID()}/graph`).expect(404);
    });
  });

  describe('GET graph/export', () => {
    const exportOf = (p: TestProject, format: string) =>
      api().get(`/v1/projects/${p.projectUuid}/graph/export?format=${format}`).buffer(true).parse(textBody);

    it('GraphML: valid XML with every node and edge, escaped, as an attachment', async () => {
      const res = await exportOf(project, 'graphml').expect(200);
      expect(res.headers['content-type']).toContain('application/graphml+xml');
      expect(res.headers['content-disposition']).toContain(`casegraph-${project.projectUuid}.graphml`);
      const xml = res.body as string;
      expect(validate(xml)).toBe(true);
      const [{ entities, edges }] = await t.db.query(
        `SELECT (SELECT count(*)::int FROM canonical_entities WHERE project_uuid = $1 AND mention_count > 0) AS entities,
                (SELECT count(*)::int FROM relationship_staging WHERE project_uuid = $1) AS edges`,
        [project.projectUuid],
      );
      expect((xml.match(/<node /g) ?? []).length).toBe(entities + 2); // + the two documents
      expect((xml.match(/<edge /g) ?? []).length).toBe(edges);
      expect(xml).toContain('NOTICE &amp; &lt;legal&gt;.txt');
    });

    it('Cypher: one MERGE statement per line, replayable', async () => {
      const res = await exportOf(project, 'cypher').expect(200);
      const lines = (res.body as string).split('\n').filter((l) => l && !l.startsWith('//'));
      for (const l of lines) expect(l).toMatch(/^(CREATE CONSTRAINT .* IF NOT EXISTS .*|MERGE .*|MATCH .* MERGE .*);$/);
      expect(lines.some((l) => l.includes("d.name = 'NOTICE & <legal>.txt'"))).toBe(true);
      // Same snapshot -> same file: replaying it twice is the same as once.
      expect((await exportOf(project, 'cypher')).body).toBe(res.body);
    });

    it('CSV: one table of nodes and edges', async () => {
      const res = await exportOf(project, 'csv').expect(200);
      const rows = parseCsv(res.body as string);
      expect(rows[0]).toEqual(['record', 'id', 'kind', 'type', 'name', 'mention_count', 'source', 'target', 'weight', 'document_count']);
      expect(rows.slice(1).every((r) => r.length === 10)).toBe(true);
      expect(rows.some((r) => r[0] === 'node' && r[4] === 'NOTICE & <legal>.txt')).toBe(true);
      expect(rows.filter((r) => r[0] === 'edge').length).toBeGreaterThan(0);
    });

    it('CSV nodes and edges files: every stored edge, each end a node of the nodes file', async () => {
      const nodes = parseCsv((await exportOf(project, 'csv-nodes').expect(200)).body as string);
      const edges = parseCsv((await exportOf(project, 'csv-edges').expect(200)).body as string);
      const ids = new Set(nodes.slice(1).map((r) => r[nodes[0].indexOf(':ID')]));
      const [start, end] = [edges[0].indexOf(':START_ID'), edges[0].indexOf(':END_ID')];
      for (const r of edges.slice(1)) expect(ids.has(r[start]) && ids.has(r[end])).toBe(true);
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM relationship_staging WHERE project_uuid = $1`, [project.projectUuid]);
      expect(edges.length - 1).toBe(n);
      expect(nodes.some((r) => r[1] === 'NOTICE & <legal>.txt')).toBe(true);
    });

    it('streams a large graph in batches (chunked, no Content-Length)', async () => {
      // 2,500 entities and 2,499 edges written directly: more than two export batches of each.
      await t.db.query(
        `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key, aliases, mention_count)
         SELECT gen_random_uuid(), $1, 'ORG', 'Org ' || i || ' & Co <' || i || '>', 'org ' || i, to_jsonb(ARRAY['Org ' || i]), 1
           FROM generate_series(1, 2500) AS i`,
        [big.projectUuid],
      );
      await t.db.query(
        `INSERT INTO relationship_staging (relationship_uuid, project_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight, properties)
         SELECT gen_random_uuid(), $1, a.canonical_entity_uuid, b.canonical_entity_uuid, 'CO_OCCURS', 1, '{"documentCount":1}'
           FROM canonical_entities a JOIN canonical_entities b ON b.project_uuid = a.project_uuid AND b.normalized_key = 'org ' || (substr(a.normalized_key, 5)::int + 1)
          WHERE a.project_uuid = $1`,
        [big.projectUuid],
      );
      const res = await exportOf(big, 'graphml').expect(200);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.headers['content-length']).toBeUndefined();
      expect(validate(res.body as string)).toBe(true);
      expect(((res.body as string).match(/<node /g) ?? []).length).toBe(2500);
      expect(((res.body as string).match(/<edge /g) ?? []).length).toBe(2499);
    });

    it('a client that goes away mid-stream releases the database connection', async () => {
      const pool = (t.db.driver as unknown as { master: { totalCount: number; idleCount: number } }).master;
      const server = t.http.listening ? t.http : t.http.listen(0);
      const port = (server.address() as AddressInfo).port;
      await new Promise<void>((resolve, reject) => {
        const req = get(`http://127.0.0.1:${port}/v1/projects/${big.projectUuid}/graph/export?format=cypher`, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err) => ((err as { code?: string }).code === 'ECONNRESET' ? resolve() : reject(err)));
      });
      for (let i = 0; i < 50 && pool.totalCount !== pool.idleCount; i++) await new Promise((r) => setTimeout(r, 50));
      expect(pool.totalCount - pool.idleCount).toBe(0);
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM canonical_entities WHERE project_uuid = $1`, [big.projectUuid]);
      expect(n).toBe(2500);
    });

    it('answers 400 for a bad format and 404 for an unknown project, before streaming', async () => {
      const bad = await api().get(`${base()}/graph/export?format=pdf`).expect(400);
      expect(bad.body.message).toMatch(/format must be one of graphml, cypher, csv-nodes, csv-edges, csv/);
      await api().get(`${base()}/graph/export`).expect(400);
      const missing = await api().get(`/v1/projects/${randomUUID()}/graph/export?format=csv`).expect(404);
      expect(missing.headers['content-type']).toContain('application/json');
    });
  });

  it('a key bound to one project cannot read another project graph', async () => {
    const bound = await createTestApp({ CASEGRAPH_API_KEYS: `graph-key:${project.projectUuid}` });
    try {
      await request(bound.http).get(`${base()}/entities`).set('X-API-Key', 'graph-key').expect(200);
      await request(bound.http).get(`/v1/projects/${other.projectUuid}/graph`).set('X-API-Key', 'graph-key').expect(403);
      await request(bound.http).get(`/v1/projects/${other.projectUuid}/graph/export?format=csv`).set('X-API-Key', 'graph-key').expect(403);
      await request(bound.http).get(`${base()}/graph`).expect(401);
    } finally {
      await cleanupTestData(bound, []);
      await bound.close();
    }
  });
});

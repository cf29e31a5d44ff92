/**
 * Acceptance of issue 5: every generated test document (@casegraph/testing: three text-layer filings, a
 * scanned letter PDF, a PNG scan, a corrupt PDF) goes through the real HTTP upload → ocr-worker →
 * graph-worker, in-process Nest apps built from their real modules, sharing one private Bull prefix and one
 * private storage folder, against the real PostgreSQL and Redis. Project A gets every document, project B
 * the three text filings. Two graph-worker instances consume the graph queue at once.
 */
import { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { JOBS } from '@casegraph/contracts';
import { GraphPipelineService } from '../../apps/graph-worker/src/pipeline/graph-pipeline.service';
import { snapshotProject, startGraphWorker } from '../../apps/graph-worker/src/testing/graph-test-kit';
import { cleanupTestData, createTestApp, TestApp, uniqueName } from '../../apps/ingest-api/src/testing/test-app';
import { WorkerHandle, startWorker } from '../../apps/ocr-worker/src/testing/ocr-test-kit';
import { GeneratedDocumentName, generatedBytes } from '../../libs/testing/src/documents';

jest.setTimeout(240_000);

const KEY = `pipeline-${randomUUID()}`;
const auth = { Authorization: `Bearer ${KEY}` };
const ALL: GeneratedDocumentName[] = ['complaint.pdf', 'motion.pdf', 'order.pdf', 'scanned-letter.pdf', 'scanned-notice.png', 'corrupt.pdf'];
const FILINGS: GeneratedDocumentName[] = ['complaint.pdf', 'motion.pdf', 'order.pdf'];

interface GraphWorker {
  app: INestApplicationContext;
  pipeline: GraphPipelineService;
  queue: Queue;
}

async function startGraph(prefix: string): Promise<GraphWorker> {
  const { app, queue } = await startGraphWorker(prefix);
  return { app, queue, pipeline: app.get(GraphPipelineService) };
}

describe('pipeline acceptance: all generated documents, upload → OCR → graph, two projects', () => {
  let api: TestApp;
  let ocr: WorkerHandle;
  const graph: GraphWorker[] = [];
  const projectIds: number[] = [];
  let A: { id: number; projectUuid: string };
  let B: { id: number; projectUuid: string };
  const docsA = new Map<string, string>(); // filename -> documentUuid
  const docsB = new Map<string, string>();
  const processed = [0, 0];

  const upload = async (projectUuid: string, files: GeneratedDocumentName[]) => {
    let req = request(api.http).post(`/v1/projects/${projectUuid}/documents`).set(auth);
    for (const f of files) req = req.attach('files', generatedBytes(f), f);
    const res = await req;
    expect(res.status).toBe(202);
    return new Map<string, string>(res.body.documents.map((d: { filename: string; documentUuid: string }) => [d.filename, d.documentUuid]));
  };

  const waitSettled = async (uuids: string[], timeoutMs = 180_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows: Array<{ status: string }> = await api.db.query(`SELECT status FROM source_documents WHERE document_uuid = ANY($1::uuid[])`, [
        uuids,
      ]);
      if (rows.length === uuids.length && rows.every((r) => r.status === 'completed' || r.status === 'failed')) return;
      if (Date.now() > deadline) throw new Error(`documents not settled: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    api = await createTestApp({ CASEGRAPH_API_KEYS: KEY, SWEEP_INTERVAL_SECONDS: '0' });
    ocr = await startWorker({ BULL_PREFIX: api.config.bullPrefix, STORAGE_DIR: api.storageDir, OCR_CONCURRENCY: '2' });
    for (let i = 0; i < 2; i++) {
      const g = await startGraph(api.config.bullPrefix);
      const original = g.pipeline.process.bind(g.pipeline);
      jest.spyOn(g.pipeline, 'process').mockImplementation(async (uuid: string) => {
        processed[i]++;
        return original(uuid);
      });
      graph.push(g);
    }
    for (const label of ['A', 'B']) {
      const r = await request(api.http)
        .post('/v1/projects')
        .set(auth)
        .send({ name: uniqueName(`pipeline-${label}`) })
        .expect(201);
      projectIds.push(r.body.id);
      if (label === 'A') A = r.body;
      else B = r.body;
    }
    const [a, b] = await Promise.all([upload(A.projectUuid, ALL), upload(B.projectUuid, FILINGS)]);
    a.forEach((v, k) => docsA.set(k, v));
    b.forEach((v, k) => docsB.set(k, v));
    await waitSettled([...docsA.values(), ...docsB.values()]);
  });

  afterAll(async () => {
    for (const g of graph) await g.app.close().catch(() => undefined);
    if (api) {
      const uuids = [A?.projectUuid, B?.projectUuid].filter(Boolean);
      // Graph rows first (they reference documents), then ingest's own cleanup of documents, projects, Bull keys.
      for (const table of ['relationship_staging', 'relationship_contributions', 'entity_mentions', 'canonical_entities', 'document_chunks']) {
        await api.db.query(`DELETE FROM ${table} WHERE project_uuid = ANY($1::uuid[])`, [uuids]);
      }
      await api.db.query(`DELETE FROM document_pages WHERE document_uuid = ANY($1::uuid[])`, [[...docsA.values(), ...docsB.values()]]);
      await cleanupTestData(api, projectIds);
    }
    await ocr?.close();
    await api?.close();
  });

  const entities = async (projectUuid: string, query: Record<string, string>) =>
    (
      await request(api.http)
        .get(`/v1/projects/${projectUuid}/entities`)
        .query({ pageSize: '100', ...query })
        .set(auth)
        .expect(200)
    ).body.items as Array<{ uuid: string; type: string; name: string; aliases: string[]; mentionCount: number }>;

  it('every document ends completed, except corrupt.pdf which is failed with a readable reason (read through the API)', async () => {
    expect(docsA.size).toBe(ALL.length);
    const outcome: Record<string, unknown> = {};
    for (const [name, uuid] of docsA) {
      const d = (await request(api.http).get(`/v1/documents/${uuid}`).set(auth).expect(200)).body;
      outcome[name] = d.status === 'failed' ? { status: d.status, failedStage: d.failedStage, error: d.error } : d.status;
      expect(d.projectUuid).toBe(A.projectUuid);
    }
    expect(outcome).toEqual({
      ...Object.fromEntries(ALL.filter((n) => n !== 'corrupt.pdf').map((n) => [n, 'completed'])),
      'corrupt.pdf': { status: 'failed', failedStage: 'ocr', error: expect.stringMatching(/PDF is corrupt or not a valid PDF/) },
    });
    for (const uuid of docsB.values()) {
      expect((await request(api.http).get(`/v1/documents/${uuid}`).set(auth).expect(200)).body.status).toBe('completed');
    }
    // Both graph-worker instances took part.
    expect(processed[0]).toBeGreaterThan(0);
    expect(processed[1]).toBeGreaterThan(0);
  });

  it('each project has its own entities and edges: the parties resolve to one ORG each, dates are found', async () => {
    for (const p of [A, B]) {
      const orgs = await entities(p.projectUuid, { type: 'ORG', q: 'northwind' });
      expect(orgs.filter((e) => e.name === 'Northwind Freight Corporation')).toHaveLength(1);
      expect(orgs.find((e) => e.name === 'Northwind Freight Corporation')!.mentionCount).toBeGreaterThan(5);
      const llc = await entities(p.projectUuid, { type: 'ORG', q: 'halvorsen marine' });
      expect(
        llc.filter((e) => /^Halvorsen Marine Logistics, LLC$/.test(e.name) || e.aliases.includes('Halvorsen Marine Logistics, LLC')),
      ).toHaveLength(1);
      const courts = await entities(p.projectUuid, { type: 'COURT', q: 'district of oregon' });
      expect(courts).toHaveLength(1);
      // "15 January 2024" and "January 15, 2024" are one date.
      const dates = await entities(p.projectUuid, { type: 'DATE', q: '15 January 2024' });
      expect(dates).toHaveLength(1);
      expect([dates[0].name, ...dates[0].aliases]).toContain('15 January 2024');
      const urls = await entities(p.projectUuid, { type: 'URL' });
      expect(urls.length).toBeGreaterThan(0);
      const g = (await request(api.http).get(`/v1/projects/${p.projectUuid}/graph`).query({ limit: '2000' }).set(auth).expect(200)).body;
      expect(g.nodes.length).toBeGreaterThan(10);
      expect(g.edges.length).toBeGreaterThan(0);
      const ids = new Set(g.nodes.map((n: { id: string }) => n.id));
      for (const e of g.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
    }
    // A has more (the scanned letter and notice) than B.
    const [a, b] = await Promise.all(
      [A, B].map((p) => api.db.query(`SELECT count(*)::int AS n FROM canonical_entities WHERE project_uuid = $1`, [p.projectUuid])),
    );
    expect(a[0].n).toBeGreaterThan(b[0].n);
  });

  it('isolates the projects: disjoint entity and edge UUIDs, every row carries its own project_uuid', async () => {
    const ids = async (p: { projectUuid: string }) =>
      new Set<string>(
        (await api.db.query(`SELECT canonical_entity_uuid AS u FROM canonical_entities WHERE project_uuid = $1`, [p.projectUuid])).map(
          (r: { u: string }) => r.u,
        ),
      );
    const [ea, eb] = [await ids(A), await ids(B)];
    expect(ea.size).toBeGreaterThan(0);
    expect(eb.size).toBeGreaterThan(0);
    expect([...ea].filter((u) => eb.has(u))).toEqual([]);
    const graphIds = async (p: { projectUuid: string }) => {
      const g = (await request(api.http).get(`/v1/projects/${p.projectUuid}/graph`).query({ limit: '2000' }).set(auth).expect(200)).body;
      return { nodes: g.nodes.map((n: { id: string }) => n.id) as string[], edges: g.edges.map((e: { id: string }) => e.id) as string[] };
    };
    const [ga, gb] = [await graphIds(A), await graphIds(B)];
    expect(ga.nodes.filter((n) => gb.nodes.includes(n))).toEqual([]);
    expect(ga.edges.filter((e) => gb.edges.includes(e))).toEqual([]);
    for (const n of ga.nodes) expect(ea.has(n)).toBe(true);
    for (const n of gb.nodes) expect(eb.has(n)).toBe(true);

    // Every row of every graph table, for both projects' documents, carries the project of its document, and
    // every edge/mention points at an entity of its own project.
    const all = [...docsA.values(), ...docsB.values()];
    const mismatches = await api.db.query(
      `WITH d AS (SELECT document_uuid, project_uuid FROM source_documents WHERE document_uuid = ANY($1::uuid[]))
       SELECT 'chunk' AS t, count(*)::int AS n FROM document_chunks c JOIN d USING (document_uuid) WHERE c.project_uuid IS DISTINCT FROM d.project_uuid
       UNION ALL
       SELECT 'mention', count(*)::int FROM entity_mentions m JOIN d USING (document_uuid)
         LEFT JOIN canonical_entities ce ON ce.canonical_entity_uuid = m.canonical_entity_uuid
        WHERE m.project_uuid IS DISTINCT FROM d.project_uuid OR ce.project_uuid IS DISTINCT FROM d.project_uuid
       UNION ALL
       SELECT 'contribution', count(*)::int FROM relationship_contributions rc JOIN d USING (document_uuid)
        WHERE rc.project_uuid IS DISTINCT FROM d.project_uuid
       UNION ALL
       SELECT 'edge', count(*)::int FROM relationship_staging rs
         JOIN canonical_entities s ON s.canonical_entity_uuid = rs.source_entity_uuid
        WHERE rs.project_uuid = ANY($2::uuid[]) AND s.project_uuid IS DISTINCT FROM rs.project_uuid`,
      [all, [A.projectUuid, B.projectUuid]],
    );
    expect(Object.fromEntries(mismatches.map((r: { t: string; n: number }) => [r.t, r.n]))).toEqual({
      chunk: 0,
      mention: 0,
      contribution: 0,
      edge: 0,
    });
    const [{ n: edgesA }] = await api.db.query(`SELECT count(*)::int AS n FROM relationship_staging WHERE project_uuid = $1`, [A.projectUuid]);
    const [{ n: edgesB }] = await api.db.query(`SELECT count(*)::int AS n FROM relationship_staging WHERE project_uuid = $1`, [B.projectUuid]);
    expect(edgesA).toBeGreaterThan(0);
    expect(edgesB).toBeGreaterThan(0);
  });

  it('re-processing is idempotent and safe under concurrency: retry is 409, re-queued graph and OCR jobs on two graph workers and simultaneous runs leave the same graph', async () => {
    const completed = [...docsA.entries()].filter(([n]) => n !== 'corrupt.pdf').map(([, u]) => u);
    // The API refuses to retry a document that did not fail.
    const retry = await request(api.http)
      .post(`/v1/documents/${docsA.get('complaint.pdf')}/retry`)
      .set(auth);
    expect(retry.status).toBe(409);

    const before = await snapshotProject(api.db, A.projectUuid);
    const beforeB = await snapshotProject(api.db, B.projectUuid);
    // Every completed document of A queued twice more (new job ids), consumed by both workers at once.
    const q = graph[0].queue;
    q.setMaxListeners(100); // job.finished() listens once per job
    const jobs = await Promise.all(
      completed.flatMap((u) => [1, 2].map((n) => q.add(JOBS.GRAPH_DOCUMENT, { documentUuid: u }, { jobId: `${u}:rerun-${n}`, attempts: 3 }))),
    );
    const results = await Promise.allSettled(jobs.map((j) => j.finished()));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    // And the same documents run directly on both instances at the same moment.
    await Promise.all(completed.slice(0, 4).flatMap((u) => graph.map((g) => g.pipeline.process(u))));

    // OCR re-run too (a text PDF and a scan): new OCR jobs re-extract, hand the documents to the graph queue again
    // (the finished graph job is replaced), and everything ends where it was.
    const again = [docsA.get('order.pdf')!, docsA.get('scanned-notice.png')!];
    const [{ now }] = await api.db.query(`SELECT now() AS now`);
    for (const u of again) await ocr.ocrQueue.add(JOBS.OCR_DOCUMENT, { documentUuid: u }, { jobId: `${u}:rerun`, attempts: 2 });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows: Array<{ ok: boolean }> = await api.db.query(
        `SELECT (status = 'completed' AND ocr_completed_at > $2 AND processing_completed_at > $2) AS ok
           FROM source_documents WHERE document_uuid = ANY($1::uuid[])`,
        [again, now],
      );
      if (rows.length === again.length && rows.every((r) => r.ok)) break;
      if (Date.now() > deadline) throw new Error(`OCR re-runs not finished: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const after = await snapshotProject(api.db, A.projectUuid);
    expect(after).toEqual(before);
    expect(await snapshotProject(api.db, B.projectUuid)).toEqual(beforeB);
    const [{ dups }] = await api.db.query(
      `SELECT count(*)::int AS dups FROM (SELECT 1 FROM canonical_entities WHERE project_uuid = $1
         GROUP BY entity_type, normalized_key HAVING count(*) > 1) x`,
      [A.projectUuid],
    );
    expect(dups).toBe(0);
    for (const u of completed) {
      expect((await request(api.http).get(`/v1/documents/${u}`).set(auth).expect(200)).body.status).toBe('completed');
    }
  });
});

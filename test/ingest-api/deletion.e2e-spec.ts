import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { Client } from 'pg';
import { JOBS, joinPages, redisKeys } from '@casegraph/contracts';
import { LOCK_NAMESPACE } from '@casegraph/graph';
import { DocumentMissingError, causeOf } from '@casegraph/pipeline';
import { redisOptionsFromUrl } from '@casegraph/platform';
import { ProjectContextService } from '@casegraph/project-context';
import { buildPdf, waitFor } from '@casegraph/testing';
import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  createPipelineApp,
  databaseUrl,
  snapshotProject,
  startGraphWorker,
} from '../../apps/graph-worker/src/testing/graph-test-kit';
import { createProject, filesUnder } from '../../apps/ingest-api/src/testing/helpers';
import { TestApp, cleanupTestData, createTestApp } from '../../apps/ingest-api/src/testing/test-app';

jest.setTimeout(180_000);

/** Every table that holds rows of a document (by document_uuid). */
const DOCUMENT_TABLES = [
  'source_documents',
  'document_pages',
  'document_chunks',
  'entity_mentions',
  'relationship_contributions',
  'textract_jobs',
  'curation_rules',
] as const;
/** Every table that holds rows of a project (by project_uuid). */
const PROJECT_TABLES = [
  'projects',
  'source_documents',
  'document_chunks',
  'entity_mentions',
  'canonical_entities',
  'relationship_staging',
  'relationship_contributions',
  'textract_jobs',
  'curation_actions',
  'curation_rules',
] as const;

// Our own short texts: three people and a company shared by both documents, more only in the first.
const AGREEMENT = [
  'AGREEMENT OF SALE\n\nMargaret Okafor met Daniel Whitcombe at the offices of Northgate Logistics LLC in Denver on March 3, 2025.\n' +
    'Margaret Okafor agreed to buy the warehouse from Northgate Logistics LLC for $250,000.\n',
  'Priya Raman of Halvorsen Marine Inc. witnessed the signature of Margaret Okafor.\nQuestions go to closing@halvorsenmarine.example.\n',
];
const MEMO = [
  'MEMORANDUM\n\nMargaret Okafor met Daniel Whitcombe at the offices of Northgate Logistics LLC in Denver on April 9, 2025.\n' +
    'Lucas Brennan of Castlegate Properties Inc. asked Daniel Whitcombe about the lease.\n',
];
// Two invented appellate opinions (parties, counsel and judges made up; the cited cases are real Supreme Court decisions).
const OPINION_A = [
  'IN THE UNITED STATES COURT OF APPEALS FOR THE TENTH CIRCUIT',
  '',
  'MARLOWE TIMBER COMPANY,',
  '      Plaintiff-Appellant,',
  'v.',
  'GIDEON R. ASHBY,',
  '      Defendant-Appellee.',
  '',
  'Before HOLLIS, PARAMORE, and WEXLER, Circuit Judges.',
  '',
  'PARAMORE, Circuit Judge:',
  '',
  'Marlowe Timber Company appeals the dismissal of its complaint against Gideon R. Ashby. A complaint must state a',
  'claim to relief that is plausible on its face. Bell Atlantic Corp. v. Twombly, 550 U.S. 544, 570 (2007). The',
  'pleaded facts must allow a reasonable inference of liability. Ashcroft v. Iqbal, 556 U.S. 662, 678 (2009).',
  '',
  'AFFIRMED.',
].join('\n');
const OPINION_B = [
  'IN THE UNITED STATES COURT OF APPEALS FOR THE EIGHTH CIRCUIT',
  '',
  'PRESCOTT GRAIN COOPERATIVE,',
  '      Plaintiff-Appellee,',
  'v.',
  'HENRIETTA VOSS,',
  '      Defendant-Appellant.',
  '',
  'Before DALRYMPLE, OKONKWO, and STRATTON, Circuit Judges.',
  '',
  'OKONKWO, Circuit Judge:',
  '',
  'Henrietta Voss appeals the judgment for Prescott Grain Cooperative. The complaint was plausible on its face.',
  'See Bell Atlantic Corp. v. Twombly, 550 U.S. 544, 556 (2007).',
  '',
  'AFFIRMED.',
].join('\n');
const MIDWAY = ['NOTICE\n\nTheodora Vance of Brightwater Municipal Utility wrote to Margaret Okafor on May 2, 2025.\n'];

describe('DELETE /v1/documents/:documentUuid and DELETE /v1/projects/:projectUuid', () => {
  let t: TestApp;
  let worker: PipelineApp;
  let redis: Redis;
  const projectIds: number[] = [];
  const projects: TestProject[] = [];

  beforeAll(async () => {
    [t, worker] = await Promise.all([createTestApp(), createPipelineApp()]);
    redis = new Redis({ ...redisOptionsFromUrl(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'), lazyConnect: true });
    await redis.connect();
  });

  afterAll(async () => {
    if (t) {
      await cleanupProjects(t.db, projects);
      await cleanupTestData(t, projectIds);
    }
    redis?.disconnect();
    await Promise.all([t?.close(), worker?.close()]);
  });

  const api = () => request(t.http);
  const count = async (sql: string, params: unknown[]) => (await t.db.query(sql, params))[0].n as number;

  async function newProject(label: string): Promise<TestProject> {
    const p = await createProject(t, projectIds, label);
    projects.push(p);
    return p;
  }

  /**
   * A document through the real upload (stored file, row, cached context, queued OCR job), then its text
   * as the OCR worker leaves it (pages + raw text, ocr completed), then optionally the real graph stages.
   */
  async function ingest(p: TestProject, name: string, pages: string[], process = true): Promise<string> {
    const pdf = buildPdf([name, ...pages.join('\n').split('\n')].map((l) => l.slice(0, 90)));
    const res = await api().post(`/v1/projects/${p.projectUuid}/documents`).attach('files', pdf, name).expect(202);
    const documentUuid: string = res.body.documents[0].documentUuid;
    await t.db.query(
      `UPDATE source_documents SET raw_extracted_text = $2, page_count = $3, ocr_status = 'completed', ocr_completed_at = now(),
              status = 'processing' WHERE document_uuid = $1`,
      [documentUuid, joinPages(pages), pages.length],
    );
    await t.db.query(
      `INSERT INTO document_pages (document_uuid, page_number, text, confidence, engine)
       SELECT $1, p.n, p.t, 99, 'test' FROM unnest($2::text[]) WITH ORDINALITY AS p(t, n)`,
      [documentUuid, pages],
    );
    if (process) await worker.pipeline.process(documentUuid);
    return documentUuid;
  }

  const storedPath = async (documentUuid: string) =>
    join(t.storageDir, (await t.db.query(`SELECT s3_key FROM source_documents WHERE document_uuid = $1`, [documentUuid]))[0].s3_key);

  async function rowsOfDocument(documentUuid: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of DOCUMENT_TABLES) {
      out[table] = await count(`SELECT count(*)::int AS n FROM ${table} WHERE document_uuid = $1`, [documentUuid]);
    }
    return out;
  }
  const none = (tables: readonly string[]) => Object.fromEntries(tables.map((x) => [x, 0]));

  async function rowsOfProject(projectUuid: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of PROJECT_TABLES) out[table] = await count(`SELECT count(*)::int AS n FROM ${table} WHERE project_uuid = $1`, [projectUuid]);
    return out;
  }

  const entitiesOf = async (documentUuid: string): Promise<string[]> =>
    (
      await t.db.query(
        `SELECT DISTINCT canonical_entity_uuid AS u FROM entity_mentions WHERE document_uuid = $1 AND canonical_entity_uuid IS NOT NULL ORDER BY 1`,
        [documentUuid],
      )
    ).map((r: { u: string }) => r.u);

  const contributionsOf = (documentUuid: string) =>
    t.db.query(
      `SELECT source_entity_uuid AS s, target_entity_uuid AS tg, relationship_type AS ty, weight
         FROM relationship_contributions WHERE document_uuid = $1 ORDER BY 3, 1, 2`,
      [documentUuid],
    );

  const redisKeysOf = async (documentUuid: string) => ({
    context: await redis.exists(redisKeys.docMetadata(documentUuid)),
    state: await redis.exists(redisKeys.docState(documentUuid)),
  });

  it('deletes one document: its rows, file and Redis entries; shared edges fall back to the other document alone', async () => {
    const p = await newProject('delete-doc');
    const a = await ingest(p, 'agreement.pdf', AGREEMENT);
    const b = await ingest(p, 'memo.pdf', MEMO);
    const aEntities = await entitiesOf(a);
    const bEntities = await entitiesOf(b);
    const shared = aEntities.filter((u) => bEntities.includes(u));
    const onlyA = aEntities.filter((u) => !bEntities.includes(u));
    // The texts were written for this: shared people and company, and entities only the agreement names.
    expect(shared.length).toBeGreaterThanOrEqual(3);
    expect(onlyA.length).toBeGreaterThanOrEqual(2);
    const bContributions = await contributionsOf(b);
    const sharedEdges = await count(
      `SELECT count(*)::int AS n FROM relationship_staging s
        WHERE s.project_uuid = $1 AND (s.properties->>'documentCount')::int = 2`,
      [p.projectUuid],
    );
    expect(sharedEdges).toBeGreaterThan(0);

    // Rows the pipeline does not write here, but a document can have: a Textract job, curation rules.
    const action = randomUUID();
    await t.db.query(
      `INSERT INTO textract_jobs (job_id, document_uuid, project_uuid, s3_key, status) VALUES ($1, $2, $3, 'documents/x.pdf', 'SUCCEEDED')`,
      [`job-${randomUUID()}`, a, p.projectUuid],
    );
    const [{ entity_type: typeA, normalized_key: keyA }] = await t.db.query(
      `SELECT entity_type, normalized_key FROM canonical_entities WHERE canonical_entity_uuid = $1`,
      [onlyA[0]],
    );
    const [{ entity_type: typeShared, normalized_key: keyShared }] = await t.db.query(
      `SELECT entity_type, normalized_key FROM canonical_entities WHERE canonical_entity_uuid = $1`,
      [shared[0]],
    );
    await t.db.query(
      `INSERT INTO curation_rules (project_uuid, action_uuid, scope, entity_type, normalized_key, document_uuid, start_char, end_char,
                                   decision, canonical_entity_uuid)
       VALUES ($1, $2, 'key', $3, $4, NULL, NULL, NULL, 'assign', $5),
              ($1, $2, 'key', $6, $7, NULL, NULL, NULL, 'assign', $8),
              ($1, $2, 'mention', $3, $4, $9, 0, 5, 'reject', NULL)`,
      [p.projectUuid, action, typeA, keyA, onlyA[0], typeShared, keyShared, shared[0], a],
    );
    const before = await rowsOfDocument(a);
    expect(before).toMatchObject({ source_documents: 1, document_pages: 2, textract_jobs: 1, curation_rules: 1 });
    expect(before.entity_mentions).toBeGreaterThan(0);
    expect(before.relationship_contributions).toBeGreaterThan(0);
    const file = await storedPath(a);
    expect(existsSync(file)).toBe(true);
    await t.app.get(ProjectContextService).settle();
    expect(await redisKeysOf(a)).toEqual({ context: 1, state: 1 });

    const aChunks: string[] = (await t.db.query(`SELECT chunk_uuid FROM document_chunks WHERE document_uuid = $1`, [a])).map(
      (r: { chunk_uuid: string }) => r.chunk_uuid,
    );
    const res = await api().delete(`/v1/documents/${a}`).expect(200);
    expect(res.body).toEqual({
      documentUuid: a,
      projectUuid: p.projectUuid,
      pages: 2,
      chunks: before.document_chunks,
      mentions: before.entity_mentions,
      contributions: before.relationship_contributions,
      edgesRecomputed: expect.any(Number),
      entitiesDeleted: [...onlyA].sort(),
      entitiesRecounted: shared.length,
      curationRules: 2,
      textractJobs: 1,
      files: { deleted: 1, shared: 0, failed: 0 },
    });
    expect(res.body.edgesRecomputed).toBeGreaterThanOrEqual(before.relationship_contributions);

    expect(await rowsOfDocument(a)).toEqual(none(DOCUMENT_TABLES));
    expect(existsSync(file)).toBe(false);
    expect(existsSync(dirname(file))).toBe(false);
    expect(await redisKeysOf(a)).toEqual({ context: 0, state: 0 });
    // Entities only it mentioned are gone, with the rule pointing at one; shared ones are counted from the memo alone.
    expect(await count(`SELECT count(*)::int AS n FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[])`, [onlyA])).toBe(0);
    const counts = await t.db.query(
      `SELECT c.canonical_entity_uuid AS u, c.mention_count AS n,
              (SELECT count(*)::int FROM entity_mentions m WHERE m.canonical_entity_uuid = c.canonical_entity_uuid AND m.document_uuid = $2) AS in_b
         FROM canonical_entities c WHERE c.canonical_entity_uuid = ANY($1::uuid[])`,
      [shared, b],
    );
    expect(counts).toHaveLength(shared.length);
    for (const c of counts) expect(c.n).toBe(c.in_b);
    expect(await t.db.query(`SELECT canonical_entity_uuid AS u FROM curation_rules WHERE project_uuid = $1 ORDER BY 1`, [p.projectUuid])).toEqual([
      { u: shared[0] },
    ]);
    // Every edge of the project is now the memo's contribution alone: same ends, weight, one document.
    expect(await contributionsOf(b)).toEqual(bContributions);
    const edges = await t.db.query(
      `SELECT source_entity_uuid AS s, target_entity_uuid AS tg, relationship_type AS ty, weight, (properties->>'documentCount')::int AS docs
         FROM relationship_staging WHERE project_uuid = $1 ORDER BY 3, 1, 2`,
      [p.projectUuid],
    );
    expect(edges.map(({ docs, ...e }: { docs: number }) => ({ ...e, docs }))).toEqual(bContributions.map((c: object) => ({ ...c, docs: 1 })));
    expect(await count(`SELECT count(*)::int AS n FROM relationship_staging WHERE $1 IN (source_entity_uuid, target_entity_uuid)`, [a])).toBe(0);
    // No edge keeps evidence from it: neither its chunks nor its uuid in properties or evidence.
    const evidence: string = (
      await t.db.query(
        `SELECT coalesce(string_agg(properties::text || coalesce(evidence::text, ''), ' '), '') AS all FROM relationship_staging WHERE project_uuid = $1`,
        [p.projectUuid],
      )
    )[0].all;
    for (const u of [a, ...aChunks]) expect(evidence).not.toContain(u);

    // The memo's graph reads as before; the deleted document is unknown everywhere.
    const graph = await api().get(`/v1/projects/${p.projectUuid}/entities?pageSize=100`).expect(200);
    expect(graph.body.items.map((e: { uuid: string }) => e.uuid).sort()).toEqual([...bEntities].sort());
    await api().get(`/v1/documents/${a}`).expect(404);
    const again = await api().delete(`/v1/documents/${a}`).expect(404);
    expect(again.body.message).toBe(`Document ${a} not found`);
    await api().get(`/v1/documents/${b}`).expect(200);
  });

  it('a deleted opinion takes its typed edges and evidence along; a case the other opinion cites stays, cited by it alone', async () => {
    const p = await newProject('delete-typed');
    const a = await ingest(p, 'marlowe-v-ashby.pdf', [OPINION_A]);
    const b = await ingest(p, 'prescott-v-voss.pdf', [OPINION_B]);
    const types = async (d: string) =>
      (await t.db.query(`SELECT DISTINCT relationship_type AS ty FROM relationship_contributions WHERE document_uuid = $1 ORDER BY 1`, [d])).map(
        (r: { ty: string }) => r.ty,
      );
    // The typed builder read both opinions: their citations and their captions' parties.
    expect(await types(a)).toEqual(expect.arrayContaining(['CITES', 'PARTY_TO']));
    expect(await types(b)).toEqual(expect.arrayContaining(['CITES', 'PARTY_TO']));
    const citedBy = async (d: string) =>
      (
        await t.db.query(
          `SELECT c.canonical_name AS name FROM relationship_contributions r JOIN canonical_entities c ON c.canonical_entity_uuid = r.target_entity_uuid
            WHERE r.document_uuid = $1 AND r.relationship_type = 'CITES' ORDER BY 1`,
          [d],
        )
      ).map((r: { name: string }) => r.name);
    const citedByA = await citedBy(a);
    const citedByB = await citedBy(b);
    const both = citedByA.filter((n: string) => citedByB.includes(n));
    expect(both).toHaveLength(1);
    expect(both[0]).toMatch(/Twombly/);
    const bContributions = await contributionsOf(b);
    const bEdges = await t.db.query(
      `SELECT s.relationship_type AS ty, s.source_entity_uuid AS s, s.target_entity_uuid AS tg, s.weight, s.evidence
         FROM relationship_staging s JOIN relationship_contributions c USING (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type)
        WHERE c.document_uuid = $1 AND s.properties->>'documentCount' = '1' ORDER BY 1, 2, 3`,
      [b],
    );

    const namesBefore = (await t.db.query(`SELECT canonical_name AS name FROM canonical_entities WHERE project_uuid = $1`, [p.projectUuid]))
      .map((r: { name: string }) => r.name)
      .join('|');
    expect(namesBefore).toMatch(/Marlowe/i);
    expect(namesBefore).toMatch(/Ashby/i);
    const evidenceBefore = await count(
      `SELECT count(*)::int AS n FROM relationship_staging WHERE project_uuid = $1 AND evidence::text LIKE '%' || $2 || '%'`,
      [p.projectUuid, a],
    );
    expect(evidenceBefore).toBeGreaterThan(0);

    await api().delete(`/v1/documents/${a}`).expect(200);

    expect(await rowsOfDocument(a)).toEqual(none(DOCUMENT_TABLES));
    // Every edge left is the other opinion's: contributions unchanged, each edge's evidence from it alone.
    expect(await contributionsOf(b)).toEqual(bContributions);
    const edges = await t.db.query(
      `SELECT relationship_type AS ty, (properties->>'documentCount')::int AS docs, evidence FROM relationship_staging WHERE project_uuid = $1`,
      [p.projectUuid],
    );
    expect(edges.length).toBe(bContributions.length);
    expect(edges.filter((e: { evidence: unknown[] | null }) => e.evidence?.length).length).toBeGreaterThan(0);
    for (const e of edges) {
      expect(e.docs).toBe(1);
      for (const ev of (e.evidence ?? []) as Array<{ documentUuid: string }>) expect([e.ty, ev.documentUuid]).toEqual([e.ty, b]);
    }
    // The edges that were the other opinion's alone are exactly as they were.
    const after = await t.db.query(
      `SELECT s.relationship_type AS ty, s.source_entity_uuid AS s, s.target_entity_uuid AS tg, s.weight, s.evidence
         FROM relationship_staging s JOIN relationship_contributions c USING (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type)
        WHERE c.document_uuid = $1 AND s.properties->>'documentCount' = '1' ORDER BY 1, 2, 3`,
      [b],
    );
    expect(after).toEqual(expect.arrayContaining(bEdges));
    // The case both cite stays, cited by the other opinion; the cases and parties only the deleted one named are gone.
    expect(await citedBy(b)).toEqual(citedByB);
    const names = (await t.db.query(`SELECT canonical_name AS name FROM canonical_entities WHERE project_uuid = $1`, [p.projectUuid])).map(
      (r: { name: string }) => r.name,
    );
    expect(names).toEqual(expect.arrayContaining(citedByB));
    for (const gone of citedByA.filter((n: string) => !citedByB.includes(n))) expect(names).not.toContain(gone);
    expect(names.join('|')).not.toMatch(/Marlowe|Ashby/i);
    expect(names.join('|')).toMatch(/Prescott/i);
  });

  it('documents both routes in OpenAPI: the summaries answered, the confirmation parameter, the errors', async () => {
    const doc = (await api().get('/docs-json').expect(200)).body;
    const delDoc = doc.paths['/v1/documents/{documentUuid}'].delete;
    const delProject = doc.paths['/v1/projects/{projectUuid}'].delete;
    expect(delDoc.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/DocumentDeletedDto' });
    expect(delProject.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ProjectDeletedDto' });
    expect(Object.keys(delDoc.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404']));
    expect(Object.keys(delProject.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404']));
    expect(delProject.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'confirm', in: 'query' })]));
    expect(Object.keys(doc.components.schemas.DocumentDeletedDto.properties)).toEqual(
      expect.arrayContaining(['mentions', 'contributions', 'edgesRecomputed', 'entitiesDeleted', 'files']),
    );
  });

  it('answers 400 for a bad UUID and 404 for an unknown document', async () => {
    const bad = await api().delete('/v1/documents/not-a-uuid').expect(400);
    expect(bad.body.message).toMatch(/documentUuid must be a UUID/);
    await api().delete(`/v1/documents/${randomUUID()}`).expect(404);
  });

  it('a project-bound key gets the same answer as for other document routes', async () => {
    const own = await newProject('delete-keys-own');
    const other = await newProject('delete-keys-other');
    const mine = await ingest(own, 'own.pdf', MEMO, false);
    const theirs = await ingest(other, 'theirs.pdf', MEMO, false);
    const keyed = await createTestApp({ CASEGRAPH_API_KEYS: `own-key:${own.projectUuid}` });
    try {
      const as = (r: request.Test) => r.set('Authorization', 'Bearer own-key');
      for (const uuid of [theirs, randomUUID()]) {
        const get = await as(request(keyed.http).get(`/v1/documents/${uuid}`));
        const del = await as(request(keyed.http).delete(`/v1/documents/${uuid}`));
        expect([del.status, del.body.message]).toEqual([get.status, get.body.message]);
        expect(del.status).toBe(403);
      }
      expect(await count(`SELECT count(*)::int AS n FROM source_documents WHERE document_uuid = $1`, [theirs])).toBe(1);
      await request(keyed.http).delete(`/v1/documents/${mine}`).expect(401);
      await as(request(keyed.http).delete(`/v1/documents/${mine}`)).expect(200);
      const project = await as(request(keyed.http).delete(`/v1/projects/${other.projectUuid}?confirm=${other.projectUuid}`));
      expect(project.status).toBe(403);
      expect(await count(`SELECT count(*)::int AS n FROM projects WHERE project_uuid = $1`, [other.projectUuid])).toBe(1);
    } finally {
      await keyed.close();
    }
  });

  it('a document deleted while the graph worker is in the middle of it: the worker stops cleanly, nothing is left', async () => {
    const p = await newProject('delete-midway');
    const c = await ingest(p, 'notice.pdf', MIDWAY, false);
    // Hold the document's lock (as a stage writing would), start the pipeline: it computes chunks, then waits.
    const holder = new Client({ connectionString: databaseUrl() });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE.DOCUMENT, c]);
      const run = worker.pipeline.process(c).then(
        () => null,
        (err: unknown) => err,
      );
      await waitFor(async () => (await lockWaiters(holder)) >= 1, { timeoutMs: 20_000 });
      const deleting = api()
        .delete(`/v1/documents/${c}`)
        .then((r) => r);
      await waitFor(async () => (await lockWaiters(holder)) >= 2, { timeoutMs: 20_000 });
      // The chunking write goes first (it queued first); the delete then takes the lock before the next stage writes.
      await holder.query('COMMIT');
      const res = await deleting;
      expect(res.status).toBe(200);
      const err = await run;
      expect(err).not.toBeNull();
      expect(causeOf(err)).toBeInstanceOf(DocumentMissingError);
      expect(res.body.chunks).toBeGreaterThan(0);
    } finally {
      await holder.end();
    }
    expect(await rowsOfDocument(c)).toEqual(none(DOCUMENT_TABLES));
    expect(await rowsOfProject(p.projectUuid)).toMatchObject({
      entity_mentions: 0,
      document_chunks: 0,
      canonical_entities: 0,
      relationship_staging: 0,
    });
  });

  it('a queued graph job of a deleted document is dropped by the real worker: one attempt, no retry, nothing written', async () => {
    const p = await newProject('delete-queued');
    const d = await ingest(p, 'queued.pdf', MIDWAY, false);
    await api().delete(`/v1/documents/${d}`).expect(200);
    let graph: INestApplicationContext | undefined;
    try {
      const started = await startGraphWorker(t.config.bullPrefix);
      graph = started.app;
      // A job that was already taken (or added later by a stale client) for the deleted document.
      await t.graphQueue.add(JOBS.GRAPH_DOCUMENT, { documentUuid: d }, { jobId: d, attempts: 5, backoff: { type: 'fixed', delay: 100 } });
      await waitFor(async () => !!(await (await t.graphQueue.getJob(d))?.isFailed()), { timeoutMs: 30_000 });
      const job = (await t.graphQueue.getJob(d))!;
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(/not found|does not exist/);
      await new Promise((r) => setTimeout(r, 500));
      expect((await t.graphQueue.getJob(d))!.attemptsMade).toBe(1);
    } finally {
      await graph?.close();
    }
    expect(await rowsOfDocument(d)).toEqual(none(DOCUMENT_TABLES));
  });

  it('deleting a document while another one is resolved onto its entities leaves no mention or edge on a deleted entity', async () => {
    const p = await newProject('delete-race');
    const names = [
      'Quartermaine',
      'Abernathy',
      'Castellano',
      'Drummond',
      'Everhart',
      'Fairweather',
      'Galloway',
      'Hollingsworth',
      'Islington',
      'Jessamine',
      'Kingsley',
      'Lockhart',
    ];
    const outcomes: string[] = [];

    // First, the order that makes the resolver find its entity gone: the delete queues for the entity's row
    // lock first, the resolver (having looked the entity up) behind it; the delete deletes it and commits.
    {
      const company = 'Mortlake Shipping LLC';
      const a = await ingest(p, 'a-held.pdf', [`LETTER\n\n${company} wrote to Margaret Okafor about the cargo on May 30, 2025.\n`]);
      const [{ u: entity }] = await t.db.query(
        `SELECT DISTINCT canonical_entity_uuid AS u FROM entity_mentions WHERE document_uuid = $1 AND entity_text = $2`,
        [a, company],
      );
      const b = await ingest(p, 'b-held.pdf', [`REPLY\n\nDaniel Whitcombe answered ${company} on May 31, 2025.\n`], false);
      const holder = new Client({ connectionString: databaseUrl() });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM canonical_entities WHERE canonical_entity_uuid = $1 FOR UPDATE', [entity]);
        const deleting = api()
          .delete(`/v1/documents/${a}`)
          .then((r) => r);
        await waitFor(async () => (await lockWaiters(holder)) >= 1, { timeoutMs: 20_000 });
        const processing = worker.pipeline.process(b);
        await waitFor(async () => (await lockWaiters(holder)) >= 2, { timeoutMs: 20_000 });
        await holder.query('COMMIT');
        expect((await deleting).status).toBe(200);
        await processing;
      } finally {
        await holder.end();
      }
      const [after] = await t.db.query(
        `SELECT DISTINCT m.canonical_entity_uuid AS u, c.mention_count AS n FROM entity_mentions m
           JOIN canonical_entities c ON c.canonical_entity_uuid = m.canonical_entity_uuid
          WHERE m.document_uuid = $1 AND m.entity_text = $2`,
        [b, company],
      );
      expect(after.u).not.toBe(entity);
      expect(after.n).toBe(1);
      expect(await count(`SELECT count(*)::int AS n FROM canonical_entities WHERE canonical_entity_uuid = $1`, [entity])).toBe(0);
    }
    for (const [i, word] of names.entries()) {
      const company = `${word} Shipping LLC`;
      const a = await ingest(p, `a-${i}.pdf`, [`LETTER\n\n${company} wrote to Margaret Okafor about the cargo on June ${i + 1}, 2025.\n`], false);
      const started = Date.now();
      await worker.pipeline.process(a);
      const took = Date.now() - started;
      const [before] = await t.db.query(
        `SELECT DISTINCT canonical_entity_uuid AS u FROM entity_mentions WHERE document_uuid = $1 AND entity_text = $2`,
        [a, company],
      );
      expect(before?.u).toBeTruthy();
      const b = await ingest(p, `b-${i}.pdf`, [`REPLY\n\nDaniel Whitcombe answered ${company} on July ${i + 1}, 2025.\n`], false);
      // Both at once: B's stages (resolution links to the company's entity) and A's delete (which leaves that entity unmentioned).
      const [processed, deleted] = await Promise.allSettled([
        worker.pipeline.process(b),
        // Spread over B's whole run (as long as A's took), so that some deletes land inside its resolution.
        new Promise((r) => setTimeout(r, Math.round((took * 1.2 * i) / (names.length - 1)))).then(() => api().delete(`/v1/documents/${a}`)),
      ]);
      expect(processed.status).toBe('fulfilled');
      expect(deleted.status === 'fulfilled' && deleted.value.status).toBe(200);
      const after = await t.db.query(
        `SELECT DISTINCT canonical_entity_uuid AS u FROM entity_mentions WHERE document_uuid = $1 AND entity_text = $2`,
        [b, company],
      );
      expect(after).toHaveLength(1);
      outcomes.push(after[0].u === before.u ? 'kept' : 'recreated');
    }
    // No mention links, and no edge points, to an entity that does not exist; every count is exact.
    expect(
      await count(
        `SELECT count(*)::int AS n FROM entity_mentions m WHERE m.project_uuid = $1 AND m.canonical_entity_uuid IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM canonical_entities c WHERE c.canonical_entity_uuid = m.canonical_entity_uuid)`,
        [p.projectUuid],
      ),
    ).toBe(0);
    for (const end of ['source_entity_uuid', 'target_entity_uuid']) {
      // An edge's end is an entity, or a document (CITES source, MENTIONED_IN target) that still exists.
      const dangling = await count(
        `SELECT count(*)::int AS n FROM relationship_staging r WHERE r.project_uuid = $1
            AND NOT EXISTS (SELECT 1 FROM canonical_entities c WHERE c.canonical_entity_uuid = r.${end})
            AND NOT EXISTS (SELECT 1 FROM source_documents d WHERE d.document_uuid = r.${end})`,
        [p.projectUuid],
      );
      expect([end, dangling]).toEqual([end, 0]);
    }
    expect(
      await count(
        `SELECT count(*)::int AS n FROM canonical_entities c WHERE c.project_uuid = $1
            AND c.mention_count <> (SELECT count(*) FROM entity_mentions m WHERE m.canonical_entity_uuid = c.canonical_entity_uuid)`,
        [p.projectUuid],
      ),
    ).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM canonical_entities WHERE project_uuid = $1 AND mention_count = 0`, [p.projectUuid])).toBe(0);
    process.stdout.write(`[deletion] race outcomes (entity kept by the resolver / deleted then recreated): ${outcomes.join(', ')}\n`);
  });

  describe('DELETE /v1/projects/:projectUuid', () => {
    it('refuses without a confirmation, or with a wrong one, with a readable 400 and deletes nothing', async () => {
      const p = await newProject('delete-confirm');
      const d = await ingest(p, 'confirm.pdf', MEMO);
      const rows = await rowsOfProject(p.projectUuid);
      const missing = await api().delete(`/v1/projects/${p.projectUuid}`).expect(400);
      expect(missing.body.message).toBe(
        `Deleting a project removes all of its documents, files and graph. Repeat the project's UUID to confirm: ?confirm=${p.projectUuid}`,
      );
      expect(missing.body.errors).toEqual([{ field: 'confirm', messages: ["required: the project's UUID"] }]);
      for (const wrong of [randomUUID(), encodeURIComponent(p.name), 'yes', '']) {
        const res = await api().delete(`/v1/projects/${p.projectUuid}?confirm=${wrong}`).expect(400);
        expect(res.body.message).toMatch(/confirm/);
      }
      await api().delete(`/v1/projects/${p.projectUuid}?confirm=${p.projectUuid}&force=1`).expect(400);
      await api().delete(`/v1/projects/not-a-uuid?confirm=not-a-uuid`).expect(400);
      const unknown = randomUUID();
      await api().delete(`/v1/projects/${unknown}?confirm=${unknown}`).expect(404);
      expect(await rowsOfProject(p.projectUuid)).toEqual(rows);
      expect(existsSync(await storedPath(d))).toBe(true);
    });

    it('deletes every row, file, cache entry and queued job of the project; another project is untouched', async () => {
      const p = await newProject('delete-project');
      const other = await newProject('delete-project-other');
      const docs = [await ingest(p, 'agreement.pdf', AGREEMENT), await ingest(p, 'memo.pdf', MEMO), await ingest(p, 'pending.pdf', MIDWAY, false)];
      const keep = await ingest(other, 'memo.pdf', MEMO);
      // A batch document of each project naming the same object: the object stays while the other one needs it.
      const sharedKey = `incoming/${randomUUID()}/shared.pdf`;
      await mkdir(dirname(join(t.storageDir, sharedKey)), { recursive: true });
      await writeFile(join(t.storageDir, sharedKey), buildPdf(['shared']));
      const batch = async (project: TestProject) =>
        (
          await api()
            .post('/v1/batches')
            .send({ projectUuid: project.projectUuid, documents: [{ filename: 'shared.pdf', s3Bucket: 'casegraph-intake', s3Key: sharedKey }] })
            .expect(202)
        ).body as { batchId: string; documents: Array<{ documentUuid: string }> };
      const ourBatch = await batch(p);
      const theirBatch = await batch(other);
      docs.push(ourBatch.documents[0].documentUuid);
      await t.db.query(`INSERT INTO curation_actions (project_uuid, kind, actor) VALUES ($1, 'merge', 'test')`, [p.projectUuid]);
      await t.db.query(
        `INSERT INTO curation_rules (project_uuid, action_uuid, scope, entity_type, normalized_key, decision) VALUES ($1, $2, 'key', 'PERSON', 'x', 'reject')`,
        [p.projectUuid, randomUUID()],
      );
      const files = await Promise.all(docs.slice(0, 3).map(storedPath));
      for (const f of files) expect(existsSync(f)).toBe(true);
      const before = await rowsOfProject(p.projectUuid);
      for (const table of PROJECT_TABLES) if (table !== 'textract_jobs') expect([table, before[table]]).toEqual([table, expect.any(Number)]);
      expect(before.canonical_entities).toBeGreaterThan(0);
      expect(before.relationship_staging).toBeGreaterThan(0);
      const otherBefore = await snapshotProject(t.db, other.projectUuid);
      // The OCR jobs of the uploads and the batch wait in the queue (no OCR worker runs here).
      expect(await t.ocrQueue.getJob(docs[2])).not.toBeNull();

      const res = await api().delete(`/v1/projects/${p.projectUuid}?confirm=${p.projectUuid.toUpperCase()}`).expect(200);
      expect(res.body).toMatchObject({
        projectUuid: p.projectUuid,
        id: p.id,
        name: p.name,
        documents: 4,
        entities: before.canonical_entities,
        edges: before.relationship_staging,
        contributions: before.relationship_contributions,
        mentions: before.entity_mentions,
        curationActions: 1,
        curationRules: 1,
        files: { deleted: 3, shared: 1, failed: 0 },
      });
      expect(await rowsOfProject(p.projectUuid)).toEqual(none(PROJECT_TABLES));
      for (const d of docs) expect([d, await rowsOfDocument(d)]).toEqual([d, none(DOCUMENT_TABLES)]);
      expect(await count(`SELECT count(*)::int AS n FROM projects WHERE id = $1`, [p.id])).toBe(0);
      for (const f of files) expect(existsSync(f)).toBe(false);
      expect(await filesUnder(join(t.storageDir, 'documents', p.projectUuid))).toEqual([]);
      expect(existsSync(join(t.storageDir, sharedKey))).toBe(true);
      for (const d of docs) {
        expect([d, await redisKeysOf(d)]).toEqual([d, { context: 0, state: 0 }]);
        expect(await jobOf(t.ocrQueue, d)).toBeNull();
        expect(await jobOf(t.graphQueue, d)).toBeNull();
      }
      await api().get(`/v1/projects/${p.projectUuid}`).expect(404);
      await api().get(`/v1/batches/${ourBatch.batchId}`).expect(404);
      await api().delete(`/v1/projects/${p.projectUuid}?confirm=${p.projectUuid}`).expect(404);

      expect(await snapshotProject(t.db, other.projectUuid)).toEqual(otherBefore);
      await api().get(`/v1/documents/${keep}`).expect(200);
      await api().get(`/v1/batches/${theirBatch.batchId}`).expect(200);
      // The last document naming the shared object takes it along.
      const last = await api().delete(`/v1/documents/${theirBatch.documents[0].documentUuid}`).expect(200);
      expect(last.body.files).toEqual({ deleted: 1, shared: 0, failed: 0 });
      expect(existsSync(join(t.storageDir, sharedKey))).toBe(false);
    });

    it('deletes a project of 1,500 documents in set-based batches', async () => {
      const p = await newProject('delete-big');
      const n = 1500;
      // Rows as the pipeline leaves them: a page, a chunk and two mentions of one shared entity per document.
      await t.db.query(
        `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name, status)
         SELECT gen_random_uuid(), $1, $2, 'doc-' || i || '.pdf', 'completed' FROM generate_series(1, $3) AS i`,
        [p.id, p.projectUuid, n],
      );
      await t.db.query(
        `INSERT INTO document_pages (document_uuid, page_number, text, engine)
         SELECT document_uuid, 1, 'Margaret Okafor and Daniel Whitcombe', 'test' FROM source_documents WHERE project_fk_id = $1`,
        [p.id],
      );
      await t.db.query(
        `INSERT INTO document_chunks (chunk_uuid, document_uuid, project_uuid, chunk_index, text, char_start_index, char_end_index)
         SELECT gen_random_uuid(), document_uuid, $2, 0, 'Margaret Okafor and Daniel Whitcombe', 0, 36 FROM source_documents WHERE project_fk_id = $1`,
        [p.id, p.projectUuid],
      );
      const [okafor, whitcombe] = [randomUUID(), randomUUID()];
      await t.db.query(
        `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key, mention_count)
         VALUES ($1, $3, 'PERSON', 'Margaret Okafor', 'margaret okafor', $4::int), ($2, $3, 'PERSON', 'Daniel Whitcombe', 'daniel whitcombe', $4::int)`,
        [okafor, whitcombe, p.projectUuid, n],
      );
      await t.db.query(
        `INSERT INTO entity_mentions (mention_uuid, document_uuid, project_uuid, entity_text, entity_type, start_char, end_char,
                                      confidence_score, method, normalized_key, canonical_entity_uuid)
         SELECT gen_random_uuid(), d.document_uuid, $2, e.name, 'PERSON', e.s, e.e, 0.9, 'test', lower(e.name), e.u
           FROM source_documents d
          CROSS JOIN (VALUES ('Margaret Okafor', 0, 15, $3::uuid), ('Daniel Whitcombe', 20, 36, $4::uuid)) AS e(name, s, e, u)
          WHERE d.project_fk_id = $1`,
        [p.id, p.projectUuid, okafor, whitcombe],
      );
      await t.db.query(
        `INSERT INTO relationship_contributions (project_uuid, document_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight)
         SELECT $2, document_uuid, $3, $4, 'CO_OCCURS', 1 FROM source_documents WHERE project_fk_id = $1`,
        [p.id, p.projectUuid, okafor, whitcombe],
      );
      await t.db.query(
        `INSERT INTO relationship_staging (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight, properties)
         VALUES ($1, $2, $3, 'CO_OCCURS', $4::int, jsonb_build_object('documentCount', $4::int))`,
        [p.projectUuid, okafor, whitcombe, n],
      );
      const started = Date.now();
      const res = await api().delete(`/v1/projects/${p.projectUuid}?confirm=${p.projectUuid}`).expect(200);
      const ms = Date.now() - started;
      expect(res.body).toMatchObject({ documents: n, entities: 2, edges: 1, contributions: n, mentions: 2 * n });
      expect(await rowsOfProject(p.projectUuid)).toEqual(none(PROJECT_TABLES));
      expect(await count(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [p.id])).toBe(0);
      // Measured, not asserted tightly (shared machine): one document at a time took far longer.
      process.stdout.write(`[deletion] ${n} documents (${n} pages, ${n} chunks, ${2 * n} mentions) deleted in ${ms} ms\n`);
      expect(ms).toBeLessThan(60_000);
    });
  });
});

/** Backends waiting for a lock that `holder` holds, directly or behind another such waiter. */
async function lockWaiters(holder: Client): Promise<number> {
  const r = await holder.query(
    `WITH RECURSIVE w(pid) AS (
       SELECT pid FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))
       UNION
       SELECT a.pid FROM pg_stat_activity a JOIN w ON w.pid = ANY(pg_blocking_pids(a.pid)))
     SELECT count(*)::int AS n FROM w`,
  );
  return r.rows[0].n;
}

async function jobOf(queue: Queue, documentUuid: string) {
  return queue.getJob(documentUuid);
}

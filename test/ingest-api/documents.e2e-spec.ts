import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { JOBS, QUEUES } from '@casegraph/contracts';
import { cleanupTestData, createTestApp, TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { createProject, finishJob } from '../../apps/ingest-api/src/testing/helpers';

describe('document status, listing and retry', () => {
  let t: TestApp;
  const projectIds: number[] = [];
  let p: { id: number; projectUuid: string };

  beforeAll(async () => {
    t = await createTestApp();
    p = await createProject(t, projectIds, 'docs');
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    await t?.close();
  });

  /** Inserts a document row directly (as the workers would have left it). */
  async function insertDoc(fields: Record<string, unknown> = {}, project = p): Promise<string> {
    const uuid = randomUUID();
    const cols = { document_uuid: uuid, project_fk_id: project.id, project_uuid: project.projectUuid, original_file_name: 'a.pdf', ...fields };
    const names = Object.keys(cols);
    await t.db.query(
      `INSERT INTO source_documents (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(cols),
    );
    return uuid;
  }

  async function failJob(queueName: string, jobName: string, documentUuid: string): Promise<void> {
    const queue = queueName === QUEUES.OCR ? t.ocrQueue : t.graphQueue;
    await finishJob(t, queue, jobName, documentUuid, 'failed');
    expect(await (await queue.getJob(documentUuid))!.isFailed()).toBe(true);
  }

  it('GET /v1/documents/:uuid shows every stage with its timestamps, and the failure reason', async () => {
    const uuid = await insertDoc({
      status: 'failed',
      failed_stage: 'entities',
      error_message: 'entity extraction crashed',
      ocr_status: 'completed',
      ocr_started_at: '2026-01-01T10:00:00Z',
      ocr_completed_at: '2026-01-01T10:00:05Z',
      chunking_status: 'completed',
      chunking_started_at: '2026-01-01T10:00:06Z',
      chunking_completed_at: '2026-01-01T10:00:07Z',
      entities_status: 'failed',
      entities_started_at: '2026-01-01T10:00:08Z',
      entities_completed_at: '2026-01-01T10:00:09Z',
      page_count: 3,
      file_size_bytes: 1234,
      detected_file_type: 'application/pdf',
    });
    const res = await request(t.http).get(`/v1/documents/${uuid}`).expect(200);
    expect(res.body).toEqual({
      documentUuid: uuid,
      projectUuid: p.projectUuid,
      filename: 'a.pdf',
      status: 'failed',
      currentStage: null,
      failedStage: 'entities',
      stages: {
        ocr: { status: 'completed', startedAt: '2026-01-01T10:00:00.000Z', finishedAt: '2026-01-01T10:00:05.000Z', pagesDone: 3, pageCount: 3 },
        chunking: { status: 'completed', startedAt: '2026-01-01T10:00:06.000Z', finishedAt: '2026-01-01T10:00:07.000Z' },
        entities: { status: 'failed', startedAt: '2026-01-01T10:00:08.000Z', finishedAt: '2026-01-01T10:00:09.000Z' },
        resolution: { status: 'pending', startedAt: null, finishedAt: null },
        relationships: { status: 'pending', startedAt: null, finishedAt: null },
      },
      error: 'entity extraction crashed',
      batchId: null,
      fileSizeBytes: 1234,
      fileType: 'application/pdf',
      detectedFileType: 'application/pdf',
      sha256: null,
      pageCount: 3,
      bates: null,
      family: { parent: null, children: [] },
      occurrences: [],
      metadata: {},
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      completedAt: null,
    });
    await request(t.http).get(`/v1/documents/${randomUUID()}`).expect(404);
    const bad = await request(t.http).get('/v1/documents/abc').expect(400);
    expect(bad.body.errors).toEqual([{ field: 'documentUuid', messages: ['documentUuid must be a UUID'] }]);
  });

  it('heals a legacy document without project_uuid when it is read', async () => {
    const [legacy] = await t.db.query(`INSERT INTO projects (name) VALUES ('test-ingest legacy') RETURNING id`);
    projectIds.push(legacy.id);
    const uuid = await insertDoc({ project_uuid: null }, { id: legacy.id, projectUuid: null as unknown as string });
    const res = await request(t.http).get(`/v1/documents/${uuid}`).expect(200);
    expect(res.body.projectUuid).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = await t.db.query(
      `SELECT d.project_uuid AS d, p.project_uuid AS p FROM source_documents d JOIN projects p ON p.id = d.project_fk_id WHERE d.document_uuid = $1`,
      [uuid],
    );
    expect(row).toEqual({ d: res.body.projectUuid, p: res.body.projectUuid });
  });

  it('GET /v1/projects/:projectUuid/documents pages newest first and filters by status', async () => {
    const q = await createProject(t, projectIds, 'list');
    const uuids: string[] = [];
    for (let i = 0; i < 5; i++) {
      uuids.push(await insertDoc({ status: i % 2 ? 'completed' : 'pending', created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) }, q));
    }
    const page1 = await request(t.http).get(`/v1/projects/${q.projectUuid}/documents?page=1&pageSize=2`).expect(200);
    expect(page1.body).toMatchObject({ page: 1, pageSize: 2, total: 5 });
    expect(page1.body.items.map((d: { documentUuid: string }) => d.documentUuid)).toEqual([uuids[4], uuids[3]]);
    const page3 = await request(t.http).get(`/v1/projects/${q.projectUuid}/documents?page=3&pageSize=2`).expect(200);
    expect(page3.body.items.map((d: { documentUuid: string }) => d.documentUuid)).toEqual([uuids[0]]);
    const completed = await request(t.http).get(`/v1/projects/${q.projectUuid}/documents?status=completed`).expect(200);
    expect(completed.body.total).toBe(2);
    expect(completed.body.items.map((d: { documentUuid: string }) => d.documentUuid)).toEqual([uuids[3], uuids[1]]);
    const none = await request(t.http).get(`/v1/projects/${q.projectUuid}/documents?page=9`).expect(200);
    expect(none.body).toMatchObject({ items: [], total: 5 });

    await request(t.http).get(`/v1/projects/${randomUUID()}/documents`).expect(404);
    for (const query of ['status=done', 'status=', 'page=-1', 'pageSize=0', 'foo=bar']) {
      const res = await request(t.http).get(`/v1/projects/${q.projectUuid}/documents?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
  });

  describe('POST /v1/documents/:documentUuid/retry', () => {
    it('re-enqueues a document failed at OCR: the kept failed job is replaced, the row is pending again', async () => {
      const uuid = await insertDoc({
        status: 'failed',
        failed_stage: 'ocr',
        error_message: 'tesseract crashed',
        ocr_status: 'failed',
        ocr_started_at: new Date(),
        ocr_completed_at: new Date(),
        stage_attempts: 3,
      });
      await failJob(QUEUES.OCR, JOBS.OCR_DOCUMENT, uuid);
      const res = await request(t.http).post(`/v1/documents/${uuid}/retry`).expect(202);
      expect(res.body).toEqual({ documentUuid: uuid, status: 'pending', retryFrom: 'ocr', queue: 'ocr', enqueued: true });
      const job = await t.ocrQueue.getJob(uuid);
      expect(await job!.getState()).toBe('waiting');
      expect(job!.data).toEqual({ documentUuid: uuid, filename: expect.any(String), projectUuid: expect.any(String) });
      expect(job!.attemptsMade).toBe(0);
      const [row] = await t.db.query(
        `SELECT status, failed_stage, error_message, ocr_status, ocr_started_at, stage_attempts FROM source_documents WHERE document_uuid = $1`,
        [uuid],
      );
      expect(row).toEqual({
        status: 'pending',
        failed_stage: null,
        error_message: null,
        ocr_status: 'pending',
        ocr_started_at: null,
        stage_attempts: 0,
      });
      // Now it is pending: a second retry is a conflict.
      const again = await request(t.http).post(`/v1/documents/${uuid}/retry`).expect(409);
      expect(again.body.message).toMatch(/Document is pending; only a failed document can be retried/);
    });

    it('re-enqueues a document failed at a graph stage on the graph queue, keeping the completed stages', async () => {
      const uuid = await insertDoc({
        status: 'failed',
        failed_stage: 'resolution',
        ocr_status: 'completed',
        chunking_status: 'completed',
        entities_status: 'completed',
        resolution_status: 'failed',
        error_message: 'deadlock',
      });
      await failJob(QUEUES.GRAPH, JOBS.GRAPH_DOCUMENT, uuid);
      const res = await request(t.http).post(`/v1/documents/${uuid}/retry`).expect(202);
      expect(res.body).toMatchObject({ retryFrom: 'resolution', queue: 'graph', enqueued: true });
      expect(await (await t.graphQueue.getJob(uuid))!.getState()).toBe('waiting');
      expect(await t.ocrQueue.getJob(uuid)).toBeNull();
      const [row] = await t.db.query(
        `SELECT status, ocr_status, chunking_status, entities_status, resolution_status, relationships_status
           FROM source_documents WHERE document_uuid = $1`,
        [uuid],
      );
      expect(row).toEqual({
        status: 'pending',
        ocr_status: 'completed',
        chunking_status: 'completed',
        entities_status: 'completed',
        resolution_status: 'pending',
        relationships_status: 'pending',
      });
    });

    it("re-runs a document left in one of the old system's statuses; CaseGraph's own non-failed statuses are a 409", async () => {
      const old = await insertDoc({ status: 'ocr_failed' });
      const res = await request(t.http).post(`/v1/documents/${old}/retry`).expect(202);
      expect(res.body).toMatchObject({ status: 'pending', retryFrom: 'ocr', queue: 'ocr' });
      for (const status of ['completed', 'processing']) {
        const uuid = await insertDoc({ status });
        const refused = await request(t.http).post(`/v1/documents/${uuid}/retry`).expect(409);
        expect(refused.body.message).toBe(`Document is ${status}; only a failed document can be retried`);
      }
    });

    it('derives the stage when failed_stage is missing (first stage not completed)', async () => {
      const uuid = await insertDoc({ status: 'failed', ocr_status: 'completed', chunking_status: 'failed' });
      const res = await request(t.http).post(`/v1/documents/${uuid}/retry`).expect(202);
      expect(res.body).toMatchObject({ retryFrom: 'chunking', queue: 'graph' });
    });

    it('gives one 202 and 409s to concurrent retries of the same document', async () => {
      const uuid = await insertDoc({ status: 'failed', failed_stage: 'ocr', ocr_status: 'failed' });
      const results = await Promise.all(Array.from({ length: 8 }, () => request(t.http).post(`/v1/documents/${uuid}/retry`)));
      expect(results.map((r) => r.status).sort()).toEqual([202, ...Array(7).fill(409)]);
      expect(await (await t.ocrQueue.getJob(uuid))!.getState()).toBe('waiting');
    });

    it.each(['pending', 'processing', 'completed'])('409 for a %s document, which is left untouched', async (status) => {
      const uuid = await insertDoc({ status });
      const res = await request(t.http).post(`/v1/documents/${uuid}/retry`).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      const [row] = await t.db.query(`SELECT status FROM source_documents WHERE document_uuid = $1`, [uuid]);
      expect(row.status).toBe(status);
      expect(await t.ocrQueue.getJob(uuid)).toBeNull();
    });

    it('404 for an unknown document, 400 for an invalid UUID', async () => {
      await request(t.http).post(`/v1/documents/${randomUUID()}/retry`).expect(404);
      await request(t.http).post('/v1/documents/x/retry').expect(400);
    });
  });
});

import Redis from 'ioredis';
import { Client } from 'pg';
import request from 'supertest';
import { redisKeys } from '@casegraph/contracts';
import { ProjectContextService } from '@casegraph/project-context';
import { cleanupTestData, createTestApp, TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { createProject, footprint } from '../../apps/ingest-api/src/testing/helpers';

const doc = (i: number, extra: Record<string, unknown> = {}) => ({
  filename: `doc-${i}.pdf`,
  s3Bucket: 'casegraph-intake',
  s3Key: `incoming/2026/doc-${i}.pdf`,
  ...extra,
});

describe('POST /v1/batches and GET /v1/batches/:batchId', () => {
  let t: TestApp;
  let redis: Redis;
  const projectIds: number[] = [];
  let p: { id: number; projectUuid: string };

  beforeAll(async () => {
    t = await createTestApp({ MAX_BATCH_DOCUMENTS: '1000', MAX_FILE_MB: '50' });
    redis = new Redis(process.env.REDIS_URL!);
    p = await createProject(t, projectIds, 'batch');
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    redis?.disconnect();
    await t?.close();
  });

  const post = (body: unknown) =>
    request(t.http)
      .post('/v1/batches')
      .send(body as object);

  it('creates every document of a manifest as pending with its batch id, caches contexts and enqueues OCR', async () => {
    const res = await post({
      projectUuid: p.projectUuid,
      documents: [doc(1, { fileSizeMb: 1.5, mimeType: 'application/pdf' }), doc(2), doc(3, { mimeType: 'image/tiff' })],
    }).expect(202);
    expect(res.body).toEqual({
      batchId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      projectUuid: p.projectUuid,
      documents: [1, 2, 3].map((i) => ({ documentUuid: expect.any(String), filename: `doc-${i}.pdf` })),
      enqueued: true,
    });
    const uuids: string[] = res.body.documents.map((d: { documentUuid: string }) => d.documentUuid);
    const rows = await t.db.query(
      `SELECT document_uuid, project_fk_id, project_uuid, batch_id, s3_bucket, s3_key, file_size_bytes, file_type, status
         FROM source_documents WHERE batch_id = $1 ORDER BY id`,
      [res.body.batchId],
    );
    expect(rows).toEqual([
      {
        document_uuid: uuids[0],
        project_fk_id: p.id,
        project_uuid: p.projectUuid,
        batch_id: res.body.batchId,
        s3_bucket: 'casegraph-intake',
        s3_key: 'incoming/2026/doc-1.pdf',
        file_size_bytes: String(1.5 * 1024 * 1024),
        file_type: 'application/pdf',
        status: 'pending',
      },
      expect.objectContaining({ document_uuid: uuids[1], file_size_bytes: null, file_type: null }),
      expect.objectContaining({ document_uuid: uuids[2], file_type: 'image/tiff' }),
    ]);
    for (const uuid of uuids) {
      expect(JSON.parse((await redis.get(redisKeys.docMetadata(uuid)))!)).toMatchObject({
        project_uuid: p.projectUuid,
        document_metadata: { s3_bucket: 'casegraph-intake' },
      });
      // IDs, plus the filename and project for Bull Board (display only).
      expect((await t.ocrQueue.getJob(uuid))?.data).toEqual({ documentUuid: uuid, filename: expect.any(String), projectUuid: p.projectUuid });
    }

    const status = await request(t.http).get(`/v1/batches/${res.body.batchId}`).expect(200);
    expect(status.body).toEqual({
      batchId: res.body.batchId,
      projectUuid: p.projectUuid,
      counts: { pending: 3, processing: 0, completed: 0, failed: 0, total: 3 },
      documents: uuids.map((u, i) => ({
        documentUuid: u,
        filename: `doc-${i + 1}.pdf`,
        status: 'pending',
        currentStage: null,
        failedStage: null,
        error: null,
      })),
    });

    // Counts follow the rows.
    await t.db.query(`UPDATE source_documents SET status = 'failed', failed_stage = 'ocr', error_message = 'unreadable' WHERE document_uuid = $1`, [
      uuids[1],
    ]);
    const after = await request(t.http).get(`/v1/batches/${res.body.batchId}`).expect(200);
    expect(after.body.counts).toEqual({ pending: 2, processing: 0, completed: 0, failed: 1, total: 3 });
    expect(after.body.documents[1]).toMatchObject({ status: 'failed', failedStage: 'ocr', error: 'unreadable' });
  });

  it('costs one multi-row INSERT, one context write and one addBulk for 1,000 documents', async () => {
    const contexts = t.app.get(ProjectContextService);
    const rememberMany = jest.spyOn(contexts, 'rememberMany');
    const addBulk = jest.spyOn(t.ocrQueue, 'addBulk');
    const query = jest.spyOn(Client.prototype, 'query');
    let res;
    let statements: string[] = [];
    let contextCalls: unknown[][] = [];
    let addBulkCalls: unknown[][] = [];
    try {
      res = await post({ projectUuid: p.projectUuid, documents: Array.from({ length: 1000 }, (_, i) => doc(1000 + i)) });
      statements = query.mock.calls.map((c) => String(typeof c[0] === 'string' ? c[0] : (c[0] as { text?: string })?.text));
      contextCalls = rememberMany.mock.calls;
      addBulkCalls = addBulk.mock.calls;
    } finally {
      query.mockRestore();
      rememberMany.mockRestore();
      addBulk.mockRestore();
    }
    expect(res.status).toBe(202);
    expect(res.body.documents).toHaveLength(1000);
    const inserts = statements.filter((s) => /INSERT INTO source_documents/i.test(s));
    expect(inserts).toHaveLength(1);
    expect(statements.length).toBeLessThanOrEqual(6); // BEGIN, project lookup, INSERT, COMMIT (+ pool housekeeping)
    expect(contextCalls).toHaveLength(1);
    expect((contextCalls[0][0] as unknown[]).length).toBe(1000);
    expect(addBulkCalls).toHaveLength(1);
    expect((addBulkCalls[0][0] as unknown[]).length).toBe(1000);
    const rows = await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE batch_id = $1`, [res.body.batchId]);
    expect(rows[0].n).toBe(1000);
    const jobs = await Promise.all(res.body.documents.slice(0, 50).map((d: { documentUuid: string }) => t.ocrQueue.getJob(d.documentUuid)));
    expect(jobs.every((j) => j !== null)).toBe(true);
  });

  it('sanitises a filename with path separators (the key stays as given)', async () => {
    const res = await post({ projectUuid: p.projectUuid, documents: [doc(7, { filename: '../../secret/../contract.pdf' })] }).expect(202);
    expect(res.body.documents[0].filename).toBe('contract.pdf');
  });

  describe('refusals (4xx with field-level messages, nothing written)', () => {
    async function refused(body: unknown, status: number, field: string | null, message: RegExp, raw?: string) {
      const before = await footprint(t, p.id);
      const res = raw !== undefined ? await request(t.http).post('/v1/batches').set('Content-Type', 'application/json').send(raw) : await post(body);
      expect({ status: res.status, type: res.type }).toEqual({ status, type: 'application/json' });
      expect(res.body.statusCode).toBe(status);
      expect(res.body.message).toMatch(message);
      if (field) expect(res.body.errors).toEqual(expect.arrayContaining([{ field, messages: [expect.stringMatching(message)] }]));
      expect(await footprint(t, p.id)).toEqual(before);
    }

    it('malformed JSON', () => refused(null, 400, null, /Malformed JSON body/, '{"projectUuid": "x", "documents": [}'));
    it('a body that is not an object', () => refused(null, 400, null, /must be a JSON object/, '[{"filename":"a"}]'));
    it('unknown fields, top level and nested', async () => {
      await refused({ projectUuid: p.projectUuid, documents: [doc(1)], priority: 'high' }, 400, 'priority', /unknown field priority/);
      await refused(
        { projectUuid: p.projectUuid, documents: [doc(1, { owner: 'me' })] },
        400,
        'documents[0].owner',
        /unknown field documents\[0\]\.owner/,
      );
    });
    it('wrong types', async () => {
      await refused({ projectUuid: 42, documents: [doc(1)] }, 400, 'projectUuid', /projectUuid must be a UUID/);
      await refused({ projectUuid: p.projectUuid, documents: 'all' }, 400, 'documents', /documents must be an array/);
      await refused(
        { projectUuid: p.projectUuid, documents: [doc(1, { fileSizeMb: '12' })] },
        400,
        'documents[0].fileSizeMb',
        /fileSizeMb must be a number/,
      );
      await refused({ projectUuid: p.projectUuid, documents: [doc(1, { filename: 7 })] }, 400, 'documents[0].filename', /filename must be a string/);
      await refused({ projectUuid: p.projectUuid, documents: [doc(1), 'x'] }, 400, 'documents', /documents\[1\] must be a JSON object/);
      await refused(
        { projectUuid: p.projectUuid, documents: [doc(1, { mimeType: 'text/plain' })] },
        400,
        'documents[0].mimeType',
        /mimeType must be one of/,
      );
      await refused(
        { projectUuid: p.projectUuid, documents: [doc(1, { s3Bucket: 'Bad_Bucket!' })] },
        400,
        'documents[0].s3Bucket',
        /valid bucket name/,
      );
    });
    it('a JSON body over JSON_BODY_LIMIT_KB (413, before parsing)', () =>
      refused(
        null,
        413,
        null,
        /Body larger than the limit of 4096 KiB/,
        JSON.stringify({ projectUuid: p.projectUuid, documents: [doc(1, { filename: 'x'.repeat(4200 * 1024) })] }),
      ));
    it('an empty documents array', () => refused({ projectUuid: p.projectUuid, documents: [] }, 400, 'documents', /at least one document/));
    it('a batch over MAX_BATCH_DOCUMENTS', () =>
      refused({ projectUuid: p.projectUuid, documents: Array.from({ length: 1001 }, (_, i) => doc(i)) }, 413, 'documents', /at most 1000/));
    it('a declared file size over MAX_FILE_MB', () =>
      refused(
        { projectUuid: p.projectUuid, documents: [doc(1), doc(2, { fileSizeMb: 51 })] },
        413,
        'documents[1].fileSizeMb',
        /larger than MAX_FILE_MB/,
      ));
    it.each([
      ['../../etc/passwd', /contains a \. or \.\. segment/],
      ['incoming/../../x.pdf', /contains a \. or \.\. segment/],
      ['/etc/passwd', /is an absolute path/],
      ['C:/x.pdf', /is an absolute path/],
      ['incoming/a\u0000b.pdf', /contains a control character/],
      ['incoming\\a.pdf', /contains a backslash/],
      ['', /s3Key is invalid: empty/],
    ])('an unsafe s3Key %j', (s3Key, message) =>
      refused({ projectUuid: p.projectUuid, documents: [doc(1), doc(2, { s3Key })] }, 400, 'documents[1].s3Key', message),
    );
    it('an unknown project (404) and an invalid one (400)', async () => {
      await refused({ projectUuid: '00000000-0000-4000-8000-000000000001', documents: [doc(1)] }, 404, null, /Project .* not found/);
      await refused({ projectUuid: 'nope', documents: [doc(1)] }, 400, 'projectUuid', /must be a UUID/);
    });
    it('GET: invalid batch id (400), unknown batch (404)', async () => {
      const bad = await request(t.http).get('/v1/batches/123').expect(400);
      expect(bad.body.errors).toEqual([{ field: 'batchId', messages: ['batchId must be a UUID'] }]);
      await request(t.http).get('/v1/batches/00000000-0000-4000-8000-000000000002').expect(404);
    });
  });
});

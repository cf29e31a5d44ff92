/**
 * OCR page progress is best effort: with its private Redis stopped, a document (and a project's list) still reads
 * from PostgreSQL, without stages.ocr.pagesDone / pageCount, and the text and file routes do not need Redis.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { redisKeys } from '@casegraph/contracts';
import { PrivateRedis, waitFor } from '@casegraph/testing';
import { cleanupTestData, createTestApp, TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { createProject } from '../../apps/ingest-api/src/testing/helpers';

describe('document progress with Redis down', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  const projectIds: number[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    t = await createTestApp({ REDIS_URL: redis.url, ENQUEUE_TIMEOUT_MS: '500' });
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    await t?.close();
    await redis?.stop();
  });

  it('shows the progress while Redis answers, and omits it (200, not an error) once Redis is gone', async () => {
    const p = await createProject(t, projectIds, 'progress-down');
    const up = await request(t.http)
      .post(`/v1/projects/${p.projectUuid}/documents`)
      .attach('files', Buffer.from(`progress ${randomUUID()}\n`), 'a.txt')
      .expect(202);
    const uuid = up.body.documents[0].documentUuid;
    await t.db.query(`UPDATE source_documents SET status = 'processing', ocr_status = 'processing', current_stage = 'ocr' WHERE document_uuid = $1`, [
      uuid,
    ]);
    const client = new Redis(redis.url);
    await client.hset(redisKeys.docProgress(uuid), { pagesDone: '4', pageCount: '9' });
    client.disconnect();
    await waitFor(async () => (await request(t.http).get(`/v1/documents/${uuid}`)).body.stages?.ocr?.pagesDone === 4, {
      timeoutMs: 20_000,
      what: 'the progress to be read from Redis',
    });

    await redis.stop();
    const res = await request(t.http).get(`/v1/documents/${uuid}`).expect(200);
    expect(res.body.stages.ocr.status).toBe('processing');
    expect(res.body.stages.ocr).not.toHaveProperty('pagesDone');
    expect(res.body.stages.ocr).not.toHaveProperty('pageCount');
    const list = await request(t.http).get(`/v1/projects/${p.projectUuid}/documents`).expect(200);
    expect(list.body.items[0].stages.ocr).not.toHaveProperty('pagesDone');
    await request(t.http).get(`/v1/documents/${uuid}/file`).expect(200);
    await request(t.http).get(`/v1/documents/${uuid}/text`).expect(409);
  });
});

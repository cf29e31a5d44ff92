import { createServer, Server, Socket } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { QUEUES } from '@casegraph/contracts';
import { DATABASE_UNAVAILABLE_MESSAGE } from '../../apps/ingest-api/src/common/api-exception.filter';
import { cleanupTestData, createTestApp, TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { createProject, filesUnder } from '../../apps/ingest-api/src/testing/helpers';
import { PrivateRedis, TcpProxy, freePort, waitFor } from '@casegraph/testing';
import { generatedBytes } from '../../libs/testing/src/documents';

const PDF = generatedBytes('complaint.pdf'); // a generated 6-page text PDF
const manifest = (projectUuid: string, n: number) => ({
  projectUuid,
  documents: Array.from({ length: n }, (_, i) => ({ filename: `d${i}.pdf`, s3Bucket: 'bucket', s3Key: `k/d${i}.pdf` })),
});

// ioredis gives a connection to a dead/hung server disconnectTimeout (2 s) before destroying it: let those
// timers run out so jest exits cleanly.
afterAll(() => new Promise((r) => setTimeout(r, 2500)));

/** A direct connection to the test database, independent of the app's pool. */
async function direct<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('Redis down: ingest keeps accepting; the reconciler enqueues once Redis is back', () => {
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

  it('accepts uploads and batches as pending, then the reconciler gives each exactly one job', async () => {
    const p = await createProject(t, projectIds, 'redis-down');
    await waitFor(() => t.queues.isAvailable(QUEUES.OCR) && t.queues.isAvailable(QUEUES.GRAPH), {
      timeoutMs: 20_000,
      what: 'the queues to be connected',
    });

    await redis.stop();
    await waitFor(() => !t.queues.isAvailable(QUEUES.OCR), { timeoutMs: 20_000, what: 'Bull to notice' });

    const batch = await request(t.http).post('/v1/batches').send(manifest(p.projectUuid, 3)).expect(202);
    expect(batch.body.enqueued).toBe(false);
    const upload = await request(t.http).post(`/v1/projects/${p.projectUuid}/documents`).attach('files', PDF, 'gpl.pdf').expect(202);
    expect(upload.body.enqueued).toBe(false);
    const uuids: string[] = [...batch.body.documents.map((d: { documentUuid: string }) => d.documentUuid), upload.body.documents[0].documentUuid];
    const rows = await t.db.query(`SELECT document_uuid, status, project_uuid FROM source_documents WHERE document_uuid = ANY($1::uuid[])`, [uuids]);
    expect(rows).toHaveLength(4);
    expect(rows.every((r: { status: string; project_uuid: string }) => r.status === 'pending' && r.project_uuid === p.projectUuid)).toBe(true);
    // Status reads are PostgreSQL only: they work too.
    await request(t.http).get(`/v1/documents/${uuids[0]}`).expect(200);

    expect(await t.reconciler.tick({ minAgeSeconds: 0 })).toMatchObject({ skipped: 'redis-unavailable', enqueued: 0 });

    // Redis comes back EMPTY (no persistence).
    await redis.start();
    await waitFor(() => t.queues.isAvailable(QUEUES.OCR) && t.queues.isAvailable(QUEUES.GRAPH), { timeoutMs: 20_000, what: 'Bull to reconnect' });
    const report = await t.reconciler.tick({ minAgeSeconds: 0 });
    expect(report.skipped).toBeUndefined();
    expect(report.enqueued).toBeGreaterThanOrEqual(4);

    for (const uuid of uuids) {
      const job = await t.ocrQueue.getJob(uuid);
      expect({ uuid, id: job?.id, name: job?.name, data: job?.data, state: await job?.getState() }).toEqual({
        uuid,
        id: uuid,
        name: 'ocr-document',
        data: expect.objectContaining({ documentUuid: uuid }),
        state: 'waiting',
      });
    }
    // A second tick adds nothing: the jobIds already exist.
    const waitingBefore = (await t.ocrQueue.getWaiting()).filter((j) => uuids.includes(j.data.documentUuid)).length;
    await t.reconciler.tick({ minAgeSeconds: 0 });
    const waitingAfter = (await t.ocrQueue.getWaiting()).filter((j) => uuids.includes(j.data.documentUuid)).length;
    expect([waitingBefore, waitingAfter]).toEqual([4, 4]);

    // And new requests are enqueued directly again.
    const again = await request(t.http).post('/v1/batches').send(manifest(p.projectUuid, 1)).expect(202);
    expect(again.body.enqueued).toBe(true);
  });
});

describe('Redis hung (accepts connections, never answers): requests still answer in bounded time', () => {
  let hung: Server;
  const sockets = new Set<Socket>();
  let t: TestApp;
  const projectIds: number[] = [];

  beforeAll(async () => {
    const port = await freePort();
    hung = createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => hung.listen(port, '127.0.0.1', () => r()));
    t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}`, ENQUEUE_TIMEOUT_MS: '300' });
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds, t.db);
    // Let the clients see a dead server first, so closing them does not wait on answers that never come.
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => hung?.close(() => r()));
    await t?.close();
  });

  it('POST /v1/batches is 202 with the documents pending', async () => {
    const p = await createProject(t, projectIds, 'redis-hung');
    const res = await request(t.http).post('/v1/batches').send(manifest(p.projectUuid, 2)).expect(202);
    expect(res.body.enqueued).toBe(false);
    const rows = await t.db.query(`SELECT status FROM source_documents WHERE project_fk_id = $1`, [p.id]);
    expect(rows).toEqual([{ status: 'pending' }, { status: 'pending' }]);
  });
});

describe('PostgreSQL down: 503 with a clear message, nothing half-written, recovery by itself', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  const projectIds: number[] = [];

  beforeAll(async () => {
    const target = new URL(process.env.DATABASE_URL!);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    target.port = String(proxy.port);
    t = await createTestApp({ DATABASE_URL: target.toString() });
  });

  afterAll(async () => {
    await proxy?.restore();
    if (t) await cleanupTestData(t, projectIds);
    await t?.close();
    await proxy?.close();
  });

  it('answers 503 on every route while the database is unreachable, writes nothing, and recovers', async () => {
    const p = await createProject(t, projectIds, 'pg-down');
    const ok = await request(t.http).post('/v1/batches').send(manifest(p.projectUuid, 1)).expect(202);
    const known = ok.body.documents[0].documentUuid;
    const filesBefore = await filesUnder(t.storageDir);
    const jobsBefore = await t.ocrQueue.getJobCounts();

    await proxy.cut();

    const calls: Array<[string, () => request.Test]> = [
      ['batch', () => request(t.http).post('/v1/batches').send(manifest(p.projectUuid, 5))],
      ['upload', () => request(t.http).post(`/v1/projects/${p.projectUuid}/documents`).attach('files', PDF, 'gpl.pdf')],
      ['create project', () => request(t.http).post('/v1/projects').send({ name: 'test-ingest never' })],
      ['get project', () => request(t.http).get(`/v1/projects/${p.projectUuid}`)],
      ['list projects', () => request(t.http).get('/v1/projects')],
      ['get document', () => request(t.http).get(`/v1/documents/${known}`)],
      ['list documents', () => request(t.http).get(`/v1/projects/${p.projectUuid}/documents`)],
      ['get batch', () => request(t.http).get(`/v1/batches/${ok.body.batchId}`)],
      ['retry', () => request(t.http).post(`/v1/documents/${known}/retry`)],
    ];
    for (const [what, call] of calls) {
      const res = await call();
      expect({ what, status: res.status, body: res.body }).toEqual({
        what,
        status: 503,
        body: { statusCode: 503, error: 'Service Unavailable', message: DATABASE_UNAVAILABLE_MESSAGE },
      });
      expect(res.headers['retry-after']).toBe('5');
    }

    // Nothing half-written: no rows (checked on a direct connection), no stored objects, no jobs.
    const rows = await direct((c) => c.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [p.id]));
    expect(rows.rows[0].n).toBe(1);
    const stray = await direct((c) => c.query(`SELECT count(*)::int AS n FROM projects WHERE name = 'test-ingest never'`));
    expect(stray.rows[0].n).toBe(0);
    expect(await filesUnder(t.storageDir)).toEqual(filesBefore);
    expect(await t.ocrQueue.getJobCounts()).toEqual(jobsBefore);

    await proxy.restore();
    await waitFor(async () => (await request(t.http).get(`/v1/projects/${p.projectUuid}`)).status === 200, {
      timeoutMs: 20_000,
      what: 'the API to recover',
    });
    await request(t.http).post('/v1/batches').send(manifest(p.projectUuid, 2)).expect(202);
    await request(t.http).post(`/v1/projects/${p.projectUuid}/documents`).attach('files', PDF, 'gpl.pdf').expect(202);
  });
});

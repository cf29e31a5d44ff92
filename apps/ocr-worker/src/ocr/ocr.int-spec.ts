/**
 * The OCR job end to end: real PostgreSQL, Redis and Bull (private prefix),
 * local storage, the local engine. Documents are created as the ingest API
 * creates them; assertions read the database, Redis and the graph queue.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import Redis from 'ioredis';
import { JOBS, documentJobId, joinPages, redisKeys } from '@casegraph/contracts';
import { OpsHttpServer } from '@casegraph/platform';
import { LocalStorageDriver } from '@casegraph/storage';
import { GeneratedDocumentName, buildPdf, generatedDocument } from '@casegraph/testing';
import { WorkerHandle, createDocument, documentState, enqueueOcr, pages, startWorker, waitForJob, waitForOcr } from '../testing/ocr-test-kit';
import { OcrService } from './ocr.service';

jest.setTimeout(120_000);

/** Generated documents (text-layer filings, scans, a corrupt PDF) with known text and page counts. */
const read = (name: GeneratedDocumentName) => generatedDocument(name).bytes;
const pageCount = (name: GeneratedDocumentName) => generatedDocument(name).pages.length;

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('OCR worker job path (real PostgreSQL, Redis, Bull)', () => {
  let w: WorkerHandle;
  let redis: Redis;

  beforeAll(async () => {
    w = await startWorker({ OCR_CONCURRENCY: '2' });
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterAll(async () => {
    await w?.close();
    redis?.disconnect();
  });

  it('extracts a text PDF whose doc:metadata was deleted, and hands it to the graph queue with the right project', async () => {
    const doc = await createDocument(w, { name: 'motion.pdf', bytes: read('motion.pdf') });
    // The seed's failure: the cache entry is gone between ingest and OCR.
    await redis.del(redisKeys.docMetadata(doc.documentUuid));
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state).toMatchObject({
      ocr_status: 'completed',
      error_message: null,
      page_count: 2,
      ocr_provider: 'local',
      detected_file_type: 'application/pdf',
    });
    expect(state.ocr_confidence_score).toBe(100);
    expect(state.ocr_metadata).toMatchObject({ projectUuid: doc.projectUuid, method: 'pdf-text', warnings: [] });
    expect((state.ocr_metadata as { timings: Record<string, number> }).timings.totalMs).toBeGreaterThan(0);

    const rows = await pages(w, doc.documentUuid);
    expect(rows.map((r) => [r.page_number, r.engine])).toEqual([
      [1, 'pdfjs'],
      [2, 'pdfjs'],
    ]);
    expect(state.raw_extracted_text).toBe(joinPages(rows.map((r) => r.text)));
    expect(state.raw_extracted_text).toContain('MOTION TO DISMISS THE SECOND AND FOURTH CLAIMS');

    const graphJob = await w.graphQueue.getJob(documentJobId(doc.documentUuid));
    expect(graphJob).not.toBeNull();
    expect(graphJob!.name).toBe(JOBS.GRAPH_DOCUMENT);
    // The filename and project are handed on for Bull Board (display only).
    expect(graphJob!.data).toEqual({ documentUuid: doc.documentUuid, filename: 'motion.pdf', projectUuid: doc.projectUuid });

    // resolve() went to PostgreSQL and wrote the cache back with the right project.
    const cached = JSON.parse((await redis.get(redisKeys.docMetadata(doc.documentUuid)))!);
    expect(cached.project_uuid).toBe(doc.projectUuid);
    const mirror = await redis.hget(redisKeys.docState(doc.documentUuid), 'ocr');
    expect(JSON.parse(mirror!).status).toBe('completed');
  });

  it('processes a PNG named .pdf as the image it is (type from the bytes, not the name)', async () => {
    const doc = await createDocument(w, { name: 'scan-of-contract.pdf', bytes: read('scanned-notice.png') });
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state.ocr_status).toBe('completed');
    expect(state.detected_file_type).toBe('image/png');
    const rows = await pages(w, doc.documentUuid);
    expect(rows).toHaveLength(1);
    expect(rows[0].engine).toBe('tesseract');
    expect(rows[0].text.length).toBeGreaterThan(50);
    expect(await w.graphQueue.getJob(doc.documentUuid)).not.toBeNull();
  });

  it('fails corrupt, encrypted, empty and unsupported files at once with readable reasons; the rest of the batch completes', async () => {
    const good = await createDocument(w, { name: 'complaint.pdf', bytes: read('complaint.pdf') });
    const corrupt = await createDocument(w, { name: 'corrupt.pdf', bytes: read('corrupt.pdf'), projectId: good.projectId });
    const encrypted = await createDocument(w, {
      name: 'privileged.pdf',
      bytes: buildPdf(['Attorney-client privileged'], { userPassword: 'secret' }),
      projectId: good.projectId,
    });
    const empty = await createDocument(w, { name: 'empty.pdf', bytes: Buffer.alloc(0), projectId: good.projectId });
    // Binary bytes of no known type, named .pdf (plain text is a format of its own now).
    const text = await createDocument(w, {
      name: 'notes.pdf',
      bytes: Buffer.concat([Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0x00]), Buffer.alloc(4096, 0x07)]),
      projectId: good.projectId,
    });
    const all = [good, corrupt, encrypted, empty, text];
    await Promise.all(all.map((d) => enqueueOcr(w, d.documentUuid)));
    const states = await Promise.all(all.map((d) => waitForOcr(w, d.documentUuid)));
    const [g, c, e, z, t] = states;
    expect(g.ocr_status).toBe('completed');
    expect(g.page_count).toBe(pageCount('complaint.pdf'));
    expect(c).toMatchObject({ status: 'failed', ocr_status: 'failed', error_message: expect.stringMatching(/corrupt/i) });
    expect(e).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/password-protected/) });
    expect(z).toMatchObject({ status: 'failed', error_message: 'file is empty (0 bytes)' });
    expect(t).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/^"notes\.pdf" is .*(not a supported|unknown binary)/) });
    // No retry: each bad job failed on its first attempt; no graph job for them.
    for (const d of [corrupt, encrypted, empty, text]) {
      const job = await waitForJob(w.ocrQueue, d.documentUuid);
      expect(await job.isFailed()).toBe(true);
      expect(job.attemptsMade).toBe(1);
      expect(await w.graphQueue.getJob(d.documentUuid)).toBeNull();
      expect(await pages(w, d.documentUuid)).toEqual([]);
    }
    expect(await w.graphQueue.getJob(good.documentUuid)).not.toBeNull();
  });

  it('retries a storage read error with backoff and fails with the cause only after the last attempt', async () => {
    // The stored "file" is a directory: stat works, reading fails with EISDIR (a genuine I/O error).
    const doc = await createDocument(w, { name: 'Apache-2.0.pdf', bytes: null });
    mkdirSync((w.storage.driver as LocalStorageDriver).pathOf(doc.key), { recursive: true });
    await enqueueOcr(w, doc.documentUuid, { attempts: 3, backoff: { type: 'fixed', delay: 200 } });
    const job = await waitForJob(w.ocrQueue, doc.documentUuid);
    expect(await job.isFailed()).toBe(true);
    expect(job.attemptsMade).toBe(3);
    const state = await documentState(w, doc.documentUuid);
    expect(state.ocr_status).toBe('failed');
    expect(state.error_message).toMatch(/EISDIR.*failed after 3 attempts/);
  });

  it('recovers when a transient storage error goes away before the next attempt', async () => {
    const doc = await createDocument(w, { name: 'Apache-2.0.pdf', bytes: null });
    const path = (w.storage.driver as LocalStorageDriver).pathOf(doc.key);
    mkdirSync(path, { recursive: true });
    await enqueueOcr(w, doc.documentUuid, { attempts: 3, backoff: { type: 'fixed', delay: 1500 } });
    for (let i = 0; i < 200; i++) {
      const job = await w.ocrQueue.getJob(doc.documentUuid);
      if (job && job.attemptsMade >= 1) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    // While the document waits for its retry it is still processing, not failed.
    expect((await documentState(w, doc.documentUuid)).ocr_status).toBe('processing');
    rmSync(path, { recursive: true });
    writeFileSync(path, read('motion.pdf'));
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state.ocr_status).toBe('completed');
    const job = await waitForJob(w.ocrQueue, doc.documentUuid);
    expect(job.attemptsMade).toBeGreaterThanOrEqual(1);
  });

  it('is idempotent: a re-run (as after a stalled worker) and two overlapping runs leave the same pages, no duplicates', async () => {
    const doc = await createDocument(w, { name: 'complaint.pdf', bytes: read('complaint.pdf') });
    await enqueueOcr(w, doc.documentUuid);
    await waitForOcr(w, doc.documentUuid);
    await waitForJob(w.ocrQueue, doc.documentUuid);
    const first = await pages(w, doc.documentUuid);
    expect(first).toHaveLength(pageCount('complaint.pdf'));

    // Bull re-delivers the same job id: run it again through the queue.
    const job = await w.ocrQueue.getJob(doc.documentUuid);
    await job!.retry().catch(async () => {
      await job!.remove();
      await enqueueOcr(w, doc.documentUuid);
    });
    await new Promise((r) => setTimeout(r, 100));
    await waitForJob(w.ocrQueue, doc.documentUuid);
    await waitForOcr(w, doc.documentUuid);

    // Two runs at the same time (the stalled original still writing while its re-run starts).
    const service = w.app.get(OcrService);
    await Promise.all([service.processDocument(doc.documentUuid), service.processDocument(doc.documentUuid)]);
    const after = await pages(w, doc.documentUuid);
    expect(after.map((p) => [p.page_number, p.text, p.engine])).toEqual(first.map((p) => [p.page_number, p.text, p.engine]));
    const counts: Array<{ n: string }> = await w.db.query('SELECT count(*) AS n FROM document_pages WHERE document_uuid = $1', [doc.documentUuid]);
    expect(Number(counts[0].n)).toBe(pageCount('complaint.pdf'));
    const graphJobs = (await w.graphQueue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter(
      (j) => j?.data?.documentUuid === doc.documentUuid,
    );
    expect(graphJobs).toHaveLength(1);
    expect((await documentState(w, doc.documentUuid)).ocr_status).toBe('completed');
  });

  it('never runs more jobs at once than OCR_CONCURRENCY (2 here), whatever their names', async () => {
    let active = 0;
    let maxActive = 0;
    const ours = new Set<string>();
    const onActive = (job: { id: string | number }) => {
      if (!ours.has(String(job.id))) return;
      active++;
      maxActive = Math.max(maxActive, active);
    };
    const onDone = (job: { id: string | number }) => {
      if (ours.has(String(job.id))) active--;
    };
    w.ocrQueue.on('active', onActive).on('completed', onDone).on('failed', onDone);
    try {
      const docs = [];
      for (let i = 0; i < 5; i++) docs.push(await createDocument(w, { name: 'complaint.pdf', bytes: read('complaint.pdf') }));
      docs.forEach((d) => ours.add(d.documentUuid));
      await Promise.all(docs.map((d) => enqueueOcr(w, d.documentUuid)));
      const states = await Promise.all(docs.map((d) => waitForOcr(w, d.documentUuid)));
      expect(states.every((s) => s.ocr_status === 'completed')).toBe(true);
      for (const d of docs) await waitForJob(w.ocrQueue, d.documentUuid);
      expect(maxActive).toBeGreaterThanOrEqual(1);
      expect(maxActive).toBeLessThanOrEqual(2);
    } finally {
      w.ocrQueue.off('active', onActive).off('completed', onDone).off('failed', onDone);
    }
  });

  it('fails at once, without retry, a row whose key would escape the storage root', async () => {
    const doc = await createDocument(w, { name: 'x.pdf', bytes: null, key: '../../etc/passwd' });
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state).toMatchObject({ ocr_status: 'failed', error_message: expect.stringContaining('stored file key is not acceptable') });
    expect((await waitForJob(w.ocrQueue, doc.documentUuid)).attemptsMade).toBe(1);
  });

  it('a missing file of a manifest row on local storage names the path it was looked for under STORAGE_DIR, not s3://', async () => {
    const doc = await createDocument(w, { name: 'contract.pdf', bytes: null, key: 'incoming/2026/contract.pdf' });
    await w.db.query(`UPDATE source_documents SET s3_bucket = 'casegraph-intake' WHERE document_uuid = $1`, [doc.documentUuid]);
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state.ocr_status).toBe('failed');
    expect(state.error_message).toContain(
      'stored file not found: STORAGE_DIR/incoming/2026/contract.pdf (local storage; the bucket "casegraph-intake" is not used)',
    );
    expect(state.error_message).not.toContain('s3://');
  });

  it('drops a job whose document does not exist, without retry and without creating anything', async () => {
    const ghost = randomUUID();
    await enqueueOcr(w, ghost);
    const job = await waitForJob(w.ocrQueue, ghost);
    expect(await job.isFailed()).toBe(true);
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain('does not exist');
    expect(await documentState(w, ghost)).toBeUndefined();
    expect(await w.graphQueue.getJob(ghost)).toBeNull();
  });

  it('serves health and OCR metrics on the ops server', async () => {
    const doc = await createDocument(w, { name: 'motion.pdf', bytes: read('motion.pdf') });
    await enqueueOcr(w, doc.documentUuid);
    await waitForOcr(w, doc.documentUuid);
    const port = w.app.get(OpsHttpServer).boundPort!;
    const ready = await get(port, '/health/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body).info).toMatchObject({ ocrQueue: { status: 'up' } });
    const metrics = await get(port, '/metrics');
    expect(metrics.body).toMatch(/casegraph_ocr_documents_total\{engine="local",outcome="completed"\} \d+/);
    expect(metrics.body).toContain('casegraph_ocr_pages_total{engine="pdfjs"}');
  });
});

describe('OCR worker with the project-context cache down', () => {
  it('still resolves the project from PostgreSQL and reaches the graph queue when Redis (cache) refuses connections', async () => {
    // A closed port: every cache call fails fast; Bull keeps the real Redis.
    const w = await startWorker({}, { projectContext: { redisUrl: 'redis://127.0.0.1:1' } });
    try {
      const doc = await createDocument(w, { name: 'motion.pdf', bytes: read('motion.pdf') });
      await enqueueOcr(w, doc.documentUuid);
      const state = await waitForOcr(w, doc.documentUuid);
      expect(state.ocr_status).toBe('completed');
      expect(state.ocr_metadata).toMatchObject({ projectUuid: doc.projectUuid });
      expect((await w.graphQueue.getJob(doc.documentUuid))?.data).toMatchObject({ documentUuid: doc.documentUuid });
    } finally {
      await w.close();
    }
  });
});

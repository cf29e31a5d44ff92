/**
 * A worker killed with SIGKILL in the middle of a job: Bull's stalled-job
 * check hands the job to another worker once the dead worker's lock expires
 * (lock 30 s, check every 15 s: this test takes about a minute), and the re-run
 * leaves exactly one set of pages. The killed worker is the real entry point
 * (apps/ocr-worker/src/main.ts under ts-node) in a child process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpawnedApp, generatedBytes, spawnApp, waitFor } from '@casegraph/testing';
import { WorkerHandle, createDocument, enqueueOcr, pages, startWorker, waitForJob, waitForOcr } from '../testing/ocr-test-kit';

jest.setTimeout(180_000);

describe('a worker killed mid-job', () => {
  let producer: WorkerHandle | undefined;
  let rescuer: WorkerHandle | undefined;
  let child: SpawnedApp | undefined;
  const storageDir = mkdtempSync(join(tmpdir(), 'casegraph-ocr-stalled-'));

  afterAll(async () => {
    await child?.kill();
    await rescuer?.close();
    await producer?.close();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('is picked up again by Bull and the re-run is idempotent', async () => {
    // A producer app that does not consume: OCR_CONCURRENCY applies to its handler, so pause it locally.
    producer = await startWorker({ STORAGE_DIR: storageDir });
    await producer.ocrQueue.pause(true);
    const doc = await createDocument(producer, { name: 'scanned-letter.pdf', bytes: generatedBytes('scanned-letter.pdf') });

    const worker = await spawnApp({ app: 'ocr-worker', env: { BULL_PREFIX: producer.config.bullPrefix, STORAGE_DIR: storageDir, HEALTH_PORT: '0' } });
    child = worker;
    await enqueueOcr(producer, doc.documentUuid);
    // Wait until the child has the job and is in the middle of it (the stage is marked processing).
    await waitFor(
      async () => {
        const job = await producer!.ocrQueue.getJob(doc.documentUuid);
        const rows: Array<{ ocr_status: string }> = await producer!.db.query('SELECT ocr_status FROM source_documents WHERE document_uuid = $1', [
          doc.documentUuid,
        ]);
        return !!job && (await job.isActive()) && rows[0].ocr_status === 'processing';
      },
      {
        timeoutMs: 90_000,
        intervalMs: 100,
        what: 'the child worker to start the job',
        abort: () => (worker.running() ? undefined : 'the child exited'),
        detail: () => worker.output().slice(-3000),
      },
    );
    await new Promise((r) => setTimeout(r, 1500));
    await worker.kill();
    expect(await pages(producer, doc.documentUuid)).toEqual([]);

    // Another worker on the same queue: once the dead worker's lock expires, the stalled job is run again.
    rescuer = await startWorker({ STORAGE_DIR: storageDir, BULL_PREFIX: producer.config.bullPrefix });
    const state = await waitForOcr(rescuer, doc.documentUuid, 120_000);
    expect(state.ocr_status).toBe('completed');
    const job = await waitForJob(rescuer.ocrQueue, doc.documentUuid);
    expect(await job.isCompleted()).toBe(true);
    const rows = await pages(rescuer, doc.documentUuid);
    expect(rows.map((r) => [r.page_number, r.engine])).toEqual([
      [1, 'tesseract'],
      [2, 'tesseract'],
    ]);
    expect(await rescuer.graphQueue.getJob(doc.documentUuid)).not.toBeNull();
  });
});

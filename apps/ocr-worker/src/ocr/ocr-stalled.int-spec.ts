/**
 * A worker killed with SIGKILL in the middle of a job: Bull's stalled-job
 * check hands the job to another worker once the dead worker's lock expires
 * (lock 30 s, check every 15 s: this test takes about a minute), and the re-run
 * leaves exactly one set of pages. The killed worker is the real entry point
 * (apps/ocr-worker/src/main.ts under ts-node) in a child process. It is killed once its page progress shows the
 * first of six pages done, on one tesseract worker: mid-OCR by construction, not by a delay that a faster engine
 * outruns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { redisKeys } from '@casegraph/contracts';
import { buildTiff } from '@casegraph/formats/testing';
import { SpawnedApp, spawnApp, waitFor } from '@casegraph/testing';
import { WorkerHandle, createDocument, enqueueOcr, pages, startWorker, waitForJob, waitForOcr } from '../testing/ocr-test-kit';

jest.setTimeout(180_000);

describe('a worker killed mid-job', () => {
  let producer: WorkerHandle | undefined;
  let rescuer: WorkerHandle | undefined;
  let child: SpawnedApp | undefined;
  const storageDir = mkdtempSync(join(tmpdir(), 'casegraph-ocr-stalled-'));
  const redis = new Redis(process.env.REDIS_URL!);
  const PAGES = 6;

  afterAll(async () => {
    redis.disconnect();
    await child?.kill();
    await rescuer?.close();
    await producer?.close();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('is picked up again by Bull and the re-run is idempotent', async () => {
    // A producer app that does not consume: OCR_CONCURRENCY applies to its handler, so pause it locally.
    producer = await startWorker({ STORAGE_DIR: storageDir });
    await producer.ocrQueue.pause(true);
    const scan = await buildTiff(
      Array.from({ length: PAGES }, (_, i) => ({ lines: [`Exhibit page ${i + 1} of the stalled scan`, 'Halvorsen Marine Logistics'] })),
    );
    const doc = await createDocument(producer, { name: 'stalled-scan.tif', bytes: scan });

    const worker = await spawnApp({
      app: 'ocr-worker',
      env: { BULL_PREFIX: producer.config.bullPrefix, STORAGE_DIR: storageDir, HEALTH_PORT: '0', OCR_TESSERACT_WORKERS: '1' },
    });
    child = worker;
    await enqueueOcr(producer, doc.documentUuid);
    // Wait until the child has the job and is in the middle of its OCR (page 1 of 6 done, the others not).
    await waitFor(
      async () => {
        const job = await producer!.ocrQueue.getJob(doc.documentUuid);
        const done = Number(await redis.hget(redisKeys.docProgress(doc.documentUuid), 'pagesDone'));
        return !!job && (await job.isActive()) && done >= 1;
      },
      {
        timeoutMs: 90_000,
        intervalMs: 20,
        what: 'the child worker to start the job',
        abort: () => (worker.running() ? undefined : 'the child exited'),
        detail: () => worker.output().slice(-3000),
      },
    );
    await worker.kill();
    expect(await pages(producer, doc.documentUuid)).toEqual([]);

    // Another worker on the same queue: once the dead worker's lock expires, the stalled job is run again.
    rescuer = await startWorker({ STORAGE_DIR: storageDir, BULL_PREFIX: producer.config.bullPrefix });
    const state = await waitForOcr(rescuer, doc.documentUuid, 120_000);
    expect(state.ocr_status).toBe('completed');
    const job = await waitForJob(rescuer.ocrQueue, doc.documentUuid);
    expect(await job.isCompleted()).toBe(true);
    const rows = await pages(rescuer, doc.documentUuid);
    expect(rows.map((r) => [r.page_number, r.engine])).toEqual(Array.from({ length: PAGES }, (_, i) => [i + 1, 'tesseract']));
    expect(await rescuer.graphQueue.getJob(doc.documentUuid)).not.toBeNull();
  });
});

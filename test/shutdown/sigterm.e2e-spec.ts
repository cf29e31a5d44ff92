/**
 * SIGTERM to a real worker process (apps/ocr-worker/src/main.ts and
 * apps/graph-worker/src/main.ts under ts-node, each with a private BULL_PREFIX):
 *  - idle: exits 0 at once (it does not sit out the grace);
 *  - mid-job, grace long enough: readiness 503 at once, the job completes in the grace, then exit 0;
 *  - mid-job, grace too short: exit 0 anyway, the job is returned to the queue
 *    (its lock released) and a worker started afterwards completes it.
 * Either way the document is never lost and never duplicated: one set of pages,
 * one OCR job completed, exactly one graph job enqueued.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SpawnedApp, spawnApp, waitFor } from '@casegraph/testing';
import { generatedBytes } from '../../libs/testing/src/documents';
import { WorkerHandle, createDocument, enqueueOcr, pages, startWorker, waitForJob, waitForOcr } from '../../apps/ocr-worker/src/testing/ocr-test-kit';

jest.setTimeout(240_000);

/** Starts an app's real main.ts (spawnApp); its output (JSON logs on stdout) is collected line by line. */
function startApp(app: 'ocr-worker' | 'graph-worker', env: Record<string, string>): Promise<SpawnedApp> {
  return spawnApp({ app, env: { HEALTH_PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'production', ...env } });
}

/** Stops a wait as soon as the child has exited (naming its output). */
const whileRunning = (child: SpawnedApp) => ({
  abort: () => (child.running() ? undefined : `the child exited first (${JSON.stringify(child.exit())})`),
  detail: () => child.lines().join('\n'),
});

/** Waits until the child is running the document's OCR job (active in Bull, stage processing in the database). */
async function waitUntilRunning(producer: WorkerHandle, documentUuid: string, child: SpawnedApp): Promise<void> {
  await waitFor(
    async () => {
      const job = await producer.ocrQueue.getJob(documentUuid);
      const rows: Array<{ ocr_status: string }> = await producer.db.query('SELECT ocr_status FROM source_documents WHERE document_uuid = $1', [
        documentUuid,
      ]);
      return !!job && (await job.isActive()) && rows[0]?.ocr_status === 'processing';
    },
    { timeoutMs: 120_000, intervalMs: 100, what: 'the child to start the job', ...whileRunning(child) },
  );
}

/** Graph jobs enqueued for a document, in any state. */
async function graphJobs(w: WorkerHandle, documentUuid: string): Promise<number> {
  const jobs = await w.graphQueue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'paused']);
  return jobs.filter((j) => j?.data?.documentUuid === documentUuid).length;
}

function parsedLogs(child: SpawnedApp): Array<Record<string, unknown>> {
  return child.lines().flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

describe('SIGTERM', () => {
  const storageDir = mkdtempSync(join(tmpdir(), 'casegraph-sigterm-'));
  const children: SpawnedApp[] = [];
  let producer: WorkerHandle | undefined;
  let rescuer: WorkerHandle | undefined;

  beforeAll(async () => {
    // In-process app that only produces (its own consumer paused locally) and reads the database.
    producer = await startWorker({ STORAGE_DIR: storageDir });
    await producer.ocrQueue.pause(true);
  });

  afterAll(async () => {
    for (const c of children) await c.kill();
    await rescuer?.close();
    await producer?.close();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it.each(['ocr-worker', 'graph-worker'] as const)('%s with no job exits 0 without waiting out the grace', async (app) => {
    const child = await startApp(app, {
      BULL_PREFIX: `bull-test-sigterm-${randomUUID().slice(0, 8)}`,
      STORAGE_DIR: storageDir,
      SHUTDOWN_GRACE_MS: '60000',
    });
    children.push(child);
    await child.waitForOutput('started', 60_000);
    const sentAt = Date.now();
    child.signal('SIGTERM');
    const { code, signal } = await child.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // Far below the 60 s grace: nothing was running, so nothing was waited for.
    expect(Date.now() - sentAt).toBeLessThan(15_000);
  });

  it('mid-job with a long grace: not ready within moments, the job completes, then the worker exits 0', async () => {
    const doc = await createDocument(producer!, {
      name: 'scanned-letter.pdf',
      bytes: generatedBytes('scanned-letter.pdf'),
    });
    const child = await startApp('ocr-worker', { BULL_PREFIX: producer!.config.bullPrefix, STORAGE_DIR: storageDir, SHUTDOWN_GRACE_MS: '120000' });
    children.push(child);
    await enqueueOcr(producer!, doc.documentUuid);
    await waitUntilRunning(producer!, doc.documentUuid, child);
    const opsPort = Number(/health and metrics on :(\d+)/.exec(child.lines().join('\n'))?.[1]);
    expect(opsPort).toBeGreaterThan(0);
    child.signal('SIGTERM');
    // While it drains, the worker says it is not ready (and still serves the probe). The signal is delivered
    // asynchronously, so a probe sent in the same instant may still be answered before the handler runs: poll
    // briefly (the job itself takes several seconds, so this is long before the drain ends).
    let ready = await fetch(`http://127.0.0.1:${opsPort}/health/ready`);
    for (let i = 0; i < 50 && ready.status !== 503; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = await fetch(`http://127.0.0.1:${opsPort}/health/ready`);
    }
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('shutting down');
    const { code, signal } = await child.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });

    // Finished inside the grace by the same process: completed in Bull and in the database.
    const job = await producer!.ocrQueue.getJob(doc.documentUuid);
    expect(await job!.isCompleted()).toBe(true);
    const rows: Array<{ ocr_status: string }> = await producer!.db.query('SELECT ocr_status FROM source_documents WHERE document_uuid = $1', [
      doc.documentUuid,
    ]);
    expect(rows[0].ocr_status).toBe('completed');
    expect((await pages(producer!, doc.documentUuid)).map((p) => p.page_number)).toEqual([1, 2]);
    expect(await graphJobs(producer!, doc.documentUuid)).toBe(1);

    // Its log lines about the document carry the document, project, job and stage.
    const about = parsedLogs(child).filter((l) => JSON.stringify(l).includes(doc.documentUuid));
    expect(about.length).toBeGreaterThan(0);
    for (const line of about) {
      expect(line).toMatchObject({ documentUuid: doc.documentUuid, jobId: doc.documentUuid, stage: 'ocr', service: 'ocr-worker' });
    }
    expect(about.some((l) => l.projectUuid === doc.projectUuid)).toBe(true);
    expect(parsedLogs(child).some((l) => /drained/.test(String(l.msg)))).toBe(true);
  });

  it('mid-job with a short grace: exit 0, the job goes back to the queue and another worker completes it once', async () => {
    const doc = await createDocument(producer!, {
      name: 'scanned-letter.pdf',
      bytes: generatedBytes('scanned-letter.pdf'),
    });
    const child = await startApp('ocr-worker', { BULL_PREFIX: producer!.config.bullPrefix, STORAGE_DIR: storageDir, SHUTDOWN_GRACE_MS: '300' });
    children.push(child);
    await enqueueOcr(producer!, doc.documentUuid);
    await waitUntilRunning(producer!, doc.documentUuid, child);
    child.signal('SIGTERM');
    const { code, signal } = await child.exited;
    // On a bad exit the worker's last output is in the diff, so the cause is in the CI log.
    expect({ code, signal, output: code === 0 ? '' : child.output().slice(-3000) }).toEqual({ code: 0, signal: null, output: '' });
    expect(parsedLogs(child).some((l) => /returning them to the queue/.test(String(l.msg)))).toBe(true);

    // Not finished, not lost: still active in Bull without a lock, nothing written yet.
    const left = await producer!.ocrQueue.getJob(doc.documentUuid);
    expect(await left!.isCompleted()).toBe(false);
    expect(await pages(producer!, doc.documentUuid)).toEqual([]);
    expect(await graphJobs(producer!, doc.documentUuid)).toBe(0);

    // A worker started afterwards takes it back at its first stalled-job check and completes it.
    rescuer = await startWorker({ STORAGE_DIR: storageDir, BULL_PREFIX: producer!.config.bullPrefix });
    const state = await waitForOcr(rescuer, doc.documentUuid, 150_000);
    expect(state.ocr_status).toBe('completed');
    const job = await waitForJob(rescuer.ocrQueue, doc.documentUuid);
    expect(await job.isCompleted()).toBe(true);
    expect((await pages(rescuer, doc.documentUuid)).map((p) => p.page_number)).toEqual([1, 2]);
    expect(await graphJobs(rescuer, doc.documentUuid)).toBe(1);
  });
});

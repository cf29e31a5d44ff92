import { randomUUID } from 'node:crypto';
import { JOBS } from '@casegraph/contracts';
import { cleanupTestData, createTestApp, TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { createProject, finishJob } from '../../apps/ingest-api/src/testing/helpers';

describe('ReconcilerService: every pending document gets a way forward', () => {
  let t: TestApp;
  const projectIds: number[] = [];
  let p: { id: number; projectUuid: string };

  beforeAll(async () => {
    t = await createTestApp({ RECONCILE_MIN_AGE_SECONDS: '5', RECONCILE_BATCH_SIZE: '2' });
    p = await createProject(t, projectIds, 'reconcile');
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    await t?.close();
  });

  async function pendingDoc(fields: Record<string, unknown> = {}, ageSeconds = 60): Promise<string> {
    const uuid = randomUUID();
    const cols: Record<string, unknown> = {
      document_uuid: uuid,
      project_fk_id: p.id,
      project_uuid: p.projectUuid,
      original_file_name: 'r.pdf',
      status: 'pending',
      ...fields,
    };
    const names = Object.keys(cols);
    await t.db.query(
      `INSERT INTO source_documents (${names.join(', ')}, created_at, updated_at)
       VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, now() - make_interval(secs => $${names.length + 1}),
               now() - make_interval(secs => $${names.length + 1}))`,
      [...Object.values(cols), ageSeconds],
    );
    return uuid;
  }

  it('enqueues pending documents without a job (keyset batches), on the queue of their resume stage', async () => {
    const ocr = await Promise.all(Array.from({ length: 5 }, () => pendingDoc()));
    const graph = await pendingDoc({ ocr_status: 'completed', chunking_status: 'completed' });
    const young = await pendingDoc({}, 0);
    const report = await t.reconciler.tick();
    expect(report.skipped).toBeUndefined();
    expect(report.enqueued).toBeGreaterThanOrEqual(6);
    for (const uuid of ocr) {
      const job = await t.ocrQueue.getJob(uuid);
      expect({ name: job?.name, data: job?.data }).toEqual({
        name: JOBS.OCR_DOCUMENT,
        data: { documentUuid: uuid, filename: expect.any(String), projectUuid: expect.any(String) },
      });
    }
    expect((await t.graphQueue.getJob(graph))?.name).toBe(JOBS.GRAPH_DOCUMENT);
    expect(await t.ocrQueue.getJob(graph)).toBeNull();
    // Younger than RECONCILE_MIN_AGE_SECONDS: left to the request that created it.
    expect(await t.ocrQueue.getJob(young)).toBeNull();
    // Not pending: never touched.
    const processing = await pendingDoc({ status: 'processing' });
    const failed = await pendingDoc({ status: 'failed' });
    await t.reconciler.tick();
    expect(await t.ocrQueue.getJob(processing)).toBeNull();
    expect(await t.ocrQueue.getJob(failed)).toBeNull();
  });

  it('leaves an existing waiting job alone and replaces a finished job of a still-pending document', async () => {
    const waiting = await pendingDoc();
    await t.ocrQueue.add(JOBS.OCR_DOCUMENT, { documentUuid: waiting }, { jobId: waiting });
    const before = (await t.ocrQueue.getJob(waiting))!.timestamp;

    const stale = await pendingDoc();
    // A finished job whose document is pending again (e.g. reset by hand): without removal the add is a no-op.
    await finishJob(t, t.ocrQueue, JOBS.OCR_DOCUMENT, stale, 'completed');
    expect(await (await t.ocrQueue.getJob(stale))!.isCompleted()).toBe(true);

    const report = await t.reconciler.tick();
    expect(report.staleJobsRemoved).toBeGreaterThanOrEqual(1);
    expect((await t.ocrQueue.getJob(waiting))!.timestamp).toBe(before);
    const fresh = await t.ocrQueue.getJob(stale);
    expect(await fresh!.getState()).toBe('waiting');
    expect(fresh!.data).toMatchObject({ documentUuid: stale });
  });

  it('runs in one replica at a time (Redis lock) and concurrent ticks in one process share a pass', async () => {
    const docs = await Promise.all(Array.from({ length: 4 }, () => pendingDoc()));
    const other = await createTestApp({ BULL_PREFIX: t.config.bullPrefix, RECONCILE_BATCH_SIZE: '2' });
    try {
      const [a1, a2, b] = await Promise.all([t.reconciler.tick(), t.reconciler.tick(), other.reconciler.tick()]);
      expect(a1).toBe(a2);
      const outcomes = [a1.skipped ?? 'ran', b.skipped ?? 'ran'].sort();
      expect(['ran,ran', 'locked,ran']).toContain(outcomes.join(','));
      for (const uuid of docs) expect(await t.ocrQueue.getJob(uuid)).not.toBeNull();
      const waiting = (await t.ocrQueue.getWaiting()).filter((j) => docs.includes(j.data.documentUuid));
      expect(waiting).toHaveLength(4);
    } finally {
      await other.close();
    }
  });

  it('ticks by itself at start-up when the timer is on', async () => {
    const uuid = await pendingDoc();
    const timed = await createTestApp({ RECONCILE_INTERVAL_SECONDS: '3600' });
    try {
      const deadline = Date.now() + 15_000;
      while (!(await timed.ocrQueue.getJob(uuid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect((await timed.ocrQueue.getJob(uuid))?.data).toMatchObject({ documentUuid: uuid });
    } finally {
      await timed.close();
      await cleanupTestData(timed, []);
    }
  });
});

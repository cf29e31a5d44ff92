/**
 * The sweeper in the running stack: a document left `processing` by a worker that died after starting the
 * stage, and whose Bull job is gone, is re-enqueued by the sweeper's timer and completed by a live worker;
 * one that has already been started MAX_STAGE_ATTEMPTS times is failed with "stuck in <stage> since …".
 * No document stays `processing` forever.
 */
import { PipelineStack, waitUntilDone } from '../support/pipeline-harness';
import { PrivateDatabase, createPrivateDatabase, waitFor } from '@casegraph/testing';
import { FAST_RECOVERY_ENV } from './scenario';

jest.setTimeout(180_000);

describe('fault scenario: documents stuck in processing', () => {
  let db: PrivateDatabase;
  let stack: PipelineStack;

  beforeAll(async () => {
    db = await createPrivateDatabase('stuck');
    stack = await PipelineStack.start({ databaseUrl: db.url, apiEnv: { ...FAST_RECOVERY_ENV, MAX_STAGE_ATTEMPTS: '3' } });
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  it('the sweeper re-enqueues a stranded document (completed by a worker) and fails one out of attempts', async () => {
    // Uploaded while no worker runs; then the jobs are lost and the rows look like a dead worker's.
    const projects = await stack.ingest([{ label: 'S', files: ['complaint.pdf', 'motion.pdf'] }]);
    const [revived, hopeless] = projects[0].documents;
    for (const d of projects[0].documents) {
      await waitFor(async () => !!(await stack.api.ocrQueue.getJob(d.documentUuid)), { timeoutMs: 10_000, what: 'the upload job' });
      await (await stack.api.ocrQueue.getJob(d.documentUuid))!.remove();
    }
    const strand = (uuid: string, attempts: number) =>
      stack.db.query(
        `UPDATE source_documents SET status = 'processing', current_stage = 'ocr', ocr_status = 'processing',
                ocr_started_at = now() - interval '1 hour', stage_attempts = $2 WHERE document_uuid = $1`,
        [uuid, attempts],
      );
    await strand(revived.documentUuid, 1);
    await strand(hopeless.documentUuid, 3);

    const t0 = Date.now();
    await stack.startWorker('ocr');
    await stack.startWorker('graph');
    await waitUntilDone(stack.db, projects, 120_000);
    const rows: Array<{ document_uuid: string; status: string; error_message: string | null; chunks: number }> = await stack.db.query(
      `SELECT document_uuid, status, error_message,
              (SELECT count(*)::int FROM document_chunks c WHERE c.document_uuid = d.document_uuid) AS chunks
         FROM source_documents d WHERE project_uuid = $1`,
      [projects[0].projectUuid],
    );
    const byUuid = new Map(rows.map((r) => [r.document_uuid, r]));
    expect(byUuid.get(revived.documentUuid)).toMatchObject({ status: 'completed', error_message: null });
    expect(byUuid.get(revived.documentUuid)!.chunks).toBeGreaterThan(0);
    expect(byUuid.get(hopeless.documentUuid)).toMatchObject({ status: 'failed' });
    expect(byUuid.get(hopeless.documentUuid)!.error_message).toMatch(/^stuck in ocr since \d{4}-/);
    console.info(`[faults] stuck-document: documents=2 revived=1 failed-as-stuck=1 recover=${((Date.now() - t0) / 1000).toFixed(1)}s`);
  });
});

/**
 * A worker killed with SIGKILL in the middle of a job: Bull's stalled-job
 * check hands the job to another worker once the dead worker's lock expires
 * (lock 30 s, check every 15 s: this test takes about a minute), and the re-run
 * leaves exactly one set of pages. The killed worker is the real entry point
 * (apps/ocr-worker/src/main.ts under ts-node) in a child process.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixtureDocument } from '../../../../test/support/fixtures';
import { WorkerHandle, createDocument, enqueueOcr, pages, startWorker, waitForJob, waitForOcr } from '../testing/ocr-test-kit';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '../../../..');

describe('a worker killed mid-job', () => {
  let producer: WorkerHandle | undefined;
  let rescuer: WorkerHandle | undefined;
  let child: ChildProcess | undefined;
  const storageDir = mkdtempSync(join(tmpdir(), 'casegraph-ocr-stalled-'));

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await rescuer?.close();
    await producer?.close();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('is picked up again by Bull and the re-run is idempotent', async () => {
    // A producer app that does not consume: OCR_CONCURRENCY applies to its handler, so pause it locally.
    producer = await startWorker({ STORAGE_DIR: storageDir });
    await producer.ocrQueue.pause(true);
    const doc = await createDocument(producer, { name: 'Apache-2.0-scanned.pdf', bytes: readFileSync(fixtureDocument('Apache-2.0-scanned.pdf')) });

    child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/ocr-worker/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        BULL_PREFIX: producer.config.bullPrefix,
        STORAGE_DIR: storageDir,
        HEALTH_PORT: '0',
        TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      },
      stdio: 'ignore',
    });
    await enqueueOcr(producer, doc.documentUuid);
    // Wait until the child has the job and is in the middle of it (the stage is marked processing).
    const deadline = Date.now() + 90_000;
    for (;;) {
      const job = await producer.ocrQueue.getJob(doc.documentUuid);
      const rows: Array<{ ocr_status: string }> = await producer.db.query('SELECT ocr_status FROM source_documents WHERE document_uuid = $1', [doc.documentUuid]);
      if (job && (await job.isActive()) && rows[0].ocr_status === 'processing') break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the child worker never started the job');
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
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

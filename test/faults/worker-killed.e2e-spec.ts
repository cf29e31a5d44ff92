/**
 * Scenario 3, worker killed: the ocr-worker and the graph-worker run as child processes (their real
 * main.ts under ts-node) and each is SIGKILLed while it holds an active job; new ones are started. Bull's
 * stalled-job check hands the dead workers' jobs to the new ones once the lock lapses (lock 30 s, check
 * every 15 s), and the re-runs leave nothing duplicated.
 */
import type { Queue } from 'bull';
import { getQueueToken } from '@nestjs/bull';
import { QUEUES } from '@casegraph/contracts';
import { PipelineStack, WorkerProcess, waitUntilDone } from '../support/pipeline-harness';
import { PrivateDatabase, createPrivateDatabase, waitFor } from '@casegraph/testing';
import { FAST_RECOVERY_ENV, PLAN, assertScenario, baseline } from './scenario';

jest.setTimeout(420_000);

describe('fault scenario: workers killed mid-job', () => {
  let db: PrivateDatabase;
  let stack: PipelineStack;

  beforeAll(async () => {
    db = await createPrivateDatabase('killed');
    // The sweeper's stage timeout is above Bull's stalled-job window here: the rescue under test is Bull's.
    stack = await PipelineStack.start({ databaseUrl: db.url, apiEnv: { ...FAST_RECOVERY_ENV, STAGE_TIMEOUT_SECONDS: '300' } });
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  /** SIGKILLs `w` as soon as it has an active job on `queue`; returns the ids of the jobs it died holding. */
  async function killMidJob(w: WorkerProcess, queue: Queue): Promise<string[]> {
    await waitFor(async () => (await queue.getActiveCount()) > 0, { timeoutMs: 120_000, what: `an active job on ${queue.name}` });
    await w.kill();
    return (await queue.getActive()).map((j) => String(j.id));
  }

  it('SIGKILL on the ocr-worker and on the graph-worker: stalled jobs re-run, nothing duplicated', async () => {
    const ocrQueue = stack.api.app.get<Queue>(getQueueToken(QUEUES.OCR));
    const graphQueue = stack.api.app.get<Queue>(getQueueToken(QUEUES.GRAPH));
    const ocr1 = await stack.startWorker('ocr', 'child');
    const graph1 = await stack.startWorker('graph', 'child');
    const base = await baseline(stack);

    // OCR_CONCURRENCY 1 and six documents: there is a job in flight to be killed in.
    const projects = await stack.ingest(PLAN);
    const t0 = Date.now();
    const orphanedOcr = await killMidJob(ocr1, ocrQueue);
    const ocrKilledAt = Date.now();
    expect(orphanedOcr.length).toBeGreaterThan(0);
    await stack.startWorker('ocr', 'child');
    const orphanedGraph = await killMidJob(graph1, graphQueue);
    expect(orphanedGraph.length).toBeGreaterThan(0);
    await stack.startWorker('graph', 'child');

    await waitUntilDone(stack.db, projects, 240_000);
    const recoverMs = Date.now() - t0;
    // The orphaned jobs were finished by the new workers (not left active).
    for (const id of orphanedOcr) expect(['completed', 'failed']).toContain(await (await ocrQueue.getJob(id))?.getState());
    const figures = await assertScenario('worker-killed', stack.db, projects, base, recoverMs);
    expect(figures.duplicates).toBe(0);
    console.info(
      `[faults] worker-killed: orphaned ocr jobs=${orphanedOcr.length} graph jobs=${orphanedGraph.length}, ` +
        `ocr kill to done ${((Date.now() - ocrKilledAt) / 1000).toFixed(1)}s`,
    );
  });
});

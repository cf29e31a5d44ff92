/**
 * Scenario 5, scale-out: two instances of each worker on the same queues (and two API instances ticking
 * the reconciler and sweeper). Jobs are shared out, nothing is processed twice into the graph.
 */
import { TestApp, createTestApp } from '../../apps/ingest-api/src/testing/test-app';
import { PipelineStack, waitUntilDone } from '../support/pipeline-harness';
import { PrivateDatabase, createPrivateDatabase } from '@casegraph/testing';
import { FAST_RECOVERY_ENV, PLAN, assertScenario, baseline } from './scenario';

jest.setTimeout(300_000);

describe('fault scenario: scale-out', () => {
  let db: PrivateDatabase;
  let stack: PipelineStack;
  let secondApi: TestApp | undefined;

  beforeAll(async () => {
    db = await createPrivateDatabase('scale');
    stack = await PipelineStack.start({ databaseUrl: db.url, apiEnv: FAST_RECOVERY_ENV });
    await stack.startWorker('ocr');
    await stack.startWorker('graph');
  });

  afterAll(async () => {
    await secondApi?.close();
    await stack?.close();
    await db?.drop();
  });

  it('two OCR workers and two graph workers at once: every document once, the graph equals the baseline', async () => {
    const base = await baseline(stack);
    await stack.startWorker('ocr', 'in-process', { OCR_CONCURRENCY: '2' });
    await stack.startWorker('graph', 'in-process', { GRAPH_CONCURRENCY: '2' });
    secondApi = await createTestApp({ DATABASE_URL: db.url, BULL_PREFIX: stack.bullPrefix, ...FAST_RECOVERY_ENV });
    const t0 = Date.now();
    // Both projects ingested at once while both API instances tick the reconciler and the sweeper.
    const [a, b] = await Promise.all([stack.ingest([PLAN[0]]), stack.ingest([PLAN[1]])]);
    const projects = [...a, ...b];
    await waitUntilDone(stack.db, projects, 180_000);
    const figures = await assertScenario('scale-out', stack.db, projects, base, Date.now() - t0);
    expect(figures.duplicates).toBe(0);
  });
});

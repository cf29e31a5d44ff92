/**
 * Scenario 1, the seed's failure: the cache's Redis is wiped (FLUSHALL) right after ingest and again
 * mid-OCR. A private redis-server serves the whole stack (cache and Bull), so the flush also drops every
 * queued job: the reconciler (pending documents) and the sweeper (processing ones) must bring them home,
 * and no stage may depend on doc:metadata being present.
 */
import Redis from 'ioredis';
import { PipelineStack, waitUntilDone } from '../support/pipeline-harness';
import { PrivateDatabase, PrivateRedis, createPrivateDatabase, waitFor } from '@casegraph/testing';
import { FAST_RECOVERY_ENV, PLAN, assertScenario, baseline, ocrStarted } from './scenario';

jest.setTimeout(300_000);

describe('fault scenario: cache wiped', () => {
  let db: PrivateDatabase;
  let redis: PrivateRedis;
  let stack: PipelineStack;

  beforeAll(async () => {
    [db, redis] = await Promise.all([createPrivateDatabase('cache'), PrivateRedis.start()]);
    stack = await PipelineStack.start({ databaseUrl: db.url, redisUrl: redis.url, apiEnv: FAST_RECOVERY_ENV });
    await stack.startWorker('ocr');
    await stack.startWorker('graph');
  });

  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
    await db?.drop();
  });

  it('FLUSHALL after ingest and mid-OCR: every document comes home, no duplicates, the graph equals the baseline', async () => {
    const base = await baseline(stack);
    const client = new Redis(redis.url);
    try {
      const projects = await stack.ingest(PLAN);
      const t0 = Date.now();
      await client.flushall();
      await waitFor(() => ocrStarted(stack.db, projects), { timeoutMs: 60_000, what: 'OCR to start' });
      await client.flushall();
      const metadataKeys = await client.keys('doc:metadata:*');
      expect(metadataKeys).toEqual([]);
      await waitUntilDone(stack.db, projects, 180_000);
      const figures = await assertScenario('cache-wiped', stack.db, projects, base, Date.now() - t0);
      expect(figures.duplicates).toBe(0);
    } finally {
      client.disconnect();
    }
  });
});

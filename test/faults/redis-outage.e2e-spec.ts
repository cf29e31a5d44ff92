/**
 * Scenario 2, Redis outage: the stack's (private) Redis is stopped for 10 s mid-run and comes back EMPTY
 * (no persistence): every queued job and cache entry is gone. Ingest keeps accepting during the outage
 * (documents stay pending), the workers reconnect by themselves, and the reconciler (pending documents)
 * and the sweeper (documents left processing) bring every document home.
 */
import request from 'supertest';
import { PipelineStack, waitUntilDone } from '../support/pipeline-harness';
import { PrivateDatabase, PrivateRedis, createPrivateDatabase, waitFor } from '@casegraph/testing';
import { FAST_RECOVERY_ENV, PLAN, assertScenario, baseline, ocrStarted } from './scenario';

jest.setTimeout(300_000);

describe('fault scenario: Redis outage', () => {
  let db: PrivateDatabase;
  let redis: PrivateRedis;
  let stack: PipelineStack;

  beforeAll(async () => {
    [db, redis] = await Promise.all([createPrivateDatabase('redisout'), PrivateRedis.start()]);
    stack = await PipelineStack.start({ databaseUrl: db.url, redisUrl: redis.url, apiEnv: FAST_RECOVERY_ENV });
    await stack.startWorker('ocr');
    await stack.startWorker('graph');
  });

  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
    await db?.drop();
  });

  it('stopped 10 s mid-run and restarted empty: ingest accepts meanwhile, every document comes home', async () => {
    const base = await baseline(stack);
    const first = await stack.ingest([PLAN[0]]);
    await waitFor(() => ocrStarted(stack.db, first), { timeoutMs: 60_000, what: 'OCR to start' });
    const t0 = Date.now();
    await redis.stop();

    // During the outage: uploads are still accepted, left pending for the reconciler.
    const second = await stack.ingest([PLAN[1]]);
    const during: Array<{ status: string }> = await stack.db.query(`SELECT status FROM source_documents WHERE project_uuid = $1`, [
      second[0].projectUuid,
    ]);
    expect(during.map((d) => d.status)).toEqual(PLAN[1].files.map(() => 'pending'));
    const health = await request(stack.api.http).get('/health/live');
    expect(health.status).toBe(200);

    await new Promise((r) => setTimeout(r, 10_000));
    await redis.start(); // empty: no persistence
    const projects = [...first, ...second];
    await waitUntilDone(stack.db, projects, 180_000);
    const figures = await assertScenario('redis-outage', stack.db, projects, base, Date.now() - t0);
    expect(figures.duplicates).toBe(0);
  });
});

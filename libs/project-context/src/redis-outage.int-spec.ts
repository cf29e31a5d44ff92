import Redis from 'ioredis';
import { performance } from 'node:perf_hooks';
import { register } from 'prom-client';
import { redisKeys } from '@casegraph/contracts';
import { SELECT_ONE_SQL } from './context-repository';
import { ProjectContextModuleOptions } from './project-context.types';
import { PrivateRedis, RedisProxy, SeededDoc, cleanup, seedDocument, seedProject, startHungServer, waitFor } from '@casegraph/testing';
import { TestApp, createTestApp, interceptPool } from './testing/test-app';

/** Default budget: resolution without Redis costs at most this on top of the SQL query. */
const BUDGET_MS = 150;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

async function counter(name: string): Promise<number> {
  const m = register.getSingleMetric(`casegraph_project_context_${name}`);
  const { values } = await m!.get();
  return values.reduce((a, v) => a + v.value, 0);
}

const eventually = (check: () => Promise<boolean>, timeoutMs = 10_000) => waitFor(check, { timeoutMs, what: 'the expected cache state' });

describe('Redis down or hung: answers come from PostgreSQL within the budget', () => {
  // The shared DataSource seeds rows; each case builds its own app pointed at its own (broken) Redis.
  let seed: TestApp;
  const projects: number[] = [];
  const apps: TestApp[] = [];

  const world = async () => {
    const p = await seedProject(seed.db);
    projects.push(p.id);
    const docs: SeededDoc[] = [];
    for (let i = 0; i < 6; i++) docs.push(await seedDocument(seed.db, p));
    return { p, docs };
  };
  const app = async (options: Partial<ProjectContextModuleOptions>) => {
    const a = await createTestApp(options);
    apps.push(a);
    return a;
  };
  /** The SQL part of a resolution on this machine right now (worst of a few direct lookups). */
  const sqlMs = async (db: TestApp['db'], documentUuid: string) => {
    let worst = 0;
    for (let i = 0; i < 5; i++) worst = Math.max(worst, (await timed(() => db.query(SELECT_ONE_SQL, [documentUuid])))[1]);
    return worst;
  };

  beforeAll(async () => {
    seed = await createTestApp();
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await cleanup(seed.db, projects);
    await seed.close();
  });

  it('Redis stopped: correct answers within the budget, writes do not throw, caching resumes by itself when it is back', async () => {
    const redis = await PrivateRedis.start();
    const raw = new Redis(redis.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    raw.on('error', () => undefined);
    try {
      await raw.connect();
      const { p, docs } = await world();
      const t = await app({ redisUrl: redis.url });
      await t.service.resolve(docs[0].documentUuid);
      await t.service.settle();
      expect(await raw.exists(redisKeys.docMetadata(docs[0].documentUuid))).toBe(1);

      await redis.stop();
      const fallbacks = await counter('db_fallbacks_total');
      const errors = await counter('redis_errors_total');
      const budget = (await sqlMs(t.db, docs[0].documentUuid)) + BUDGET_MS;
      for (const d of docs) {
        const [ctx, ms] = await timed(() => t.service.resolve(d.documentUuid));
        expect(ctx.projectUuid).toBe(p.projectUuid);
        expect(ms).toBeLessThanOrEqual(budget);
      }
      const many = await t.service.resolveMany(docs.map((d) => d.documentUuid));
      expect([...many.values()].map((c) => c.projectUuid)).toEqual(Array(6).fill(p.projectUuid));
      await expect(t.service.remember(many.get(docs[1].documentUuid)!)).resolves.toBeUndefined();
      await expect(t.service.rememberMany([...many.values()])).resolves.toBeUndefined();
      await expect(t.service.invalidate(docs[2].documentUuid)).resolves.toBeUndefined();
      expect(t.service.pendingInvalidationCount).toBe(1);
      expect(t.service.breakerState).not.toBe('closed');
      expect(await counter('db_fallbacks_total')).toBeGreaterThan(fallbacks);
      expect(await counter('redis_errors_total')).toBeGreaterThan(errors);
      expect(await register.metrics()).toMatch(/casegraph_project_context_breaker_state 2/);

      await redis.start();
      await raw.connect().catch(() => undefined);
      await eventually(async () => {
        await t.service.resolve(docs[3].documentUuid);
        await t.service.settle();
        return (await raw.exists(redisKeys.docMetadata(docs[3].documentUuid))) === 1;
      });
      expect(t.service.breakerState).toBe('closed');
      // The invalidation made while Redis was gone was replayed (its version counter now exists).
      await eventually(async () => t.service.pendingInvalidationCount === 0);
      expect(await raw.get(redisKeys.docMetadataVersion(docs[2].documentUuid))).toBe('1');
    } finally {
      raw.disconnect();
      await redis.stop();
    }
  });

  it('Redis hung from the start (accepts TCP, never answers): correct answers within the budget', async () => {
    const hung = await startHungServer();
    try {
      const { p, docs } = await world();
      const t = await app({ redisUrl: hung.url });
      const budget = (await sqlMs(t.db, docs[0].documentUuid)) + BUDGET_MS;
      for (const d of docs) {
        const [ctx, ms] = await timed(() => t.service.resolve(d.documentUuid));
        expect(ctx.projectUuid).toBe(p.projectUuid);
        expect(ms).toBeLessThanOrEqual(budget);
      }
      const [, ms] = await timed(() => t.service.invalidate(docs[0].documentUuid));
      expect(ms).toBeLessThanOrEqual(BUDGET_MS);
    } finally {
      await hung.close();
    }
  });

  it('Redis hangs after the client is ready: each call within the budget, the breaker opens, caching resumes when it answers again', async () => {
    const redis = await PrivateRedis.start();
    const proxy = await RedisProxy.start(redis.port);
    const raw = new Redis(redis.url);
    try {
      const { p, docs } = await world();
      const t = await app({ redisUrl: proxy.url });
      // Caching works through the proxy before it hangs (the client may still be connecting on a busy machine).
      await eventually(async () => {
        await t.service.resolve(docs[0].documentUuid);
        await t.service.settle();
        return (await raw.exists(redisKeys.docMetadata(docs[0].documentUuid))) === 1;
      });

      proxy.hang();
      const budget = (await sqlMs(t.db, docs[0].documentUuid)) + BUDGET_MS;
      const timings: number[] = [];
      for (const d of docs) {
        const [ctx, ms] = await timed(() => t.service.resolve(d.documentUuid));
        expect(ctx.projectUuid).toBe(p.projectUuid);
        timings.push(ms);
      }
      expect(Math.max(...timings)).toBeLessThanOrEqual(budget);
      expect(t.service.breakerState).toBe('open');
      await expect(t.service.invalidate(docs[5].documentUuid)).resolves.toBeUndefined();

      proxy.resume();
      await eventually(async () => {
        await t.service.resolve(docs[4].documentUuid);
        await t.service.settle();
        return (await raw.exists(redisKeys.docMetadata(docs[4].documentUuid))) === 1;
      });
      expect(t.service.breakerState).toBe('closed');
    } finally {
      raw.disconnect();
      await proxy.stop();
      await redis.stop();
    }
  });

  it('an invalidation made while Redis is unreachable is replayed when it returns: the stale entry does not come back', async () => {
    const redis = await PrivateRedis.start();
    const proxy = await RedisProxy.start(redis.port);
    const raw = new Redis(redis.url);
    try {
      const { p, docs } = await world();
      const other = await seedProject(seed.db);
      projects.push(other.id);
      const d = docs[0];
      const t = await app({ redisUrl: proxy.url });
      expect((await t.service.resolve(d.documentUuid)).projectUuid).toBe(p.projectUuid);
      await t.service.settle();

      await proxy.stop();
      await seed.db.query(`UPDATE source_documents SET project_fk_id = $2, project_uuid = $3 WHERE document_uuid = $1`, [
        d.documentUuid,
        other.id,
        other.projectUuid,
      ]);
      await t.service.invalidate(d.documentUuid);
      expect(t.service.pendingInvalidationCount).toBe(1);
      expect((await t.service.resolve(d.documentUuid)).projectUuid).toBe(other.projectUuid);
      // Redis itself still holds the old entry.
      expect(JSON.parse((await raw.get(redisKeys.docMetadata(d.documentUuid)))!).project_uuid).toBe(p.projectUuid);

      await proxy.start();
      await eventually(async () => t.service.pendingInvalidationCount === 0 && t.service.breakerState === 'closed');
      expect((await t.service.resolve(d.documentUuid)).projectUuid).toBe(other.projectUuid);
      await t.service.settle();
      expect(JSON.parse((await raw.get(redisKeys.docMetadata(d.documentUuid)))!).project_uuid).toBe(other.projectUuid);
    } finally {
      raw.disconnect();
      await proxy.stop();
      await redis.stop();
    }
  });

  it('the number of concurrent DB fallbacks is bounded', async () => {
    const redis = await PrivateRedis.start();
    await redis.stop();
    const p = await seedProject(seed.db);
    projects.push(p.id);
    const docs = await Promise.all(Array.from({ length: 30 }, () => seedDocument(seed.db, p)));
    const t = await app({ redisUrl: redis.url, maxConcurrentDbLookups: 3 });
    let inFlight = 0;
    let peak = 0;
    interceptPool(t.db, async (sql, _params, run) => {
      if (sql !== SELECT_ONE_SQL) return run();
      peak = Math.max(peak, ++inFlight);
      try {
        await new Promise((r) => setTimeout(r, 5));
        return await run();
      } finally {
        inFlight--;
      }
    });
    const results = await Promise.all(docs.map((d) => t.service.resolve(d.documentUuid)));
    expect(results.every((r) => r.projectUuid === p.projectUuid)).toBe(true);
    expect(peak).toBe(3);
  });
});

/**
 * The shared fixture of the resolver's integration specs: one test app on the shared PostgreSQL and
 * Redis, a raw Redis connection to look at what was written, and rows and keys of our own that are
 * removed after the spec. Call `useWorld()` at the top of a `describe`.
 */
import Redis from 'ioredis';
import { register } from 'prom-client';
import { redisKeys } from '@casegraph/contracts';
import { SeededDoc, cleanup, seedDocument, seedProject } from '@casegraph/testing';
import { TestApp, createTestApp } from './test-app';

/** The current value of a resolver metric, summed over the series whose labels match. */
export async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = register.getSingleMetric(`casegraph_project_context_${name}`);
  if (!m) return NaN;
  const { values } = await m.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))
    .reduce((a, v) => a + v.value, 0);
}

export interface World {
  /** The app under test (built in beforeAll). */
  readonly t: TestApp;
  /** A plain connection to the shared Redis. */
  readonly redis: Redis;
  /** A project of our own, removed after the spec. */
  project(opts?: { legacy?: boolean }): Promise<{ id: number; projectUuid: string | null; name: string }>;
  /** A document of a project; its cache keys are removed after the spec. */
  doc(p: { id: number; projectUuid: string | null }, opts?: { legacy?: boolean }): Promise<SeededDoc>;
  /** Cache keys (or project ids) to remove after the spec. */
  track(keys: string[], projectIds?: number[]): void;
  /** The entry as another process sees it, once this instance's write-backs have landed. */
  entry(documentUuid: string): Promise<any>;
}

export function useWorld(): World {
  let t: TestApp;
  let redis: Redis;
  const projects: number[] = [];
  const keys: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    redis = new Redis(process.env.REDIS_URL!);
  });

  afterAll(async () => {
    await cleanup(t.db, projects);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    await t.close();
    redis.disconnect();
  });

  beforeEach(() => t.counter.reset());

  return {
    get t() {
      return t;
    },
    get redis() {
      return redis;
    },
    async project(opts = {}) {
      const p = await seedProject(t.db, opts);
      projects.push(p.id);
      return p;
    },
    async doc(p, opts = {}) {
      const d = await seedDocument(t.db, p, opts);
      keys.push(redisKeys.docMetadata(d.documentUuid), redisKeys.docMetadataMissing(d.documentUuid), redisKeys.docMetadataVersion(d.documentUuid));
      return d;
    },
    track(more, projectIds = []) {
      keys.push(...more);
      projects.push(...projectIds);
    },
    async entry(documentUuid) {
      await t.service.settle();
      const raw = await redis.get(redisKeys.docMetadata(documentUuid));
      return raw === null ? null : JSON.parse(raw);
    },
  };
}

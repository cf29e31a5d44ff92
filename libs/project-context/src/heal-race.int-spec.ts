import Redis from 'ioredis';
import { register } from 'prom-client';
import { redisKeys } from '@casegraph/contracts';
import { SeededDoc, cleanup, seedDocument, seedProject } from '@casegraph/testing';
import { TestApp, createTestApp } from './testing/test-app';

async function healedProjects(): Promise<number> {
  const m = register.getSingleMetric('casegraph_project_context_heals_total');
  const { values } = await m!.get();
  return values.filter((v) => v.labels.table === 'projects').reduce((a, v) => a + v.value, 0);
}

/**
 * The heal race: two separate DataSources (two apps, as two worker processes
 * would have) resolve the legacy documents of one legacy project at the same
 * time. Whoever wins, there must be exactly one project UUID, everywhere.
 */
describe('heal race across two DataSources', () => {
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  const projects: number[] = [];
  const keys: string[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestApp(), createTestApp()]);
    redis = new Redis(process.env.REDIS_URL!);
  });

  afterAll(async () => {
    await cleanup(a.db, projects);
    if (keys.length) await redis.del(...keys);
    await Promise.all([a.close(), b.close()]);
    redis.disconnect();
  });

  it.each([1, 2, 3])('round %i: 50 concurrent resolves over 10 legacy documents end with one project UUID in DB and cache', async () => {
    expect(a.db).not.toBe(b.db);
    const p = await seedProject(a.db, { legacy: true });
    projects.push(p.id);
    const docs: SeededDoc[] = [];
    for (let i = 0; i < 10; i++) docs.push(await seedDocument(a.db, p, { legacy: true }));
    for (const d of docs) keys.push(redisKeys.docMetadata(d.documentUuid));
    const before = await healedProjects();
    a.counter.reset();
    b.counter.reset();

    const calls = Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).service.resolve(docs[i % 10].documentUuid));
    const results = await Promise.all(calls);

    const uuids = new Set(results.map((r) => r.projectUuid));
    expect(uuids.size).toBe(1);
    const [uuid] = [...uuids];
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(results.every((r) => r.projectId === p.id)).toBe(true);

    const [proj] = await a.db.query(`SELECT project_uuid::text AS u FROM projects WHERE id = $1`, [p.id]);
    expect(proj.u).toBe(uuid);
    const rows = await a.db.query(`SELECT DISTINCT project_uuid::text AS u FROM source_documents WHERE project_fk_id = $1`, [p.id]);
    expect(rows).toEqual([{ u: uuid }]);
    await Promise.all([a.service.settle(), b.service.settle()]);
    const entries = await redis.mget(docs.map((d) => redisKeys.docMetadata(d.documentUuid)));
    expect(entries.map((e) => JSON.parse(e!).project_uuid)).toEqual(Array(10).fill(uuid));
    // Both processes raced to heal; exactly one UUID was generated and set.
    expect((await healedProjects()) - before).toBe(1);
    // And it was a real race: both DataSources ran heal statements against the same rows.
    expect(a.counter.heals).toBeGreaterThan(0);
    expect(b.counter.heals).toBeGreaterThan(0);
  });
});

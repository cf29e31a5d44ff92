import { randomUUID } from 'node:crypto';
import { redisKeys } from '@casegraph/contracts';
import { SELECT_MANY_SQL, SELECT_ONE_SQL } from './context-repository';
import { interceptPool } from './testing/test-app';
import { useWorld } from './testing/world';

describe('ProjectContextService.resolveMany (real PostgreSQL and Redis)', () => {
  const w = useWorld();

  it('resolveMany: one SQL query for all misses, hits served from Redis, unknown and non-UUID left out', async () => {
    const p = await w.project();
    const docs = await Promise.all(Array.from({ length: 20 }, () => w.doc(p)));
    await w.t.service.resolve(docs[0].documentUuid);
    await w.t.service.resolve(docs[1].documentUuid);
    w.t.counter.reset();
    const unknown = randomUUID();
    w.track([redisKeys.docMetadataMissing(unknown)]);
    const m = await w.t.service.resolveMany([...docs.map((d) => d.documentUuid), unknown, 'not-a-uuid', docs[3].documentUuid]);
    expect(m.size).toBe(20);
    for (const d of docs) expect(m.get(d.documentUuid)!.projectUuid).toBe(p.projectUuid);
    expect(m.has(unknown)).toBe(false);
    expect(w.t.counter.lookups).toBe(1);
    expect(w.t.counter.queries).toHaveLength(1);
    expect(w.t.counter.queries[0]).toMatch(/ANY\(\$1::uuid\[\]\)/);
    for (const d of docs) expect((await w.entry(d.documentUuid)).project_uuid).toBe(p.projectUuid);
    // All cached now: no SQL at all.
    w.t.counter.reset();
    expect((await w.t.service.resolveMany(docs.map((d) => d.documentUuid))).size).toBe(20);
    expect(w.t.counter.queries).toHaveLength(0);
  });

  it('resolveMany joins an in-flight resolve() instead of loading the document twice', async () => {
    const d = await w.doc(await w.project());
    const [single, many] = await Promise.all([w.t.service.resolve(d.documentUuid), w.t.service.resolveMany([d.documentUuid])]);
    expect(many.get(d.documentUuid)).toEqual(single);
    expect(w.t.counter.lookups).toBe(1);
  });

  it('rejects once when the database fails, leaves no unhandled rejection behind, and works again afterwards', async () => {
    const p = await w.project();
    const docs = await Promise.all(Array.from({ length: 5 }, () => w.doc(p)));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const restore = interceptPool(w.t.db, (sql, _params, run) =>
      sql === SELECT_MANY_SQL || sql === SELECT_ONE_SQL ? Promise.reject(new Error('Connection terminated unexpectedly')) : run(),
    );
    try {
      // Cold documents (one batch lookup for all of them), and a resolve() of one of them at the same time.
      const many = w.t.service.resolveMany(docs.map((d) => d.documentUuid));
      const single = w.t.service.resolve(docs[0].documentUuid);
      await expect(many).rejects.toThrow('Connection terminated unexpectedly');
      await expect(single).rejects.toThrow('Connection terminated unexpectedly');
      // Node reports an unhandled rejection once the microtask queue has drained: give it a few turns.
      for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      restore();
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    // Nothing was left registered as in flight: the next call loads afresh and succeeds.
    const m = await w.t.service.resolveMany(docs.map((d) => d.documentUuid));
    expect([...m.values()].map((c) => c.projectUuid)).toEqual(Array(5).fill(p.projectUuid));
  });
});

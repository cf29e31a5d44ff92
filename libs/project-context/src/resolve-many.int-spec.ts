import { randomUUID } from 'node:crypto';
import { redisKeys } from '@casegraph/contracts';
import { TcpProxy, createPrivateDatabase } from '@casegraph/testing';
import { SELECT_MANY_SQL, SELECT_ONE_SQL } from './context-repository';
import { DocumentNotFoundError } from './project-context.types';
import { TestApp, createTestApp, interceptPool } from './testing/test-app';
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
  it('with the database really gone (its TCP proxy cut): every call rejects once with the database error, no unhandled rejection, nothing written to Redis', async () => {
    const db = await createPrivateDatabase('pcdbgone');
    const proxy = await TcpProxy.start('127.0.0.1', Number(new URL(db.url).port || 5432));
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    let app: TestApp | undefined;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    try {
      app = await createTestApp({}, viaProxy.toString());
      const [p] = await app.db.query(
        `INSERT INTO projects (name, project_uuid) VALUES ('gone', gen_random_uuid()) RETURNING id, project_uuid::text AS uuid`,
      );
      const docs: string[] = (
        await app.db.query(
          `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name)
           SELECT gen_random_uuid(), $1, $2, 'f' || g || '.pdf' FROM generate_series(1, 8) g RETURNING document_uuid::text AS u`,
          [p.id, p.uuid],
        )
      ).map((r: { u: string }) => r.u);
      const docKeys = docs.flatMap((u) => [redisKeys.docMetadata(u), redisKeys.docMetadataMissing(u), redisKeys.docMetadataVersion(u)]);
      w.track(docKeys);
      await proxy.cut();
      process.on('unhandledRejection', onUnhandled);
      // Cold documents: one batch load, a second call joining part of it, a resolve() of one of them, another batch of its own.
      const calls = [
        app.service.resolveMany(docs.slice(0, 6)),
        app.service.resolveMany(docs.slice(2, 4)),
        app.service.resolve(docs[1]),
        app.service.resolveMany(docs.slice(6)),
      ];
      const rejections = calls.map(() => 0);
      const outcomes = await Promise.all(
        calls.map((c, i) =>
          c.then(
            (value) => ({ ok: true as const, value }),
            (err: unknown) => {
              rejections[i]++;
              return { ok: false as const, err };
            },
          ),
        ),
      );
      expect(rejections).toEqual([1, 1, 1, 1]);
      for (const o of outcomes) {
        expect(o.ok).toBe(false);
        // The database's error, not a "not found" and not a partial answer.
        const err = o.ok ? undefined : (o.err as Error);
        expect(err).not.toBeInstanceOf(DocumentNotFoundError);
        expect(String(err?.message)).toMatch(/ECONNREFUSED|Connection terminated|connect/i);
      }
      // Node reports an unhandled rejection once the microtask queue has drained: give it a few turns.
      for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 10));
      await app.service.settle();
      expect(unhandled).toEqual([]);
      // No entry and no negative marker: a failed load writes nothing.
      expect(await w.redis.exists(...docKeys)).toBe(0);

      // Back: the next call loads afresh (nothing was left in flight) and caches.
      await proxy.restore();
      const m = await app.service.resolveMany(docs);
      expect(docs.map((u) => m.get(u)?.projectUuid)).toEqual(Array(8).fill(p.uuid));
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await app?.close();
      await proxy.close();
      await db.drop();
    }
  }, 60_000);
});

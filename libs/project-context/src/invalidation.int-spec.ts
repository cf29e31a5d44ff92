import { randomUUID } from 'node:crypto';
import { redisKeys } from '@casegraph/contracts';
import { DocumentNotFoundError } from './project-context.types';
import { SELECT_ONE_SQL } from './context-repository';
import { createTestApp, interceptPool } from './testing/test-app';
import { metric, useWorld } from './testing/world';

describe('ProjectContextService remember / invalidate (real PostgreSQL and Redis, several instances)', () => {
  const w = useWorld();

  it('remember() of a newly created document overrides its negative entry at once', async () => {
    const p = await w.project();
    const documentUuid = randomUUID();
    w.track([redisKeys.docMetadata(documentUuid), redisKeys.docMetadataMissing(documentUuid)]);
    await expect(w.t.service.resolve(documentUuid)).rejects.toBeInstanceOf(DocumentNotFoundError);
    await w.t.service.settle();
    expect(await w.redis.exists(redisKeys.docMetadataMissing(documentUuid))).toBe(1);
    // The document is created (the ingest API inserts, commits, then remembers).
    await w.t.db.query(
      `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name) VALUES ($1, $2, $3, 'new.pdf')`,
      [documentUuid, p.id, p.projectUuid],
    );
    const ctx = {
      documentUuid,
      projectUuid: p.projectUuid!,
      projectId: p.id,
      documentMetadata: { filename: 'new.pdf', uploadedAt: new Date().toISOString() },
    };
    await w.t.service.remember(ctx);
    expect(await w.redis.exists(redisKeys.docMetadataMissing(documentUuid))).toBe(0);
    w.t.counter.reset();
    expect(await w.t.service.resolve(documentUuid)).toEqual(ctx);
    expect(w.t.counter.queries).toHaveLength(0);
  });

  it('rememberMany writes every entry in one go; invalid contexts are skipped, not thrown', async () => {
    const p = await w.project();
    const ctxs = Array.from({ length: 5 }, () => ({
      documentUuid: randomUUID(),
      projectUuid: p.projectUuid!,
      projectId: p.id,
      documentMetadata: { filename: 'f.pdf', s3Bucket: 'b', s3Key: 'k', uploadedAt: new Date().toISOString() },
    }));
    for (const c of ctxs) w.track([redisKeys.docMetadata(c.documentUuid), redisKeys.docMetadataMissing(c.documentUuid)]);
    await w.t.service.rememberMany([...ctxs, { ...ctxs[0], documentUuid: 'nope' }]);
    for (const c of ctxs) expect((await w.entry(c.documentUuid)).project_uuid).toBe(p.projectUuid);
    expect(await w.redis.exists(redisKeys.docMetadata('nope'))).toBe(0);
  });

  it('invalidation race: a load that started before invalidate() (in another instance) cannot write the old value back', async () => {
    const other = await createTestApp();
    try {
      const a = await w.project();
      const b = await w.project();
      const d = await w.doc(a);
      // Hold the load after its SELECT returned the old project, before the write-back.
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let reached!: () => void;
      const atGate = new Promise<void>((r) => (reached = r));
      const restore = interceptPool(w.t.db, async (sql, _params, run) => {
        const res = await run();
        if (sql === SELECT_ONE_SQL) {
          reached();
          await gate;
        }
        return res;
      });
      try {
        const stale = w.t.service.resolve(d.documentUuid);
        await atGate;
        await w.t.db.query(`UPDATE source_documents SET project_fk_id = $2, project_uuid = $3 WHERE document_uuid = $1`, [
          d.documentUuid,
          b.id,
          b.projectUuid,
        ]);
        await other.service.invalidate(d.documentUuid);
        const prevented = await metric('stale_writes_prevented_total');
        release();
        // Its caller asked before the move and may get the old answer; the cache must not keep it.
        expect((await stale).projectUuid).toBe(a.projectUuid);
        expect(await w.entry(d.documentUuid)).toBeNull();
        expect(await metric('stale_writes_prevented_total')).toBe(prevented + 1);
      } finally {
        restore();
      }
      expect((await w.t.service.resolve(d.documentUuid)).projectUuid).toBe(b.projectUuid);
      expect((await other.service.resolve(d.documentUuid)).projectUuid).toBe(b.projectUuid);
      expect((await w.entry(d.documentUuid)).project_uuid).toBe(b.projectUuid);
    } finally {
      await other.close();
    }
  });

  it('without an invalidation the same held load does write back (the race test can fail)', async () => {
    const d = await w.doc(await w.project());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const restore = interceptPool(w.t.db, async (sql, _params, run) => {
      const res = await run();
      if (sql === SELECT_ONE_SQL) await gate;
      return res;
    });
    try {
      const p = w.t.service.resolve(d.documentUuid);
      setTimeout(release, 20);
      await p;
    } finally {
      restore();
    }
    expect(await w.entry(d.documentUuid)).not.toBeNull();
  });

  it('document moved to another project + invalidate(): the new project at once in every instance, L1 included', async () => {
    const l1 = { maxEntries: 1000, ttlMs: 60_000 };
    const [x, y] = await Promise.all([createTestApp({ l1 }), createTestApp({ l1 })]);
    try {
      for (let i = 0; i < 100 && !(x.service.l1Active && y.service.l1Active); i++) await new Promise((r) => setTimeout(r, 20));
      expect(x.service.l1Active && y.service.l1Active).toBe(true);
      const a = await w.project();
      const b = await w.project();
      const docs = await Promise.all(Array.from({ length: 5 }, () => w.doc(a)));
      for (const d of docs) {
        expect((await x.service.resolve(d.documentUuid)).projectUuid).toBe(a.projectUuid);
        expect((await y.service.resolve(d.documentUuid)).projectUuid).toBe(a.projectUuid);
      }
      // Served from the L1 now: no SQL, no Redis.
      y.counter.reset();
      const l1Hits = await metric('hits_total', { layer: 'l1' });
      await y.service.resolve(docs[0].documentUuid);
      expect(await metric('hits_total', { layer: 'l1' })).toBe(l1Hits + 1);
      expect(y.counter.queries).toHaveLength(0);

      for (const d of docs) {
        await w.t.db.query(`UPDATE source_documents SET project_fk_id = $2, project_uuid = $3 WHERE document_uuid = $1`, [
          d.documentUuid,
          b.id,
          b.projectUuid,
        ]);
        await x.service.invalidate(d.documentUuid);
        expect((await y.service.resolve(d.documentUuid)).projectUuid).toBe(b.projectUuid);
        expect((await x.service.resolve(d.documentUuid)).projectUuid).toBe(b.projectUuid);
        expect((await w.t.service.resolve(d.documentUuid)).projectUuid).toBe(b.projectUuid);
      }
    } finally {
      await Promise.all([x.close(), y.close()]);
    }
  });
});

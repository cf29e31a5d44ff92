import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import { redisKeys } from '@casegraph/contracts';
import { DocumentNotFoundError } from './project-context.types';
import { SELECT_ONE_SQL } from './context-repository';
import { TestApp, cleanup, createTestApp, interceptPool, seedDocument, seedProject } from './testing/test-app';

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = register.getSingleMetric(`casegraph_project_context_${name}`);
  if (!m) return NaN;
  const { values } = await m.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))
    .reduce((a, v) => a + v.value, 0);
}

describe('ProjectContextService (TypeOrmModule.forRoot + ProjectContextModule.forRoot, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let redis: Redis;
  const projects: number[] = [];
  const keys: string[] = [];

  const project = async (opts: { legacy?: boolean } = {}) => {
    const p = await seedProject(t.db, opts);
    projects.push(p.id);
    return p;
  };
  const doc = async (p: { id: number; projectUuid: string | null }, opts: { legacy?: boolean } = {}) => {
    const d = await seedDocument(t.db, p, opts);
    keys.push(redisKeys.docMetadata(d.documentUuid), redisKeys.docMetadataMissing(d.documentUuid), redisKeys.docMetadataVersion(d.documentUuid));
    return d;
  };
  /** The entry as another process sees it, once this instance's write-backs have landed. */
  const entry = async (documentUuid: string) => {
    await t.service.settle();
    const raw = await redis.get(redisKeys.docMetadata(documentUuid));
    return raw === null ? null : JSON.parse(raw);
  };

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

  it('resolves a cold document with one plain SELECT, writes the old-format entry with a jittered TTL, then hits', async () => {
    const p = await project();
    const d = await doc(p);
    t.counter.reset();
    const ctx = await t.service.resolve(d.documentUuid);
    expect(ctx).toEqual({
      documentUuid: d.documentUuid,
      projectUuid: p.projectUuid,
      projectId: p.id,
      documentMetadata: { filename: d.filename, s3Bucket: 'bucket', s3Key: `documents/${d.documentUuid}/${d.filename}`, uploadedAt: expect.any(String) },
    });
    // A healthy row costs exactly one SELECT: no UPDATE of any kind.
    expect(t.counter.queries).toHaveLength(1);
    expect(t.counter.queries[0]).toBe(SELECT_ONE_SQL);

    const e = await entry(d.documentUuid);
    expect(e).toEqual({
      project_uuid: p.projectUuid,
      project_id: p.id,
      document_uuid: d.documentUuid,
      document_metadata: { filename: d.filename, s3_bucket: 'bucket', s3_key: `documents/${d.documentUuid}/${d.filename}`, uploaded_at: ctx.documentMetadata.uploadedAt },
    });
    const pttl = await redis.pttl(redisKeys.docMetadata(d.documentUuid));
    expect(pttl).toBeGreaterThan(86400 * 900 - 5000);
    expect(pttl).toBeLessThanOrEqual(86400 * 1100);

    t.counter.reset();
    const hits = await metric('hits_total', { layer: 'redis' });
    expect(await t.service.resolve(d.documentUuid)).toEqual(ctx);
    expect(t.counter.queries).toHaveLength(0);
    expect(await metric('hits_total', { layer: 'redis' })).toBe(hits + 1);
  });

  it('returns a copy: mutating a result does not change the next one', async () => {
    const d = await doc(await project());
    const a = await t.service.resolve(d.documentUuid);
    a.documentMetadata.filename = 'mutated';
    expect((await t.service.resolve(d.documentUuid)).documentMetadata.filename).toBe(d.filename);
  });

  it('accepts an upper-case UUID and keys the cache in canonical form', async () => {
    const p = await project();
    const d = await doc(p);
    const ctx = await t.service.resolve(d.documentUuid.toUpperCase());
    expect(ctx.projectUuid).toBe(p.projectUuid);
    expect(await entry(d.documentUuid)).not.toBeNull();
  });

  it('heals a legacy document of a legacy project in SQL and caches the healed UUID', async () => {
    const p = await project({ legacy: true });
    const d = await doc(p, { legacy: true });
    const heals = await metric('heals_total');
    const ctx = await t.service.resolve(d.documentUuid);
    const [row] = await t.db.query(
      `SELECT p.project_uuid::text AS p, sd.project_uuid::text AS d FROM source_documents sd JOIN projects p ON p.id = sd.project_fk_id WHERE sd.document_uuid = $1`,
      [d.documentUuid],
    );
    expect(row.p).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.d).toBe(row.p);
    expect(ctx.projectUuid).toBe(row.p);
    expect((await entry(d.documentUuid)).project_uuid).toBe(row.p);
    expect(await metric('heals_total')).toBe(heals + 2);
    // Healed once: the next cold load is a plain SELECT again.
    await t.service.invalidate(d.documentUuid);
    t.counter.reset();
    await t.service.resolve(d.documentUuid);
    expect(t.counter.queries).toEqual([SELECT_ONE_SQL]);
  });

  it('fills a document NULL from a healthy project, and repairs a document UUID that disagrees with its project', async () => {
    const p = await project();
    const nulled = await doc(p, { legacy: true });
    const wrong = await doc(p);
    await t.db.query(`UPDATE source_documents SET project_uuid = $2 WHERE document_uuid = $1`, [wrong.documentUuid, randomUUID()]);
    const m = await t.service.resolveMany([nulled.documentUuid, wrong.documentUuid]);
    expect(m.get(nulled.documentUuid)!.projectUuid).toBe(p.projectUuid);
    expect(m.get(wrong.documentUuid)!.projectUuid).toBe(p.projectUuid);
    const rows = await t.db.query(`SELECT project_uuid::text AS u FROM source_documents WHERE project_fk_id = $1`, [p.id]);
    expect(rows.map((r: { u: string }) => r.u)).toEqual([p.projectUuid, p.projectUuid]);
    // The project row was healthy: it was not touched.
    expect(t.counter.queries.some((q) => /WITH old AS/.test(q))).toBe(false);
  });

  it('stampede: 100 concurrent resolve() of one cold document cost one DB lookup', async () => {
    const p = await project();
    const d = await doc(p);
    const results = await Promise.all(Array.from({ length: 100 }, () => t.service.resolve(d.documentUuid)));
    expect(new Set(results.map((r) => r.projectUuid))).toEqual(new Set([p.projectUuid]));
    expect(t.counter.lookups).toBe(1);
  });

  it('resolveMany: one SQL query for all misses, hits served from Redis, unknown and non-UUID left out', async () => {
    const p = await project();
    const docs = await Promise.all(Array.from({ length: 20 }, () => doc(p)));
    await t.service.resolve(docs[0].documentUuid);
    await t.service.resolve(docs[1].documentUuid);
    t.counter.reset();
    const unknown = randomUUID();
    keys.push(redisKeys.docMetadataMissing(unknown));
    const m = await t.service.resolveMany([...docs.map((d) => d.documentUuid), unknown, 'not-a-uuid', docs[3].documentUuid]);
    expect(m.size).toBe(20);
    for (const d of docs) expect(m.get(d.documentUuid)!.projectUuid).toBe(p.projectUuid);
    expect(m.has(unknown)).toBe(false);
    expect(t.counter.lookups).toBe(1);
    expect(t.counter.queries).toHaveLength(1);
    expect(t.counter.queries[0]).toMatch(/ANY\(\$1::uuid\[\]\)/);
    for (const d of docs) expect((await entry(d.documentUuid)).project_uuid).toBe(p.projectUuid);
    // All cached now: no SQL at all.
    t.counter.reset();
    expect((await t.service.resolveMany(docs.map((d) => d.documentUuid))).size).toBe(20);
    expect(t.counter.queries).toHaveLength(0);
  });

  it('resolveMany joins an in-flight resolve() instead of loading the document twice', async () => {
    const d = await doc(await project());
    const [single, many] = await Promise.all([t.service.resolve(d.documentUuid), t.service.resolveMany([d.documentUuid])]);
    expect(many.get(d.documentUuid)).toEqual(single);
    expect(t.counter.lookups).toBe(1);
  });

  it('poisoned cache: garbage JSON, a non-UUID project, and a foreign entry are replaced by the DB truth', async () => {
    const p = await project();
    const [garbage, notUuid, foreign] = await Promise.all([doc(p), doc(p), doc(p)]);
    await redis.set(redisKeys.docMetadata(garbage.documentUuid), '{"project_uuid": "b0rk');
    await redis.set(
      redisKeys.docMetadata(notUuid.documentUuid),
      JSON.stringify({ project_uuid: 'None', project_id: p.id, document_metadata: { filename: 'x', uploaded_at: '2025-01-01T00:00:00Z' } }),
    );
    await redis.set(
      redisKeys.docMetadata(foreign.documentUuid),
      JSON.stringify({ project_uuid: randomUUID(), project_id: 1, document_uuid: randomUUID(), document_metadata: { filename: 'x', s3_bucket: null, s3_key: null, uploaded_at: '2025-01-01T00:00:00Z' } }),
    );
    const invalid = await metric('invalid_entries_total');
    for (const d of [garbage, notUuid, foreign]) {
      expect((await t.service.resolve(d.documentUuid)).projectUuid).toBe(p.projectUuid);
      expect((await entry(d.documentUuid)).project_uuid).toBe(p.projectUuid);
    }
    expect(await metric('invalid_entries_total')).toBe(invalid + 3);
    expect(t.counter.lookups).toBe(3);
  });

  it('unknown document: DocumentNotFoundError, nothing written but a short negative entry, which then answers', async () => {
    const unknown = randomUUID();
    keys.push(redisKeys.docMetadata(unknown), redisKeys.docMetadataMissing(unknown));
    const projectsBefore = (await t.db.query(`SELECT count(*)::int AS n FROM projects`))[0].n;
    await expect(t.service.resolve(unknown)).rejects.toBeInstanceOf(DocumentNotFoundError);
    await t.service.settle();
    expect(await redis.exists(redisKeys.docMetadata(unknown))).toBe(0);
    const negTtl = await redis.pttl(redisKeys.docMetadataMissing(unknown));
    expect(negTtl).toBeGreaterThan(0);
    expect(negTtl).toBeLessThanOrEqual(5000);
    expect(t.counter.queries.every((q) => /^\s*SELECT/.test(q))).toBe(true);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM projects`))[0].n).toBeGreaterThanOrEqual(projectsBefore);

    t.counter.reset();
    const neg = await metric('negative_hits_total');
    await expect(t.service.resolve(unknown)).rejects.toBeInstanceOf(DocumentNotFoundError);
    expect(t.counter.queries).toHaveLength(0);
    expect(await metric('negative_hits_total')).toBe(neg + 1);
  });

  it('a string that is not a UUID: DocumentNotFoundError without touching the DB or Redis', async () => {
    for (const bad of ['', 'None', '43ed6fe8-5402-40a4-b01f', "1' OR '1'='1"]) {
      await expect(t.service.resolve(bad)).rejects.toBeInstanceOf(DocumentNotFoundError);
    }
    expect(t.counter.queries).toHaveLength(0);
  });

  it('remember() of a newly created document overrides its negative entry at once', async () => {
    const p = await project();
    const documentUuid = randomUUID();
    keys.push(redisKeys.docMetadata(documentUuid), redisKeys.docMetadataMissing(documentUuid));
    await expect(t.service.resolve(documentUuid)).rejects.toBeInstanceOf(DocumentNotFoundError);
    await t.service.settle();
    expect(await redis.exists(redisKeys.docMetadataMissing(documentUuid))).toBe(1);
    // The document is created (the ingest API inserts, commits, then remembers).
    await t.db.query(`INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name) VALUES ($1, $2, $3, 'new.pdf')`, [
      documentUuid,
      p.id,
      p.projectUuid,
    ]);
    const ctx = { documentUuid, projectUuid: p.projectUuid!, projectId: p.id, documentMetadata: { filename: 'new.pdf', uploadedAt: new Date().toISOString() } };
    await t.service.remember(ctx);
    expect(await redis.exists(redisKeys.docMetadataMissing(documentUuid))).toBe(0);
    t.counter.reset();
    expect(await t.service.resolve(documentUuid)).toEqual(ctx);
    expect(t.counter.queries).toHaveLength(0);
  });

  it('rememberMany writes every entry in one go; invalid contexts are skipped, not thrown', async () => {
    const p = await project();
    const ctxs = Array.from({ length: 5 }, () => ({
      documentUuid: randomUUID(),
      projectUuid: p.projectUuid!,
      projectId: p.id,
      documentMetadata: { filename: 'f.pdf', s3Bucket: 'b', s3Key: 'k', uploadedAt: new Date().toISOString() },
    }));
    for (const c of ctxs) keys.push(redisKeys.docMetadata(c.documentUuid), redisKeys.docMetadataMissing(c.documentUuid));
    await t.service.rememberMany([...ctxs, { ...ctxs[0], documentUuid: 'nope' }]);
    for (const c of ctxs) expect((await entry(c.documentUuid)).project_uuid).toBe(p.projectUuid);
    expect(await redis.exists(redisKeys.docMetadata('nope'))).toBe(0);
  });

  it('invalidation race: a load that started before invalidate() (in another instance) cannot write the old value back', async () => {
    const other = await createTestApp();
    try {
      const a = await project();
      const b = await project();
      const d = await doc(a);
      // Hold the load after its SELECT returned the old project, before the write-back.
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let reached!: () => void;
      const atGate = new Promise<void>((r) => (reached = r));
      const restore = interceptPool(t.db, async (sql, _params, run) => {
        const res = await run();
        if (sql === SELECT_ONE_SQL) {
          reached();
          await gate;
        }
        return res;
      });
      try {
        const stale = t.service.resolve(d.documentUuid);
        await atGate;
        await t.db.query(`UPDATE source_documents SET project_fk_id = $2, project_uuid = $3 WHERE document_uuid = $1`, [d.documentUuid, b.id, b.projectUuid]);
        await other.service.invalidate(d.documentUuid);
        const prevented = await metric('stale_writes_prevented_total');
        release();
        // Its caller asked before the move and may get the old answer; the cache must not keep it.
        expect((await stale).projectUuid).toBe(a.projectUuid);
        expect(await entry(d.documentUuid)).toBeNull();
        expect(await metric('stale_writes_prevented_total')).toBe(prevented + 1);
      } finally {
        restore();
      }
      expect((await t.service.resolve(d.documentUuid)).projectUuid).toBe(b.projectUuid);
      expect((await other.service.resolve(d.documentUuid)).projectUuid).toBe(b.projectUuid);
      expect((await entry(d.documentUuid)).project_uuid).toBe(b.projectUuid);
    } finally {
      await other.close();
    }
  });

  it('without an invalidation the same held load does write back (the race test can fail)', async () => {
    const d = await doc(await project());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const restore = interceptPool(t.db, async (sql, _params, run) => {
      const res = await run();
      if (sql === SELECT_ONE_SQL) await gate;
      return res;
    });
    try {
      const p = t.service.resolve(d.documentUuid);
      setTimeout(release, 20);
      await p;
    } finally {
      restore();
    }
    expect(await entry(d.documentUuid)).not.toBeNull();
  });

  it('document moved to another project + invalidate(): the new project at once in every instance, L1 included', async () => {
    const l1 = { maxEntries: 1000, ttlMs: 60_000 };
    const [x, y] = await Promise.all([createTestApp({ l1 }), createTestApp({ l1 })]);
    try {
      for (let i = 0; i < 100 && !(x.service.l1Active && y.service.l1Active); i++) await new Promise((r) => setTimeout(r, 20));
      expect(x.service.l1Active && y.service.l1Active).toBe(true);
      const a = await project();
      const b = await project();
      const docs = await Promise.all(Array.from({ length: 5 }, () => doc(a)));
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
        await t.db.query(`UPDATE source_documents SET project_fk_id = $2, project_uuid = $3 WHERE document_uuid = $1`, [d.documentUuid, b.id, b.projectUuid]);
        await x.service.invalidate(d.documentUuid);
        expect((await y.service.resolve(d.documentUuid)).projectUuid).toBe(b.projectUuid);
        expect((await x.service.resolve(d.documentUuid)).projectUuid).toBe(b.projectUuid);
        expect((await t.service.resolve(d.documentUuid)).projectUuid).toBe(b.projectUuid);
      }
    } finally {
      await Promise.all([x.close(), y.close()]);
    }
  });

  describe('ensureProject', () => {
    it('20 concurrent calls with one id: one row, one UUID, and the sequence kept ahead of the id', async () => {
      const [{ max }] = await t.db.query(`SELECT COALESCE(MAX(id), 0)::int AS max FROM projects`);
      const id = max + 1000 + Math.floor(Math.random() * 100_000);
      projects.push(id);
      const name = `pc-ensure-${randomUUID()}`;
      const results = await Promise.all(Array.from({ length: 20 }, () => t.service.ensureProject({ id, name })));
      expect(new Set(results.map((r) => r.projectUuid)).size).toBe(1);
      expect(results.every((r) => r.id === id && r.name === name)).toBe(true);
      const rows = await t.db.query(`SELECT project_uuid::text AS u FROM projects WHERE id = $1`, [id]);
      expect(rows).toEqual([{ u: results[0].projectUuid }]);
      // A later insert without an id does not collide with the explicit one.
      const next = await t.service.ensureProject({ name: `pc-ensure-${randomUUID()}` });
      projects.push(next.id);
      expect(next.id).toBeGreaterThan(id);
    });

    it('without id: 20 concurrent calls with one name create one project and later calls reuse it', async () => {
      const name = `pc-ensure-${randomUUID()}`;
      const results = await Promise.all(Array.from({ length: 20 }, () => t.service.ensureProject({ name })));
      projects.push(results[0].id);
      expect(new Set(results.map((r) => `${r.id}/${r.projectUuid}`)).size).toBe(1);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM projects WHERE name = $1`, [name]))[0].n).toBe(1);
      expect(await t.service.ensureProject({ name })).toEqual(results[0]);
    });

    it('treats an explicit null id as no id (reuses the project of that name)', async () => {
      const name = `pc-ensure-${randomUUID()}`;
      const first = await t.service.ensureProject({ id: null, name });
      projects.push(first.id);
      expect(first.projectUuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(await t.service.ensureProject({ id: null, name })).toEqual(first);
    });

    it('heals a legacy project with a NULL UUID, by id and by name, to one UUID', async () => {
      const p = await project({ legacy: true });
      const byId = await Promise.all(Array.from({ length: 10 }, () => t.service.ensureProject({ id: p.id, name: p.name })));
      const byName = await Promise.all(Array.from({ length: 10 }, () => t.service.ensureProject({ name: p.name })));
      const uuids = new Set([...byId, ...byName].map((r) => r.projectUuid));
      expect(uuids.size).toBe(1);
      expect([...uuids][0]).toMatch(/^[0-9a-f-]{36}$/);
      expect((await t.db.query(`SELECT project_uuid::text AS u FROM projects WHERE id = $1`, [p.id]))[0].u).toBe([...uuids][0]);
    });

    it("runs inside the caller's transaction and rolls back with it", async () => {
      const name = `pc-ensure-${randomUUID()}`;
      await expect(
        t.db.transaction(async (m) => {
          const created = await t.service.ensureProject({ name }, m);
          expect(created.name).toBe(name);
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      expect((await t.db.query(`SELECT count(*)::int AS n FROM projects WHERE name = $1`, [name]))[0].n).toBe(0);
    });

    it('rejects a nonsensical id with a clear error', async () => {
      await expect(t.service.ensureProject({ id: -1, name: 'x' })).rejects.toThrow(RangeError);
      await expect(t.service.ensureProject({ id: 1.5, name: 'x' })).rejects.toThrow(RangeError);
    });
  });

  it('metrics live in the default registry, and a second instance in the process reuses them', async () => {
    const second = await createTestApp();
    try {
      for (const name of ['hits_total', 'misses_total', 'negative_hits_total', 'heals_total', 'redis_errors_total', 'breaker_state', 'db_fallbacks_total']) {
        expect(register.getSingleMetric(`casegraph_project_context_${name}`)).toBeDefined();
      }
      const text = await register.metrics();
      expect(text).toMatch(/casegraph_project_context_breaker_state 0/);
      const misses = await metric('misses_total');
      await second.service.resolve((await doc(await project())).documentUuid);
      expect(await metric('misses_total')).toBe(misses + 1);
    } finally {
      await second.close();
    }
  });
});

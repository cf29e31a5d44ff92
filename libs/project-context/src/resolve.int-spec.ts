import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import { redisKeys } from '@casegraph/contracts';
import { DocumentNotFoundError } from './project-context.types';
import { SELECT_ONE_SQL } from './context-repository';
import { createTestApp } from './testing/test-app';
import { metric, useWorld } from './testing/world';

describe('ProjectContextService.resolve (TypeOrmModule.forRoot + ProjectContextModule.forRoot, real PostgreSQL and Redis)', () => {
  const w = useWorld();

  it('resolves a cold document with one plain SELECT, writes the old-format entry with a jittered TTL, then hits', async () => {
    const p = await w.project();
    const d = await w.doc(p);
    w.t.counter.reset();
    const ctx = await w.t.service.resolve(d.documentUuid);
    expect(ctx).toEqual({
      documentUuid: d.documentUuid,
      projectUuid: p.projectUuid,
      projectId: p.id,
      documentMetadata: {
        filename: d.filename,
        s3Bucket: 'bucket',
        s3Key: `documents/${d.documentUuid}/${d.filename}`,
        uploadedAt: expect.any(String),
      },
    });
    // A healthy row costs exactly one SELECT: no UPDATE of any kind.
    expect(w.t.counter.queries).toHaveLength(1);
    expect(w.t.counter.queries[0]).toBe(SELECT_ONE_SQL);

    const e = await w.entry(d.documentUuid);
    expect(e).toEqual({
      project_uuid: p.projectUuid,
      project_id: p.id,
      document_uuid: d.documentUuid,
      document_metadata: {
        filename: d.filename,
        s3_bucket: 'bucket',
        s3_key: `documents/${d.documentUuid}/${d.filename}`,
        uploaded_at: ctx.documentMetadata.uploadedAt,
      },
    });
    const pttl = await w.redis.pttl(redisKeys.docMetadata(d.documentUuid));
    expect(pttl).toBeGreaterThan(86400 * 900 - 5000);
    expect(pttl).toBeLessThanOrEqual(86400 * 1100);

    w.t.counter.reset();
    const hits = await metric('hits_total', { layer: 'redis' });
    expect(await w.t.service.resolve(d.documentUuid)).toEqual(ctx);
    expect(w.t.counter.queries).toHaveLength(0);
    expect(await metric('hits_total', { layer: 'redis' })).toBe(hits + 1);
  });

  it('returns a copy: mutating a result does not change the next one', async () => {
    const d = await w.doc(await w.project());
    const a = await w.t.service.resolve(d.documentUuid);
    a.documentMetadata.filename = 'mutated';
    expect((await w.t.service.resolve(d.documentUuid)).documentMetadata.filename).toBe(d.filename);
  });

  it('accepts an upper-case UUID and keys the cache in canonical form', async () => {
    const p = await w.project();
    const d = await w.doc(p);
    const ctx = await w.t.service.resolve(d.documentUuid.toUpperCase());
    expect(ctx.projectUuid).toBe(p.projectUuid);
    expect(await w.entry(d.documentUuid)).not.toBeNull();
  });

  it('heals a legacy document of a legacy project in SQL and caches the healed UUID', async () => {
    const p = await w.project({ legacy: true });
    const d = await w.doc(p, { legacy: true });
    const heals = await metric('heals_total');
    const ctx = await w.t.service.resolve(d.documentUuid);
    const [row] = await w.t.db.query(
      `SELECT p.project_uuid::text AS p, sd.project_uuid::text AS d FROM source_documents sd JOIN projects p ON p.id = sd.project_fk_id WHERE sd.document_uuid = $1`,
      [d.documentUuid],
    );
    expect(row.p).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.d).toBe(row.p);
    expect(ctx.projectUuid).toBe(row.p);
    expect((await w.entry(d.documentUuid)).project_uuid).toBe(row.p);
    expect(await metric('heals_total')).toBe(heals + 2);
    // Healed once: the next cold load is a plain SELECT again.
    await w.t.service.invalidate(d.documentUuid);
    w.t.counter.reset();
    await w.t.service.resolve(d.documentUuid);
    expect(w.t.counter.queries).toEqual([SELECT_ONE_SQL]);
  });

  it('fills a document NULL from a healthy project, and repairs a document UUID that disagrees with its project', async () => {
    const p = await w.project();
    const nulled = await w.doc(p, { legacy: true });
    const wrong = await w.doc(p);
    await w.t.db.query(`UPDATE source_documents SET project_uuid = $2 WHERE document_uuid = $1`, [wrong.documentUuid, randomUUID()]);
    const m = await w.t.service.resolveMany([nulled.documentUuid, wrong.documentUuid]);
    expect(m.get(nulled.documentUuid)!.projectUuid).toBe(p.projectUuid);
    expect(m.get(wrong.documentUuid)!.projectUuid).toBe(p.projectUuid);
    const rows = await w.t.db.query(`SELECT project_uuid::text AS u FROM source_documents WHERE project_fk_id = $1`, [p.id]);
    expect(rows.map((r: { u: string }) => r.u)).toEqual([p.projectUuid, p.projectUuid]);
    // The project row was healthy: it was not touched.
    expect(w.t.counter.queries.some((q) => /WITH old AS/.test(q))).toBe(false);
  });

  it('stampede: 100 concurrent resolve() of one cold document cost one DB lookup', async () => {
    const p = await w.project();
    const d = await w.doc(p);
    const results = await Promise.all(Array.from({ length: 100 }, () => w.t.service.resolve(d.documentUuid)));
    expect(new Set(results.map((r) => r.projectUuid))).toEqual(new Set([p.projectUuid]));
    expect(w.t.counter.lookups).toBe(1);
  });

  it('poisoned cache: garbage JSON, a non-UUID project, and a foreign entry are replaced by the DB truth', async () => {
    const p = await w.project();
    const [garbage, notUuid, foreign] = await Promise.all([w.doc(p), w.doc(p), w.doc(p)]);
    await w.redis.set(redisKeys.docMetadata(garbage.documentUuid), '{"project_uuid": "b0rk');
    await w.redis.set(
      redisKeys.docMetadata(notUuid.documentUuid),
      JSON.stringify({ project_uuid: 'None', project_id: p.id, document_metadata: { filename: 'x', uploaded_at: '2025-01-01T00:00:00Z' } }),
    );
    await w.redis.set(
      redisKeys.docMetadata(foreign.documentUuid),
      JSON.stringify({
        project_uuid: randomUUID(),
        project_id: 1,
        document_uuid: randomUUID(),
        document_metadata: { filename: 'x', s3_bucket: null, s3_key: null, uploaded_at: '2025-01-01T00:00:00Z' },
      }),
    );
    const invalid = await metric('invalid_entries_total');
    for (const d of [garbage, notUuid, foreign]) {
      expect((await w.t.service.resolve(d.documentUuid)).projectUuid).toBe(p.projectUuid);
      expect((await w.entry(d.documentUuid)).project_uuid).toBe(p.projectUuid);
    }
    expect(await metric('invalid_entries_total')).toBe(invalid + 3);
    expect(w.t.counter.lookups).toBe(3);
  });

  it('unknown document: DocumentNotFoundError, nothing written but a short negative entry, which then answers', async () => {
    const unknown = randomUUID();
    w.track([redisKeys.docMetadata(unknown), redisKeys.docMetadataMissing(unknown)]);
    const projectsBefore = (await w.t.db.query(`SELECT count(*)::int AS n FROM projects`))[0].n;
    await expect(w.t.service.resolve(unknown)).rejects.toBeInstanceOf(DocumentNotFoundError);
    await w.t.service.settle();
    expect(await w.redis.exists(redisKeys.docMetadata(unknown))).toBe(0);
    const negTtl = await w.redis.pttl(redisKeys.docMetadataMissing(unknown));
    expect(negTtl).toBeGreaterThan(0);
    expect(negTtl).toBeLessThanOrEqual(5000);
    expect(w.t.counter.queries.every((q) => /^\s*SELECT/.test(q))).toBe(true);
    expect((await w.t.db.query(`SELECT count(*)::int AS n FROM projects`))[0].n).toBeGreaterThanOrEqual(projectsBefore);

    w.t.counter.reset();
    const neg = await metric('negative_hits_total');
    await expect(w.t.service.resolve(unknown)).rejects.toBeInstanceOf(DocumentNotFoundError);
    expect(w.t.counter.queries).toHaveLength(0);
    expect(await metric('negative_hits_total')).toBe(neg + 1);
  });

  it('a string that is not a UUID: DocumentNotFoundError without touching the DB or Redis', async () => {
    for (const bad of ['', 'None', '43ed6fe8-5402-40a4-b01f', "1' OR '1'='1"]) {
      await expect(w.t.service.resolve(bad)).rejects.toBeInstanceOf(DocumentNotFoundError);
    }
    expect(w.t.counter.queries).toHaveLength(0);
  });

  it('metrics live in the default registry, and a second instance in the process reuses them', async () => {
    const second = await createTestApp();
    try {
      for (const name of [
        'hits_total',
        'misses_total',
        'negative_hits_total',
        'heals_total',
        'redis_errors_total',
        'breaker_state',
        'db_fallbacks_total',
      ]) {
        expect(register.getSingleMetric(`casegraph_project_context_${name}`)).toBeDefined();
      }
      const text = await register.metrics();
      expect(text).toMatch(/casegraph_project_context_breaker_state 0/);
      const misses = await metric('misses_total');
      await second.service.resolve((await w.doc(await w.project())).documentUuid);
      expect(await metric('misses_total')).toBe(misses + 1);
    } finally {
      await second.close();
    }
  });
});

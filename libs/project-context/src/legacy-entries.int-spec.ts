/**
 * The old system's two cache shapes at `doc:metadata:{uuid}` on the resolve path: a complete intake entry is a hit
 * like ours; an incomplete one (the pipeline shape, or an intake entry lacking a field) is a miss that is loaded
 * and written back in our shape through the versioned write-back, never counted or deleted as malformed.
 */
import { redisKeys } from '@casegraph/contracts';
import { metric, useWorld } from './testing/world';

describe('old-shape cache entries (real PostgreSQL and Redis)', () => {
  const w = useWorld();

  const intake = (d: { documentUuid: string; filename: string }, p: { id: number; projectUuid: string | null }, over: object = {}) =>
    JSON.stringify({
      document_uuid: d.documentUuid,
      project_id: p.id,
      project_uuid: p.projectUuid,
      filename: d.filename,
      s3_bucket: 'bucket',
      s3_key: `documents/${d.documentUuid}/${d.filename}`,
      created_at: '2025-06-05T02:20:00.123456+00:00',
      status: 'pending',
      ...over,
    });
  const pipeline = (d: { documentUuid: string; filename: string }, p: { projectUuid: string | null }) =>
    JSON.stringify({
      project_uuid: p.projectUuid,
      document_metadata: { documentId: d.documentUuid, name: d.filename, file_type: 'pdf', project_uuid: p.projectUuid },
      file_path: `documents/${d.documentUuid}/${d.filename}`,
      pipeline_started: '2025-06-05T02:21:00',
    });
  const ours = (e: unknown) => {
    const x = e as { document_metadata?: { uploaded_at?: unknown } };
    return typeof x?.document_metadata?.uploaded_at === 'string';
  };

  it('a complete intake entry is served as it is: no SQL, the entry left untouched (no TTL added)', async () => {
    const p = await w.project();
    const d = await w.doc(p);
    const raw = intake(d, p);
    await w.redis.set(redisKeys.docMetadata(d.documentUuid), raw);
    const hits = await metric('hits_total', { layer: 'redis' });
    w.t.counter.reset();
    expect(await w.t.service.resolve(d.documentUuid)).toEqual({
      documentUuid: d.documentUuid,
      projectUuid: p.projectUuid,
      projectId: p.id,
      documentMetadata: {
        filename: d.filename,
        s3Bucket: 'bucket',
        s3Key: `documents/${d.documentUuid}/${d.filename}`,
        uploadedAt: '2025-06-05T02:20:00.123456+00:00',
      },
    });
    expect(w.t.counter.queries).toEqual([]);
    expect(await metric('hits_total', { layer: 'redis' })).toBe(hits + 1);
    await w.t.service.settle();
    expect(await w.redis.get(redisKeys.docMetadata(d.documentUuid))).toBe(raw);
    expect(await w.redis.pttl(redisKeys.docMetadata(d.documentUuid))).toBe(-1);
  });

  it.each([
    ['the pipeline shape', 'pipeline'],
    ['an intake entry with a NULL filename', 'intake-no-filename'],
    ['an intake entry without created_at', 'intake-no-date'],
  ])('%s is a miss: loaded once, written back in our shape, not counted as malformed', async (_name, kind) => {
    const p = await w.project();
    const d = await w.doc(p);
    const raw =
      kind === 'pipeline'
        ? pipeline(d, p)
        : kind === 'intake-no-filename'
          ? intake(d, p, { filename: null })
          : intake(d, p, { created_at: undefined });
    await w.redis.set(redisKeys.docMetadata(d.documentUuid), raw, 'EX', 86400);
    const invalid = await metric('invalid_entries_total');
    w.t.counter.reset();
    const ctx = await w.t.service.resolve(d.documentUuid);
    expect(ctx).toMatchObject({ projectUuid: p.projectUuid, projectId: p.id, documentMetadata: { filename: d.filename } });
    expect(w.t.counter.lookups).toBe(1);
    expect(await metric('invalid_entries_total')).toBe(invalid);
    const e = await w.entry(d.documentUuid);
    expect(ours(e)).toBe(true);
    expect(e).toMatchObject({ project_uuid: p.projectUuid, project_id: p.id, document_uuid: d.documentUuid });
    // Now ours: a plain hit.
    w.t.counter.reset();
    expect(await w.t.service.resolve(d.documentUuid)).toEqual(ctx);
    expect(w.t.counter.queries).toEqual([]);
  });

  it('resolveMany: complete old entries are hits, incomplete ones one SQL query for all of them, written back', async () => {
    const p = await w.project();
    const docs = await Promise.all(Array.from({ length: 6 }, () => w.doc(p)));
    await w.redis.set(redisKeys.docMetadata(docs[0].documentUuid), intake(docs[0], p));
    await w.redis.set(redisKeys.docMetadata(docs[1].documentUuid), intake(docs[1], p));
    await w.redis.set(redisKeys.docMetadata(docs[2].documentUuid), pipeline(docs[2], p), 'EX', 86400);
    await w.redis.set(redisKeys.docMetadata(docs[3].documentUuid), pipeline(docs[3], p), 'EX', 86400);
    await w.redis.set(redisKeys.docMetadata(docs[4].documentUuid), intake(docs[4], p, { filename: null }));
    const invalid = await metric('invalid_entries_total');
    w.t.counter.reset();
    const m = await w.t.service.resolveMany(docs.map((d) => d.documentUuid));
    expect(docs.map((d) => m.get(d.documentUuid)?.projectUuid)).toEqual(Array(6).fill(p.projectUuid));
    expect(w.t.counter.lookups).toBe(1);
    expect(await metric('invalid_entries_total')).toBe(invalid);
    const entries = await Promise.all(docs.map((d) => w.entry(d.documentUuid)));
    expect(entries.map(ours)).toEqual([false, false, true, true, true, true]);
  });

  it('an old entry that names another document is still malformed: deleted, counted, loaded from the database', async () => {
    const p = await w.project();
    const [d, other] = await Promise.all([w.doc(p), w.doc(p)]);
    await w.redis.set(redisKeys.docMetadata(d.documentUuid), intake(other, p));
    const invalid = await metric('invalid_entries_total');
    expect((await w.t.service.resolve(d.documentUuid)).documentMetadata.filename).toBe(d.filename);
    expect(await metric('invalid_entries_total')).toBe(invalid + 1);
    expect(ours(await w.entry(d.documentUuid))).toBe(true);
  });
});

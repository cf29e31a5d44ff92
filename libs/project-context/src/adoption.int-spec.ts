/**
 * The resolver on rows the old system left behind, in a private database whose source_documents is loosened the
 * way the old schema has it (project_fk_id nullable and without a foreign key, original_file_name nullable):
 * documents found by project_uuid when project_fk_id is NULL or dangling, both columns healed, overwritten old
 * values logged, orphans not found, NULL file names, and the old projects.project_id adopted as the project UUID.
 */
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { redisKeys } from '@casegraph/contracts';
import { PrivateDatabase, createPrivateDatabase } from '@casegraph/testing';
import { decodeEntry } from './cache-entry';
import { DocumentNotFoundError } from './project-context.types';
import { TestApp, createTestApp } from './testing/test-app';

interface DocRow {
  project_fk_id: number | null;
  project_uuid: string | null;
  updated_at: Date;
}

describe('resolve() on the old system’s rows (private database)', () => {
  let db: PrivateDatabase;
  let t: TestApp;
  let redis: Redis;
  const keys: string[] = [];

  const project = async (): Promise<{ id: number; uuid: string }> => {
    const [p] = await t.db.query(
      `INSERT INTO projects (name, project_uuid) VALUES ($1, gen_random_uuid()) RETURNING id, project_uuid::text AS uuid`,
      [`p-${randomUUID()}`],
    );
    return p;
  };
  /** A document row written as some old code path wrote it (any column may be NULL or point nowhere). */
  const doc = async (cols: { fk: number | null; uuid: string | null; name?: string | null; fileName?: string | null; s3Key?: string | null }) => {
    const u = randomUUID();
    keys.push(redisKeys.docMetadata(u), redisKeys.docMetadataVersion(u), redisKeys.docMetadataMissing(u));
    await t.db.query(
      `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name, file_name, s3_bucket, s3_key, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'legal-docs', $6, '2025-06-05T02:20:00Z')`,
      [
        u,
        cols.fk,
        cols.uuid,
        cols.name === undefined ? 'a.pdf' : cols.name,
        cols.fileName ?? null,
        cols.s3Key === undefined ? `documents/${u}/a.pdf` : cols.s3Key,
      ],
    );
    return u;
  };
  const row = async (u: string): Promise<DocRow> =>
    (await t.db.query(`SELECT project_fk_id, project_uuid::text AS project_uuid, updated_at FROM source_documents WHERE document_uuid = $1`, [u]))[0];
  const logOf = async (u: string) =>
    t.db.query(
      `SELECT l.column_name, l.old_value, l.new_value, l.reason FROM casegraph_adoption_log l
         JOIN source_documents sd ON l.table_name = 'source_documents' AND l.row_id = sd.id::text
        WHERE sd.document_uuid = $1 ORDER BY l.id`,
      [u],
    );

  beforeAll(async () => {
    db = await createPrivateDatabase('pcadopt');
    t = await createTestApp({}, db.url);
    redis = new Redis(process.env.REDIS_URL!);
    const [fk] = await t.db.query(
      `SELECT conname FROM pg_constraint WHERE conrelid = 'source_documents'::regclass AND contype = 'f' AND conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = 'source_documents'::regclass AND attname = 'project_fk_id')]::int2[]`,
    );
    if (fk) await t.db.query(`ALTER TABLE source_documents DROP CONSTRAINT "${fk.conname}"`);
    await t.db.query(`ALTER TABLE source_documents ALTER COLUMN project_fk_id DROP NOT NULL, ALTER COLUMN original_file_name DROP NOT NULL`);
  }, 60_000);

  afterAll(async () => {
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    redis.disconnect();
    await t?.close();
    await db?.drop();
  });

  it('a row with NULL project_fk_id (the old CLI import) is found by project_uuid, and project_fk_id is healed', async () => {
    const p = await project();
    const u = await doc({ fk: null, uuid: p.uuid });
    const before = await row(u);
    expect(await t.service.resolve(u)).toMatchObject({ documentUuid: u, projectUuid: p.uuid, projectId: p.id });
    const after = await row(u);
    expect(after).toEqual({ project_fk_id: p.id, project_uuid: p.uuid, updated_at: before.updated_at });
    // Filling a NULL needs no log.
    expect(await logOf(u)).toEqual([]);
    expect((await t.service.resolveMany([u])).get(u)!.projectId).toBe(p.id);
  });

  it('a dangling project_fk_id is replaced by project_uuid’s project, and the old value is logged', async () => {
    const p = await project();
    const u = await doc({ fk: 987654, uuid: p.uuid });
    expect(await t.service.resolve(u)).toMatchObject({ projectUuid: p.uuid, projectId: p.id });
    expect((await row(u)).project_fk_id).toBe(p.id);
    expect(await logOf(u)).toEqual([
      { column_name: 'project_fk_id', old_value: 987654, new_value: p.id, reason: 'dangling project_fk_id (project_uuid is the truth)' },
    ]);
  });

  it('mismatch: project_fk_id wins, the overwritten project_uuid is logged, updated_at is left as it was', async () => {
    const p = await project();
    const other = await project();
    const u = await doc({ fk: p.id, uuid: other.uuid });
    const before = await row(u);
    expect(await t.service.resolve(u)).toMatchObject({ projectUuid: p.uuid, projectId: p.id });
    expect(await row(u)).toEqual({ project_fk_id: p.id, project_uuid: p.uuid, updated_at: before.updated_at });
    expect(await logOf(u)).toEqual([
      { column_name: 'project_uuid', old_value: other.uuid, new_value: p.uuid, reason: 'mismatched project_uuid (project_fk_id is the truth)' },
    ]);
    // Healed once: a second cold lookup finds nothing to heal and logs nothing more.
    await t.service.invalidate(u);
    t.counter.reset();
    await t.service.resolve(u);
    expect(t.counter.heals).toBe(0);
    expect(await logOf(u)).toHaveLength(1);
  });

  it('two processes heal the same mismatched and fk-less documents at once: one overwrite, one log row per old value', async () => {
    const b = await createTestApp({}, db.url);
    try {
      const p = await project();
      const other = await project();
      const mismatched = await Promise.all(Array.from({ length: 6 }, () => doc({ fk: p.id, uuid: other.uuid })));
      const fkLess = await Promise.all(Array.from({ length: 6 }, () => doc({ fk: null, uuid: p.uuid })));
      const all = [...mismatched, ...fkLess];
      t.counter.reset();
      b.counter.reset();
      // Every document from both DataSources, single lookups and overlapping batches, all at once.
      const calls: Array<Promise<unknown>> = [];
      for (const [i, u] of all.entries()) {
        calls.push(t.service.resolve(u), b.service.resolve(u));
        if (i % 3 === 0) calls.push((i % 2 ? t : b).service.resolveMany(all.slice(i, i + 5)));
      }
      await Promise.all(calls);
      expect(t.counter.heals).toBeGreaterThan(0);
      expect(b.counter.heals).toBeGreaterThan(0);
      for (const u of all) expect(await row(u)).toMatchObject({ project_fk_id: p.id, project_uuid: p.uuid });
      for (const u of mismatched) expect((await logOf(u)).map((l: { old_value: string }) => l.old_value)).toEqual([other.uuid]);
      for (const u of fkLess) expect(await logOf(u)).toEqual([]);
    } finally {
      await b.close();
    }
  }, 30_000);

  it('an orphan (project missing in both columns) is not found, and nothing is changed', async () => {
    const gone = randomUUID();
    const orphans = [await doc({ fk: null, uuid: gone }), await doc({ fk: 876543, uuid: gone }), await doc({ fk: null, uuid: null })];
    for (const u of orphans) {
      const before = await row(u);
      await expect(t.service.resolve(u)).rejects.toBeInstanceOf(DocumentNotFoundError);
      expect(await row(u)).toEqual(before);
      expect(await logOf(u)).toEqual([]);
    }
    expect((await t.service.resolveMany(orphans)).size).toBe(0);
    await t.service.settle();
    expect(await redis.exists(...orphans.map((u) => redisKeys.docMetadata(u)))).toBe(0);
  });

  it('a NULL original_file_name reads as file_name, else the S3 key’s basename, else ""; every entry written decodes', async () => {
    const p = await project();
    const cases: Array<[string, string]> = [
      [await doc({ fk: p.id, uuid: p.uuid, name: null, fileName: 'scan_0001.pdf' }), 'scan_0001.pdf'],
      [await doc({ fk: p.id, uuid: p.uuid, name: null, s3Key: 'documents/abc/Exhibit B.pdf' }), 'Exhibit B.pdf'],
      [await doc({ fk: p.id, uuid: p.uuid, name: null, s3Key: 'flat-key.pdf' }), 'flat-key.pdf'],
      [await doc({ fk: p.id, uuid: p.uuid, name: null, s3Key: null }), ''],
    ];
    for (const [u, filename] of cases) expect((await t.service.resolve(u)).documentMetadata.filename).toBe(filename);
    await t.service.settle();
    for (const [u, filename] of cases) {
      const raw = await redis.get(redisKeys.docMetadata(u));
      const d = decodeEntry(raw!, u);
      expect(d).toMatchObject({ ok: true, complete: true, context: { documentMetadata: { filename } } });
    }
    // And through the batch path.
    const many = await t.service.resolveMany(cases.map(([u]) => u));
    expect(cases.map(([u]) => many.get(u)!.documentMetadata.filename)).toEqual(cases.map(([, f]) => f));
  });

  it('on an adopted database (projects.project_id + the sync trigger), a project without project_uuid resolves to its ORIGINAL project_id', async () => {
    // The old column and the trigger of migration 1764600000000, as DESIGN.md specifies them.
    await t.db.query(`ALTER TABLE projects ADD COLUMN project_id uuid NOT NULL DEFAULT gen_random_uuid()`);
    await t.db.query(`ALTER TABLE projects ADD CONSTRAINT projects_project_uuid_key UNIQUE (project_id)`);
    const original = randomUUID();
    // Written before the trigger exists: the old system's row, project_uuid NULL.
    const [p] = await t.db.query(`INSERT INTO projects (name, project_id, project_uuid) VALUES ('old matter', $1, NULL) RETURNING id`, [original]);
    await t.db.query(`CREATE FUNCTION casegraph_project_uuid_sync() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NEW.project_uuid IS NOT NULL THEN NEW.project_id := NEW.project_uuid; ELSE NEW.project_uuid := NEW.project_id; END IF;
        ELSIF OLD.project_uuid IS NULL OR NEW.project_id IS DISTINCT FROM OLD.project_id THEN
          NEW.project_uuid := NEW.project_id;
        ELSIF NEW.project_uuid IS DISTINCT FROM OLD.project_uuid THEN
          NEW.project_id := NEW.project_uuid;
        END IF;
        RETURN NEW;
      END $fn$`);
    await t.db.query(
      `CREATE TRIGGER casegraph_project_uuid_sync BEFORE INSERT OR UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION casegraph_project_uuid_sync()`,
    );
    // The intake path that wrote project_fk_id and never project_uuid, and one that wrote the old UUID too.
    const a = await doc({ fk: p.id, uuid: null });
    const b = await doc({ fk: p.id, uuid: original });
    expect(await t.service.resolve(a)).toMatchObject({ projectUuid: original, projectId: p.id });
    expect((await t.service.resolveMany([b])).get(b)).toMatchObject({ projectUuid: original, projectId: p.id });
    const [{ project_uuid, project_id }] = await t.db.query(
      `SELECT project_uuid::text AS project_uuid, project_id::text AS project_id FROM projects WHERE id = $1`,
      [p.id],
    );
    expect({ project_uuid, project_id }).toEqual({ project_uuid: original, project_id: original });
    expect((await row(a)).project_uuid).toBe(original);
    expect((await row(b)).project_uuid).toBe(original);
    expect(await logOf(a)).toEqual([]);
    expect(await logOf(b)).toEqual([]);
    // A document the CLI import wrote with only the old UUID is found by it.
    const c = await doc({ fk: null, uuid: original });
    expect(await t.service.resolve(c)).toMatchObject({ projectUuid: original, projectId: p.id });
    expect((await row(c)).project_fk_id).toBe(p.id);
  });
});

import { Test } from '@nestjs/testing';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { redisKeys } from '@casegraph/contracts';
import { ENTITIES, MIGRATIONS, dataSourceOptions, migrate } from '@casegraph/entities';
import { ProjectContextModule, ProjectContextModuleOptions, ProjectContextService } from '@casegraph/project-context';
import {
  type LegacyCacheEntry,
  type LegacySchema,
  type LegacySeed,
  OWN_LEGACY_SCHEMA,
  type PrivateDatabase,
  buildLegacyDatabase,
  cleanup,
  createPrivateDataSource,
  createPrivateDatabase,
  describeWithLegacySeed,
  requireSharedLegacySchema,
  seedDocument,
  seedLegacyCache,
  seedLegacyRows,
  seedProject,
} from '@casegraph/testing';
import { audit } from './audit';
import { backfill } from './backfill';

interface TestApp {
  service: ProjectContextService;
  db: DataSource;
  close: () => Promise<void>;
}

/** The resolver as an app hosts it (TypeORM on the test database, the shared Redis): what the audit checks and repairs. */
async function createTestApp(options: Partial<ProjectContextModuleOptions> = {}, databaseUrl = process.env.DATABASE_URL!): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot(
        dataSourceOptions(databaseUrl, ENTITIES, MIGRATIONS, {
          poolSize: 12,
          applicationName: `audit-test-${randomUUID().slice(0, 8)}`,
        }),
      ),
      ProjectContextModule.forRoot({ redisUrl: process.env.REDIS_URL!, ...options }),
    ],
  }).compile();
  const app = await moduleRef.init();
  return { service: app.get(ProjectContextService), db: app.get<DataSource>(getDataSourceToken()), close: () => app.close() };
}

const zero = { nullInDb: 0, mismatchedInDb: 0, stale: 0, malformed: 0, missing: 0, legacy: 0, orphans: 0 };

describe('context audit [--repair] [--project]', () => {
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

  it('reports a seeded mix of bad entries by kind, repairs them all from the database, and is clean afterwards', async () => {
    const p = await seedProject(t.db);
    const elsewhere = await seedProject(t.db);
    projects.push(p.id, elsewhere.id);
    const docs = [];
    for (let i = 0; i < 14; i++) docs.push(await seedDocument(t.db, p, { legacy: i >= 12 }));
    for (const d of docs)
      keys.push(...[redisKeys.docMetadata, redisKeys.docMetadataVersion, redisKeys.docMetadataMissing].map((k) => k(d.documentUuid)));
    // 0-4 good entries, 5-6 missing, 7-8 stale (another project), 9 garbage JSON, 10 non-UUID project, 11 mismatched in DB, 12-13 NULL in DB.
    for (const d of docs.slice(0, 5)) await t.service.resolve(d.documentUuid);
    await t.service.settle();
    for (const d of docs.slice(7, 9)) {
      await redis.set(
        redisKeys.docMetadata(d.documentUuid),
        JSON.stringify({
          project_uuid: elsewhere.projectUuid,
          project_id: elsewhere.id,
          document_metadata: { filename: d.filename, s3_bucket: null, s3_key: null, uploaded_at: new Date().toISOString() },
        }),
      );
    }
    await redis.set(redisKeys.docMetadata(docs[9].documentUuid), 'not json{');
    await redis.set(redisKeys.docMetadata(docs[10].documentUuid), JSON.stringify({ project_uuid: 'None', project_id: p.id, document_metadata: {} }));
    await t.db.query(`UPDATE source_documents SET project_uuid = $2 WHERE document_uuid = $1`, [docs[11].documentUuid, elsewhere.projectUuid]);

    const progress: number[] = [];
    const report = await audit(t.db, redis, {
      projectUuid: p.projectUuid!,
      batchSize: 4,
      progress: (total) => (progress.push(total), { increment: (n) => progress.push(n), stop: () => undefined }),
    });
    expect(report).toEqual({
      scanned: 14,
      ok: 5,
      missing: 5,
      stale: 2,
      malformed: 2,
      legacy: 0,
      orphans: 0,
      nullInDb: 2,
      mismatchedInDb: 1,
      repairedEntries: 0,
      healedRows: 0,
    });
    // Keyset batches of 4: 4 + 4 + 4 + 2.
    expect(progress).toEqual([14, 4, 4, 4, 2]);
    // Without --repair nothing changed.
    expect(await redis.get(redisKeys.docMetadata(docs[9].documentUuid))).toBe('not json{');

    const repaired = await audit(t.db, redis, { projectUuid: p.projectUuid!, batchSize: 4, repair: true });
    expect(repaired).toMatchObject({
      scanned: 14,
      missing: 5,
      stale: 2,
      malformed: 2,
      nullInDb: 2,
      mismatchedInDb: 1,
      repairedEntries: 9,
      healedRows: 3,
    });

    const again = await audit(t.db, redis, { projectUuid: p.projectUuid!, batchSize: 4 });
    expect(again).toEqual({ scanned: 14, ok: 14, ...zero, repairedEntries: 0, healedRows: 0 });
    const entries = await redis.mget(docs.map((d) => redisKeys.docMetadata(d.documentUuid)));
    expect(entries.map((e) => JSON.parse(e!).project_uuid)).toEqual(Array(14).fill(p.projectUuid));
    const rows = await t.db.query(`SELECT DISTINCT project_uuid::text AS u FROM source_documents WHERE project_fk_id = $1`, [p.id]);
    expect(rows).toEqual([{ u: p.projectUuid }]);
    // Other projects' documents were not scanned.
    expect(await redis.exists(redisKeys.docMetadata(randomUUID()))).toBe(0);
  });

  it('a repaired stale entry is also dropped from other instances’ L1 (the repair invalidates first)', async () => {
    const x = await createTestApp({ l1: { maxEntries: 100, ttlMs: 60_000 } });
    try {
      for (let i = 0; i < 100 && !x.service.l1Active; i++) await new Promise((r) => setTimeout(r, 20));
      const a = await seedProject(t.db);
      const b = await seedProject(t.db);
      projects.push(a.id, b.id);
      const d = await seedDocument(t.db, a);
      keys.push(redisKeys.docMetadata(d.documentUuid), redisKeys.docMetadataVersion(d.documentUuid));
      expect((await x.service.resolve(d.documentUuid)).projectUuid).toBe(a.projectUuid);
      // Moved behind the resolver's back (no invalidate()): Redis and the L1 are stale.
      await t.db.query(`UPDATE source_documents SET project_fk_id = $2, project_uuid = $3 WHERE document_uuid = $1`, [
        d.documentUuid,
        b.id,
        b.projectUuid,
      ]);
      const r = await audit(t.db, redis, { projectUuid: b.projectUuid!, repair: true });
      expect(r).toMatchObject({ scanned: 1, stale: 1, repairedEntries: 1 });
      for (let i = 0; i < 50; i++) {
        if ((await x.service.resolve(d.documentUuid)).projectUuid === b.projectUuid) break;
        await new Promise((res) => setTimeout(res, 10));
      }
      expect((await x.service.resolve(d.documentUuid)).projectUuid).toBe(b.projectUuid);
    } finally {
      await x.close();
    }
  });

  it('whole-database audit in a private database: legacy projects with NULL UUIDs are found, and --repair heals them', async () => {
    const db = await createPrivateDataSource('audit', { applicationName: 'pc-private-test' });
    const seededKeys: string[] = [];
    try {
      const [p] = await db.ds.query(`INSERT INTO projects (name) VALUES ('legacy') RETURNING id`);
      const uuids = (
        await db.ds.query(
          `INSERT INTO source_documents (document_uuid, project_fk_id, original_file_name) SELECT gen_random_uuid(), $1, 'f' || g FROM generate_series(1, 25) g RETURNING document_uuid::text AS u`,
          [p.id],
        )
      ).map((r: { u: string }) => r.u);
      for (const u of uuids) seededKeys.push(redisKeys.docMetadata(u), redisKeys.docMetadataVersion(u), redisKeys.docMetadataMissing(u));
      expect(await audit(db.ds, redis, { batchSize: 10 })).toEqual({
        scanned: 25,
        ok: 0,
        missing: 25,
        stale: 0,
        malformed: 0,
        legacy: 0,
        orphans: 0,
        nullInDb: 25,
        mismatchedInDb: 0,
        repairedEntries: 0,
        healedRows: 0,
      });
      expect(await audit(db.ds, redis, { batchSize: 10, repair: true })).toMatchObject({ repairedEntries: 25, healedRows: 26 });
      expect(await audit(db.ds, redis, { batchSize: 10 })).toMatchObject({ scanned: 25, ok: 25, ...zero });
      const [{ u }] = await db.ds.query(`SELECT project_uuid::text AS u FROM projects WHERE id = $1`, [p.id]);
      expect(new Set((await redis.mget(uuids.map((x: string) => redisKeys.docMetadata(x)))).map((e) => JSON.parse(e!).project_uuid))).toEqual(
        new Set([u]),
      );
      expect(await backfill(db.ds)).toMatchObject({ projectsHealed: 0, documentsHealed: 0 });
    } finally {
      if (seededKeys.length) await redis.del(...seededKeys);
      await db.drop();
    }
  }, 60_000);

  it('old rows and old cache shapes in a private database: legacy entries, orphans, NULL project_fk_id, NULL file names', async () => {
    const db = await createPrivateDataSource('auditlegacy', { applicationName: 'pc-private-test' });
    const seededKeys: string[] = [];
    try {
      // Loosened like the old schema: project_fk_id nullable without a foreign key, original_file_name nullable.
      const fks = await db.ds.query(
        `SELECT conname FROM pg_constraint WHERE conrelid = 'source_documents'::regclass AND contype = 'f'
            AND conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = 'source_documents'::regclass AND attname = 'project_fk_id')]::int2[]`,
      );
      for (const { conname } of fks) await db.ds.query(`ALTER TABLE source_documents DROP CONSTRAINT "${conname}"`);
      await db.ds.query(`ALTER TABLE source_documents ALTER COLUMN project_fk_id DROP NOT NULL, ALTER COLUMN original_file_name DROP NOT NULL`);
      const [p, q] = await db.ds.query(
        `INSERT INTO projects (name, project_uuid) VALUES ('p', gen_random_uuid()), ('q', gen_random_uuid()) RETURNING id, project_uuid::text AS uuid`,
      );
      const doc = async (fk: number | null, uuid: string | null, name: string | null = 'a.pdf', s3Key: string | null = null) => {
        const [r] = await db.ds.query(
          `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name, s3_key) VALUES (gen_random_uuid(), $1, $2, $3, $4)
           RETURNING document_uuid::text AS u`,
          [fk, uuid, name, s3Key],
        );
        seededKeys.push(redisKeys.docMetadata(r.u), redisKeys.docMetadataVersion(r.u), redisKeys.docMetadataMissing(r.u));
        return r.u as string;
      };
      const intake = (u: string, project: { id: number; uuid: string }, over: object = {}) =>
        JSON.stringify({
          document_uuid: u,
          project_id: project.id,
          project_uuid: project.uuid,
          filename: 'a.pdf',
          s3_bucket: null,
          s3_key: null,
          created_at: '2025-06-05T02:20:00+00:00',
          status: 'pending',
          ...over,
        });
      const pipeline = (u: string, projectUuid: string) =>
        JSON.stringify({
          project_uuid: projectUuid,
          document_metadata: { documentId: u, name: 'a.pdf', file_type: 'pdf', project_uuid: projectUuid },
          file_path: 'a.pdf',
          pipeline_started: '2025-06-05T02:21:00',
        });
      const d = [];
      for (let i = 0; i < 10; i++) {
        if (i === 6) d.push(await doc(null, randomUUID()));
        else if (i === 7) d.push(await doc(null, p.uuid));
        else if (i === 8) d.push(await doc(p.id, p.uuid, null, 'documents/x/Scan 0001.pdf'));
        else d.push(await doc(p.id, p.uuid));
      }
      const set = (u: string, raw: string) => redis.set(redisKeys.docMetadata(u), raw);
      // 0 ours; 1 complete intake; 2 intake without filename; 3 pipeline; 4 intake of another project; 5 pipeline of
      // another project; 6 orphan with an intake entry; 7 NULL project_fk_id, no entry; 8 NULL file name, no entry;
      // 9 intake with the right UUID but another project's serial id.
      await set(
        d[0],
        JSON.stringify({
          project_uuid: p.uuid,
          project_id: p.id,
          document_uuid: d[0],
          document_metadata: { filename: 'a.pdf', s3_bucket: null, s3_key: null, uploaded_at: '2025-06-05T02:20:00Z' },
        }),
      );
      await set(d[1], intake(d[1], p));
      await set(d[2], intake(d[2], p, { filename: null }));
      await set(d[3], pipeline(d[3], p.uuid));
      await set(d[4], intake(d[4], q));
      await set(d[5], pipeline(d[5], q.uuid));
      await set(d[6], intake(d[6], q));
      await set(d[9], intake(d[9], { id: q.id, uuid: p.uuid }));
      const raw = async (u: string) => redis.get(redisKeys.docMetadata(u));
      const [orphanBefore, completeBefore] = [await raw(d[6]), await raw(d[1])];

      expect(await audit(db.ds, redis, { batchSize: 3 })).toEqual({
        scanned: 10,
        ok: 1,
        missing: 2,
        stale: 3,
        malformed: 0,
        legacy: 3,
        orphans: 1,
        nullInDb: 1,
        mismatchedInDb: 0,
        repairedEntries: 0,
        healedRows: 0,
      });
      expect(await audit(db.ds, redis, { batchSize: 3, repair: true })).toMatchObject({ scanned: 10, repairedEntries: 7, healedRows: 1 });
      // The complete old entry and the orphan's entry are left as they were.
      expect(await raw(d[1])).toBe(completeBefore);
      expect(await raw(d[6])).toBe(orphanBefore);
      for (const i of [2, 3, 4, 5, 7, 8, 9]) {
        expect(JSON.parse((await raw(d[i]))!)).toMatchObject({ project_uuid: p.uuid, project_id: p.id, document_uuid: d[i] });
      }
      expect(JSON.parse((await raw(d[8]))!).document_metadata.filename).toBe('Scan 0001.pdf');
      const [healed] = await db.ds.query(`SELECT project_fk_id FROM source_documents WHERE document_uuid = $1`, [d[7]]);
      expect(healed.project_fk_id).toBe(p.id);
      expect(await audit(db.ds, redis, { batchSize: 3 })).toEqual({
        scanned: 10,
        ok: 8,
        ...zero,
        legacy: 1,
        orphans: 1,
        repairedEntries: 0,
        healedRows: 0,
      });
      // Per project: the orphan belongs to none.
      expect(await audit(db.ds, redis, { projectUuid: p.uuid })).toMatchObject({ scanned: 9, ok: 8, legacy: 1, orphans: 0 });
    } finally {
      if (seededKeys.length) await redis.del(...seededKeys);
      await db.drop();
    }
  }, 60_000);

  it('rejects a --project that is not a UUID', async () => {
    await expect(audit(t.db, redis, { projectUuid: 'x' })).rejects.toThrow('--project must be a UUID');
  });
});

/**
 * The old system's database (built column for column by H1's builder, seeded the way its code paths wrote rows and
 * cache entries), after `db:migrate` only: audit sees the old cache shapes as legacy (stale where they name the
 * wrong project), the orphans as orphans; --repair heals both project columns and rewrites what is stale or
 * incomplete; resolve() then answers every document with its ORIGINAL project UUID (projects.project_id).
 */
function legacyDatabaseSuite(label: string, schemaOf: () => LegacySchema): void {
  let db: PrivateDatabase;
  let t: TestApp;
  let redis: Redis;
  let seed: LegacySeed;
  let entries: LegacyCacheEntry[];
  const keys: string[] = [];

  beforeAll(async () => {
    const schema = schemaOf();
    db = await createPrivateDatabase(`auditold_${label}`, { migrate: false });
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      await buildLegacyDatabase(c, schema);
      seed = await seedLegacyRows(c, schema);
    } finally {
      await c.end();
    }
    await migrate(db.url, () => undefined);
    redis = new Redis(process.env.REDIS_URL!);
    for (const d of seed.documents)
      keys.push(redisKeys.docMetadata(d.documentUuid), redisKeys.docMetadataVersion(d.documentUuid), redisKeys.docMetadataMissing(d.documentUuid));
    entries = await seedLegacyCache(redis, seed);
    t = await createTestApp({}, db.url);
  }, 120_000);

  afterAll(async () => {
    if (keys.length) await redis?.del(...keys);
    redis?.disconnect();
    await t?.close();
    await db?.drop();
  });

  it('audit → audit --repair → audit, then resolve(): original project UUIDs, old entries kept or rewritten as they should be', async () => {
    const docs = seed.documents;
    const orphans = docs.filter((d) => d.originalProjectId === null);
    const stale = entries.filter((e) => e.variant === 'stale-project');
    const legacy = entries.filter((e) => e.variant !== 'stale-project');
    const completeIntake = entries.filter((e) => e.shape === 'intake' && e.variant === 'complete');
    expect(orphans.length).toBeGreaterThan(0);
    expect(stale.length).toBeGreaterThan(0);
    expect(entries.some((e) => e.shape === 'pipeline')).toBe(true);
    expect(completeIntake.length).toBeGreaterThan(0);
    const report = await audit(t.db, redis, { batchSize: 5 });
    expect(report).toMatchObject({
      scanned: docs.length,
      stale: stale.length,
      legacy: legacy.length,
      orphans: orphans.length,
      malformed: 0,
      missing: docs.length - orphans.length - entries.length,
      ok: 0,
    });
    const raw = async (u: string) => redis.get(redisKeys.docMetadata(u));
    const before = new Map(await Promise.all(completeIntake.map(async (e) => [e.documentUuid, await raw(e.documentUuid)] as const)));

    const repaired = await audit(t.db, redis, { batchSize: 5, repair: true });
    expect(repaired.healedRows).toBeGreaterThan(0);
    // Everything but the complete old intake entries (left as they are) is written in our shape.
    expect(repaired.repairedEntries).toBe(docs.length - orphans.length - completeIntake.length);
    expect(await audit(t.db, redis, { batchSize: 5 })).toEqual({
      scanned: docs.length,
      ok: docs.length - orphans.length - completeIntake.length,
      ...zero,
      legacy: completeIntake.length,
      orphans: orphans.length,
      repairedEntries: 0,
      healedRows: 0,
    });
    for (const [u, value] of before) expect(await raw(u)).toBe(value);

    const m = await t.service.resolveMany(docs.map((d) => d.documentUuid));
    for (const d of docs) {
      if (d.originalProjectId === null) {
        expect(m.has(d.documentUuid)).toBe(false);
        continue;
      }
      expect({ doc: d.documentUuid, ...m.get(d.documentUuid) }).toMatchObject({
        doc: d.documentUuid,
        projectUuid: d.originalProjectUuid,
        projectId: d.originalProjectId,
      });
    }
    // The rows: both project columns of every non-orphan document name its original project.
    const rows: Array<{ u: string; fk: number | null; pu: string | null }> = await t.db.query(
      `SELECT document_uuid::text AS u, project_fk_id AS fk, project_uuid::text AS pu FROM source_documents`,
    );
    const byUuid = new Map(rows.map((r) => [r.u, r]));
    for (const d of docs.filter((x) => x.originalProjectId !== null)) {
      expect(byUuid.get(d.documentUuid)).toEqual({ u: d.documentUuid, fk: d.originalProjectId, pu: d.originalProjectUuid });
    }
    // And a cold resolve() (cache dropped) reads the same from the database, with the COALESCEd file name.
    for (const d of docs.filter((x) => x.originalProjectId !== null)) {
      await t.service.invalidate(d.documentUuid);
      expect(await t.service.resolve(d.documentUuid)).toMatchObject({
        projectUuid: d.originalProjectUuid,
        projectId: d.originalProjectId,
        documentMetadata: { filename: d.displayName },
      });
    }
  });
}

describe('audit and resolve() on the old database (project-owned legacy schema)', () => {
  legacyDatabaseSuite('own', () => OWN_LEGACY_SCHEMA);
});

describeWithLegacySeed('audit and resolve() on the old database (real legacy schema, shared seed)', () => {
  legacyDatabaseSuite('real', requireSharedLegacySchema);
});

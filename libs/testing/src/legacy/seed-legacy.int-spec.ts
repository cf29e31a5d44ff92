/**
 * The legacy seeder, cache seeder, generator and fingerprint against PostgreSQL and Redis, on private databases:
 * the seed writes the production counts and every case it reports (checked against the rows, not against itself),
 * the fingerprint is stable, the cache entries have the old shapes and TTLs, the generator's counts match.
 * OWN_LEGACY_SCHEMA always; the real exporter JSON when the shared seed is there.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { createPrivateDatabase, type PrivateDatabase } from '../database';
import { buildLegacyDatabase } from './build-legacy-database';
import { compareAfterAdoption, fingerprintLegacy } from './fingerprint';
import { type LegacySchema, describeWithLegacySeed, requireSharedLegacySchema } from './legacy-schema';
import { OWN_LEGACY_SCHEMA } from './own-legacy-schema';
import {
  DOCUMENT_CASES,
  type LegacySeed,
  LEGACY_PRODUCTION_COUNTS,
  countLegacyRows,
  generateLegacyDatabase,
  seedLegacyCache,
  seedLegacyRows,
} from './seed-legacy';

// Building and seeding private databases takes seconds on a busy machine.
jest.setTimeout(120_000);

async function legacyDatabase(schema: LegacySchema, label: string): Promise<{ db: PrivateDatabase; client: Client }> {
  const db = await createPrivateDatabase(label, { migrate: false });
  const client = new Client({ connectionString: db.url });
  await client.connect();
  await buildLegacyDatabase(client, schema);
  return { db, client };
}

function seedSuite(schemaOf: () => LegacySchema) {
  let db: PrivateDatabase;
  let client: Client;
  let schema: LegacySchema;
  let seed: LegacySeed;
  const q = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => client.query(sql, params).then((r) => r.rows as T[]);

  beforeAll(async () => {
    schema = schemaOf();
    ({ db, client } = await legacyDatabase(schema, 'legacy_seed'));
    seed = await seedLegacyRows(client, schema);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('writes the production row counts (and nothing into the tables that were empty)', async () => {
    const counts = await countLegacyRows(client, schema);
    const expected = Object.fromEntries(Object.keys(schema.tables).map((t) => [t, (LEGACY_PRODUCTION_COUNTS as Record<string, number>)[t] ?? 0]));
    expect(counts).toEqual(expected);
    expect(seed.counts).toEqual(expected);
    if (schema !== OWN_LEGACY_SCHEMA) for (const [t, def] of Object.entries(schema.tables)) expect([t, counts[t]]).toEqual([t, def.row_count]);
  });

  it('every document case is present, and each row says what the seed reports', async () => {
    for (const k of DOCUMENT_CASES) expect([k, seed.byCase[k].length > 0]).toEqual([k, true]);
    const rows = await q<{
      id: number;
      document_uuid: string;
      project_fk_id: number | null;
      project_uuid: string | null;
      fk_ok: boolean;
      uuid_ok: boolean;
      fk_uuid: string | null;
    }>(
      `SELECT d.id, d.document_uuid::text, d.project_fk_id, d.project_uuid::text, pf.id IS NOT NULL AS fk_ok, pu.id IS NOT NULL AS uuid_ok, pf.project_id::text AS fk_uuid
         FROM source_documents d LEFT JOIN projects pf ON pf.id = d.project_fk_id LEFT JOIN projects pu ON pu.project_id = d.project_uuid`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const d of seed.documents) {
      const r = byId.get(d.id)!;
      expect(r.document_uuid).toBe(d.documentUuid);
      expect([r.project_fk_id, r.project_uuid]).toEqual([d.projectFkId, d.projectUuid]);
      const state =
        r.project_fk_id != null && !r.fk_ok
          ? r.project_uuid
            ? 'dangling-fk'
            : 'orphan'
          : r.project_fk_id != null && r.project_uuid == null
            ? 'intake'
            : r.project_fk_id == null
              ? 'cli-import'
              : r.fk_uuid === r.project_uuid
                ? 'good'
                : 'mismatched';
      expect([d.id, state]).toEqual([d.id, d.case]);
      // The rule: project_fk_id is the truth when it resolves, else project_uuid.
      expect(d.originalProjectUuid).toBe(r.fk_ok ? r.fk_uuid : r.uuid_ok ? r.project_uuid : null);
    }
    expect(seed.orphans.documents.map((d) => d.id)).toEqual(seed.byCase.orphan.map((d) => d.id));
  });

  it('file names: NULL original_file_name with file_name, and a row with only s3_key', async () => {
    const rows = await q<{
      id: number;
      original_file_name: string | null;
      file_name: string | null;
      s3_key: string | null;
      s3_bucket: string | null;
      file_type: string | null;
    }>(`SELECT id, original_file_name, file_name, s3_key, s3_bucket, file_type FROM source_documents`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const fileOnly = seed.documents.filter((d) => d.fileName === 'file-name-only');
    const s3Only = seed.documents.filter((d) => d.fileName === 's3-key-only');
    expect(fileOnly.length).toBeGreaterThan(0);
    expect(s3Only.length).toBeGreaterThan(0);
    for (const d of fileOnly) expect(byId.get(d.id)).toMatchObject({ original_file_name: null, file_name: expect.any(String) });
    for (const d of s3Only)
      expect(byId.get(d.id)).toMatchObject({ original_file_name: null, file_name: null, s3_bucket: null, file_type: null, s3_key: d.s3Key });
    for (const d of seed.documents) {
      const r = byId.get(d.id)!;
      expect(d.displayName).toBe(r.original_file_name ?? r.file_name ?? r.s3_key!.split('/').pop());
    }
  });

  it('page counts in textract_page_count, in textract_jobs (max of a retried job), both, none; numeric OCR confidence', async () => {
    const rows = await q<{ id: number; pages: number | null; tpc: number | null; jobs: number | null; score: string | null }>(
      `SELECT d.id, COALESCE(d.textract_page_count, (SELECT max(j.page_count) FROM textract_jobs j WHERE j.document_uuid = d.document_uuid)) AS pages,
              d.textract_page_count AS tpc, (SELECT max(j.page_count) FROM textract_jobs j WHERE j.document_uuid = d.document_uuid) AS jobs,
              d.ocr_confidence_score::text AS score
         FROM source_documents d`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const src of ['textract_page_count', 'textract_jobs', 'both', 'none'] as const)
      expect([src, seed.documents.some((d) => d.pageSource === src)]).toEqual([src, true]);
    for (const d of seed.documents) {
      const r = byId.get(d.id)!;
      expect([d.id, r.pages]).toEqual([d.id, d.expectedPageCount]);
      const src = r.tpc != null && r.jobs != null ? 'both' : r.tpc != null ? 'textract_page_count' : r.jobs != null ? 'textract_jobs' : 'none';
      expect([d.id, src]).toEqual([d.id, d.pageSource]);
      expect(r.score).toBe(d.ocrConfidenceScore);
    }
    expect(seed.documents.map((d) => d.ocrConfidenceScore)).toContain('0.9312');
    const retried = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT document_uuid FROM textract_jobs GROUP BY 1 HAVING count(*) > 1 AND count(page_count) < count(*)) x`,
    );
    expect(retried[0].n).toBeGreaterThan(0);
  });

  it('chunks: document references, offsets in either column or unknown, retries re-inserted with a new chunk_uuid', async () => {
    const rows = await q<{
      id: number;
      document_uuid: string | null;
      document_fk_id: number | null;
      chunk_index: number;
      char_start_index: number | null;
      start_char_index: number | null;
      text: string;
      doc_text: string;
    }>(
      `SELECT c.id, c.document_uuid::text, c.document_fk_id, c.chunk_index, c.char_start_index, c.start_char_index, c.text, d.raw_extracted_text AS doc_text
         FROM document_chunks c JOIN source_documents d ON d.document_uuid = c.document_uuid OR d.id = c.document_fk_id`,
    );
    expect(rows.length).toBe(seed.chunks.length);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const ch of seed.chunks) {
      const r = byId.get(ch.id)!;
      expect(r.doc_text.slice(ch.start, ch.end)).toBe(r.text);
      const ref = r.document_uuid && r.document_fk_id ? 'both' : r.document_uuid ? 'uuid' : 'fk';
      expect([ch.id, ref]).toEqual([ch.id, ch.documentRef]);
      const offsets = r.char_start_index != null ? 'char_start_index' : r.start_char_index != null ? 'start_char_index' : 'unknown';
      expect([ch.id, offsets]).toEqual([ch.id, ch.offsets]);
      if (offsets !== 'unknown') expect(r.char_start_index ?? r.start_char_index).toBe(ch.start);
    }
    for (const v of ['both', 'uuid', 'fk']) expect(seed.chunks.some((c) => c.documentRef === v)).toBe(true);
    for (const v of ['char_start_index', 'start_char_index', 'unknown']) expect(seed.chunks.some((c) => c.offsets === v)).toBe(true);
    const dups = await q<{ n: number; texts: number; uuids: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT text)::int AS texts, count(DISTINCT chunk_uuid)::int AS uuids
         FROM document_chunks c JOIN source_documents d ON d.document_uuid = c.document_uuid OR d.id = c.document_fk_id
        GROUP BY d.id, c.chunk_index HAVING count(*) > 1`,
    );
    expect(dups.length).toBe(seed.chunks.filter((c) => c.retryOf != null).length);
    for (const d of dups) expect(d).toEqual({ n: 2, texts: 1, uuids: 2 });
  });

  it('mentions: chunk-relative offsets, 0/0, repeated identical spans, both copies of a retried chunk referenced', async () => {
    const rows = await q<{
      id: number;
      start_char: number;
      end_char: number;
      entity_text: string;
      chunk_text: string;
      chunk_id: number;
      doc_text: string;
    }>(
      `SELECT m.id, m.start_char, m.end_char, m.entity_text, c.text AS chunk_text, c.id AS chunk_id, d.raw_extracted_text AS doc_text
         FROM entity_mentions m JOIN document_chunks c ON c.chunk_uuid = m.chunk_uuid OR c.id = m.chunk_fk_id
         JOIN source_documents d ON d.document_uuid = c.document_uuid OR d.id = c.document_fk_id`,
    );
    expect(rows.length).toBe(seed.mentions.length);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const m of seed.mentions) {
      const r = byId.get(m.id)!;
      expect(r.chunk_id).toBe(m.chunkId);
      if (m.offsets === 'zero') expect([r.start_char, r.end_char]).toEqual([0, 0]);
      else expect(r.chunk_text.slice(r.start_char, r.end_char)).toBe(r.entity_text);
      expect(r.doc_text.slice(m.trueStart, m.trueStart + r.entity_text.length)).toBe(r.entity_text);
    }
    expect(seed.mentions.filter((m) => m.offsets === 'zero').length).toBeGreaterThan(1);
    expect(seed.mentions.filter((m) => m.offsets === 'chunk-start-unknown').length).toBeGreaterThan(0);
    // Relative, not absolute: some mention's start differs from its true document offset.
    expect(seed.mentions.some((m) => m.offsets === 'relative' && m.startChar !== m.trueStart)).toBe(true);
    const repeats = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM entity_mentions GROUP BY coalesce(chunk_uuid::text, chunk_fk_id::text), entity_type, start_char, end_char
       HAVING count(*) > 1 AND NOT (start_char = 0 AND end_char = 0)`,
    );
    expect(repeats.length).toBeGreaterThan(0);
    const retried = seed.chunks.filter((c) => c.retryOf != null);
    for (const c of retried) {
      expect(seed.mentions.some((m) => m.chunkId === c.id)).toBe(true);
      expect(seed.mentions.some((m) => m.chunkId === c.retryOf)).toBe(true);
    }
    for (const v of ['uuid', 'both', 'fk']) expect(seed.mentions.some((m) => m.chunkRef === v)).toBe(true);
  });

  it('canonical entities are global: one, two and three projects, one key twice in a project, one mentioned by nobody; odd aliases', async () => {
    const rows = await q<{ uuid: string; projects: string[] | null; aliases: unknown; alias_type: string | null }>(
      `SELECT e.canonical_entity_uuid::text AS uuid, jsonb_typeof(e.aliases) AS alias_type, e.aliases,
              (SELECT array_agg(DISTINCT coalesce(pf.project_id, pu.project_id)::text ORDER BY coalesce(pf.project_id, pu.project_id)::text)
                 FROM entity_mentions m JOIN document_chunks c ON c.chunk_uuid = m.chunk_uuid OR c.id = m.chunk_fk_id
                 JOIN source_documents d ON d.document_uuid = c.document_uuid OR d.id = c.document_fk_id
                 LEFT JOIN projects pf ON pf.id = d.project_fk_id LEFT JOIN projects pu ON pu.project_id = d.project_uuid
                WHERE m.canonical_entity_uuid = e.canonical_entity_uuid) AS projects
         FROM canonical_entities e`,
    );
    const byUuid = new Map(rows.map((r) => [r.uuid, r]));
    for (const e of seed.entities) expect([e.name, byUuid.get(e.uuid)!.projects ?? []]).toEqual([e.name, e.projectUuids]);
    const sizes = (k: keyof LegacySeed['entitiesByCase']) => seed.entitiesByCase[k].map((e) => e.projectUuids.length);
    expect(sizes('one-project')).toEqual([1]);
    expect(sizes('two-projects').every((n) => n === 2)).toBe(true);
    expect(sizes('three-projects')).toEqual([3]);
    expect(sizes('unmentioned')).toEqual([0]);
    const [a, b] = seed.entitiesByCase['same-key'];
    expect(a.key).toBe(b.key);
    expect(a.name).not.toBe(b.name);
    expect(a.projectUuids).toEqual(b.projectUuids);
    expect(a.projectUuids.length).toBe(1);
    const shapes = rows.map((r) => r.alias_type);
    expect(shapes).toContain('array');
    expect(shapes).toContain('object');
    expect(shapes).toContain(null);
  });

  it('relationships join entities (FKs hold), with and without source_chunk_uuid, some on a retry copy', async () => {
    const [r] = await q<{ n: number; with_chunk: number; on_retry: number }>(
      `SELECT count(*)::int AS n, count(source_chunk_uuid)::int AS with_chunk,
              count(*) FILTER (WHERE source_chunk_uuid = ANY($1::uuid[]))::int AS on_retry FROM relationship_staging`,
      [seed.chunks.filter((c) => c.retryOf != null).map((c) => c.chunkUuid)],
    );
    expect(r.n).toBe(seed.edges.length);
    expect(r.with_chunk).toBeGreaterThan(0);
    expect(r.with_chunk).toBeLessThan(r.n);
    expect(r.on_retry).toBeGreaterThan(0);
    // Orphan edges: a few, one from the entity nobody mentions; every other edge has a project to go to.
    const unmentioned = seed.entitiesByCase.unmentioned[0].uuid;
    expect(seed.orphans.edges.some((e) => e.source === unmentioned || e.target === unmentioned)).toBe(true);
    expect(seed.orphans.edges.length).toBeLessThan(seed.edges.length / 10);
    const projectsOf = new Map(seed.entities.map((e) => [e.uuid, e.projectUuids]));
    for (const e of seed.edges.filter((x) => !x.chunkUuid)) {
      const shared = projectsOf.get(e.source)!.filter((p) => projectsOf.get(e.target)!.includes(p));
      expect([e.id, e.projectUuids]).toEqual([e.id, shared]);
    }
  });

  it('every FK holds except on the dangling and orphan documents', async () => {
    const [r] = await q<{ bad: number[] }>(
      `SELECT coalesce(array_agg(d.id ORDER BY d.id), '{}') AS bad FROM source_documents d
        WHERE (d.project_fk_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = d.project_fk_id))
           OR (d.project_uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.project_id = d.project_uuid))`,
    );
    expect(r.bad).toEqual([...seed.byCase['dangling-fk'], ...seed.byCase.orphan].map((d) => d.id).sort((x, y) => x - y));
    // The other FKs: revalidating each one succeeds.
    const fks = await q<{ t: string; name: string }>(
      `SELECT cl.relname AS t, conname AS name FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid WHERE contype = 'f' AND conname <> 'source_documents_project_fk_id_fkey'`,
    );
    await client.query('BEGIN');
    try {
      for (const f of fks) {
        const def = (await q<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = $1`, [f.name]))[0].def;
        await client.query(`ALTER TABLE ${f.t} DROP CONSTRAINT ${f.name}`);
        await client.query(`ALTER TABLE ${f.t} ADD CONSTRAINT ${f.name} ${def}`);
      }
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('old updated_at values are fixed past timestamps; the sequences continue after the seeded ids', async () => {
    for (const t of Object.keys(schema.tables).filter((x) => schema.tables[x].columns.some((c) => c.name === 'updated_at'))) {
      const [r] = await q<{ n: number; late: number }>(`SELECT count(*)::int AS n, count(*) FILTER (WHERE updated_at >= $1)::int AS late FROM ${t}`, [
        seed.oldUpdatedAtBefore,
      ]);
      expect([t, r.late]).toEqual([t, 0]);
    }
    const [p] = await q<{ id: number }>(`INSERT INTO projects (name) VALUES ('After the seed') RETURNING id`);
    expect(p.id).toBe(Math.max(...seed.projects.map((x) => x.id)) + 1);
    await client.query('DELETE FROM projects WHERE id = $1', [p.id]);
  });

  it('the fingerprint is stable, and an unlogged change of an old value is caught', async () => {
    const a = await fingerprintLegacy(client, schema);
    const b = await fingerprintLegacy(client, schema);
    expect(b).toEqual(a);
    expect(Object.keys(a.source_documents).length).toBe(seed.documents.length);
    expect(await compareAfterAdoption(a, b, client)).toEqual([]);
    await client.query('BEGIN');
    try {
      await client.query(`UPDATE canonical_entities SET canonical_name = canonical_name || ' (renamed)' WHERE id = $1`, [seed.entities[0].id]);
      const after = await fingerprintLegacy(client, schema);
      const v = await compareAfterAdoption(a, after, client);
      expect(v.map((x) => [x.table, x.rowId, x.column, x.kind])).toEqual(
        expect.arrayContaining([['canonical_entities', String(seed.entities[0].id), 'canonical_name', 'value-overwritten']]),
      );
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('compareAfterAdoption reads the adoption log and archive: a logged overwrite and an archived delete are accepted', async () => {
    const before = await fingerprintLegacy(client, schema);
    const doc = seed.byCase.mismatched[0];
    const dup = seed.chunks.find((c) => c.retryOf != null)!;
    await client.query('BEGIN');
    try {
      await client.query(
        `CREATE TABLE casegraph_adoption_log (id bigserial PRIMARY KEY, table_name text NOT NULL, row_id text NOT NULL, column_name text NOT NULL,
           old_value jsonb, new_value jsonb, reason text NOT NULL, logged_at timestamptz NOT NULL DEFAULT now());
         CREATE TABLE casegraph_adoption_archive (id bigserial PRIMARY KEY, table_name text NOT NULL, row_id text NOT NULL, row_data jsonb NOT NULL,
           reason text NOT NULL, kept_row_id text, archived_at timestamptz NOT NULL DEFAULT now())`,
      );
      // Heal the mismatched document's project_uuid (non-NULL -> other), and remove a retry's duplicate chunk.
      await client.query(`UPDATE source_documents SET project_uuid = $2 WHERE id = $1`, [doc.id, doc.originalProjectUuid]);
      await client.query(`UPDATE entity_mentions SET chunk_uuid = NULL, chunk_fk_id = NULL WHERE chunk_uuid = $1 OR chunk_fk_id = $2`, [
        dup.chunkUuid,
        dup.id,
      ]);
      await client.query(`UPDATE relationship_staging SET source_chunk_uuid = NULL WHERE source_chunk_uuid = $1`, [dup.chunkUuid]);
      const kinds = async () =>
        (await compareAfterAdoption(before, await fingerprintLegacy(client, schema), client)).map(
          (v) => `${v.table}/${v.rowId}/${v.column ?? ''}/${v.kind}`,
        );
      await client.query('SAVEPOINT unarchived');
      await client.query(`DELETE FROM document_chunks WHERE id = $1`, [dup.id]);
      const unlogged = await kinds();
      expect(unlogged).toContain(`source_documents/${doc.id}/project_uuid/value-overwritten`);
      expect(unlogged).toContain(`document_chunks/${dup.id}//row-lost`);
      await client.query('ROLLBACK TO SAVEPOINT unarchived');
      // Now the way the heal does it: the old value logged, the whole row archived before the delete.
      await client.query(
        `INSERT INTO casegraph_adoption_log (table_name, row_id, column_name, old_value, new_value, reason)
         VALUES ('source_documents', $1, 'project_uuid', to_jsonb($2::uuid), to_jsonb($3::uuid), 'mismatched project_uuid (project_fk_id is the truth)')`,
        [String(doc.id), doc.projectUuid, doc.originalProjectUuid],
      );
      await client.query(
        `INSERT INTO casegraph_adoption_archive (table_name, row_id, row_data, reason, kept_row_id)
         SELECT 'document_chunks', c.id::text, to_jsonb(c), 'duplicate chunk (document_uuid, chunk_index)', $2 FROM document_chunks c WHERE c.id = $1`,
        [dup.id, String(dup.retryOf)],
      );
      await client.query(`DELETE FROM document_chunks WHERE id = $1`, [dup.id]);
      // What remains: the mentions' and edges' chunk links (non-NULL -> NULL, unlogged here), and the old BEFORE UPDATE
      // trigger's new updated_at on the healed document (no keeper trigger on a bare old database): caught too.
      const rest = await kinds();
      expect(rest.filter((k) => !/^(entity_mentions|relationship_staging)\//.test(k))).toEqual([
        `source_documents/${doc.id}/updated_at/value-overwritten`,
      ]);
      expect(rest.length).toBeGreaterThan(0);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('seedLegacyCache writes both old shapes (A without TTL, B with 86400), a NULL filename and a stale project', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
    await redis.connect();
    try {
      const entries = await seedLegacyCache(redis, seed);
      try {
        expect(new Set(entries.map((e) => e.shape))).toEqual(new Set(['intake', 'pipeline']));
        expect(entries.filter((e) => e.variant === 'null-filename').length).toBe(1);
        expect(entries.filter((e) => e.variant === 'stale-project').length).toBe(1);
        const projectById = new Map(seed.projects.map((p) => [p.id, p]));
        for (const e of entries) {
          const raw = await redis.get(e.key);
          expect(JSON.parse(raw!)).toEqual(e.value);
          const ttl = await redis.ttl(e.key);
          if (e.shape === 'intake') expect(ttl).toBe(-1);
          else expect(ttl).toBeGreaterThan(86000);
          const d = seed.documents.find((x) => x.documentUuid === e.documentUuid)!;
          const v = e.value as { project_id?: number; project_uuid: string; filename?: string | null };
          if (e.shape === 'intake') {
            expect(Object.keys(v).sort()).toEqual([
              'created_at',
              'document_uuid',
              'filename',
              'project_id',
              'project_uuid',
              's3_bucket',
              's3_key',
              'status',
            ]);
            expect(projectById.get(v.project_id!)!.projectId).toBe(v.project_uuid);
            expect(v.project_id === d.originalProjectId).toBe(e.variant !== 'stale-project');
            expect(v.filename === null).toBe(e.variant === 'null-filename');
          } else {
            expect(Object.keys(v).sort()).toEqual(['document_metadata', 'file_path', 'pipeline_started', 'project_uuid']);
            expect(v.project_uuid).toBe(d.originalProjectUuid);
          }
        }
      } finally {
        if (entries.length) await redis.del(...entries.map((e) => e.key));
      }
    } finally {
      redis.disconnect();
    }
  });
}

describe('seedLegacyRows on OWN_LEGACY_SCHEMA', () => {
  seedSuite(() => OWN_LEGACY_SCHEMA);
});

describeWithLegacySeed('seedLegacyRows on the real exporter JSON', () => {
  seedSuite(requireSharedLegacySchema);
});

describe('seedLegacyRows with scale 3', () => {
  it('writes three copies of the production set, distinct UUIDs', async () => {
    const { db, client } = await legacyDatabase(OWN_LEGACY_SCHEMA, 'legacy_scale');
    try {
      const seed = await seedLegacyRows(client, OWN_LEGACY_SCHEMA, { scale: 3, salt: randomUUID() });
      const counts = await countLegacyRows(client, OWN_LEGACY_SCHEMA);
      expect(counts.source_documents).toBe(36);
      expect(counts.entity_mentions).toBe(3 * 98);
      expect(counts.relationship_staging).toBe(3 * 330);
      expect(counts.schema_version).toBe(2);
      expect(new Set(seed.documents.map((d) => d.documentUuid)).size).toBe(36);
    } finally {
      await client.end();
      await db.drop();
    }
  });
});

function generatorSuite(schemaOf: () => LegacySchema) {
  it('20,000 documents: the counts match the expected ones, cases in proportion', async () => {
    const schema = schemaOf();
    const { db, client } = await legacyDatabase(schema, 'legacy_gen');
    try {
      const expected = await generateLegacyDatabase(client, schema, { documents: 20_000 });
      const counts = await countLegacyRows(client, schema);
      expect({
        projects: counts.projects,
        source_documents: counts.source_documents,
        document_chunks: counts.document_chunks,
        entity_mentions: counts.entity_mentions,
        canonical_entities: counts.canonical_entities,
        relationship_staging: counts.relationship_staging,
        textract_jobs: counts.textract_jobs,
      }).toEqual({ ...expected, byCase: undefined, projects: expected.projects });
      expect(counts.source_documents).toBe(20_000);
      const [c] = (
        await client.query(
          `SELECT count(*) FILTER (WHERE project_fk_id IS NOT NULL AND project_uuid IS NULL AND EXISTS (SELECT 1 FROM projects p WHERE p.id = d.project_fk_id))::int AS intake,
                  count(*) FILTER (WHERE project_fk_id IS NULL AND project_uuid IS NOT NULL)::int AS cli,
                  count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = d.project_fk_id) AND project_fk_id IS NOT NULL AND project_uuid IS NULL)::int AS orphan,
                  count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = d.project_fk_id) AND project_fk_id IS NOT NULL AND project_uuid IS NOT NULL)::int AS dangling,
                  count(*) FILTER (WHERE project_uuid <> (SELECT project_id FROM projects p WHERE p.id = d.project_fk_id))::int AS mismatched
             FROM source_documents d`,
        )
      ).rows;
      expect(c).toEqual({
        intake: expected.byCase.intake,
        cli: expected.byCase['cli-import'],
        orphan: expected.byCase.orphan,
        dangling: expected.byCase['dangling-fk'],
        mismatched: expected.byCase.mismatched,
      });
      expect(c.intake / 20_000).toBeGreaterThan(0.5);
      // Chunks' text holds each mention's entity at its relative offset (0/0 aside).
      const [bad] = (
        await client.query(
          `SELECT count(*)::int AS n FROM entity_mentions m JOIN document_chunks c ON c.id = m.chunk_fk_id
            WHERE NOT (m.start_char = 0 AND m.end_char = 0) AND substr(c.text, m.start_char + 1, m.end_char - m.start_char) <> m.entity_text`,
        )
      ).rows;
      expect(bad.n).toBe(0);
    } finally {
      await client.end();
      await db.drop();
    }
  });
}

describe('generateLegacyDatabase on OWN_LEGACY_SCHEMA', () => {
  generatorSuite(() => OWN_LEGACY_SCHEMA);
});

describeWithLegacySeed('generateLegacyDatabase on the real exporter JSON', () => {
  generatorSuite(requireSharedLegacySchema);
});

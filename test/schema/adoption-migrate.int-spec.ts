/**
 * `db:migrate` on the old system's database, built column for column from its schema (the real exporter JSON when
 * the shared seed is there, OWN_LEGACY_SCHEMA always) and seeded with the rows its code paths wrote: it succeeds
 * whatever the graph tables hold, changes no old value, adopts projects.project_id as the project UUID (old and new
 * ways of inserting a project agree, both foreign keys hold), keeps updated_at on heal-only updates, lets re-chunking
 * delete chunks old mentions point at, and its down() restores the old objects.
 */
import { Client } from 'pg';
import {
  AdoptLegacyDatabase1764600000000,
  CONTRACT,
  ContractItem,
  DOCUMENT_SOURCE_FK_ADAPTATION,
  DocumentSourcedEdges1765000000000,
  FK_ADAPTATIONS,
  MIGRATIONS,
  applyItem,
  countBlockers,
  detectSchemaProfile,
  itemState,
  migrate,
} from '@casegraph/entities';
import {
  type LegacySchema,
  type LegacySeed,
  OWN_LEGACY_SCHEMA,
  type PrivateDatabase,
  buildLegacyDatabase,
  compareAfterAdoption,
  createPrivateDatabase,
  describeWithLegacySeed,
  fingerprintLegacy,
  requireSharedLegacySchema,
  runMigrationStep,
  seedLegacyRows,
} from '@casegraph/testing';

const ALL = MIGRATIONS.map((M) => new M().name);
const projectFk = CONTRACT.find((i) => i.kind === 'foreign-key') as ContractItem;
const uniqueItem = (name: string) => CONTRACT.find((i) => i.kind === 'unique' && i.name === name) as ContractItem;

async function fkDefs(c: Client): Promise<Record<string, string>> {
  const r = await c.query(
    `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1`,
  );
  return Object.fromEntries(r.rows.map((x) => [x.conname, x.def]));
}

/** Triggers of the old system and of the adoption; the page search trigger (migration 1765200000000) is neither. */
async function triggerNames(c: Client): Promise<string[]> {
  const r = await c.query(
    `SELECT c.relname || '.' || t.tgname AS t FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND t.tgname <> 'trg_document_pages_search_vector' ORDER BY 1`,
  );
  return r.rows.map((x) => x.t);
}

/** AdoptLegacyDatabase1764600000000's up() or down() once more, in a transaction of its own. */
const runStep = (url: string, step: 'up' | 'down') => runMigrationStep(url, new AdoptLegacyDatabase1764600000000(), step);

function adoptionSuite(label: string, schemaOf: () => LegacySchema) {
  let db: PrivateDatabase;
  let c: Client;
  let schema: LegacySchema;
  let seed: LegacySeed;
  let fingerprint: Awaited<ReturnType<typeof fingerprintLegacy>>;
  let applied: string[];
  let profileBefore: Awaited<ReturnType<typeof detectSchemaProfile>>;
  let fksBefore: Record<string, string>;
  let triggersBefore: string[];

  beforeAll(async () => {
    schema = schemaOf();
    db = await createPrivateDatabase(`adopt_${label}`, { migrate: false });
    c = new Client({ connectionString: db.url });
    await c.connect();
    await buildLegacyDatabase(c, schema);
    seed = await seedLegacyRows(c, schema);
    fingerprint = await fingerprintLegacy(c, schema);
    profileBefore = await detectSchemaProfile(c);
    fksBefore = await fkDefs(c);
    triggersBefore = await triggerNames(c);
    applied = await migrate(db.url, () => undefined);
  }, 120_000);

  afterAll(async () => {
    await c?.end();
    await db?.drop();
  }, 30_000);

  it('the profile of the un-migrated old database: project UUID in project_id, jsonb aliases, old triggers, nothing adopted', () => {
    expect(profileBefore).toMatchObject({
      projectUuidSource: 'project_id',
      aliasesType: 'jsonb',
      legacy: true,
      appliedMigrations: [],
      adoption: { logTable: false, archiveTable: false, projectUuidSync: false, keeperTables: [] },
    });
    expect(profileBefore.legacyUpdatedAtTriggers.sort()).toEqual([...new Set(schema.triggers.map((t) => t.event_object_table))].sort());
    expect([...profileBefore.tables.keys()].sort()).toEqual(Object.keys(schema.tables).sort());
    expect(profileBefore.tables.get('projects')!.get('project_id')).toEqual({ type: 'uuid', nullable: false, hasDefault: true });
  }, 30_000);

  it('migrate succeeds on the seeded database, the second run is a no-op, and no old value changed', async () => {
    expect(applied).toEqual(ALL);
    expect(await migrate(db.url, () => undefined)).toEqual([]);
    expect(await compareAfterAdoption(fingerprint, await fingerprintLegacy(c, schema), c)).toEqual([]);
    const counts = await c.query(
      `SELECT (SELECT count(*) FROM document_chunks)::int AS chunks, (SELECT count(*) FROM entity_mentions)::int AS mentions,
              (SELECT count(*) FROM canonical_entities)::int AS entities, (SELECT count(*) FROM relationship_staging)::int AS edges`,
    );
    expect(counts.rows[0]).toEqual({
      chunks: seed.counts.document_chunks,
      mentions: seed.counts.entity_mentions,
      entities: seed.counts.canonical_entities,
      edges: seed.counts.relationship_staging,
    });
  }, 30_000);

  it('the old duplicates leave their unique indexes to the contract, blocked by exactly the retries', async () => {
    const chunks = uniqueItem('uq_document_chunks_document_index');
    const retries = seed.chunks.filter((ch) => ch.retryOf !== null).length;
    expect(retries).toBeGreaterThan(0);
    expect(await itemState(c, chunks)).toBe('blocked');
    expect(await countBlockers(c, chunks)).toBe(retries);
    const r = await c.query(`SELECT to_regclass('uq_document_chunks_document_index') IS NULL AS absent`);
    expect(r.rows).toEqual([{ absent: true }]);
    // NOT NULLs dropped on the adopted tables wait for backfill too.
    const method = CONTRACT.find((i) => i.kind === 'not-null' && i.table === 'entity_mentions' && i.column === 'method') as ContractItem;
    expect(await itemState(c, method)).toBe('blocked');
    expect(await countBlockers(c, method)).toBe(seed.counts.entity_mentions);
  }, 30_000);

  it('every project carries its old project_id as project_uuid; the catalogue profile shows the adoption', async () => {
    const r = await c.query(`SELECT id, project_id::text, project_uuid::text FROM projects ORDER BY id`);
    expect(r.rows.map((p) => [p.id, p.project_uuid])).toEqual(
      seed.projects.map((p) => [p.id, p.projectId]).sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    const after = await detectSchemaProfile(c);
    expect(after.adoption.logTable && after.adoption.archiveTable && after.adoption.projectUuidSync).toBe(true);
    // A keeper after every old updated_at trigger of a table that has heal columns (processing_tasks has none).
    expect(after.adoption.keeperTables.sort()).toEqual(profileBefore.legacyUpdatedAtTriggers.filter((t) => t !== 'processing_tasks').sort());
    expect(after.appliedMigrations).toEqual(ALL);
  }, 30_000);

  it('a project inserted the CaseGraph way and one inserted the old way both get project_uuid = project_id', async () => {
    const r = await c.query(
      `INSERT INTO projects (name, project_uuid) VALUES ('casegraph way', gen_random_uuid()), ('old way', NULL)
       RETURNING name, project_id::text, project_uuid::text`,
    );
    expect(r.rows).toHaveLength(2);
    for (const p of r.rows) expect(p.project_uuid).toBe(p.project_id);
    // backfill's heal (COALESCE(project_uuid, gen_random_uuid())) cannot invent a UUID either.
    const healed = await c.query(
      `UPDATE projects SET project_uuid = COALESCE(project_uuid, gen_random_uuid()) WHERE name = 'old way' RETURNING project_id = project_uuid AS same`,
    );
    expect(healed.rows).toEqual([{ same: true }]);
  }, 30_000);

  it('a heal-only UPDATE keeps updated_at; an UPDATE of status still bumps it (the old trigger)', async () => {
    const intake = seed.byCase.intake[0];
    const heal = await c.query(
      `UPDATE source_documents d SET project_uuid = p.project_uuid FROM projects p
        WHERE p.id = d.project_fk_id AND d.id = $1 AND d.project_uuid IS NULL RETURNING d.updated_at`,
      [intake.id],
    );
    expect(heal.rows).toHaveLength(1);
    expect(heal.rows[0].updated_at.getTime()).toBeLessThan(new Date(seed.oldUpdatedAtBefore).getTime());
    const chunk = await c.query(`UPDATE document_chunks ch SET project_uuid = $2 WHERE ch.document_uuid = $1 RETURNING ch.updated_at`, [
      intake.documentUuid,
      intake.originalProjectUuid,
    ]);
    for (const r of chunk.rows) expect(r.updated_at.getTime()).toBeLessThan(new Date(seed.oldUpdatedAtBefore).getTime());
    const status = await c.query(`UPDATE source_documents SET status = 'ocr_failed' WHERE id = $1 RETURNING updated_at, now() AS now`, [intake.id]);
    expect(status.rows[0].updated_at.getTime()).toBe(status.rows[0].now.getTime());
    // A heal column together with another column is not a heal: the old trigger wins.
    const mixed = await c.query(
      `UPDATE source_documents SET project_uuid = project_uuid, error_message = 'x', page_count = 3 WHERE id = $1 RETURNING updated_at, now() AS now`,
      [intake.id],
    );
    expect(mixed.rows[0].updated_at.getTime()).toBe(mixed.rows[0].now.getTime());
  }, 30_000);

  it('a document inserted with an adopted project_uuid satisfies the old FK and, once applied, ours', async () => {
    const [p] = (await c.query(`INSERT INTO projects (name) VALUES ('new uploads') RETURNING id, project_uuid::text`)).rows;
    expect(await itemState(c, projectFk)).toBe('possible');
    expect(await applyItem(c, projectFk)).toMatch(/added and validated$/);
    const doc = await c.query(
      `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name)
       VALUES (gen_random_uuid(), $1, $2, 'new.pdf') RETURNING project_uuid::text`,
      [p.id, p.project_uuid],
    );
    expect(doc.rows).toEqual([{ project_uuid: p.project_uuid }]);
    const fks = await c.query(
      `SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'source_documents'::regclass AND contype = 'f' AND conname LIKE '%project_uuid%' ORDER BY 1`,
    );
    expect(fks.rows).toEqual([
      { conname: 'fk_source_documents_project_uuid', convalidated: true },
      { conname: 'source_documents_project_uuid_fkey', convalidated: true },
    ]);
    await expect(
      c.query(`INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid) VALUES (gen_random_uuid(), $1, gen_random_uuid())`, [p.id]),
    ).rejects.toThrow(/foreign key/);
  }, 30_000);

  it("deleting a document's chunks works with old mentions referencing them by chunk_fk_id; edges keep their row", async () => {
    const byFk = seed.mentions.find((m) => m.chunkRef === 'fk' || m.chunkRef === 'both');
    expect(byFk).toBeDefined();
    const doc = seed.documents.find((d) => d.id === byFk!.documentId)!;
    const chunks = seed.chunks.filter((ch) => ch.documentId === doc.id);
    const ids = chunks.map((ch) => ch.id);
    const uuids = chunks.map((ch) => ch.chunkUuid);
    const count = async (sql: string, params: unknown[] = []) => (await c.query(sql, params)).rows[0].n as number;
    const edgesBefore = await count(`SELECT count(*)::int AS n FROM relationship_staging`);
    const otherMentions = await count(
      `SELECT count(*)::int AS n FROM entity_mentions WHERE NOT COALESCE(chunk_fk_id = ANY($1), false) AND NOT COALESCE(chunk_uuid = ANY($2::uuid[]), false)`,
      [ids, uuids],
    );
    expect(await count(`SELECT count(*)::int AS n FROM entity_mentions WHERE chunk_fk_id = ANY($1)`, [ids])).toBeGreaterThan(0);
    // Re-chunking a document: all its chunks go, whichever document column they carry.
    const del = await c.query(`DELETE FROM document_chunks WHERE document_uuid = $1 OR document_fk_id = $2`, [doc.documentUuid, doc.id]);
    expect(del.rowCount).toBe(chunks.length);
    expect(
      await count(`SELECT count(*)::int AS n FROM entity_mentions WHERE chunk_fk_id = ANY($1) OR chunk_uuid = ANY($2::uuid[])`, [ids, uuids]),
    ).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM entity_mentions`)).toBe(otherMentions);
    expect(await count(`SELECT count(*)::int AS n FROM relationship_staging`)).toBe(edgesBefore);
    expect(await count(`SELECT count(*)::int AS n FROM relationship_staging WHERE source_chunk_uuid = ANY($1::uuid[])`, [uuids])).toBe(0);
  }, 30_000);

  it('MENTIONED_IN (target = a document) and CITES (source = a document) edges can be written: both old entity FKs are gone', async () => {
    const e = seed.entities[0];
    const d = seed.documents[0];
    await c.query(
      `INSERT INTO relationship_staging (source_entity_uuid, target_entity_uuid, relationship_type, project_uuid) VALUES ($1, $2, 'MENTIONED_IN', $3)`,
      [e.uuid, d.documentUuid, seed.projects[0].projectId],
    );
    await c.query(
      `INSERT INTO relationship_staging (source_entity_uuid, target_entity_uuid, relationship_type, project_uuid) VALUES ($1, $2, 'CITES', $3)`,
      [d.documentUuid, e.uuid, seed.projects[0].projectId],
    );
    const left = await c.query(
      `SELECT conname FROM pg_constraint WHERE conrelid = 'relationship_staging'::regclass AND contype = 'f' AND conname LIKE '%entity_uuid%'`,
    );
    expect(left.rows).toEqual([]);
  }, 30_000);

  it('down() of migration 1765000000000 restores the source FK (NOT VALID: a CITES edge breaks it); up() drops it again', async () => {
    const adapted = await fkDefs(c);
    await runMigrationStep(db.url, new DocumentSourcedEdges1765000000000(), 'down');
    expect((await fkDefs(c))[DOCUMENT_SOURCE_FK_ADAPTATION.name]).toBe(`${fksBefore[DOCUMENT_SOURCE_FK_ADAPTATION.name]} NOT VALID`);
    await runMigrationStep(db.url, new DocumentSourcedEdges1765000000000(), 'up');
    await runMigrationStep(db.url, new DocumentSourcedEdges1765000000000(), 'up');
    expect(await fkDefs(c)).toEqual(adapted);
  }, 30_000);

  it('down() restores the old foreign keys and triggers; up() again re-adapts them (idempotent)', async () => {
    const adaptedFks = await fkDefs(c);
    const adaptedTriggers = await triggerNames(c);
    // The MENTIONED_IN edge above violates the old target FK: it comes back NOT VALID, enforced for new rows.
    await runStep(db.url, 'down');
    const restored = await fkDefs(c);
    for (const a of FK_ADAPTATIONS) {
      expect(restored[a.name]).toBe(a.onDelete ? fksBefore[a.name] : `${fksBefore[a.name]} NOT VALID`);
    }
    const target = await c.query(`SELECT convalidated FROM pg_constraint WHERE conname = 'relationship_staging_target_entity_uuid_fkey'`);
    expect(target.rows).toEqual([{ convalidated: false }]);
    expect(await triggerNames(c)).toEqual(triggersBefore);
    const fns = await c.query(`SELECT proname FROM pg_proc WHERE proname LIKE 'casegraph\\_%' AND proname <> 'casegraph_aliases'
                                  AND proname NOT IN ('casegraph_search_text', 'casegraph_page_vector', 'casegraph_exact_query', 'casegraph_page_search_vector')
                                ORDER BY 1`);
    expect(fns.rows).toEqual([]);

    await runStep(db.url, 'up');
    await runStep(db.url, 'up');
    expect(await fkDefs(c)).toEqual(adaptedFks);
    expect(await triggerNames(c)).toEqual(adaptedTriggers);
    const log = await c.query(
      `SELECT row_id, count(*)::int AS n FROM casegraph_adoption_log WHERE reason LIKE 'old foreign key%' GROUP BY 1 ORDER BY 1`,
    );
    expect(log.rows).toEqual(
      [...FK_ADAPTATIONS, DOCUMENT_SOURCE_FK_ADAPTATION].map((a) => ({ row_id: a.name, n: 1 })).sort((a, b) => a.row_id.localeCompare(b.row_id)),
    );
  });
}

describe('adoption migrations on OWN_LEGACY_SCHEMA (project-owned, same shape as the old system)', () => {
  adoptionSuite('own', () => OWN_LEGACY_SCHEMA);
});

describeWithLegacySeed('adoption migrations on the real legacy schema (shared seed)', () => {
  adoptionSuite('real', requireSharedLegacySchema);
});

describe('adoption migrations on a fresh database', () => {
  let db: PrivateDatabase;
  let c: Client;

  beforeAll(async () => {
    db = await createPrivateDatabase('adopt_fresh');
    c = new Client({ connectionString: db.url });
    await c.connect();
  }, 60_000);

  afterAll(async () => {
    await c?.end();
    await db?.drop();
  }, 30_000);

  it('only the two adoption tables: no trigger, no project_id, nothing adapted, project UUIDs are our own', async () => {
    const p = await detectSchemaProfile(c);
    expect(p).toMatchObject({
      projectUuidSource: 'project_uuid',
      legacy: false,
      legacyUpdatedAtTriggers: [],
      adoption: { logTable: true, archiveTable: true, projectUuidSync: false, keeperTables: [] },
    });
    expect(await triggerNames(c)).toEqual([]);
    expect((await c.query(`SELECT count(*)::int AS n FROM casegraph_adoption_log`)).rows).toEqual([{ n: 0 }]);
    const r = await c.query(`INSERT INTO projects (name, project_uuid) VALUES ('fresh', gen_random_uuid()) RETURNING project_uuid`);
    expect(r.rows[0].project_uuid).toMatch(/^[0-9a-f-]{36}$/);
  });
});

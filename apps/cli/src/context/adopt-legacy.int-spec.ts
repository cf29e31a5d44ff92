/**
 * The heal and contract commands on the old system's database (issue 11): built column for column by the legacy
 * builder (OWN_LEGACY_SCHEMA always; the real exporter JSON when the shared seed is there), seeded the way the old
 * code paths wrote, then adopt --dry-run (before db:migrate: writes nothing) -> migrate -> backfill -> enforce
 * (blocked only by orphans, naming the orphans command) -> orphans --quarantine -> enforce (done). Every document
 * keeps its original project UUID, nothing of an old row is lost (fingerprint + adoption log + archive), updated_at
 * stays as the old code left it.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS, dataSourceOptions, migrate } from '@casegraph/entities';
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
  seedLegacyRows,
  spawnApp,
} from '@casegraph/testing';
import { backfill } from './backfill';
import { enforce } from './enforce';
import { countOrphans, listOrphans, quarantineOrphans } from './orphans';
import { adoptPlan, formatPlan } from './plan';

const ALL = MIGRATIONS.map((M) => new M().name);

/** Content and shape of the whole database: every table's rows (md5 of the sorted rows), columns, indexes, triggers. */
async function snapshot(c: Client): Promise<Record<string, string>> {
  const tables = (await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.tablename as string);
  const out: Record<string, string> = {};
  for (const t of tables) {
    const r = await c.query(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM (SELECT to_jsonb(t) AS x FROM "${t}" t) s`,
    );
    out[t] = `${r.rows[0].n}:${r.rows[0].h}`;
  }
  const cat = await c.query(`SELECT
      (SELECT md5(string_agg(table_name || '.' || column_name || ':' || data_type || ':' || is_nullable, ',' ORDER BY 1))
         FROM information_schema.columns WHERE table_schema = 'public') AS columns,
      (SELECT md5(string_agg(indexdef, ',' ORDER BY indexdef)) FROM pg_indexes WHERE schemaname = 'public') AS indexes,
      (SELECT md5(string_agg(tgname, ',' ORDER BY tgname)) FROM pg_trigger WHERE NOT tgisinternal) AS triggers,
      (SELECT md5(string_agg(conname || pg_get_constraintdef(oid), ',' ORDER BY conname)) FROM pg_constraint WHERE connamespace = 'public'::regnamespace) AS constraints`);
  return { ...out, ...cat.rows[0] };
}

function dataSource(url: string, name: string): DataSource {
  return new DataSource(dataSourceOptions(url, [], [], { poolSize: 4, applicationName: name }));
}

function adoptionSuite(label: string, schemaOf: () => LegacySchema, opts: { cli: boolean }) {
  let db: PrivateDatabase;
  let c: Client;
  let ds: DataSource;
  let schema: LegacySchema;
  let seed: LegacySeed;
  let fingerprint: Awaited<ReturnType<typeof fingerprintLegacy>>;

  beforeAll(async () => {
    schema = schemaOf();
    db = await createPrivateDatabase(`h3_${label}`, { migrate: false });
    c = new Client({ connectionString: db.url });
    await c.connect();
    await buildLegacyDatabase(c, schema);
    seed = await seedLegacyRows(c, schema);
    fingerprint = await fingerprintLegacy(c, schema);
    ds = dataSource(db.url, 'h3-adopt-test');
    await ds.initialize();
  }, 180_000);

  afterAll(async () => {
    await ds?.destroy();
    await c?.end();
    await db?.drop();
  }, 60_000);

  it('adopt --dry-run before db:migrate: the plan with its counts, and not one byte written', async () => {
    const before = await snapshot(c);
    const plan = await adoptPlan(ds);
    console.info(`[adopt ${label}] adopt --dry-run before db:migrate:\n${formatPlan(plan)}`);
    expect(plan.legacy).toBe(true);
    expect(plan.projectUuidSource).toBe('project_id');
    expect(plan.pending.map((m) => m.name)).toEqual(ALL);
    expect(plan.pending[0].adds?.projects).toContain('project_uuid');
    const retries = seed.chunks.filter((ch) => ch.retryOf !== null).length;
    expect(plan.pending[0].deferredIndexes).toEqual(expect.arrayContaining([{ name: 'uq_document_chunks_document_index', duplicates: retries }]));
    const docs = plan.phases.find((p) => p.phase === 'documents')!.counts;
    expect(docs).toMatchObject({
      fkFromUuid: seed.byCase['cli-import'].length + seed.byCase['dangling-fk'].length,
      uuidFromFk: seed.byCase.intake.length,
      mismatched: seed.byCase.mismatched.length,
      orphans: seed.byCase.orphan.length,
    });
    expect(plan.phases.find((p) => p.phase === 'projects')!.counts.adopted).toBe(seed.projects.length);
    expect(plan.phases.find((p) => p.phase === 'chunks')!.counts).toMatchObject({ archived: retries });
    expect(plan.phases.find((p) => p.phase === 'entities')!.counts).toMatchObject({ global: seed.entities.length });
    expect(plan.orphans.documents).toBe(seed.byCase.orphan.length);
    // Before migrate every contract item's column is missing or its rows block it; none is in force.
    expect(plan.contract.filter((i) => i.state === 'done')).toEqual([]);
    expect(plan.contract.find((i) => i.item === 'NOT NULL projects.project_uuid')?.state).toBe('missing-column');
    if (opts.cli) {
      const p = await spawnApp({ app: 'cli', args: ['context', 'adopt', '--dry-run'], env: { DATABASE_URL: db.url, NODE_ENV: 'test' } });
      const { code } = await p.exited;
      if (code !== 0) throw new Error(`adopt --dry-run exited ${code}: ${p.stderr()}`);
      expect(p.stdout()).toContain(formatPlan(await adoptPlan(ds)).split('\n')[0]);
      console.info(`[adopt ${label}] CLI stdout of \`npm run context -- adopt --dry-run\`:\n${p.stdout()}`);
    }
    expect(await snapshot(c)).toEqual(before);
  }, 180_000);

  it('migrate, then backfill --dry-run writes nothing either', async () => {
    expect(await migrate(db.url, () => undefined)).toEqual(ALL);
    const before = await snapshot(c);
    const r = await backfill(ds, { dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.phases.find((p) => p.phase === 'mentions')!.counts.method).toBe(seed.counts.entity_mentions);
    expect(await snapshot(c)).toEqual(before);
  }, 180_000);

  it('backfill heals every phase: original project UUIDs, duplicates archived, entities split, offsets absolute or unknown, updated_at kept', async () => {
    const t0 = Date.now();
    const r = await backfill(ds, { batchSize: 7 });
    const ms = Date.now() - t0;
    console.info(`[adopt ${label}] backfill ${ms} ms: ${JSON.stringify(r.phases)}`);
    expect(r.orphans).toBe(seed.byCase.orphan.length);

    // Documents: the original project in both columns (orphans left as they were).
    const docs = (await c.query(`SELECT id, project_fk_id, project_uuid::text AS u FROM source_documents ORDER BY id`)).rows;
    const byId = new Map(docs.map((d) => [Number(d.id), d]));
    for (const d of seed.documents) {
      const row = byId.get(d.id)!;
      if (d.case === 'orphan') expect([row.project_fk_id, row.u]).toEqual([d.projectFkId, d.projectUuid]);
      else expect([d.case, Number(row.project_fk_id), row.u]).toEqual([d.case, d.originalProjectId, d.originalProjectUuid]);
    }
    // Chunks: one per (document, index); every retry's copy archived with the row kept.
    expect(
      (await c.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM document_chunks GROUP BY document_uuid, chunk_index HAVING count(*) > 1) g`))
        .rows[0].n,
    ).toBe(0);
    const retries = seed.chunks.filter((ch) => ch.retryOf !== null).length;
    const archivedChunks = (await c.query(`SELECT row_id, kept_row_id FROM casegraph_adoption_archive WHERE table_name = 'document_chunks'`)).rows;
    expect(archivedChunks).toHaveLength(retries);
    expect(archivedChunks.every((a) => a.kept_row_id !== null)).toBe(true);
    expect((await c.query(`SELECT count(*)::int AS n FROM document_chunks`)).rows[0].n).toBe(seed.counts.document_chunks - retries);

    // Mentions: no duplicate span; offsets of surviving legacy rows absolute where the chunk start is known.
    expect(
      (
        await c.query(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM entity_mentions WHERE start_char IS NOT NULL GROUP BY document_uuid, entity_type, start_char, end_char HAVING count(*) > 1) g`,
        )
      ).rows[0].n,
    ).toBe(0);
    const mentions = new Map(
      (
        await c.query(
          `SELECT id, start_char, end_char, offset_basis, method, normalized_key, project_uuid::text AS p, canonical_entity_uuid::text AS e FROM entity_mentions`,
        )
      ).rows.map((m) => [Number(m.id), m]),
    );
    const archivedMentions = Number(
      (await c.query(`SELECT count(*)::int AS n FROM casegraph_adoption_archive WHERE table_name = 'entity_mentions'`)).rows[0].n,
    );
    expect(mentions.size + archivedMentions).toBe(seed.counts.entity_mentions);
    expect(archivedMentions).toBeGreaterThan(0);
    let absolute = 0;
    let unknown = 0;
    for (const m of seed.mentions) {
      const row = mentions.get(m.id);
      if (!row) continue;
      expect(row.method).not.toBeNull();
      expect(row.normalized_key).not.toBeNull();
      if (m.offsets === 'relative') {
        absolute++;
        expect([m.id, row.offset_basis, row.start_char, row.end_char - row.start_char]).toEqual([
          m.id,
          'document',
          m.trueStart,
          m.endChar - m.startChar,
        ]);
      } else {
        unknown++;
        expect([m.id, row.offset_basis, row.start_char, row.end_char]).toEqual([m.id, 'unknown', null, null]);
      }
    }
    expect(absolute).toBeGreaterThan(0);
    expect(unknown).toBeGreaterThan(0);

    // Entities: split per project; every linked mention's entity is in the mention's project.
    const wrong = await c.query(
      `SELECT m.id FROM entity_mentions m JOIN canonical_entities e ON e.canonical_entity_uuid = m.canonical_entity_uuid
        WHERE m.project_uuid IS NOT NULL AND e.project_uuid IS DISTINCT FROM m.project_uuid`,
    );
    expect(wrong.rows).toEqual([]);
    for (const e of seed.entitiesByCase['three-projects']) {
      const fam = await c.query(
        `SELECT DISTINCT project_uuid::text AS p FROM canonical_entities WHERE canonical_entity_uuid = $1 OR metadata->>'split_from' = $1::text`,
        [e.uuid],
      );
      expect(fam.rows.map((x) => x.p).sort()).toEqual([...e.projectUuids].sort());
    }
    // The same-key pair of one project became one entity (the other archived, its mentions relinked).
    const sameKey = seed.entitiesByCase['same-key'];
    expect(sameKey.length).toBe(2);
    const alive = await c.query(`SELECT count(*)::int AS n FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[])`, [
      sameKey.map((e) => e.uuid),
    ]);
    expect(alive.rows[0].n).toBe(1);
    // mention_count is exact.
    const counts = await c.query(
      `SELECT count(*)::int AS n FROM canonical_entities e
        WHERE e.project_uuid IS NOT NULL AND e.mention_count <> (SELECT count(*) FROM entity_mentions m WHERE m.canonical_entity_uuid = e.canonical_entity_uuid)`,
    );
    expect(counts.rows[0].n).toBe(0);

    // Edges: project from the chunk, else shared by the endpoints; endpoints in that project.
    const badEdges = await c.query(
      `SELECT r.id FROM relationship_staging r JOIN canonical_entities s ON s.canonical_entity_uuid = r.source_entity_uuid
         JOIN canonical_entities t ON t.canonical_entity_uuid = r.target_entity_uuid
        WHERE r.project_uuid IS NOT NULL AND (s.project_uuid <> r.project_uuid OR t.project_uuid <> r.project_uuid)`,
    );
    expect(badEdges.rows).toEqual([]);

    // Pages: COALESCE(textract_page_count, max(textract_jobs.page_count)).
    const pages = new Map((await c.query(`SELECT id, page_count FROM source_documents`)).rows.map((d) => [Number(d.id), d.page_count]));
    for (const d of seed.documents) expect([d.id, pages.get(d.id)]).toEqual([d.id, d.expectedPageCount]);

    // updated_at as the old code left it on every healed row of every table that has it. The one exception is
    // content: an entity that absorbed another's aliases (a merge) - the old trigger moved it, the old value is logged.
    for (const t of ['projects', 'source_documents', 'document_chunks', 'canonical_entities']) {
      const r2 = await c.query(
        `SELECT count(*)::int AS n FROM ${t} x WHERE x.updated_at >= $1 AND NOT EXISTS (
           SELECT 1 FROM casegraph_adoption_log l WHERE l.table_name = $2 AND l.row_id = x.id::text AND l.column_name = 'updated_at')`,
        [seed.oldUpdatedAtBefore, t],
      );
      expect([t, r2.rows[0].n]).toEqual([t, 0]);
    }
    const merged = r.phases.find((p) => p.phase === 'entities')!.counts.merged;
    const bumped = await c.query(`SELECT count(*)::int AS n FROM casegraph_adoption_log WHERE column_name = 'updated_at'`);
    expect(bumped.rows[0].n).toBeLessThanOrEqual(merged);
    // Nothing of an old row lost: overwritten values are in the log, removed rows in the archive.
    expect(await compareAfterAdoption(fingerprint, await fingerprintLegacy(c, schema), c)).toEqual([]);

    // Idempotent: a second backfill changes nothing.
    const again = await backfill(ds, { batchSize: 7 });
    for (const p of again.phases) {
      for (const [k, v] of Object.entries(p.counts))
        if (!['orphans', 'withoutDocument', 'blocked'].includes(k)) expect([p.phase, k, v]).toEqual([p.phase, k, 0]);
    }
  }, 300_000);

  it('enforce applies what the data allows and is blocked only by orphans, naming the orphans command', async () => {
    const qr = ds.createQueryRunner();
    try {
      const r = await enforce(qr);
      console.info(`[adopt ${label}] enforce after backfill: ${JSON.stringify(r)}`);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.actions.length).toBeGreaterThan(0);
      expect(r.orphans.documents).toBe(seed.byCase.orphan.length);
      expect(r.message).not.toMatch(/again/i);
      for (const b of r.blocked) {
        expect([b.item, b.state]).toEqual([b.item, 'blocked']);
        expect([b.item, b.fix]).toEqual([b.item, expect.stringContaining('npm run context -- orphans')]);
        expect(b.fix).not.toContain('backfill');
      }
      expect(r.blocked.map((b) => b.item)).toEqual(expect.arrayContaining(['NOT NULL source_documents.project_uuid']));
    } finally {
      await qr.release();
    }
    expect((await listOrphans(ds)).map((d) => d.id).sort()).toEqual(seed.byCase.orphan.map((d) => d.id).sort());
  }, 120_000);

  it('orphans --quarantine, then enforce completes; still nothing lost', async () => {
    const q = await quarantineOrphans(ds, { batchSize: 7 });
    expect(q.documents).toBe(seed.byCase.orphan.length);
    expect(q.left).toEqual({ documents: 0, entities: 0, edges: 0, chunks: 0, mentions: 0 });
    const qr = ds.createQueryRunner();
    try {
      const r = await enforce(qr);
      expect(r).toMatchObject({ ok: true });
      expect(await enforce(qr)).toEqual({ ok: true, actions: [] });
    } finally {
      await qr.release();
    }
    const orphan = seed.byCase.orphan[0];
    const row = (
      await c.query(`SELECT d.project_uuid::text AS u, p.name FROM source_documents d JOIN projects p ON p.id = d.project_fk_id WHERE d.id = $1`, [
        orphan.id,
      ])
    ).rows[0];
    expect(row.name).toBe('Quarantine: orphaned legacy documents');
    expect(await countOrphans(ds)).toEqual({ documents: 0, entities: 0, edges: 0, chunks: 0, mentions: 0 });
    expect(await compareAfterAdoption(fingerprint, await fingerprintLegacy(c, schema), c)).toEqual([]);
    // Every non-orphan document still carries its original project UUID.
    for (const d of seed.documents.filter((x) => x.case !== 'orphan')) {
      const u = (await c.query(`SELECT project_uuid::text AS u FROM source_documents WHERE id = $1`, [d.id])).rows[0].u;
      expect([d.id, u]).toEqual([d.id, d.originalProjectUuid]);
    }
  }, 180_000);
}

describe('adoption heal + contract on the old database (OWN_LEGACY_SCHEMA)', () => {
  adoptionSuite('own', () => OWN_LEGACY_SCHEMA, { cli: false });
});

describeWithLegacySeed('adoption heal + contract on the old database (the real exporter schema)', () => {
  adoptionSuite('real', () => requireSharedLegacySchema(), { cli: true });
});

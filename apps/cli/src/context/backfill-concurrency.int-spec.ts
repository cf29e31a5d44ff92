/**
 * Two backfills at once on the same old database (two processes' worth: two DataSources, real concurrency) end
 * with the same database as one backfill on an identical copy (same seed salt), and neither fails.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrate } from '@casegraph/entities';
import { OWN_LEGACY_SCHEMA, type PrivateDatabase, buildLegacyDatabase, createPrivateDatabase, seedLegacyRows } from '@casegraph/testing';
import { backfill } from './backfill';

/** The healed database, independent of generated UUIDs (copies are named by project, type and key). */
async function state(c: Client): Promise<Record<string, unknown>> {
  const q = async (sql: string) => (await c.query(sql)).rows;
  const ent = `(SELECT coalesce(e.project_uuid::text, '-') || '/' || e.entity_type || '/' || coalesce(e.normalized_key, '-') FROM canonical_entities e WHERE e.canonical_entity_uuid = %)`;
  return {
    documents: await q(`SELECT id, project_fk_id, project_uuid::text, page_count FROM source_documents ORDER BY id`),
    chunks: await q(`SELECT id, document_uuid::text, project_uuid::text, char_start_index, char_end_index FROM document_chunks ORDER BY id`),
    mentions: await q(
      `SELECT m.id, m.document_uuid::text, m.project_uuid::text, m.chunk_uuid::text, m.start_char, m.end_char, m.offset_basis, m.method, m.normalized_key,
              ${ent.replace('%', 'm.canonical_entity_uuid')} AS entity
         FROM entity_mentions m ORDER BY m.id`,
    ),
    entities: await q(
      `SELECT project_uuid::text, entity_type, normalized_key, canonical_name, mention_count, aliases, metadata ? 'split_from' AS copy
         FROM canonical_entities ORDER BY 1, 2, 3, 4`,
    ),
    edges: await q(
      `SELECT r.project_uuid::text AS p, ${ent.replace('%', 'r.source_entity_uuid')} AS s, ${ent.replace('%', 'r.target_entity_uuid')} AS t, r.relationship_type
         FROM relationship_staging r ORDER BY 1, 2, 3, 4`,
    ),
    archive: await q(`SELECT table_name, row_id, reason, kept_row_id FROM casegraph_adoption_archive ORDER BY 1, 2, 3, 4`),
    log: await q(`SELECT table_name, row_id, column_name, old_value FROM casegraph_adoption_log ORDER BY 1, 2, 3, 4::text`),
  };
}

async function oldDatabase(label: string, salt: string): Promise<{ db: PrivateDatabase; c: Client }> {
  const db = await createPrivateDatabase(label, { migrate: false });
  const c = new Client({ connectionString: db.url });
  await c.connect();
  await buildLegacyDatabase(c, OWN_LEGACY_SCHEMA);
  await seedLegacyRows(c, OWN_LEGACY_SCHEMA, { salt, scale: 2 });
  await migrate(db.url, () => undefined);
  return { db, c };
}

const ds = (url: string, name: string) => new DataSource(dataSourceOptions(url, [], [], { poolSize: 4, applicationName: name }));

describe('two backfills at once on the old database', () => {
  const opened: Array<{ db: PrivateDatabase; c: Client }> = [];
  const sources: DataSource[] = [];

  afterAll(async () => {
    for (const s of sources) if (s.isInitialized) await s.destroy();
    for (const o of opened) {
      await o.c.end();
      await o.db.drop();
    }
  }, 60_000);

  it('end with the same database as one backfill on an identical copy, without an error', async () => {
    const salt = randomUUID();
    const one = await oldDatabase('h3_conc_one', salt);
    const two = await oldDatabase('h3_conc_two', salt);
    opened.push(one, two);
    const single = ds(one.db.url, 'h3-single');
    const a = ds(two.db.url, 'h3-race-a');
    const b = ds(two.db.url, 'h3-race-b');
    sources.push(single, a, b);
    await Promise.all([single.initialize(), a.initialize(), b.initialize()]);

    const alone = await backfill(single, { batchSize: 5 });
    const [ra, rb] = await Promise.all([backfill(a, { batchSize: 5 }), backfill(b, { batchSize: 5 })]);
    // Both did real work (they split the row phases) and neither left anything behind.
    const work = (r: typeof ra) => r.phases.reduce((n, p) => n + (p.counts.uuidFromFk ?? 0) + (p.counts.project ?? 0), 0);
    expect(work(ra) + work(rb)).toBe(work(alone));
    expect(ra.remaining).toEqual(alone.remaining);
    expect(rb.remaining).toEqual(alone.remaining);

    const expected = await state(one.c);
    const got = await state(two.c);
    for (const k of Object.keys(expected)) expect([k, got[k]]).toEqual([k, expected[k]]);
    expect((expected.archive as unknown[]).length).toBeGreaterThan(0);
  }, 300_000);
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TypedEdgesCuration1764900000000 } from '../../libs/entities/src/migrations/1764900000000-typed-edges-curation';
import { type PrivateDatabase, createPrivateDatabase, runMigrationStep } from '@casegraph/testing';

jest.setTimeout(180_000);

/**
 * Migration 1764900000000 (typed-edge properties and evidence, curated fields, curation log and rules) on a
 * migrated database that holds edges and entities: expand only, so writers that know nothing of the new
 * columns keep working; a re-run is a no-op; down() removes exactly what up() added and keeps the rows; up
 * again restores it.
 */
describe('migration 1764900000000: typed edges and curation', () => {
  let db: PrivateDatabase;
  let c: Client;
  beforeAll(async () => {
    db = await createPrivateDatabase('typed_edges_curation');
    c = new Client({ connectionString: db.url });
    await c.connect();
  });
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });

  const NEW_COLUMNS: Array<[string, string]> = [
    ['canonical_entities', 'curated'],
    ['relationship_contributions', 'evidence'],
    ['relationship_contributions', 'properties'],
    ['relationship_staging', 'evidence'],
  ];
  const columns = async () =>
    (
      await c.query(
        `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
          WHERE table_schema = current_schema()
            AND (table_name, column_name) IN (SELECT * FROM unnest($1::text[], $2::text[]))
          ORDER BY table_name, column_name`,
        [NEW_COLUMNS.map(([t]) => t), NEW_COLUMNS.map(([, col]) => col)],
      )
    ).rows;
  const tables = async () =>
    (
      await c.query(
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_name IN ('curation_actions', 'curation_rules') ORDER BY 1`,
      )
    ).rows.map((r) => r.table_name as string);
  const indexes = async () =>
    (
      await c.query(
        `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('curation_actions', 'curation_rules')
          ORDER BY 1`,
      )
    ).rows.map((r) => r.indexname as string);

  /** What a writer of before the migration does: it names none of the new columns. */
  async function writeOldStyle(project: string, document: string): Promise<{ source: string; target: string }> {
    const source = randomUUID();
    const target = randomUUID();
    await c.query(
      `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key)
       VALUES ($1, $3, 'PERSON', 'Ada Hines', 'ada hines ' || $4), ($2, $3, 'ORG', 'Hines Freight', 'hines freight ' || $4)`,
      [source, target, project, document],
    );
    await c.query(
      `INSERT INTO relationship_contributions (project_uuid, document_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight)
       VALUES ($1, $2, $3, $4, 'CO_OCCURS', 2)`,
      [project, document, source, target],
    );
    await c.query(
      `INSERT INTO relationship_staging (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight, properties)
       VALUES ($1, $2, $3, 'CO_OCCURS', 2, '{"documentCount": 1}')
       ON CONFLICT (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type) DO UPDATE SET weight = EXCLUDED.weight`,
      [project, source, target],
    );
    return { source, target };
  }

  it('adds nullable columns without defaults and two tables; writers that do not know them still write', async () => {
    expect(await columns()).toEqual(
      NEW_COLUMNS.map(([table_name, column_name]) => ({ table_name, column_name, data_type: 'jsonb', is_nullable: 'YES', column_default: null })),
    );
    expect(await tables()).toEqual(['curation_actions', 'curation_rules']);
    const project = randomUUID();
    const document = randomUUID();
    const { source } = await writeOldStyle(project, document);
    expect((await c.query(`SELECT curated FROM canonical_entities WHERE canonical_entity_uuid = $1`, [source])).rows).toEqual([{ curated: null }]);
    expect((await c.query(`SELECT properties, evidence FROM relationship_contributions WHERE document_uuid = $1`, [document])).rows).toEqual([
      { properties: null, evidence: null },
    ]);
    expect((await c.query(`SELECT evidence FROM relationship_staging WHERE project_uuid = $1`, [project])).rows).toEqual([{ evidence: null }]);
  });

  it('keeps one key rule per (project, type, key) and one mention rule per (document, type, span), independently', async () => {
    const project = randomUUID();
    const document = randomUUID();
    const action = randomUUID();
    const rule = (scope: 'key' | 'mention', decision: 'assign' | 'reject', span: [number, number] | null) =>
      c.query(
        `INSERT INTO curation_rules (project_uuid, action_uuid, scope, entity_type, normalized_key, document_uuid, start_char, end_char,
                                     decision, canonical_entity_uuid)
         VALUES ($1, $2, $3, 'PERSON', 'ada hines', $4, $5, $6, $7, $8)`,
        [
          project,
          action,
          scope,
          scope === 'mention' ? document : null,
          span?.[0] ?? null,
          span?.[1] ?? null,
          decision,
          decision === 'assign' ? randomUUID() : null,
        ],
      );
    await rule('key', 'assign', null);
    await expect(rule('key', 'reject', null)).rejects.toMatchObject({ code: '23505' });
    await rule('mention', 'reject', [0, 9]);
    await rule('mention', 'assign', [20, 29]);
    await expect(rule('mention', 'assign', [0, 9])).rejects.toMatchObject({ code: '23505' });
    // Another project has its own key space.
    await c.query(
      `INSERT INTO curation_rules (project_uuid, action_uuid, scope, entity_type, normalized_key, decision) VALUES ($1, $2, 'key', 'PERSON', 'ada hines', 'reject')`,
      [randomUUID(), action],
    );
    const [a] = (
      await c.query(
        `INSERT INTO curation_actions (project_uuid, kind, actor) VALUES ($1, 'merge', 'key:1') RETURNING action_uuid, created_at, undone_at`,
        [project],
      )
    ).rows;
    expect(a.action_uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.undone_at).toBeNull();
    await expect(
      c.query(`INSERT INTO curation_actions (action_uuid, project_uuid, kind, actor) VALUES ($1, $2, 'merge', 'key:1')`, [a.action_uuid, project]),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it('is idempotent; down() removes exactly its columns and tables, keeping the rows; up() again restores them', async () => {
    const project = randomUUID();
    const document = randomUUID();
    const { source } = await writeOldStyle(project, document);
    await c.query(`UPDATE relationship_contributions SET properties = '{"count": 2}', evidence = '[{"page": 1}]' WHERE document_uuid = $1`, [
      document,
    ]);
    await c.query(`UPDATE canonical_entities SET curated = '{"canonicalName": true}' WHERE canonical_entity_uuid = $1`, [source]);
    const indexesBefore = await indexes();
    expect(indexesBefore).toEqual(
      expect.arrayContaining(['uq_curation_actions_uuid', 'uq_curation_rules_key', 'uq_curation_rules_mention', 'idx_curation_rules_entity']),
    );

    await runMigrationStep(db.url, new TypedEdgesCuration1764900000000(), 'up');
    expect((await c.query(`SELECT properties, evidence FROM relationship_contributions WHERE document_uuid = $1`, [document])).rows).toEqual([
      { properties: { count: 2 }, evidence: [{ page: 1 }] },
    ]);
    expect((await c.query(`SELECT curated FROM canonical_entities WHERE canonical_entity_uuid = $1`, [source])).rows).toEqual([
      { curated: { canonicalName: true } },
    ]);
    expect(await indexes()).toEqual(indexesBefore);
    const rulesBefore = (await c.query(`SELECT count(*)::int AS n FROM curation_rules`)).rows[0].n;
    expect(rulesBefore).toBeGreaterThan(0);

    await runMigrationStep(db.url, new TypedEdgesCuration1764900000000(), 'down');
    expect(await columns()).toEqual([]);
    expect(await tables()).toEqual([]);
    expect((await c.query(`SELECT count(*)::int AS n FROM relationship_contributions WHERE document_uuid = $1`, [document])).rows[0].n).toBe(1);
    expect((await c.query(`SELECT count(*)::int AS n FROM relationship_staging WHERE project_uuid = $1`, [project])).rows[0].n).toBe(1);
    expect((await c.query(`SELECT count(*)::int AS n FROM canonical_entities WHERE project_uuid = $1`, [project])).rows[0].n).toBe(2);
    // Writers of before keep working on the rolled-back schema.
    await writeOldStyle(project, randomUUID());

    await runMigrationStep(db.url, new TypedEdgesCuration1764900000000(), 'up');
    expect((await columns()).map((r) => `${r.table_name}.${r.column_name}`)).toEqual(NEW_COLUMNS.map(([t, col]) => `${t}.${col}`));
    expect(await tables()).toEqual(['curation_actions', 'curation_rules']);
    expect(await indexes()).toEqual(indexesBefore);
    // The columns come back empty (what down() dropped is gone) and the tables come back empty.
    expect((await c.query(`SELECT properties, evidence FROM relationship_contributions WHERE document_uuid = $1`, [document])).rows).toEqual([
      { properties: null, evidence: null },
    ]);
    expect((await c.query(`SELECT count(*)::int AS n FROM curation_rules`)).rows[0].n).toBe(0);
  });
});

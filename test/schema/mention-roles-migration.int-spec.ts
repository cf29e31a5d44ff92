import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { MentionRolesAttributes1764800000000 } from '../../libs/entities/src/migrations/1764800000000-mention-roles-attributes';
import { type PrivateDatabase, createPrivateDatabase, runMigrationStep } from '@casegraph/testing';

jest.setTimeout(180_000);

/**
 * Migration 1764800000000 (mention role, display name, attributes) on a migrated database that holds
 * mentions: expand only, so a writer that knows nothing of the columns keeps working, a re-run is a
 * no-op, and down() drops exactly what up() added.
 */
describe('migration 1764800000000: mention roles, display names, attributes', () => {
  let db: PrivateDatabase;
  let c: Client;
  beforeAll(async () => {
    db = await createPrivateDatabase('mention_roles');
    c = new Client({ connectionString: db.url });
    await c.connect();
  });
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });

  const columns = async () =>
    (
      await c.query(
        `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'entity_mentions' AND column_name IN ('role', 'display_name', 'attributes')
          ORDER BY column_name`,
      )
    ).rows;
  const insertOldStyle = (documentUuid: string) =>
    c.query(
      `INSERT INTO entity_mentions (mention_uuid, document_uuid, project_uuid, entity_text, entity_type, start_char, end_char,
                                    confidence_score, method, normalized_key)
       VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'Bahr, Douglas Alan', 'PERSON', 10, 28, 0.9, 'legal:judge', 'judge bahr nd.sup')`,
      [documentUuid],
    );

  it('adds three nullable columns without defaults; writers that do not know them still insert', async () => {
    expect(await columns()).toEqual([
      { column_name: 'attributes', data_type: 'jsonb', is_nullable: 'YES', column_default: null },
      { column_name: 'display_name', data_type: 'text', is_nullable: 'YES', column_default: null },
      { column_name: 'role', data_type: 'character varying', is_nullable: 'YES', column_default: null },
    ]);
    const doc = randomUUID();
    await insertOldStyle(doc);
    const row = (await c.query(`SELECT role, display_name, attributes FROM entity_mentions WHERE document_uuid = $1`, [doc])).rows[0];
    expect(row).toEqual({ role: null, display_name: null, attributes: null });
  });

  it('is idempotent, and down() removes exactly its columns, keeping the rows', async () => {
    const doc = randomUUID();
    await c.query(
      `INSERT INTO entity_mentions (mention_uuid, document_uuid, project_uuid, entity_text, entity_type, start_char, end_char,
                                    confidence_score, method, normalized_key, role, display_name, attributes)
       VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'BAHR', 'PERSON', 0, 4, 0.9, 'legal:judge', 'judge bahr nd.sup',
               'judge', 'Bahr', '{"court": "nd.sup"}')`,
      [doc],
    );
    await runMigrationStep(db.url, new MentionRolesAttributes1764800000000(), 'up');
    expect((await c.query(`SELECT role, attributes FROM entity_mentions WHERE document_uuid = $1`, [doc])).rows).toEqual([
      { role: 'judge', attributes: { court: 'nd.sup' } },
    ]);
    await runMigrationStep(db.url, new MentionRolesAttributes1764800000000(), 'down');
    expect(await columns()).toEqual([]);
    expect((await c.query(`SELECT count(*)::int AS n FROM entity_mentions WHERE document_uuid = $1`, [doc])).rows[0].n).toBe(1);
    await runMigrationStep(db.url, new MentionRolesAttributes1764800000000(), 'up');
    expect((await columns()).map((r) => r.column_name)).toEqual(['attributes', 'display_name', 'role']);
  });
});

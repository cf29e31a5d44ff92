import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { type PrivateDatabase, createPrivateDatabase } from '@casegraph/testing';

/**
 * The entities and the migrations must describe the same schema: TypeORM's own schema
 * diff (what `synchronize` would run) against a freshly migrated database is empty.
 * A non-empty diff means an entity decorator is wrong or a migration is missing.
 * Unique keys are unique INDEXES in the migrations, so the entities say @Index({ unique: true }),
 * not @Unique (a constraint); partial indexes carry their `where`. The two GIN trigram indexes
 * cannot be expressed by @Index: the entity declares them by name with `synchronize: false`, so
 * the diff neither drops nor creates them. That is the only exception; nothing is filtered here.
 */

/** The statements `synchronize` would run against the database. */
async function pendingSchemaStatements(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url, ENTITIES, MIGRATIONS, { poolSize: 2, applicationName: 'casegraph-drift' }));
  await ds.initialize();
  try {
    const sql = await ds.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query);
  } finally {
    await ds.destroy();
  }
}

describe('schema drift: entities vs migrations', () => {
  let db: PrivateDatabase;

  // Private, freshly migrated database: no other suite sees the drift the second test adds.
  beforeAll(async () => {
    db = await createPrivateDatabase('drift');
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('a freshly migrated database needs no statements to match the entities', async () => {
    const statements = await pendingSchemaStatements(db.url);
    expect({ drift: statements }).toEqual({ drift: [] });
  }, 30_000);

  it('catches a deliberate drift (a dropped column, a missing index, a type and a NOT NULL back as before)', async () => {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query('ALTER TABLE textract_jobs DROP COLUMN job_tag');
      await c.query('DROP INDEX idx_entity_mentions_project');
      // What migration 1764700000000 changed, undone: the entities must notice.
      await c.query(`ALTER TABLE canonical_entities ALTER COLUMN aliases DROP DEFAULT,
                       ALTER COLUMN aliases TYPE text[] USING casegraph_aliases(aliases), ALTER COLUMN aliases SET DEFAULT '{}'`);
      await c.query('ALTER TABLE entity_mentions ALTER COLUMN start_char SET NOT NULL');
    } finally {
      await c.end();
    }
    const statements = await pendingSchemaStatements(db.url);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ALTER TABLE "textract_jobs" ADD "job_tag" character varying\(64\)/),
        expect.stringMatching(/CREATE INDEX "idx_entity_mentions_project" ON "entity_mentions" \("project_uuid"\)/),
        expect.stringMatching(/ALTER TABLE "canonical_entities" ADD "aliases" jsonb/),
        expect.stringMatching(/ALTER TABLE "entity_mentions" ALTER COLUMN "start_char" DROP NOT NULL/),
      ]),
    );
  }, 30_000);
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CanonicalEntity, ENTITIES, MIGRATIONS, SourceDocument, dataSourceOptions, migrate } from '@casegraph/entities';
import { AliasesJsonbOffsetsUnknown1764700000000 } from '../../libs/entities/src/migrations/1764700000000-aliases-jsonb-offsets-unknown';
import { type PrivateDatabase, createPrivateDatabase, runMigrationStep } from '@casegraph/testing';

// Private databases are created, migrated and dropped (WITH FORCE): slow on a busy server.
jest.setTimeout(180_000);

/**
 * Migration 1764700000000 on both kinds of database: a CaseGraph one that already holds rows (text[] aliases,
 * NOT NULL offsets) and one whose canonical_entities / entity_mentions have the old system's shape (jsonb
 * aliases, nullable offsets, extraction_method). Plus casegraph_aliases() on every odd shape an old row may hold.
 */

const THIS = new AliasesJsonbOffsetsUnknown1764700000000().name;

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Runs the migrations before this one only. */
async function migrateBefore(url: string): Promise<void> {
  const before = MIGRATIONS.slice(
    0,
    MIGRATIONS.findIndex((M) => new M().name === THIS),
  );
  const ds = new DataSource(dataSourceOptions(url, ENTITIES, before, { poolSize: 2, applicationName: 'casegraph-mig-test' }));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

/** AliasesJsonbOffsetsUnknown1764700000000's up() or down() once more, in a transaction of its own. */
const runThis = (url: string, direction: 'up' | 'down') => runMigrationStep(url, new AliasesJsonbOffsetsUnknown1764700000000(), direction);

async function column(c: Client, table: string, name: string) {
  const r = await c.query(
    `SELECT udt_name, is_nullable, column_default FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
    [table, name],
  );
  return r.rows[0] as { udt_name: string; is_nullable: 'YES' | 'NO'; column_default: string | null } | undefined;
}

describe('migration 1764700000000: aliases jsonb, unknown offsets', () => {
  const dbs: PrivateDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('converts a CaseGraph database that holds rows, keeps every alias, and is idempotent and reversible', async () => {
    const db = await createPrivateDatabase('alias_mig', { migrate: false });
    dbs.push(db);
    await migrateBefore(db.url);
    const project = randomUUID();
    const documentUuid = randomUUID();
    const entity = randomUUID();
    await withClient(db.url, async (c) => {
      expect(await column(c, 'canonical_entities', 'aliases')).toMatchObject({ udt_name: '_text', is_nullable: 'NO' });
      await c.query(
        `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key, aliases)
         VALUES ($1, $2, 'ORG', 'Acme Corp', 'acme corp', ARRAY['Acme Corp', 'ACME CORP', 'Äcme']),
                (gen_random_uuid(), $2, 'ORG', 'Empty', 'empty', DEFAULT)`,
        [entity, project],
      );
      await c.query(
        `INSERT INTO entity_mentions (mention_uuid, document_uuid, project_uuid, entity_text, entity_type, start_char, end_char,
                                      confidence_score, method, normalized_key)
         VALUES (gen_random_uuid(), $1, $2, 'Acme Corp', 'ORG', 120, 129, 0.9, 'pattern:org', 'acme corp')`,
        [documentUuid, project],
      );
    });

    expect((await migrate(db.url, () => undefined))[0]).toBe(THIS);

    await withClient(db.url, async (c) => {
      expect(await column(c, 'canonical_entities', 'aliases')).toEqual({ udt_name: 'jsonb', is_nullable: 'NO', column_default: "'[]'::jsonb" });
      const rows = await c.query(
        `SELECT normalized_key, aliases, casegraph_aliases(aliases) AS list FROM canonical_entities ORDER BY normalized_key`,
      );
      expect(rows.rows).toEqual([
        { normalized_key: 'acme corp', aliases: ['Acme Corp', 'ACME CORP', 'Äcme'], list: ['Acme Corp', 'ACME CORP', 'Äcme'] },
        { normalized_key: 'empty', aliases: [], list: [] },
      ]);
      for (const [table, name] of [
        ['entity_mentions', 'start_char'],
        ['entity_mentions', 'end_char'],
        ['document_chunks', 'char_start_index'],
        ['document_chunks', 'char_end_index'],
      ]) {
        expect({ table, name, nullable: (await column(c, table, name))?.is_nullable }).toEqual({ table, name, nullable: 'YES' });
      }
      // CaseGraph's own rows are document-absolute: they read 'document', never "not healed".
      expect(await column(c, 'entity_mentions', 'offset_basis')).toMatchObject({ udt_name: 'varchar', is_nullable: 'YES' });
      expect((await c.query(`SELECT offset_basis FROM entity_mentions`)).rows).toEqual([{ offset_basis: 'document' }]);
      // A mention with unknown offsets can be written; a new one gets the default basis.
      await c.query(
        `INSERT INTO entity_mentions (mention_uuid, document_uuid, project_uuid, entity_text, entity_type, confidence_score, method)
         VALUES (gen_random_uuid(), $1, $2, 'Acme', 'ORG', 0.5, 'test')`,
        [documentUuid, project],
      );
      expect((await c.query(`SELECT start_char, offset_basis FROM entity_mentions WHERE entity_text = 'Acme'`)).rows).toEqual([
        { start_char: null, offset_basis: 'document' },
      ]);
      await c.query(`DELETE FROM entity_mentions WHERE entity_text = 'Acme'`);
    });

    // Through the entity: jsonb read as string[], written as a JSON array.
    const ds = new DataSource(dataSourceOptions(db.url, ENTITIES, MIGRATIONS, { poolSize: 1, applicationName: 'casegraph-mig-test' }));
    await ds.initialize();
    try {
      const repo = ds.getRepository(CanonicalEntity);
      expect((await repo.findOneByOrFail({ canonicalEntityUuid: entity })).aliases).toEqual(['Acme Corp', 'ACME CORP', 'Äcme']);
      await repo.update({ canonicalEntityUuid: entity }, { aliases: ['Acme Corp', 'Acme'] });
      expect(await ds.query(`SELECT aliases FROM canonical_entities WHERE canonical_entity_uuid = $1`, [entity])).toEqual([
        { aliases: ['Acme Corp', 'Acme'] },
      ]);
    } finally {
      await ds.destroy();
    }

    // up() again changes nothing; down() brings text[] back with the same strings; up() again converts again.
    await runThis(db.url, 'up');
    await withClient(db.url, async (c) => {
      expect(await column(c, 'canonical_entities', 'aliases')).toMatchObject({ udt_name: 'jsonb', is_nullable: 'NO' });
      expect((await c.query(`SELECT offset_basis FROM entity_mentions`)).rows).toEqual([{ offset_basis: 'document' }]);
    });
    await runThis(db.url, 'down');
    await withClient(db.url, async (c) => {
      expect(await column(c, 'canonical_entities', 'aliases')).toEqual({ udt_name: '_text', is_nullable: 'NO', column_default: "'{}'::text[]" });
      expect((await c.query(`SELECT aliases FROM canonical_entities WHERE canonical_entity_uuid = $1`, [entity])).rows).toEqual([
        { aliases: ['Acme Corp', 'Acme'] },
      ]);
      expect(await column(c, 'entity_mentions', 'offset_basis')).toBeUndefined();
      expect(await column(c, 'entity_mentions', 'start_char')).toMatchObject({ is_nullable: 'NO' });
      expect((await c.query(`SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'casegraph_aliases'`)).rows).toEqual([{ n: 0 }]);
    });
    await runThis(db.url, 'up');
    await withClient(db.url, async (c) => {
      expect((await c.query(`SELECT aliases FROM canonical_entities WHERE canonical_entity_uuid = $1`, [entity])).rows).toEqual([
        { aliases: ['Acme Corp', 'Acme'] },
      ]);
    });
  });

  it('leaves an old database jsonb column as it is, and its unhealed mentions without an offset basis', async () => {
    const db = await createPrivateDatabase('alias_old', { migrate: false });
    dbs.push(db);
    await withClient(db.url, async (c) => {
      // The two old tables this migration looks at, with the old system's column types (see the schema export).
      await c.query(`CREATE TABLE canonical_entities (
        id serial PRIMARY KEY, canonical_entity_uuid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE, entity_type text NOT NULL,
        canonical_name text NOT NULL, mention_count int DEFAULT 1, confidence_score double precision DEFAULT 0.0, resolution_method text,
        aliases jsonb DEFAULT '[]'::jsonb, properties jsonb DEFAULT '{}'::jsonb, metadata jsonb DEFAULT '{}'::jsonb,
        created_at timestamptz DEFAULT CURRENT_TIMESTAMP, updated_at timestamptz DEFAULT CURRENT_TIMESTAMP)`);
      await c.query(`CREATE TABLE entity_mentions (
        id serial PRIMARY KEY, mention_uuid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE, document_uuid uuid, chunk_uuid uuid,
        chunk_fk_id int, entity_text text NOT NULL, entity_type text NOT NULL, entity_subtype text, start_char int, end_char int,
        confidence_score double precision DEFAULT 0.0, extraction_method text, processing_metadata jsonb DEFAULT '{}'::jsonb,
        canonical_entity_uuid uuid, created_at timestamptz DEFAULT CURRENT_TIMESTAMP, chunk_id uuid)`);
      await c.query(`INSERT INTO canonical_entities (entity_type, canonical_name, aliases) VALUES
        ('ORG', 'Odd', '["Odd Inc", 7, null, {"n": 1}]'), ('ORG', 'Null', NULL), ('ORG', 'Object', '{}'), ('ORG', 'JsonNull', 'null')`);
      await c.query(`INSERT INTO entity_mentions (document_uuid, entity_text, entity_type, start_char, end_char, extraction_method)
        VALUES (gen_random_uuid(), 'Odd Inc', 'ORG', 3, 10, 'spacy'), (gen_random_uuid(), 'Odd', 'ORG', 0, 0, NULL)`);
    });

    await migrate(db.url, () => undefined);

    await withClient(db.url, async (c) => {
      expect(await column(c, 'canonical_entities', 'aliases')).toEqual({ udt_name: 'jsonb', is_nullable: 'YES', column_default: "'[]'::jsonb" });
      expect((await c.query(`SELECT canonical_name, aliases, casegraph_aliases(aliases) AS list FROM canonical_entities ORDER BY id`)).rows).toEqual([
        { canonical_name: 'Odd', aliases: ['Odd Inc', 7, null, { n: 1 }], list: ['Odd Inc'] },
        { canonical_name: 'Null', aliases: null, list: [] },
        { canonical_name: 'Object', aliases: {}, list: [] },
        { canonical_name: 'JsonNull', aliases: null, list: [] }, // 'null'::jsonb reads as JS null
      ]);
      // Old rows keep their offsets and have no basis yet (backfill decides); a new row gets 'document'.
      expect((await c.query(`SELECT start_char, end_char, offset_basis FROM entity_mentions ORDER BY id`)).rows).toEqual([
        { start_char: 3, end_char: 10, offset_basis: null },
        { start_char: 0, end_char: 0, offset_basis: null },
      ]);
      await c.query(`INSERT INTO entity_mentions (document_uuid, entity_text, entity_type, method) VALUES (gen_random_uuid(), 'New', 'ORG', 'x')`);
      expect((await c.query(`SELECT offset_basis FROM entity_mentions WHERE entity_text = 'New'`)).rows).toEqual([{ offset_basis: 'document' }]);
    });
  });

  it('casegraph_aliases(): the string elements of an array, {} for anything else, never an error; IMMUTABLE PARALLEL SAFE', async () => {
    const db = await createPrivateDatabase('alias_fn');
    dbs.push(db);
    await withClient(db.url, async (c) => {
      const cases: Array<[string | null, string[]]> = [
        [null, []],
        ['{}', []],
        ['null', []],
        ['5', []],
        ['"Acme"', []],
        ['true', []],
        ['[]', []],
        ['{"a": "b"}', []],
        ['["B", "A", "B"]', ['B', 'A', 'B']],
        ['["x", 1, null, {"y": "z"}, ["w"], "", "v"]', ['x', '', 'v']],
        ['["\\u00c4cme", "a\\"b"]', ['Äcme', 'a"b']],
      ];
      for (const [input, expected] of cases) {
        const r = await c.query(`SELECT casegraph_aliases($1::jsonb) AS list`, [input]);
        expect({ input, list: r.rows[0].list }).toEqual({ input, list: expected });
      }
      const fn = await c.query(`SELECT provolatile, proparallel, prorettype::regtype::text AS ret FROM pg_proc WHERE proname = 'casegraph_aliases'`);
      expect(fn.rows).toEqual([{ provolatile: 'i', proparallel: 's', ret: 'text[]' }]);
      // IMMUTABLE: usable in an index expression.
      await c.query(`CREATE INDEX tmp_aliases_idx ON canonical_entities USING gin (casegraph_aliases(aliases))`);
      await c.query(`DROP INDEX tmp_aliases_idx`);
    });
  });

  it('SourceDocument reads a numeric ocr_confidence_score (an adopted column) as a number', async () => {
    const db = await createPrivateDatabase('ocr_numeric');
    dbs.push(db);
    await withClient(db.url, async (c) => {
      await c.query(`ALTER TABLE source_documents ALTER COLUMN ocr_confidence_score TYPE numeric`);
      const [p] = (await c.query(`INSERT INTO projects (name, project_uuid) VALUES ('p', gen_random_uuid()) RETURNING id, project_uuid`)).rows;
      await c.query(
        `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, ocr_confidence_score) VALUES (gen_random_uuid(), $1, $2, 93.4500)`,
        [p.id, p.project_uuid],
      );
      // What the raw driver gives: a string.
      expect((await c.query(`SELECT ocr_confidence_score FROM source_documents`)).rows).toEqual([{ ocr_confidence_score: '93.4500' }]);
    });
    const ds = new DataSource(dataSourceOptions(db.url, ENTITIES, MIGRATIONS, { poolSize: 1, applicationName: 'casegraph-mig-test' }));
    await ds.initialize();
    try {
      const [doc] = await ds.getRepository(SourceDocument).find();
      expect(doc.ocrConfidenceScore).toBe(93.45);
    } finally {
      await ds.destroy();
    }
  });
});

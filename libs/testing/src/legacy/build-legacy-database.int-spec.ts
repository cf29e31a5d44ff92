/**
 * The legacy builder against PostgreSQL: a database built from a schema reads back from the catalogue as exactly
 * that schema (tables, columns with type/nullability/default, foreign keys with ON DELETE, indexes, unique
 * constraints, triggers, functions, sequences, extensions) - for OWN_LEGACY_SCHEMA always, for the real exporter
 * JSON when the shared seed is there. Plus the behaviour the catalogue cannot show: the old BEFORE UPDATE trigger
 * rewrites updated_at, timestamps are timestamptz, arrays are float8[], the expression indexes are GIN.
 */
import { Client } from 'pg';
import { createPrivateDatabase, type PrivateDatabase } from '../database';
import { legacyDdl, buildLegacyDatabase } from './build-legacy-database';
import { legacyShape, readLegacyCatalogue } from './catalogue';
import { type LegacySchema, describeWithLegacySeed, requireSharedLegacySchema } from './legacy-schema';
import { OWN_LEGACY_SCHEMA } from './own-legacy-schema';

// Building and seeding private databases takes seconds on a busy machine.
jest.setTimeout(120_000);

async function builtDatabase(schema: LegacySchema): Promise<{ db: PrivateDatabase; client: Client }> {
  const db = await createPrivateDatabase('legacy_build', { migrate: false });
  const client = new Client({ connectionString: db.url });
  await client.connect();
  await buildLegacyDatabase(client, schema);
  return { db, client };
}

function roundTripSuite(label: string, schemaOf: () => LegacySchema) {
  let db: PrivateDatabase;
  let client: Client;
  let schema: LegacySchema;

  beforeAll(async () => {
    schema = schemaOf();
    ({ db, client } = await builtDatabase(schema));
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it(`${label}: the catalogue reads back as exactly the schema`, async () => {
    const back = await readLegacyCatalogue(client);
    expect(legacyShape(back)).toEqual(legacyShape(schema));
  });

  it(`${label}: the summary counts of the schema hold in the catalogue`, async () => {
    const back = legacyShape(await readLegacyCatalogue(client));
    const mine = legacyShape(schema);
    const count = (s: typeof back, f: (t: (typeof back)['tables'][number]) => number) => s.tables.reduce((n, t) => n + f(t), 0);
    expect(back.tables.length).toBe(Object.keys(schema.tables).length);
    expect(count(back, (t) => t.columns.length)).toBe(count(mine, (t) => t.columns.length));
    expect(count(back, (t) => t.foreignKeys.length)).toBe(17);
    expect(back.triggers.length).toBe(6);
  });

  it(`${label}: every table has its key as primary key, TIMESTAMP is timestamptz, ARRAY is float8[], text search is GIN`, async () => {
    const pks = (
      await client.query(
        `SELECT cl.relname AS t, a.attname AS c FROM pg_index x JOIN pg_class cl ON cl.oid = x.indrelid
           JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey)
           JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE x.indisprimary AND n.nspname = 'public'`,
      )
    ).rows as { t: string; c: string }[];
    expect(Object.fromEntries(pks.map((r) => [r.t, r.c]))).toEqual(
      Object.fromEntries(Object.keys(schema.tables).map((t) => [t, t === 'schema_version' ? 'version' : 'id'])),
    );
    const types = (
      await client.query(
        `SELECT DISTINCT udt_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('ARRAY', 'timestamp with time zone', 'timestamp without time zone')`,
      )
    ).rows.map((r) => r.udt_name as string);
    expect(types.sort()).toEqual(['_float8', 'timestamptz']);
    const gin = (await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%text_search'`)).rows;
    expect(gin.map((r) => r.indexname).sort()).toEqual(['idx_document_chunks_text_search', 'idx_source_documents_text_search']);
    for (const r of gin) expect(r.indexdef).toMatch(/USING gin \(to_tsvector\('english'::regconfig/);
  });

  it(`${label}: the old BEFORE UPDATE trigger rewrites updated_at; INSERT keeps the given one`, async () => {
    await client.query('BEGIN');
    try {
      const ins = await client.query(
        `INSERT INTO projects (name, updated_at) VALUES ('Trigger probe', '2025-06-01T00:00:00Z') RETURNING id, updated_at`,
      );
      expect(new Date(ins.rows[0].updated_at).toISOString()).toBe('2025-06-01T00:00:00.000Z');
      const upd = await client.query(`UPDATE projects SET name = 'Trigger probe 2' WHERE id = $1 RETURNING updated_at`, [ins.rows[0].id]);
      expect(new Date(upd.rows[0].updated_at).getTime()).toBeGreaterThan(Date.parse('2025-06-02T00:00:00Z'));
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it(`${label}: the DDL is deterministic and builds nothing twice`, () => {
    const ddl = legacyDdl(schema);
    expect(legacyDdl(schema)).toEqual(ddl);
    expect(new Set(ddl).size).toBe(ddl.length);
  });
}

describe('buildLegacyDatabase: OWN_LEGACY_SCHEMA', () => {
  roundTripSuite('own schema', () => OWN_LEGACY_SCHEMA);
});

describeWithLegacySeed('buildLegacyDatabase: the real exporter JSON', () => {
  roundTripSuite('real schema', requireSharedLegacySchema);

  it('the real JSON has the summary it claims (14 tables, 187 columns, 17 FKs, 35 indexes, 6 triggers)', () => {
    const s = requireSharedLegacySchema();
    const tables = Object.values(s.tables);
    expect(tables.length).toBe(14);
    expect(tables.reduce((n, t) => n + t.columns.length, 0)).toBe(187);
    expect(tables.reduce((n, t) => n + t.foreign_keys.length, 0)).toBe(17);
    expect(tables.reduce((n, t) => n + t.indexes.length, 0)).toBe(35);
    expect(s.triggers.length).toBe(6);
  });
});

/**
 * Reads a database's public schema back from information_schema / pg_catalog in the exporter's own format and
 * spelling (legacy-schema.ts), so a built database can be compared with the JSON it was built from: a round trip
 * against the exporter's view. Like the exporter, it lists no primary keys (their indexes are left out too) and
 * prints TIMESTAMP for timestamptz, ARRAY for arrays and [null] for an expression index's columns.
 * legacyShape() reduces a schema to the comparable facts (sorted), for toEqual.
 */
import type { LegacyForeignKey, LegacyIndex, LegacySchema, LegacyTable } from './legacy-schema';
import { type Queryable, rowsOf } from './queryable';

const TYPE_NAMES: Record<string, string> = {
  integer: 'INTEGER',
  bigint: 'BIGINT',
  smallint: 'SMALLINT',
  uuid: 'UUID',
  text: 'TEXT',
  numeric: 'NUMERIC',
  jsonb: 'JSONB',
  json: 'JSON',
  'double precision': 'DOUBLE PRECISION',
  real: 'REAL',
  boolean: 'BOOLEAN',
  date: 'DATE',
  'timestamp with time zone': 'TIMESTAMP',
  'timestamp without time zone': 'TIMESTAMP WITHOUT TIME ZONE',
  ARRAY: 'ARRAY',
};

const ON_DELETE: Record<string, string | undefined> = { a: undefined, r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** The public schema of q's database, as the exporter would print it (plus `udt` of array columns in comment). */
export async function readLegacyCatalogue(q: Queryable): Promise<LegacySchema> {
  const cols = rowsOf<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    character_maximum_length: number | null;
    is_nullable: string;
    column_default: string | null;
  }>(
    await q.query(
      `SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.character_maximum_length, c.is_nullable, c.column_default
         FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        ORDER BY c.table_name, c.ordinal_position`,
    ),
  );
  const tables: Record<string, LegacyTable> = {};
  for (const c of cols) {
    const t = (tables[c.table_name] ??= { columns: [], primary_key: [], foreign_keys: [], indexes: [], constraints: [], row_count: 0 });
    const type =
      c.data_type === 'character varying' ? `VARCHAR(${c.character_maximum_length})` : (TYPE_NAMES[c.data_type] ?? c.data_type.toUpperCase());
    t.columns.push({
      name: c.column_name,
      type,
      nullable: c.is_nullable === 'YES',
      default: c.column_default,
      autoincrement: /^nextval\(/.test(c.column_default ?? ''),
      comment: c.data_type === 'ARRAY' ? c.udt_name : null,
    });
  }
  const fks = rowsOf<{ table_name: string; name: string; cols: string[]; ref_table: string; ref_cols: string[]; deltype: string }>(
    await q.query(
      `SELECT cl.relname AS table_name, con.conname AS name,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS cols,
              rcl.relname AS ref_table,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS ref_cols,
              con.confdeltype AS deltype
         FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_class rcl ON rcl.oid = con.confrelid
         JOIN pg_namespace n ON n.oid = cl.relnamespace
        WHERE con.contype = 'f' AND n.nspname = 'public' ORDER BY cl.relname, con.conname`,
    ),
  );
  for (const f of fks) {
    const ondelete = ON_DELETE[f.deltype];
    const fk: LegacyForeignKey = {
      name: f.name,
      constrained_columns: f.cols,
      referred_schema: null,
      referred_table: f.ref_table,
      referred_columns: f.ref_cols,
      options: ondelete ? { ondelete } : {},
    };
    tables[f.table_name]?.foreign_keys.push(fk);
  }
  const idx = rowsOf<{ table_name: string; name: string; unique: boolean; cols: (string | null)[] }>(
    await q.query(
      `SELECT t.relname AS table_name, i.relname AS name, x.indisunique AS unique,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                 LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0) AS cols
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND NOT x.indisprimary ORDER BY t.relname, i.relname`,
    ),
  );
  for (const i of idx) {
    const ix: LegacyIndex = { name: i.name, unique: i.unique, column_names: i.cols, type: null };
    tables[i.table_name]?.indexes.push(ix);
  }
  const uqs = rowsOf<{ table_name: string; name: string; cols: string[] }>(
    await q.query(
      `SELECT cl.relname AS table_name, con.conname AS name,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS cols
         FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
        WHERE con.contype = 'u' AND n.nspname = 'public' ORDER BY cl.relname, con.conname`,
    ),
  );
  for (const u of uqs) tables[u.table_name]?.constraints.push({ name: u.name, type: 'unique', column_names: u.cols });
  const triggers = rowsOf<LegacySchema['triggers'][number]>(
    await q.query(
      `SELECT trigger_name, event_manipulation, event_object_table, action_timing, action_statement, action_orientation,
              action_condition, trigger_schema
         FROM information_schema.triggers WHERE trigger_schema = 'public' ORDER BY trigger_name, event_manipulation`,
    ),
  );
  const functions = rowsOf<LegacySchema['functions'][number]>(
    await q.query(
      `SELECT routine_name, routine_type, routine_definition, upper(external_language) AS external_language, is_deterministic,
              data_type, routine_schema
         FROM information_schema.routines WHERE routine_schema = 'public' ORDER BY routine_name`,
    ),
  );
  const sequences = rowsOf<LegacySchema['sequences'][number]>(
    await q.query(
      `SELECT sequence_name, sequence_schema, data_type, start_value, minimum_value, maximum_value, increment, cycle_option
         FROM information_schema.sequences WHERE sequence_schema = 'public' ORDER BY sequence_name`,
    ),
  );
  const extensions = rowsOf<LegacySchema['extensions'][number]>(
    await q.query(
      `SELECT e.extname AS extension_name, e.extversion AS version, n.nspname AS schema_name
         FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace ORDER BY e.extname`,
    ),
  );
  return { tables, triggers, functions, sequences, extensions };
}

const byName =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));

/**
 * The comparable facts of a schema: tables; columns in order (name, type, nullability, default); foreign keys
 * (name, columns, referred table and columns, on delete); indexes (name, unique, columns); unique constraints;
 * triggers; functions (name, language, body of plpgsql ones, trimmed); sequences; extensions (names).
 */
export function legacyShape(s: LegacySchema) {
  const tables = Object.keys(s.tables)
    .sort()
    .map((name) => {
      const t = s.tables[name];
      return {
        name,
        columns: t.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, default: c.default })),
        foreignKeys: t.foreign_keys
          .map((f) => ({
            name: f.name,
            columns: f.constrained_columns,
            referredTable: f.referred_table,
            referredColumns: f.referred_columns,
            onDelete: f.options.ondelete ?? 'NO ACTION',
          }))
          .sort(byName((f) => f.name)),
        indexes: t.indexes.map((i) => ({ name: i.name, unique: i.unique, columns: i.column_names })).sort(byName((i) => i.name)),
        uniqueConstraints: t.constraints
          .filter((c) => c.type.toLowerCase() === 'unique')
          .map((c) => ({ name: c.name, columns: c.column_names }))
          .sort(byName((c) => c.name)),
      };
    });
  const triggers = s.triggers
    .map((t) => ({
      name: t.trigger_name,
      table: t.event_object_table,
      event: t.event_manipulation,
      timing: t.action_timing,
      orientation: t.action_orientation,
      statement: t.action_statement,
      condition: t.action_condition,
    }))
    .sort(byName((t) => `${t.table}.${t.name}.${t.event}`));
  const functions = s.functions
    .map((f) => ({
      name: f.routine_name,
      language: f.external_language.toUpperCase(),
      returns: f.data_type,
      body: f.external_language.toUpperCase() === 'PLPGSQL' ? (f.routine_definition ?? '').trim() : null,
    }))
    .sort(byName((f) => f.name));
  const sequences = s.sequences
    .map((q) => ({
      name: q.sequence_name,
      type: q.data_type,
      start: String(q.start_value),
      min: String(q.minimum_value),
      max: String(q.maximum_value),
      increment: String(q.increment),
      cycle: q.cycle_option,
    }))
    .sort(byName((q) => q.name));
  const extensions = s.extensions.map((e) => e.extension_name).sort();
  return { tables, triggers, functions, sequences, extensions };
}

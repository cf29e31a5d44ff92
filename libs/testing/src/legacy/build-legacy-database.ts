/**
 * Builds the old system's database from a LegacySchema (the exporter's JSON, or OWN_LEGACY_SCHEMA), column for
 * column, constraint for constraint, trigger for trigger. Nothing is simplified; only the exporter's known gaps are
 * filled (legacy-schema.ts): the key `id` (schema_version: `version`) becomes the primary key, TIMESTAMP is
 * timestamptz, ARRAY is float8[], and the two [null]-column indexes are the expression GIN indexes named in
 * EXPRESSION_INDEXES. Order: extensions, plpgsql functions, sequences, tables (columns, defaults verbatim, primary
 * key, unique constraints by name), sequences owned by their columns, indexes by name, foreign keys by name with
 * their ON DELETE (after all tables), triggers. uuid-ossp's C functions come from the extension.
 *
 * legacyDdl(schema) is the statement list; buildLegacyDatabase(q, schema) runs it in one transaction.
 */
import type { LegacyColumn, LegacySchema, LegacyTable, LegacyTrigger } from './legacy-schema';
import { legacyKeyColumn } from './legacy-schema';
import { type Queryable, ident, inTransaction } from './queryable';

/** The expression indexes the exporter prints with column_names [null]. */
export const EXPRESSION_INDEXES: Record<string, { table: string; method: string; expression: string }> = {
  idx_document_chunks_text_search: { table: 'document_chunks', method: 'gin', expression: "to_tsvector('english'::regconfig, text)" },
  idx_source_documents_text_search: {
    table: 'source_documents',
    method: 'gin',
    expression: "to_tsvector('english'::regconfig, COALESCE(raw_extracted_text, ''::text))",
  },
};

/** The PostgreSQL type of an exporter column type. */
export function legacySqlType(type: string): string {
  const t = type.trim().toUpperCase();
  if (t === 'TIMESTAMP') return 'timestamptz';
  if (t === 'ARRAY') return 'float8[]';
  if (/^(VARCHAR|CHARACTER VARYING)\(\d+\)$/.test(t)) return t.replace('CHARACTER VARYING', 'VARCHAR').toLowerCase();
  const known: Record<string, string> = {
    INTEGER: 'integer',
    BIGINT: 'bigint',
    SMALLINT: 'smallint',
    UUID: 'uuid',
    TEXT: 'text',
    NUMERIC: 'numeric',
    JSONB: 'jsonb',
    JSON: 'json',
    'DOUBLE PRECISION': 'double precision',
    REAL: 'real',
    BOOLEAN: 'boolean',
    DATE: 'date',
  };
  const m = known[t];
  if (!m) throw new Error(`legacy schema: unknown column type ${type}`);
  return m;
}

function columnDdl(c: LegacyColumn): string {
  return [ident(c.name), legacySqlType(c.type), c.nullable ? '' : 'NOT NULL', c.default != null ? `DEFAULT ${c.default}` : '']
    .filter(Boolean)
    .join(' ');
}

/** The sequence a column default draws from (nextval('x'::regclass) -> x), or null. */
export function sequenceOfDefault(dflt: string | null): string | null {
  const m = dflt && /^nextval\('([^']+)'(::regclass)?\)$/.exec(dflt);
  return m ? m[1].replace(/^public\./, '').replace(/"/g, '') : null;
}

function tableDdl(name: string, t: LegacyTable): string {
  const key = legacyKeyColumn(t);
  const parts = t.columns.map(columnDdl);
  parts.push(`CONSTRAINT ${ident(`${name}_pkey`)} PRIMARY KEY (${ident(key)})`);
  for (const u of t.constraints.filter((x) => x.type.toLowerCase() === 'unique')) {
    parts.push(`CONSTRAINT ${ident(u.name)} UNIQUE (${u.column_names.map(ident).join(', ')})`);
  }
  return `CREATE TABLE ${ident(name)} (\n  ${parts.join(',\n  ')}\n)`;
}

const ON_DELETE = new Set(['CASCADE', 'SET NULL', 'SET DEFAULT', 'RESTRICT', 'NO ACTION']);

/** One CREATE TRIGGER per trigger name (the exporter lists one row per event). */
function triggersDdl(triggers: LegacyTrigger[]): string[] {
  const byName = new Map<string, LegacyTrigger[]>();
  for (const t of triggers) {
    const k = `${t.event_object_table}\u0000${t.trigger_name}`;
    byName.set(k, [...(byName.get(k) ?? []), t]);
  }
  return [...byName.values()].map((rows) => {
    const t = rows[0];
    const events = [...new Set(rows.map((r) => r.event_manipulation))].join(' OR ');
    const when = t.action_condition ? ` WHEN (${t.action_condition})` : '';
    return `CREATE TRIGGER ${ident(t.trigger_name)} ${t.action_timing} ${events} ON ${ident(t.event_object_table)} FOR EACH ${t.action_orientation}${when} ${t.action_statement}`;
  });
}

/** The DDL that builds the schema on an empty database, in order. */
export function legacyDdl(schema: LegacySchema): string[] {
  const ddl: string[] = [];
  for (const e of schema.extensions) {
    if (e.extension_name === 'plpgsql') continue;
    ddl.push(
      `CREATE EXTENSION IF NOT EXISTS ${ident(e.extension_name)}${e.schema_name && e.schema_name !== 'pg_catalog' ? ` SCHEMA ${ident(e.schema_name)}` : ''}`,
    );
  }
  for (const f of schema.functions) {
    if (f.external_language.toUpperCase() !== 'PLPGSQL') continue; // C functions: from their extension
    if (f.routine_definition == null) throw new Error(`legacy schema: function ${f.routine_name} has no body`);
    ddl.push(`CREATE FUNCTION ${ident(f.routine_name)}() RETURNS ${f.data_type} LANGUAGE plpgsql AS $legacy_fn$${f.routine_definition}$legacy_fn$`);
  }
  for (const s of schema.sequences) {
    ddl.push(
      `CREATE SEQUENCE ${ident(s.sequence_name)} AS ${s.data_type} INCREMENT BY ${s.increment} MINVALUE ${s.minimum_value} MAXVALUE ${s.maximum_value} ` +
        `START WITH ${s.start_value}${s.cycle_option.toUpperCase() === 'YES' ? ' CYCLE' : ' NO CYCLE'}`,
    );
  }
  const tables = Object.entries(schema.tables);
  for (const [name, t] of tables) ddl.push(tableDdl(name, t));
  const sequences = new Set(schema.sequences.map((s) => s.sequence_name));
  for (const [name, t] of tables) {
    for (const c of t.columns) {
      const seq = sequenceOfDefault(c.default);
      if (seq && sequences.has(seq)) ddl.push(`ALTER SEQUENCE ${ident(seq)} OWNED BY ${ident(name)}.${ident(c.name)}`);
    }
  }
  for (const [name, t] of tables) {
    const constraintNames = new Set(t.constraints.map((x) => x.name));
    for (const i of t.indexes) {
      if (constraintNames.has(i.name)) continue; // the unique constraint's own index
      if (i.column_names.some((c) => c == null)) {
        const e = EXPRESSION_INDEXES[i.name];
        if (!e || e.table !== name) throw new Error(`legacy schema: expression index ${i.name} on ${name} is not known`);
        ddl.push(`CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${ident(i.name)} ON ${ident(name)} USING ${e.method} (${e.expression})`);
      } else {
        ddl.push(
          `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${ident(i.name)} ON ${ident(name)} (${(i.column_names as string[]).map(ident).join(', ')})`,
        );
      }
    }
  }
  for (const [name, t] of tables) {
    for (const f of t.foreign_keys) {
      const onDelete = (f.options.ondelete ?? 'NO ACTION').toUpperCase();
      if (!ON_DELETE.has(onDelete)) throw new Error(`legacy schema: ON DELETE ${onDelete} of ${f.name}`);
      const onUpdate = f.options.onupdate ? ` ON UPDATE ${f.options.onupdate.toUpperCase()}` : '';
      ddl.push(
        `ALTER TABLE ${ident(name)} ADD CONSTRAINT ${ident(f.name)} FOREIGN KEY (${f.constrained_columns.map(ident).join(', ')}) ` +
          `REFERENCES ${ident(f.referred_table)} (${f.referred_columns.map(ident).join(', ')}) ON DELETE ${onDelete}${onUpdate}`,
      );
    }
  }
  ddl.push(...triggersDdl(schema.triggers));
  return ddl;
}

/** Builds the schema on q's (empty) database, in one transaction. */
export async function buildLegacyDatabase(q: Queryable, schema: LegacySchema): Promise<void> {
  const ddl = legacyDdl(schema);
  await inTransaction(q, async (c) => {
    for (const sql of ddl) {
      try {
        await c.query(sql);
      } catch (e) {
        throw new Error(`legacy DDL failed: ${(e as Error).message}\n${sql}`);
      }
    }
  });
}

import {
  ADOPTION_ARCHIVE_TABLE,
  ADOPTION_LOG_TABLE,
  KEEP_UPDATED_AT_TRIGGER,
  LEGACY_UPDATED_AT_FUNCTION,
  PROJECT_UUID_SYNC,
} from '../migrations/1764600000000-adopt-legacy-database';
import { SqlRunner, queryRows } from './sql';

export interface ColumnInfo {
  /** format_type(): 'uuid', 'integer', 'text', 'jsonb', 'text[]', 'character varying(50)', 'timestamp with time zone'… */
  type: string;
  nullable: boolean;
  hasDefault: boolean;
}

export interface ConstraintInfo {
  table: string;
  /** 'f' foreign key, 'u' unique, 'p' primary key, 'c' check. */
  type: string;
  /** pg_get_constraintdef() */
  def: string;
  validated: boolean;
}

export interface IndexInfo {
  table: string;
  unique: boolean;
  /** false = an interrupted CREATE INDEX CONCURRENTLY left it behind: it is not used and must be rebuilt. */
  valid: boolean;
  /** pg_get_indexdef() */
  def: string;
}

/** What the database is, read from the catalogue only (no table is scanned). Works before any migration ran. */
export interface SchemaProfile {
  /** Tables of the current schema -> their columns. */
  tables: Map<string, Map<string, ColumnInfo>>;
  constraints: Map<string, ConstraintInfo>;
  indexes: Map<string, IndexInfo>;
  /**
   * Where a project's UUID lives: 'project_id' when projects.project_id is a uuid column (the old system: it is
   * adopted, CaseGraph's project_uuid is kept equal to it), else 'project_uuid' (CaseGraph's own column).
   */
  projectUuidSource: 'project_id' | 'project_uuid';
  /** canonical_entities.aliases: jsonb (the old system, and CaseGraph after 1764700000000), text[] (CaseGraph before), null = absent. */
  aliasesType: 'jsonb' | 'text[]' | null;
  /** Tables with an old BEFORE UPDATE trigger that runs update_updated_at_column(). */
  legacyUpdatedAtTriggers: string[];
  /** The objects of migration 1764600000000. */
  adoption: {
    logTable: boolean;
    archiveTable: boolean;
    /** The casegraph_project_uuid_sync trigger on projects. */
    projectUuidSync: boolean;
    /** Tables with the zz_casegraph_keep_updated_at trigger. */
    keeperTables: string[];
  };
  /** Names of the migrations TypeORM recorded (empty when its table is absent: an un-migrated database). */
  appliedMigrations: string[];
  /** An old-system database: project_id is the project UUID or the old updated_at triggers are there. */
  legacy: boolean;
}

export function hasTable(p: SchemaProfile, table: string): boolean {
  return p.tables.has(table);
}

export function hasColumn(p: SchemaProfile, table: string, column: string): boolean {
  return p.tables.get(table)?.has(column) ?? false;
}

export function columnType(p: SchemaProfile, table: string, column: string): string | undefined {
  return p.tables.get(table)?.get(column)?.type;
}

/** Reads the catalogue of the current schema. `migrationsTable` is TypeORM's (dataSourceOptions: 'casegraph_migrations'). */
export async function detectSchemaProfile(q: SqlRunner, opts: { migrationsTable?: string } = {}): Promise<SchemaProfile> {
  const columns = await queryRows<{ table_name: string; column_name: string; type: string; not_null: boolean; has_default: boolean }>(
    q,
    `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, a.atthasdef AS has_default
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
  );
  const tables = new Map<string, Map<string, ColumnInfo>>();
  for (const r of columns) {
    if (!tables.has(r.table_name)) tables.set(r.table_name, new Map());
    tables.get(r.table_name)!.set(r.column_name, { type: r.type, nullable: !r.not_null, hasDefault: r.has_default });
  }

  const constraints = new Map<string, ConstraintInfo>();
  for (const r of await queryRows<{ name: string; table_name: string; type: string; def: string; validated: boolean }>(
    q,
    `SELECT co.conname AS name, c.relname AS table_name, co.contype::text AS type, pg_get_constraintdef(co.oid) AS def, co.convalidated AS validated
       FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid
      WHERE co.connamespace = current_schema()::regnamespace`,
  )) {
    constraints.set(r.name, { table: r.table_name, type: r.type, def: r.def, validated: r.validated });
  }

  const indexes = new Map<string, IndexInfo>();
  for (const r of await queryRows<{ name: string; table_name: string; unique: boolean; valid: boolean; def: string }>(
    q,
    `SELECT ic.relname AS name, tc.relname AS table_name, i.indisunique AS unique, i.indisvalid AS valid, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid
      WHERE ic.relnamespace = current_schema()::regnamespace`,
  )) {
    indexes.set(r.name, { table: r.table_name, unique: r.unique, valid: r.valid, def: r.def });
  }

  const triggers = await queryRows<{ table_name: string; tgname: string; proname: string }>(
    q,
    `SELECT c.relname AS table_name, t.tgname, p.proname
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
      ORDER BY 1, 2`,
  );
  const legacyUpdatedAtTriggers = [...new Set(triggers.filter((t) => t.proname === LEGACY_UPDATED_AT_FUNCTION).map((t) => t.table_name))];

  const migrationsTable = opts.migrationsTable ?? 'casegraph_migrations';
  let appliedMigrations: string[] = [];
  if (tables.get(migrationsTable)?.has('name')) {
    appliedMigrations = (await queryRows<{ name: string }>(q, `SELECT name FROM "${migrationsTable}" ORDER BY timestamp`)).map((r) => r.name);
  }

  const projectIdIsUuid = columnTypeOf(tables, 'projects', 'project_id') === 'uuid';
  const aliases = columnTypeOf(tables, 'canonical_entities', 'aliases');
  return {
    tables,
    constraints,
    indexes,
    projectUuidSource: projectIdIsUuid ? 'project_id' : 'project_uuid',
    aliasesType: aliases === 'jsonb' ? 'jsonb' : aliases === 'text[]' ? 'text[]' : null,
    legacyUpdatedAtTriggers,
    adoption: {
      logTable: tables.has(ADOPTION_LOG_TABLE),
      archiveTable: tables.has(ADOPTION_ARCHIVE_TABLE),
      projectUuidSync: triggers.some((t) => t.table_name === 'projects' && t.tgname === PROJECT_UUID_SYNC),
      keeperTables: [...new Set(triggers.filter((t) => t.tgname === KEEP_UPDATED_AT_TRIGGER).map((t) => t.table_name))],
    },
    appliedMigrations,
    legacy: projectIdIsUuid || legacyUpdatedAtTriggers.length > 0,
  };
}

function columnTypeOf(tables: Map<string, Map<string, ColumnInfo>>, table: string, column: string): string | undefined {
  return tables.get(table)?.get(column)?.type;
}

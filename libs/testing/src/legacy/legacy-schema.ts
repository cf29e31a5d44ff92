/**
 * The old system's database schema, in its own exporter's JSON format (the format of
 * ../shared/seed/legacy-database-schema-2025-06-12.json): types, the run-time loader of the shared file, and the
 * gate of the suites that need it.
 *
 * - loadSharedLegacySchema(): the real production schema, read at run time from CASEGRAPH_SEED (default
 *   ../shared/seed beside the checkout); null when the file is absent. Never copied into the repository.
 * - describeWithLegacySeed(): describe() for a suite that needs that file, gated like describeWithFixtures
 *   (skipped with one printed line, or failing under CASEGRAPH_REQUIRE_FIXTURES=1).
 * - OWN_LEGACY_SCHEMA (own-legacy-schema.ts): the project-owned, hand-written subset used by the default suites.
 *
 * The exporter's known gaps, which every consumer here applies: it lists no primary keys (each table's key is `id`;
 * schema_version, which has no `id`, is keyed by `version`), it prints TIMESTAMP for timestamptz columns, ARRAY for
 * float8[] columns, and [null] as the column list of an expression index.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeWithFixturesIn } from '../fixtures';

export interface LegacyColumn {
  name: string;
  /** Exporter spelling: INTEGER, BIGINT, UUID, TEXT, VARCHAR(n), NUMERIC, DOUBLE PRECISION, BOOLEAN, JSONB, TIMESTAMP, ARRAY. */
  type: string;
  nullable: boolean;
  /** The column default as PostgreSQL prints it (verbatim SQL), or null. */
  default: string | null;
  autoincrement?: boolean;
  comment?: string | null;
}

export interface LegacyForeignKey {
  name: string;
  constrained_columns: string[];
  referred_schema?: string | null;
  referred_table: string;
  referred_columns: string[];
  /** {} = NO ACTION; otherwise { ondelete: 'CASCADE' | 'SET NULL' | 'RESTRICT' | 'SET DEFAULT' }. */
  options: { ondelete?: string; onupdate?: string };
}

export interface LegacyIndex {
  name: string;
  unique: boolean;
  /** [null] for an expression index. */
  column_names: (string | null)[];
  type?: string | null;
}

export interface LegacyConstraint {
  name: string;
  type: string;
  column_names: string[];
}

export interface LegacyTable {
  columns: LegacyColumn[];
  primary_key?: string[];
  foreign_keys: LegacyForeignKey[];
  indexes: LegacyIndex[];
  constraints: LegacyConstraint[];
  row_count: number;
}

export interface LegacyTrigger {
  trigger_name: string;
  event_manipulation: string;
  event_object_table: string;
  action_timing: string;
  action_statement: string;
  action_orientation: string;
  action_condition: string | null;
  trigger_schema?: string;
}

export interface LegacyFunction {
  routine_name: string;
  routine_type: string;
  /** The body (plpgsql), or null for C functions (which come from an extension). */
  routine_definition: string | null;
  external_language: string;
  is_deterministic?: string;
  data_type: string;
  routine_schema?: string;
}

export interface LegacySequence {
  sequence_name: string;
  sequence_schema?: string;
  data_type: string;
  start_value: string;
  minimum_value: string;
  maximum_value: string;
  increment: string;
  cycle_option: string;
}

export interface LegacyExtension {
  extension_name: string;
  version?: string;
  schema_name?: string;
}

export interface LegacySchema {
  metadata?: Record<string, unknown>;
  tables: Record<string, LegacyTable>;
  triggers: LegacyTrigger[];
  functions: LegacyFunction[];
  sequences: LegacySequence[];
  extensions: LegacyExtension[];
  views?: unknown[];
  schemas?: unknown[];
  summary?: Record<string, unknown>;
  validation?: unknown;
}

/** File name of the real schema inside the seed folder. */
export const LEGACY_SCHEMA_FILE = 'legacy-database-schema-2025-06-12.json';

/** Root of the shared seed: CASEGRAPH_SEED, else ../shared/seed beside the checkout. */
export function legacySeedDir(): string {
  return process.env.CASEGRAPH_SEED || resolve(__dirname, '../../../../../shared/seed');
}

/** Path of the real schema file (it may not exist). */
export function legacySchemaPath(): string {
  return join(legacySeedDir(), LEGACY_SCHEMA_FILE);
}

/** Whether the real schema file is there. */
export function legacySeedAvailable(): boolean {
  return existsSync(legacySchemaPath());
}

/** The old system's real production schema (read at run time), or null when the shared seed is absent. */
export function loadSharedLegacySchema(): LegacySchema | null {
  if (!legacySeedAvailable()) return null;
  return JSON.parse(readFileSync(legacySchemaPath(), 'utf8')) as LegacySchema;
}

/** loadSharedLegacySchema() for code inside a describeWithLegacySeed suite: throws when absent. */
export function requireSharedLegacySchema(): LegacySchema {
  const s = loadSharedLegacySchema();
  if (!s) throw new Error(`no legacy schema at ${legacySchemaPath()} (set CASEGRAPH_SEED to its folder)`);
  return s;
}

/**
 * describe() for a suite that needs the real legacy schema. Without it: one line on stderr naming the suite and
 * the missing file, and describe.skip (title marked FIXTURES_SKIP_MARK, which .ci/run counts); with
 * CASEGRAPH_REQUIRE_FIXTURES=1, a failing test instead.
 */
export function describeWithLegacySeed(name: string, fn: () => void): void {
  describeWithFixturesIn(name, fn, legacySeedAvailable(), `no legacy schema at ${legacySchemaPath()} (set CASEGRAPH_SEED to its folder)`);
}

/** The key column of a legacy table: `id`, or the first column for a table without one (schema_version: version). */
export function legacyKeyColumn(table: LegacyTable): string {
  return table.columns.some((c) => c.name === 'id') ? 'id' : table.columns[0].name;
}

/** Whether the table has the column. */
export function hasColumn(schema: LegacySchema, table: string, column: string): boolean {
  return !!schema.tables[table]?.columns.some((c) => c.name === column);
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Columns that backfill heals. An UPDATE that changes only these (and updated_at) keeps the row's updated_at, which
 * the old BEFORE UPDATE triggers would otherwise rewrite (the sweeper and the reconciler read it).
 */
export const HEAL_COLUMNS = [
  'project_uuid',
  'project_fk_id',
  'document_uuid',
  'method',
  'normalized_key',
  'start_char',
  'end_char',
  'offset_basis',
  'page_count',
  'pages',
  'chunk_uuid',
  'chunk_fk_id',
  'canonical_entity_uuid',
  'mention_count',
  'char_start_index',
  'char_end_index',
  'source_entity_uuid',
  'target_entity_uuid',
  'source_chunk_uuid',
];

export const ADOPTION_LOG_TABLE = 'casegraph_adoption_log';
export const ADOPTION_ARCHIVE_TABLE = 'casegraph_adoption_archive';
export const PROJECT_UUID_SYNC = 'casegraph_project_uuid_sync';
export const KEEP_UPDATED_AT_TRIGGER = 'zz_casegraph_keep_updated_at';
export const KEEP_UPDATED_AT_FUNCTION = 'casegraph_keep_updated_at';
/** The old trigger function whose triggers the keeper follows. */
export const LEGACY_UPDATED_AT_FUNCTION = 'update_updated_at_column';
/** casegraph_adoption_log.reason of the rows this migration writes. */
export const REASON_PROJECT_UUID = 'project_uuid adopted from project_id';
export const REASON_FK_ADAPTED = 'old foreign key adapted (migration 1764600000000)';

/**
 * Old foreign keys CaseGraph's pipeline cannot live with. `onDelete: null` = dropped, replaced by nothing:
 * MENTIONED_IN edges target a document, not a canonical entity. The others get the delete rule re-chunking needs.
 */
export const FK_ADAPTATIONS: Array<{ name: string; table: string; column: string; onDelete: 'CASCADE' | 'SET NULL' | null }> = [
  { name: 'relationship_staging_target_entity_uuid_fkey', table: 'relationship_staging', column: 'target_entity_uuid', onDelete: null },
  { name: 'entity_mentions_chunk_fk_id_fkey', table: 'entity_mentions', column: 'chunk_fk_id', onDelete: 'CASCADE' },
  { name: 'relationship_staging_source_chunk_uuid_fkey', table: 'relationship_staging', column: 'source_chunk_uuid', onDelete: 'SET NULL' },
];

const CREATE_LOG = `CREATE TABLE IF NOT EXISTS ${ADOPTION_LOG_TABLE} (
  id bigserial PRIMARY KEY, table_name text NOT NULL, row_id text NOT NULL, column_name text NOT NULL,
  old_value jsonb, new_value jsonb, reason text NOT NULL, logged_at timestamptz NOT NULL DEFAULT now())`;

const CREATE_ARCHIVE = `CREATE TABLE IF NOT EXISTS ${ADOPTION_ARCHIVE_TABLE} (
  id bigserial PRIMARY KEY, table_name text NOT NULL, row_id text NOT NULL, row_data jsonb NOT NULL,
  reason text NOT NULL, kept_row_id text, archived_at timestamptz NOT NULL DEFAULT now())`;

/**
 * projects.project_id (the old system's project UUID) and projects.project_uuid (CaseGraph's) are one value.
 * INSERT: a given project_uuid wins, else the old default-generated project_id is adopted.
 * UPDATE: a row without project_uuid, or whose project_id changed, takes project_id; a changed project_uuid moves
 * project_id along (a project_uuid set to NULL is given project_id back: project_id is NOT NULL).
 */
const CREATE_PROJECT_UUID_SYNC = `CREATE OR REPLACE FUNCTION ${PROJECT_UUID_SYNC}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.project_uuid IS NOT NULL THEN
      NEW.project_id := NEW.project_uuid;
    ELSE
      NEW.project_uuid := NEW.project_id;
    END IF;
  ELSIF OLD.project_uuid IS NULL OR NEW.project_id IS DISTINCT FROM OLD.project_id THEN
    NEW.project_uuid := NEW.project_id;
  ELSIF NEW.project_uuid IS DISTINCT FROM OLD.project_uuid THEN
    IF NEW.project_uuid IS NULL THEN
      NEW.project_uuid := NEW.project_id;
    ELSE
      NEW.project_id := NEW.project_uuid;
    END IF;
  END IF;
  RETURN NEW;
END
$$`;

/**
 * Fires after the old update_<table>_updated_at trigger (BEFORE triggers run in name order). When something changed
 * and all of it is heal columns (TG_ARGV) or updated_at, the old updated_at is put back.
 */
const CREATE_KEEP_UPDATED_AT = `CREATE OR REPLACE FUNCTION ${KEEP_UPDATED_AT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (to_jsonb(NEW) - TG_ARGV::text[] - 'updated_at') = (to_jsonb(OLD) - TG_ARGV::text[] - 'updated_at') THEN
    NEW.updated_at := OLD.updated_at;
  END IF;
  RETURN NEW;
END
$$`;

type Row = Record<string, unknown>;

async function columnTypes(q: QueryRunner, table: string): Promise<Map<string, string>> {
  const rows: Array<{ column_name: string; data_type: string }> = await q.query(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  return new Map(rows.map((r) => [r.column_name, r.data_type]));
}

/** Tables of the current schema with a user trigger that runs update_updated_at_column(), and an updated_at column. */
async function legacyUpdatedAtTables(q: QueryRunner): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await q.query(
    `SELECT DISTINCT c.relname AS table_name
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE NOT t.tgisinternal AND p.proname = $1 AND c.relnamespace = current_schema()::regnamespace
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'updated_at' AND NOT a.attisdropped)
      ORDER BY 1`,
    [LEGACY_UPDATED_AT_FUNCTION],
  );
  return rows.map((r) => r.table_name);
}

async function foreignKey(q: QueryRunner, name: string, table: string): Promise<{ def: string; validated: boolean } | null> {
  const [r]: Array<{ def: string; validated: boolean }> = await q.query(
    `SELECT pg_get_constraintdef(oid) AS def, convalidated AS validated FROM pg_constraint
      WHERE conname = $1 AND contype = 'f' AND conrelid = to_regclass(quote_ident(current_schema()) || '.' || $2)`,
    [name, table],
  );
  return r ?? null;
}

const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** An FK definition (pg_get_constraintdef) with its ON DELETE rule replaced and any NOT VALID removed. */
export function withOnDelete(def: string, onDelete: string): string {
  const bare = def.replace(/\s+NOT VALID\s*$/i, '').replace(/\s+ON DELETE (NO ACTION|RESTRICT|CASCADE|SET NULL|SET DEFAULT)(\s*\([^)]*\))?/i, '');
  const attrs = bare.search(/\s(NOT DEFERRABLE|DEFERRABLE|INITIALLY)\b/i);
  return attrs < 0 ? `${bare} ON DELETE ${onDelete}` : `${bare.slice(0, attrs)} ON DELETE ${onDelete}${bare.slice(attrs)}`;
}

/**
 * Drops (onDelete null) or re-creates with a delete rule the given old foreign keys, logging each old definition in
 * the adoption log (REASON_FK_ADAPTED) so that restoreForeignKeys() can put it back. Keys that are absent (a fresh
 * database) or already adapted are skipped.
 */
export async function adaptForeignKeys(q: QueryRunner, adaptations: typeof FK_ADAPTATIONS): Promise<void> {
  for (const a of adaptations) {
    const fk = await foreignKey(q, a.name, a.table);
    if (!fk) continue; // not an old database, or already dropped
    if (a.onDelete && new RegExp(`ON DELETE ${a.onDelete}\\b`, 'i').test(fk.def)) continue; // already adapted
    const replacement = a.onDelete ? withOnDelete(fk.def, a.onDelete) : null;
    await q.query(
      `INSERT INTO ${ADOPTION_LOG_TABLE} (table_name, row_id, column_name, old_value, new_value, reason)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)`,
      [
        a.table,
        a.name,
        a.column,
        JSON.stringify({ def: fk.def, validated: fk.validated }),
        replacement ? JSON.stringify({ def: replacement }) : null,
        REASON_FK_ADAPTED,
      ],
    );
    await q.query(`ALTER TABLE ${a.table} DROP CONSTRAINT ${a.name}`);
    if (!replacement) continue;
    // The old rows satisfied the same key: validating it again cannot fail.
    await q.query(`ALTER TABLE ${a.table} ADD CONSTRAINT ${a.name} ${replacement} NOT VALID`);
    if (fk.validated) await q.query(`ALTER TABLE ${a.table} VALIDATE CONSTRAINT ${a.name}`);
  }
}

/**
 * Restores the foreign keys adaptForeignKeys() logged (all, or those named), newest first: validated again when the
 * rows still allow it, else left NOT VALID (enforced for new rows); their log rows are deleted.
 */
export async function restoreForeignKeys(q: QueryRunner, names?: string[]): Promise<void> {
  const [log]: Array<{ present: boolean }> = await q.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [ADOPTION_LOG_TABLE]);
  if (!log.present) return;
  const adapted: Array<{ id: string; table_name: string; row_id: string; old_value: { def: string; validated: boolean } }> = await q.query(
    `SELECT id, table_name, row_id, old_value FROM ${ADOPTION_LOG_TABLE}
      WHERE reason = $1 AND ($2::text[] IS NULL OR row_id = ANY($2)) ORDER BY id DESC`,
    [REASON_FK_ADAPTED, names ?? null],
  );
  for (const a of adapted) {
    await q.query(`ALTER TABLE ${a.table_name} DROP CONSTRAINT IF EXISTS ${a.row_id}`);
    await q.query(`ALTER TABLE ${a.table_name} ADD CONSTRAINT ${a.row_id} ${a.old_value.def.replace(/\s+NOT VALID\s*$/i, '')} NOT VALID`);
    if (!a.old_value.validated) continue;
    await q.query('SAVEPOINT casegraph_fk_restore');
    try {
      await q.query(`ALTER TABLE ${a.table_name} VALIDATE CONSTRAINT ${a.row_id}`);
      await q.query('RELEASE SAVEPOINT casegraph_fk_restore');
    } catch {
      await q.query('ROLLBACK TO SAVEPOINT casegraph_fk_restore');
    }
  }
  await q.query(`DELETE FROM ${ADOPTION_LOG_TABLE} WHERE reason = $1 AND ($2::text[] IS NULL OR row_id = ANY($2))`, [
    REASON_FK_ADAPTED,
    names ?? null,
  ]);
}

/**
 * Adopts the old system's database in place (see docs/project-context.md, "Adopting the old database"). Idempotent,
 * in the migration's transaction. Always: the adoption log and archive tables. On an old database only (each step
 * detected from the catalogue, so a fresh database gets nothing else):
 * - projects.project_id (uuid) is the project's UUID: a trigger keeps project_uuid equal to it, existing rows are
 *   aligned (an overwritten non-NULL project_uuid is logged);
 * - every table with an old update_updated_at_column() trigger gets a keeper trigger, so heal-only updates keep
 *   updated_at;
 * - the old foreign keys the pipeline cannot live with are adapted (FK_ADAPTATIONS), their old definitions logged.
 */
export class AdoptLegacyDatabase1764600000000 implements MigrationInterface {
  name = 'AdoptLegacyDatabase1764600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(CREATE_LOG);
    await q.query(CREATE_ARCHIVE);

    // First the keeper, so the alignment of projects below keeps their updated_at too.
    const tables = await legacyUpdatedAtTables(q);
    if (tables.length) await q.query(CREATE_KEEP_UPDATED_AT);
    for (const table of tables) {
      const columns = await columnTypes(q, table);
      const heal = HEAL_COLUMNS.filter((c) => columns.has(c));
      await q.query(`DROP TRIGGER IF EXISTS ${KEEP_UPDATED_AT_TRIGGER} ON ${table}`);
      if (!heal.length) continue; // nothing of this table is healed: its old trigger stays alone
      // Only updates that touch a heal column call the function at all.
      const when = heal.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join(' OR ');
      await q.query(
        `CREATE TRIGGER ${KEEP_UPDATED_AT_TRIGGER} BEFORE UPDATE ON ${table} FOR EACH ROW WHEN (${when})
           EXECUTE FUNCTION ${KEEP_UPDATED_AT_FUNCTION}(${heal.map(quoteLiteral).join(', ')})`,
      );
    }

    const projects = await columnTypes(q, 'projects');
    if (projects.get('project_id') === 'uuid' && projects.has('project_uuid')) {
      await q.query(CREATE_PROJECT_UUID_SYNC);
      await q.query(`DROP TRIGGER IF EXISTS ${PROJECT_UUID_SYNC} ON projects`);
      await q.query(`CREATE TRIGGER ${PROJECT_UUID_SYNC} BEFORE INSERT OR UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION ${PROJECT_UUID_SYNC}()`);
      await q.query(
        `INSERT INTO ${ADOPTION_LOG_TABLE} (table_name, row_id, column_name, old_value, new_value, reason)
         SELECT 'projects', id::text, 'project_uuid', to_jsonb(project_uuid), to_jsonb(project_id), $1
           FROM projects WHERE project_uuid IS NOT NULL AND project_uuid <> project_id`,
        [REASON_PROJECT_UUID],
      );
      await q.query(`UPDATE projects SET project_uuid = project_id WHERE project_uuid IS DISTINCT FROM project_id`);
    }

    await adaptForeignKeys(q, FK_ADAPTATIONS);
  }

  /**
   * Drops what up() created and restores the adapted foreign keys to their old definitions (validated again when the
   * rows still allow it, else left NOT VALID: enforced for new rows). The log and archive tables are dropped only
   * when they are empty: overwritten values and rows archived by backfill are old data and stay.
   */
  public async down(q: QueryRunner): Promise<void> {
    await restoreForeignKeys(
      q,
      FK_ADAPTATIONS.map((a) => a.name),
    );

    const triggers: Array<{ table_name: string; tgname: string }> = await q.query(
      `SELECT c.relname AS table_name, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE t.tgname = ANY($1) AND c.relnamespace = current_schema()::regnamespace`,
      [[KEEP_UPDATED_AT_TRIGGER, PROJECT_UUID_SYNC]],
    );
    for (const t of triggers) await q.query(`DROP TRIGGER IF EXISTS ${t.tgname} ON ${t.table_name}`);
    await q.query(`DROP FUNCTION IF EXISTS ${KEEP_UPDATED_AT_FUNCTION}()`);
    await q.query(`DROP FUNCTION IF EXISTS ${PROJECT_UUID_SYNC}()`);

    for (const table of [ADOPTION_LOG_TABLE, ADOPTION_ARCHIVE_TABLE]) {
      const [r]: Row[] = await q.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [table]);
      if (!r.present) continue;
      const [n]: Array<{ n: number }> = await q.query(`SELECT count(*)::int AS n FROM ${table}`);
      if (n.n === 0) await q.query(`DROP TABLE ${table}`);
    }
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { projectContextMetrics } from './project-context.metrics';
import { PROJECT_CONTEXT_OPTIONS, ProjectContext, ResolvedOptions } from './project-context.types';
import { Semaphore } from '@casegraph/platform';

/** Anything with TypeORM's `query(sql, params)`: a DataSource, an EntityManager or a QueryRunner. */
export interface Queryable {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

/** TypeORM's postgres driver returns `[rows, rowCount]` for UPDATE/DELETE … RETURNING, and rows otherwise. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return Array.isArray(result) ? (result as T[]) : [];
}

/**
 * One row of the lookup: the document joined to its project by project_fk_id (the enforced FK), else by
 * project_uuid (rows the old CLI import wrote without project_fk_id, or with a dangling one). `project_id` and
 * `project_uuid` are the project's; NULL project_id: an orphan (its project is missing in both columns).
 */
export interface ContextRow {
  document_uuid: string;
  doc_project_uuid: string | null;
  doc_project_fk_id: number | null;
  project_id: number | null;
  project_uuid: string | null;
  original_file_name: string;
  s3_bucket: string | null;
  s3_key: string | null;
  created_at: Date | string;
}

/**
 * The document's project: by project_fk_id, else (NULL or dangling fk) by project_uuid; both on unique indexes.
 * The second join is `pf.id IS NULL AND pu.project_uuid = sd.project_uuid`, written as an index condition that is
 * NULL when pf was found: PostgreSQL then skips that probe (no buffer touched), where the plain AND would probe
 * the index for every row and filter afterwards.
 */
export const PROJECT_JOIN_SQL = `LEFT JOIN projects pf ON pf.id = sd.project_fk_id
  LEFT JOIN projects pu ON pu.project_uuid = CASE WHEN pf.id IS NULL THEN sd.project_uuid END`;

/** The file name of a context: never NULL (old rows may lack original_file_name), so an entry we write is one we read. */
export const FILE_NAME_SQL = `COALESCE(sd.original_file_name, sd.file_name, regexp_replace(sd.s3_key, '^.*/', ''), '')`;

/** The columns of a ContextRow, from source_documents sd and PROJECT_JOIN_SQL's pf/pu. */
export const CONTEXT_COLUMNS_SQL = `sd.document_uuid::text AS document_uuid, sd.project_uuid::text AS doc_project_uuid, sd.project_fk_id AS doc_project_fk_id,
       COALESCE(pf.id, pu.id) AS project_id, COALESCE(pf.project_uuid, pu.project_uuid)::text AS project_uuid,
       ${FILE_NAME_SQL} AS original_file_name, sd.s3_bucket, sd.s3_key, sd.created_at`;

const SELECT_COLUMNS = `${CONTEXT_COLUMNS_SQL}
  FROM source_documents sd ${PROJECT_JOIN_SQL}`;

/** The lookup of one document: a plain SELECT on the unique index of document_uuid. */
export const SELECT_ONE_SQL = `SELECT ${SELECT_COLUMNS} WHERE sd.document_uuid = $1`;
/** The lookup of many documents in one query. */
export const SELECT_MANY_SQL = `SELECT ${SELECT_COLUMNS} WHERE sd.document_uuid = ANY($1::uuid[])`;

/**
 * Gives every listed project a UUID if it has none. The UUID is generated in
 * SQL under the row lock (FOR UPDATE re-reads the latest committed version), so
 * any number of concurrent healers in any number of processes end with the same
 * single UUID. On an adopted database the trigger casegraph_project_uuid_sync
 * replaces it with the old projects.project_id (the project's original UUID).
 * Returns every listed project's final UUID and whether we set it.
 */
export const HEAL_PROJECTS_SQL = `WITH old AS (
    SELECT id, project_uuid FROM projects WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE
  ), healed AS (
    UPDATE projects p SET project_uuid = COALESCE(p.project_uuid, gen_random_uuid())
      FROM old WHERE p.id = old.id AND old.project_uuid IS NULL
    RETURNING p.id, p.project_uuid
  )
  SELECT old.id, COALESCE(healed.project_uuid, old.project_uuid)::text AS project_uuid, healed.id IS NOT NULL AS healed
    FROM old LEFT JOIN healed ON healed.id = old.id`;

/**
 * Fills the NULL one of source_documents.project_uuid / project_fk_id from the
 * document's project (PROJECT_JOIN_SQL). Only NULLs are filled (re-checked on
 * the row's latest version), so it never overwrites an old value and needs no
 * log. Orphans are left as they are. Never touches updated_at: the pipeline's
 * sweeper reads it.
 */
export const HEAL_DOCUMENTS_SQL = `WITH target AS (
    SELECT sd.id, COALESCE(pf.id, pu.id) AS fk, COALESCE(pf.project_uuid, pu.project_uuid) AS uuid
      FROM source_documents sd ${PROJECT_JOIN_SQL}
     WHERE sd.document_uuid = ANY($1::uuid[])
  )
  UPDATE source_documents sd SET project_uuid = COALESCE(sd.project_uuid, t.uuid), project_fk_id = COALESCE(sd.project_fk_id, t.fk)
    FROM target t
   WHERE sd.id = t.id AND t.fk IS NOT NULL AND t.uuid IS NOT NULL AND (sd.project_uuid IS NULL OR sd.project_fk_id IS NULL)
  RETURNING sd.document_uuid::text AS document_uuid`;

/**
 * HEAL_DOCUMENTS_SQL that may also overwrite: a project_uuid that disagrees
 * with project_fk_id's project (project_fk_id wins), and a dangling
 * project_fk_id (project_uuid's project wins). Every overwritten old value is
 * kept in casegraph_adoption_log. The rows are locked first (latest version),
 * so the logged old value is the one overwritten. Never touches updated_at.
 */
export const HEAL_DOCUMENTS_LOGGED_SQL = `WITH target AS (
    SELECT sd.id, sd.project_uuid AS old_uuid, sd.project_fk_id AS old_fk,
           COALESCE(pf.id, pu.id) AS fk, COALESCE(pf.project_uuid, pu.project_uuid) AS uuid
      FROM source_documents sd ${PROJECT_JOIN_SQL}
     WHERE sd.document_uuid = ANY($1::uuid[])
     ORDER BY sd.id FOR UPDATE OF sd
  ), healed AS (
    UPDATE source_documents sd SET project_uuid = t.uuid, project_fk_id = t.fk
      FROM target t
     WHERE sd.id = t.id AND t.fk IS NOT NULL AND t.uuid IS NOT NULL
       AND (sd.project_uuid IS DISTINCT FROM t.uuid OR sd.project_fk_id IS DISTINCT FROM t.fk)
    RETURNING sd.id, sd.document_uuid::text AS document_uuid, t.old_uuid, t.old_fk, t.uuid, t.fk
  ), logged AS (
    INSERT INTO casegraph_adoption_log (table_name, row_id, column_name, old_value, new_value, reason)
    SELECT 'source_documents', h.id::text, 'project_uuid', to_jsonb(h.old_uuid), to_jsonb(h.uuid), 'mismatched project_uuid (project_fk_id is the truth)'
      FROM healed h WHERE h.old_uuid IS NOT NULL AND h.old_uuid <> h.uuid
    UNION ALL
    SELECT 'source_documents', h.id::text, 'project_fk_id', to_jsonb(h.old_fk), to_jsonb(h.fk), 'dangling project_fk_id (project_uuid is the truth)'
      FROM healed h WHERE h.old_fk IS NOT NULL AND h.old_fk <> h.fk
  )
  SELECT document_uuid FROM healed`;

export interface HealCounts {
  projects: number;
  documents: number;
}

export function rowToContext(r: ContextRow, projectUuid: string): ProjectContext {
  return {
    documentUuid: r.document_uuid,
    projectUuid,
    projectId: Number(r.project_id),
    documentMetadata: {
      filename: r.original_file_name ?? '',
      s3Bucket: r.s3_bucket ?? undefined,
      s3Key: r.s3_key ?? undefined,
      uploadedAt: (r.created_at instanceof Date ? r.created_at : new Date(r.created_at)).toISOString(),
    },
  };
}

/** True when the document's project is missing in both columns: not found, nothing to heal (see `context orphans`). */
export function isOrphan(r: ContextRow): boolean {
  return r.project_id === null;
}

/** True when the row needs healing (a NULL anywhere, or a document column that disagrees with its project). */
export function needsHeal(r: ContextRow): boolean {
  if (isOrphan(r)) return false;
  return (
    r.project_uuid === null ||
    r.doc_project_uuid !== r.project_uuid ||
    r.doc_project_fk_id === null ||
    Number(r.doc_project_fk_id) !== Number(r.project_id)
  );
}

/** True when healing the row overwrites a non-NULL old value (then it is logged). */
export function healOverwrites(r: ContextRow): boolean {
  if (isOrphan(r)) return false;
  return (
    (r.doc_project_uuid !== null && r.doc_project_uuid !== r.project_uuid) ||
    (r.doc_project_fk_id !== null && Number(r.doc_project_fk_id) !== Number(r.project_id))
  );
}

/**
 * Heals the given rows (from SELECT_*_SQL) in SQL and returns their contexts by
 * document UUID (orphans have none). Rows that need nothing cost nothing: no
 * statement is run for them.
 */
export async function healRows(db: Queryable, rows: ContextRow[]): Promise<{ contexts: Map<string, ProjectContext>; healed: HealCounts }> {
  const contexts = new Map<string, ProjectContext>();
  const healed: HealCounts = { projects: 0, documents: 0 };
  const sick = rows.filter(needsHeal);
  const projectUuids = new Map<number, string>();
  const nullProjects = [...new Set(sick.filter((r) => r.project_uuid === null).map((r) => Number(r.project_id)))];
  if (nullProjects.length) {
    const healedProjects = rowsOf<{ id: number; project_uuid: string; healed: boolean }>(await db.query(HEAL_PROJECTS_SQL, [nullProjects]));
    for (const p of healedProjects) {
      projectUuids.set(Number(p.id), p.project_uuid);
      if (p.healed) healed.projects++;
    }
  }
  if (sick.length) {
    const sql = sick.some(healOverwrites) ? HEAL_DOCUMENTS_LOGGED_SQL : HEAL_DOCUMENTS_SQL;
    const docs = rowsOf(await db.query(sql, [sick.map((r) => r.document_uuid)]));
    healed.documents = docs.length;
  }
  for (const r of rows) {
    if (isOrphan(r)) continue;
    const projectUuid = r.project_uuid ?? projectUuids.get(Number(r.project_id));
    // The project row vanished between the statements (deleted): treat as not found.
    if (!projectUuid) continue;
    contexts.set(r.document_uuid, rowToContext(r, projectUuid));
  }
  return { contexts, healed };
}

/** Looks up (and heals) the given documents: one SELECT, plus heal statements only when something is NULL. */
export async function loadContexts(db: Queryable, documentUuids: string[]): Promise<{ contexts: Map<string, ProjectContext>; healed: HealCounts }> {
  if (!documentUuids.length) return { contexts: new Map(), healed: { projects: 0, documents: 0 } };
  const rows =
    documentUuids.length === 1
      ? rowsOf<ContextRow>(await db.query(SELECT_ONE_SQL, [documentUuids[0]]))
      : rowsOf<ContextRow>(await db.query(SELECT_MANY_SQL, [documentUuids]));
  return healRows(db, rows);
}

export interface EnsuredProject {
  id: number;
  projectUuid: string;
  name: string;
}

const PROJECT_SEQ_LOCK = "hashtext('casegraph:projects_id_seq')";

/**
 * Creates the project or returns the existing one; race-safe. Must run inside a
 * transaction (`db` is a transactional manager): the advisory locks below are
 * transaction-scoped.
 *
 * - With `id`: INSERT … ON CONFLICT (id); a NULL project_uuid on the existing row
 *   is healed; the serial sequence is moved past `id` so later inserts without
 *   an id do not collide.
 * - Without `id`: the oldest project with that name is reused (and healed),
 *   else one is created; concurrent callers with one name serialise on an
 *   advisory lock of the name.
 */
export async function ensureProjectTx(db: Queryable, input: { id?: number; name: string }): Promise<EnsuredProject> {
  type Row = { id: number; project_uuid: string | null; name: string };
  const out = (r: Row): EnsuredProject => ({ id: Number(r.id), projectUuid: r.project_uuid as string, name: r.name });
  if (input.id !== undefined) {
    const inserted = rowsOf<Row>(
      await db.query(
        `INSERT INTO projects (id, name, project_uuid) VALUES ($1, $2, gen_random_uuid())
         ON CONFLICT (id) DO UPDATE SET project_uuid = COALESCE(projects.project_uuid, EXCLUDED.project_uuid)
           WHERE projects.project_uuid IS NULL
         RETURNING id, project_uuid::text, name`,
        [input.id, input.name],
      ),
    );
    // Keep the sequence ahead of explicit ids; serialised so it never moves backwards.
    await db.query(`SELECT pg_advisory_xact_lock(${PROJECT_SEQ_LOCK})`);
    await db.query(
      `SELECT setval(s.seq, GREATEST(COALESCE(pg_sequence_last_value(s.seq::regclass), 0), $1::bigint))
         FROM (SELECT pg_get_serial_sequence('projects', 'id') AS seq) s
        WHERE s.seq IS NOT NULL AND COALESCE(pg_sequence_last_value(s.seq::regclass), 0) < $1::bigint`,
      [input.id],
    );
    if (inserted.length) return out(inserted[0]);
    const existing = rowsOf<Row>(await db.query(`SELECT id, project_uuid::text, name FROM projects WHERE id = $1`, [input.id]));
    return out(existing[0]);
  }
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('casegraph:project-name:' || $1))`, [input.name]);
  const found = rowsOf<Row>(await db.query(`SELECT id, project_uuid::text, name FROM projects WHERE name = $1 ORDER BY id LIMIT 1`, [input.name]));
  if (found.length) {
    if (found[0].project_uuid) return out(found[0]);
    const healed = rowsOf<{ id: number; project_uuid: string }>(await db.query(HEAL_PROJECTS_SQL, [[found[0].id]]));
    return { id: Number(found[0].id), projectUuid: healed[0].project_uuid, name: found[0].name };
  }
  const created = rowsOf<Row>(
    await db.query(`INSERT INTO projects (name, project_uuid) VALUES ($1, gen_random_uuid()) RETURNING id, project_uuid::text, name`, [input.name]),
  );
  return out(created[0]);
}

/**
 * All of the resolver's SQL, on the host's default TypeORM DataSource: the
 * lookups (bounded to maxConcurrentDbLookups at once per instance, the rest wait
 * in FIFO order), the heal statements, and ensureProject.
 */
@Injectable()
export class ContextRepository {
  private readonly logger = new Logger('ProjectContext');
  private readonly metrics = projectContextMetrics();
  private readonly dbLimit: Semaphore;
  private pool?: Queryable | null;

  constructor(
    @Inject(PROJECT_CONTEXT_OPTIONS) opts: ResolvedOptions,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.dbLimit = new Semaphore(opts.maxConcurrentDbLookups);
  }

  /** Looks up (and heals) documents in one query; a document absent from the result does not exist. */
  async load(documentUuids: string[]): Promise<Map<string, ProjectContext>> {
    const { contexts, healed } = await this.dbLimit.run(() => {
      this.metrics.dbLookups.inc();
      return loadContexts(this.lookupDb(), documentUuids);
    });
    if (healed.projects) this.metrics.heals.inc({ table: 'projects' }, healed.projects);
    if (healed.documents) this.metrics.heals.inc({ table: 'source_documents' }, healed.documents);
    if (healed.projects || healed.documents) this.logger.log(`Healed project_uuid on ${healed.projects} project(s), ${healed.documents} document(s)`);
    return contexts;
  }

  /** See ProjectContextService.ensureProject. */
  async ensureProject(given: { id?: number | null; name: string }, manager?: EntityManager): Promise<EnsuredProject> {
    // An explicit null id (JSON `"id": null`) means "no id", never an INSERT of NULL.
    const input = { name: given.name, ...(given.id === undefined || given.id === null ? {} : { id: given.id }) };
    if (input.id !== undefined && (!Number.isSafeInteger(input.id) || input.id < 1 || input.id > 2_147_483_647)) {
      throw new RangeError(`project id must be a positive 32-bit integer, got ${input.id}`);
    }
    if (typeof input.name !== 'string') throw new TypeError('project name must be a string');
    if (manager?.queryRunner?.isTransactionActive) return ensureProjectTx(manager, input);
    return this.db.transaction((m) => ensureProjectTx(m as Queryable, input));
  }

  /**
   * Lookups go straight to the pg Pool under the host's DataSource (same
   * connections, same settings): TypeORM's per-query QueryRunner costs more
   * than the indexed SELECT itself on a busy machine. Falls back to the
   * DataSource when the driver has no pg Pool.
   */
  private lookupDb(): Queryable {
    if (this.pool === undefined) {
      const master = (this.db.driver as { master?: { query?: unknown } }).master;
      this.pool =
        master && typeof master.query === 'function'
          ? { query: <T>(sql: string, params?: unknown[]) => (master as PgPoolLike).query(sql, params).then((r) => r.rows as T) }
          : null;
    }
    return this.pool ?? this.db;
  }
}

interface PgPoolLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { projectContextMetrics } from './project-context.metrics';
import { PROJECT_CONTEXT_OPTIONS, ProjectContext, ResolvedOptions } from './project-context.types';
import { Semaphore } from './util/semaphore';

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

/** One row of the lookup: the document joined to its project (by project_fk_id, the enforced FK). */
export interface ContextRow {
  document_uuid: string;
  doc_project_uuid: string | null;
  project_id: number;
  project_uuid: string | null;
  original_file_name: string;
  s3_bucket: string | null;
  s3_key: string | null;
  created_at: Date | string;
}

const SELECT_COLUMNS = `sd.document_uuid::text AS document_uuid, sd.project_uuid::text AS doc_project_uuid,
       p.id AS project_id, p.project_uuid::text AS project_uuid,
       sd.original_file_name, sd.s3_bucket, sd.s3_key, sd.created_at
  FROM source_documents sd JOIN projects p ON p.id = sd.project_fk_id`;

/** The lookup of one document: a plain SELECT on the unique index of document_uuid. */
export const SELECT_ONE_SQL = `SELECT ${SELECT_COLUMNS} WHERE sd.document_uuid = $1`;
/** The lookup of many documents in one query. */
export const SELECT_MANY_SQL = `SELECT ${SELECT_COLUMNS} WHERE sd.document_uuid = ANY($1::uuid[])`;

/**
 * Gives every listed project a UUID if it has none. The UUID is generated in
 * SQL under the row lock (FOR UPDATE re-reads the latest committed version), so
 * any number of concurrent healers in any number of processes end with the same
 * single UUID. Returns every listed project's final UUID and whether we set it.
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
 * Fills source_documents.project_uuid from the document's project (project_fk_id
 * is the truth) where it is NULL or disagrees. Never touches updated_at: the
 * pipeline's sweeper reads it.
 */
export const HEAL_DOCUMENTS_SQL = `UPDATE source_documents sd SET project_uuid = p.project_uuid
    FROM projects p
   WHERE p.id = sd.project_fk_id AND sd.document_uuid = ANY($1::uuid[])
     AND p.project_uuid IS NOT NULL AND sd.project_uuid IS DISTINCT FROM p.project_uuid
  RETURNING sd.document_uuid::text AS document_uuid`;

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
      filename: r.original_file_name,
      s3Bucket: r.s3_bucket ?? undefined,
      s3Key: r.s3_key ?? undefined,
      uploadedAt: (r.created_at instanceof Date ? r.created_at : new Date(r.created_at)).toISOString(),
    },
  };
}

/** True when the row needs healing (a NULL anywhere, or a document UUID that disagrees with its project). */
export function needsHeal(r: ContextRow): boolean {
  return r.project_uuid === null || r.doc_project_uuid !== r.project_uuid;
}

/**
 * Heals the given rows (from SELECT_*_SQL) in SQL and returns their contexts by
 * document UUID. Rows that need nothing cost nothing: no statement is run for them.
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
    const docs = rowsOf(await db.query(HEAL_DOCUMENTS_SQL, [sick.map((r) => r.document_uuid)]));
    healed.documents = docs.length;
  }
  for (const r of rows) {
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

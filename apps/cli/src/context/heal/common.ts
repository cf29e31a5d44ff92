/**
 * What every backfill phase shares: the catalogue (which columns exist: a fresh CaseGraph database has no
 * document_fk_id, extraction_method, textract_page_count, …), keyset batches with FOR UPDATE SKIP LOCKED and
 * several passes, short transactions retried on deadlock, and a per-phase advisory lock for the steps that
 * work on groups of rows (duplicates, splits, merges), so two backfills at once never do the same group twice.
 */
import { DataSource, EntityManager } from 'typeorm';
import { normalizeEntity, type EntityType } from '@casegraph/contracts';
import { SchemaProfile, SqlRunner, detectSchemaProfile } from '@casegraph/entities';
import { sqlState } from '@casegraph/pipeline';
import { rowsOf } from '@casegraph/project-context';
import type { Progress } from '../progress';

export type Db = DataSource;
export type Tx = EntityManager;

/** Columns (and their format_type) of every table of the current schema, and the index names. */
export class Catalogue {
  constructor(
    readonly columns: Map<string, Map<string, string>>,
    /** Valid indexes by name. */
    readonly indexes: Set<string>,
    readonly profile?: SchemaProfile,
  ) {}

  static async read(db: SqlRunner): Promise<Catalogue> {
    return Catalogue.fromProfile(await detectSchemaProfile(db));
  }

  static fromProfile(p: SchemaProfile): Catalogue {
    const columns = new Map<string, Map<string, string>>();
    for (const [t, cols] of p.tables) columns.set(t, new Map([...cols].map(([c, info]) => [c, info.type])));
    return new Catalogue(columns, new Set([...p.indexes].filter(([, i]) => i.valid).map(([name]) => name)), p);
  }

  hasTable(table: string): boolean {
    return this.columns.has(table);
  }

  has(table: string, ...columns: string[]): boolean {
    const t = this.columns.get(table);
    return !!t && columns.every((c) => t.has(c));
  }

  type(table: string, column: string): string | undefined {
    return this.columns.get(table)?.get(column);
  }

  /** Every column of a table, in order (for copies of a row). */
  columnsOf(table: string): string[] {
    return [...(this.columns.get(table)?.keys() ?? [])];
  }
}

/** Counts of one phase: what it did (or, in a dry run, would do), by name. */
export type Counts = Record<string, number>;

export interface PhaseContext {
  db: Db;
  cat: Catalogue;
  batchSize: number;
  maxPasses: number;
  progress: Progress;
}

export interface Phase {
  name: string;
  /** What the phase would do now (read only). */
  plan(db: Db, cat: Catalogue): Promise<Counts>;
  run(ctx: PhaseContext): Promise<Counts>;
}

const RETRYABLE = new Set(['40P01', '40001', '55P03']);

/** A short transaction, retried (a few times) on deadlock, serialization failure or lock timeout; `also` adds states. */
export async function tx<T>(db: Db, fn: (m: Tx) => Promise<T>, also: string[] = []): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (m) => {
        await m.query(`SET LOCAL lock_timeout = '10s'`);
        return fn(m);
      });
    } catch (err) {
      const state = sqlState(err);
      if (attempt >= 5 || !state || !(RETRYABLE.has(state) || also.includes(state))) throw err;
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.floor(Math.random() * 30)));
    }
  }
}

/** One statement, retried like tx(). */
export async function stmt<T = unknown>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return tx(db, async (m) => rowsOf<T>(await m.query(sql, params)));
}

/**
 * Runs a batch statement that returns `last_id` (the highest id of the rows it locked, NULL when none) and
 * `updated`, keyset on id; repeats the whole table while a pass changed something (rows skipped because they were
 * locked are picked up by the next pass). Then one last pass WAITS for the rows still locked (the statement without
 * SKIP LOCKED: a row another backfill is healing is re-checked once it commits and then no longer qualifies), so a
 * phase is complete before the next one reads it - two backfills at once never race one phase against the next. A
 * row a worker keeps locked past lock_timeout is left (counted as remaining). Returns the rows changed.
 */
export async function keysetBatches(
  ctx: PhaseContext,
  sql: string,
  extra: unknown[] = [],
  onResult?: (r: Record<string, unknown>) => void,
): Promise<number> {
  let total = 0;
  const pass = async (statement: string): Promise<number> => {
    let last: number | string = 0;
    let passUpdated = 0;
    for (;;) {
      const rows: Array<{ last_id: number | string | null; updated: number }> = await stmt(ctx.db, statement, [ctx.batchSize, last, ...extra]);
      const r = rows[0];
      if (!r || r.last_id === null) break;
      last = r.last_id;
      passUpdated += Number(r.updated);
      onResult?.(r);
      ctx.progress.increment(Number(r.updated));
    }
    return passUpdated;
  };
  for (let i = 0; i < ctx.maxPasses; i++) {
    const n = await pass(sql);
    total += n;
    if (n === 0) break;
  }
  if (sql.includes('SKIP LOCKED')) {
    try {
      total += await pass(sql.replace(/ SKIP LOCKED/g, ''));
    } catch (err) {
      if (sqlState(err) !== '55P03') throw err;
    }
  }
  return total;
}

/** A session advisory lock of one phase's group steps, held on its own connection while `fn` runs. */
export async function withPhaseLock<T>(db: Db, phase: string, fn: () => Promise<T>): Promise<T> {
  const qr = db.createQueryRunner();
  await qr.connect();
  try {
    // Polled, not waited for: a session blocked in pg_advisory_lock() sits in a transaction, and CREATE INDEX
    // CONCURRENTLY in the other backfill (phase 8) would wait for that transaction - a deadlock until lock_timeout.
    for (let i = 0; ; i++) {
      const [r] = rowsOf<{ ok: boolean }>(await qr.query(`SELECT pg_try_advisory_lock(7216012, hashtext($1)) AS ok`, [phase]));
      if (r?.ok) break;
      await new Promise((res) => setTimeout(res, Math.min(250, 20 + i * 10)));
    }
    try {
      return await fn();
    } finally {
      await qr.query(`SELECT pg_advisory_unlock(7216012, hashtext($1))`, [phase]);
    }
  } finally {
    await qr.release();
  }
}

export async function count(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const [r] = rowsOf<{ n: number | string }>(await db.query(sql, params));
  return Number(r?.n ?? 0);
}

/** SQL of one adoption-log row per changed non-NULL old value: `src` must yield id, old, new. */
export function logSql(table: string, column: string, reason: string, src: string): string {
  return `INSERT INTO casegraph_adoption_log (table_name, row_id, column_name, old_value, new_value, reason)
    SELECT '${table}', s.id::text, '${column}', to_jsonb(s.old), to_jsonb(s.new), '${reason.replace(/'/g, "''")}'
      FROM (${src}) s WHERE s.old IS NOT NULL AND s.old IS DISTINCT FROM s.new`;
}

/**
 * jsonb of a row (alias `alias` of `table`) as it was before the adoption: the current row with every value the
 * adoption log kept for it put back (the first logged old value of each column). What the archive stores, so the
 * archive alone gives back the old row even when earlier phases healed it before it was found to be a duplicate.
 */
export function originalRowSql(table: string, alias: string): string {
  return `(to_jsonb(${alias}) || coalesce((SELECT jsonb_object_agg(l.column_name, coalesce(l.old_value, 'null'::jsonb))
      FROM (SELECT DISTINCT ON (column_name) column_name, old_value FROM casegraph_adoption_log
             WHERE table_name = '${table}' AND row_id = ${alias}.id::text ORDER BY column_name, id) l), '{}'::jsonb))`;
}

/** Archives rows of `table` (the row as it was before the adoption, jsonb) chosen by `where` (on alias t), with the id of the row kept. */
export async function archiveRows(m: Tx, table: string, where: string, params: unknown[], reason: string, keptRowId: string | null): Promise<number> {
  const r = rowsOf<{ id: number }>(
    await m.query(
      `INSERT INTO casegraph_adoption_archive (table_name, row_id, row_data, reason, kept_row_id)
       SELECT '${table}', t.id::text, ${originalRowSql(table, 't')}, $${params.length + 1}, $${params.length + 2} FROM ${table} t WHERE ${where} RETURNING id`,
      [...params, reason, keptRowId],
    ),
  );
  return r.length;
}

export async function logValue(m: Tx, table: string, rowId: string | number, column: string, oldValue: unknown, newValue: unknown, reason: string) {
  if (oldValue === null || oldValue === undefined) return;
  await m.query(
    `INSERT INTO casegraph_adoption_log (table_name, row_id, column_name, old_value, new_value, reason) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)`,
    [table, String(rowId), column, JSON.stringify(oldValue), JSON.stringify(newValue ?? null), reason],
  );
}

/**
 * The tables of migration 1764600000000, for a database where it has not run yet (same DDL), and the log's row
 * index. Nothing is run when all three exist. Otherwise one transaction under an advisory lock: two backfills
 * starting together would otherwise race on CREATE … IF NOT EXISTS, which PostgreSQL lets fail with a duplicate
 * key in pg_class.
 */
export async function ensureAdoptionTables(db: Db): Promise<void> {
  const [present] = rowsOf<{ n: number }>(
    await db.query(
      `SELECT count(*)::int AS n FROM unnest(ARRAY['casegraph_adoption_log', 'casegraph_adoption_archive', 'casegraph_adoption_log_row']) AS t(name)
        WHERE to_regclass(t.name) IS NOT NULL`,
    ),
  );
  if (present?.n === 3) return;
  await tx(db, async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('casegraph:adoption-tables'))`);
    await m.query(`CREATE TABLE IF NOT EXISTS casegraph_adoption_log (
      id bigserial PRIMARY KEY, table_name text NOT NULL, row_id text NOT NULL, column_name text NOT NULL,
      old_value jsonb, new_value jsonb, reason text NOT NULL, logged_at timestamptz NOT NULL DEFAULT now())`);
    await m.query(`CREATE TABLE IF NOT EXISTS casegraph_adoption_archive (
      id bigserial PRIMARY KEY, table_name text NOT NULL, row_id text NOT NULL, row_data jsonb NOT NULL,
      reason text NOT NULL, kept_row_id text, archived_at timestamptz NOT NULL DEFAULT now())`);
    // The archive reads a row's logged old values back (originalRowSql): by row, not by scanning the log.
    await m.query(`CREATE INDEX IF NOT EXISTS casegraph_adoption_log_row ON casegraph_adoption_log (table_name, row_id, id)`);
  });
}

/** `alias.column` when the column exists, else a typed NULL (a dry run before db:migrate, a fresh database). */
export function col(cat: Catalogue, alias: string, table: string, column: string, type: string): string {
  return cat.has(table, column) ? `${alias}.${column}` : `NULL::${type}`;
}

/** The project UUID column of projects: project_uuid, or before db:migrate the old project_id (uuid), else NULL. */
export function projectUuidCol(cat: Catalogue, alias = 'p'): string {
  if (cat.has('projects', 'project_uuid')) return `${alias}.project_uuid`;
  if (cat.type('projects', 'project_id') === 'uuid') return `${alias}.project_id`;
  return 'NULL::uuid';
}

export const BATCH_RESULT = `SELECT (SELECT max(id) FROM batch) AS last_id, (SELECT count(*) FROM upd)::int AS updated`;

/** Points `table.column` from `from` to `to` (every changed value logged); returns the rows changed. */
export async function relink(
  m: Tx,
  table: string,
  column: string,
  from: unknown,
  to: unknown,
  reason: string,
  extraWhere = '',
  extraParams: unknown[] = [],
): Promise<number> {
  const r = rowsOf<{ n: number }>(
    await m.query(
      `WITH t AS (SELECT id, ${column} AS old FROM ${table} WHERE ${column} = $1 ${extraWhere} ORDER BY id FOR UPDATE),
            u AS (UPDATE ${table} x SET ${column} = $2 FROM t WHERE x.id = t.id RETURNING x.id, x.${column} AS new),
            lg AS (${logSql(table, column, reason, 'SELECT t.id, t.old, u.new FROM t JOIN u ON u.id = t.id')})
       SELECT count(*)::int AS n FROM u`,
      [from, to, ...extraParams],
    ),
  );
  return r[0]?.n ?? 0;
}

/** keysetBatches for steps computed in TypeScript: `step` runs in one transaction with `lock` as its row-lock clause. */
export async function keysetTx(
  ctx: PhaseContext,
  step: (m: Tx, last: number, lock: string) => Promise<{ last_id: number | null; updated: number }>,
): Promise<number> {
  let total = 0;
  const pass = async (lock: string): Promise<number> => {
    let last = 0;
    let passUpdated = 0;
    for (;;) {
      const r = await tx(ctx.db, (m) => step(m, last, lock));
      if (r.last_id === null) break;
      last = Number(r.last_id);
      passUpdated += r.updated;
      ctx.progress.increment(r.updated);
    }
    return passUpdated;
  };
  for (let i = 0; i < ctx.maxPasses; i++) {
    const n = await pass('FOR UPDATE SKIP LOCKED');
    total += n;
    if (n === 0) break;
  }
  try {
    total += await pass('FOR UPDATE');
  } catch (err) {
    if (sqlState(err) !== '55P03') throw err;
  }
  return total;
}

/**
 * For plans: the project a document (alias `d`) will have after phase 2 - by project_fk_id, else by project_uuid -
 * joined as `alias`, so later phases count the rows that earlier phases make healable.
 */
export function docProjectJoin(cat: Catalogue, alias = 'p', d = 'd'): string {
  const pu = projectUuidCol(cat, alias);
  return `JOIN projects ${alias} ON (${alias}.id = ${d}.project_fk_id OR (${pu} = ${d}.project_uuid AND NOT EXISTS (SELECT 1 FROM projects x WHERE x.id = ${d}.project_fk_id)))`;
}

/** For plans: the document of a chunk (alias `c`) once phase 3 has run (document_uuid, else by document_fk_id). */
export function chunkDocSql(cat: Catalogue, c = 'c'): string {
  return cat.has('document_chunks', 'document_fk_id')
    ? `COALESCE(${c}.document_uuid, (SELECT d0.document_uuid FROM source_documents d0 WHERE d0.id = ${c}.document_fk_id))`
    : `${c}.document_uuid`;
}

/** For plans: a chunk's start once phase 3 has run (char_start_index, else the old start_char_index). */
export function chunkStartSql(cat: Catalogue, c = 'c'): string {
  return cat.has('document_chunks', 'start_char_index') ? `COALESCE(${c}.char_start_index, ${c}.start_char_index)` : `${c}.char_start_index`;
}

/** For plans: (SQL of) a column of a mention's chunk (alias `m`), by chunk_uuid, else by chunk_fk_id. */
function mentionChunkSql(cat: Catalogue, expr: (c: string) => string, m: string): string {
  const parts = [`(SELECT ${expr('c0')} FROM document_chunks c0 WHERE c0.chunk_uuid = ${m}.chunk_uuid)`];
  if (cat.has('entity_mentions', 'chunk_fk_id')) parts.push(`(SELECT ${expr('c0')} FROM document_chunks c0 WHERE c0.id = ${m}.chunk_fk_id)`);
  return parts.length > 1 ? `COALESCE(${parts.join(', ')})` : parts[0];
}

/** For plans: a mention's document once phases 3-4 have run. */
export function mentionDocSql(cat: Catalogue, m = 'm'): string {
  return `COALESCE(${m}.document_uuid, ${mentionChunkSql(cat, (c) => chunkDocSql(cat, c), m)})`;
}

/** For plans: the start of a mention's chunk once phase 3 has run. */
export function mentionChunkStartSql(cat: Catalogue, m = 'm'): string {
  return mentionChunkSql(cat, (c) => chunkStartSql(cat, c), m);
}

/**
 * Fills `normalized_key` where it is NULL, computed in TypeScript with the graph worker's own normaliser (the
 * same call extraction and resolution make), in keyset batches. `textColumn` is the name the key is made from.
 */
export async function fillNormalizedKeys(ctx: PhaseContext, table: 'canonical_entities' | 'entity_mentions', textColumn: string): Promise<number> {
  return keysetTx(ctx, async (m, last, lock) => {
    const rows = rowsOf<{ id: number; t: string; x: string }>(
      await m.query(
        `SELECT id, entity_type AS t, ${textColumn} AS x FROM ${table} WHERE id > $2 AND normalized_key IS NULL ORDER BY id LIMIT $1 ${lock}`,
        [ctx.batchSize, last],
      ),
    );
    if (!rows.length) return { last_id: null, updated: 0 };
    const keys = rows.map((r) => ({ id: Number(r.id), k: normalizeEntity(r.t as EntityType, r.x) }));
    await m.query(
      `UPDATE ${table} t SET normalized_key = x.k FROM jsonb_to_recordset($1::jsonb) AS x(id int, k text) WHERE t.id = x.id AND t.normalized_key IS NULL`,
      [JSON.stringify(keys)],
    );
    return { last_id: Number(rows[rows.length - 1].id), updated: rows.length };
  });
}

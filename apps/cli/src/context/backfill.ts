import { Queryable, rowsOf } from '@casegraph/project-context';
import { Progress, silentProgress } from './progress';

export interface BackfillResult {
  projectsHealed: number;
  documentsHealed: number;
  /** NULL or mismatched rows still left (locked by someone else during every pass, or written meanwhile). */
  remaining: { projects: number; documents: number };
}

export interface BackfillOptions {
  batchSize?: number;
  /** Passes over the table while rows were skipped because they were locked. Default 3. */
  maxPasses?: number;
  progress?: (total: number) => Progress;
}

/** Projects without a UUID: the UUID is generated in SQL, under the row lock (same rule as the resolver). */
const PROJECTS_BATCH_SQL = `WITH batch AS (
    SELECT id FROM projects WHERE project_uuid IS NULL AND id > $2 ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
  ), upd AS (
    UPDATE projects p SET project_uuid = COALESCE(p.project_uuid, gen_random_uuid())
      FROM batch WHERE p.id = batch.id
    RETURNING p.id
  )
  SELECT (SELECT max(id) FROM batch) AS last_id, (SELECT count(*) FROM upd)::int AS updated`;

/**
 * Documents whose project_uuid is NULL or disagrees with their project
 * (project_fk_id is the truth). Keyset over the primary key; only rows that
 * need a change are locked, and rows locked by the pipeline are skipped and
 * picked up by the next pass. updated_at is left alone (the sweeper reads it).
 */
const DOCUMENTS_BATCH_SQL = `WITH batch AS (
    SELECT sd.id, p.project_uuid FROM source_documents sd JOIN projects p ON p.id = sd.project_fk_id
     WHERE sd.id > $2 AND p.project_uuid IS NOT NULL AND sd.project_uuid IS DISTINCT FROM p.project_uuid
     ORDER BY sd.id LIMIT $1 FOR UPDATE OF sd SKIP LOCKED
  ), upd AS (
    UPDATE source_documents sd SET project_uuid = batch.project_uuid FROM batch WHERE sd.id = batch.id
    RETURNING sd.id
  )
  SELECT (SELECT max(id) FROM batch) AS last_id, (SELECT count(*) FROM upd)::int AS updated`;

export const COUNT_SICK_SQL = `SELECT
    (SELECT count(*) FROM projects WHERE project_uuid IS NULL)::int AS projects,
    (SELECT count(*) FROM source_documents sd LEFT JOIN projects p ON p.id = sd.project_fk_id
      WHERE sd.project_uuid IS NULL OR sd.project_uuid IS DISTINCT FROM p.project_uuid)::int AS documents`;

export async function countSick(db: Queryable): Promise<{ projects: number; documents: number }> {
  const [r] = rowsOf<{ projects: number; documents: number }>(await db.query(COUNT_SICK_SQL));
  return { projects: r.projects, documents: r.documents };
}

async function healInBatches(db: Queryable, sql: string, batchSize: number, maxPasses: number, onBatch: (n: number) => void): Promise<number> {
  let total = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    let last = 0;
    let passUpdated = 0;
    for (;;) {
      const [r] = rowsOf<{ last_id: number | null; updated: number }>(await db.query(sql, [batchSize, last]));
      if (r.last_id === null) break;
      last = Number(r.last_id);
      passUpdated += r.updated;
      onBatch(r.updated);
    }
    total += passUpdated;
    if (passUpdated === 0) break;
  }
  return total;
}

/**
 * Heals every NULL project_uuid online: projects first, then documents from
 * their project, in batches (each its own short transaction). Idempotent: a
 * second run finds nothing to do.
 */
export async function backfill(db: Queryable, opts: BackfillOptions = {}): Promise<BackfillResult> {
  const batchSize = opts.batchSize ?? 1000;
  const maxPasses = opts.maxPasses ?? 3;
  const before = await countSick(db);
  const progress = (opts.progress ?? silentProgress)(before.projects + before.documents);
  try {
    const projectsHealed = before.projects ? await healInBatches(db, PROJECTS_BATCH_SQL, batchSize, maxPasses, (n) => progress.increment(n)) : 0;
    const documentsHealed = await healInBatches(db, DOCUMENTS_BATCH_SQL, batchSize, maxPasses, (n) => progress.increment(n));
    return { projectsHealed, documentsHealed, remaining: await countSick(db) };
  } finally {
    progress.stop();
  }
}

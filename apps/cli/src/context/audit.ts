import type Redis from 'ioredis';
import { isUuid } from '@casegraph/contracts';
import {
  CONTEXT_COLUMNS_SQL,
  ContextRow,
  PROJECT_JOIN_SQL,
  ProjectContext,
  Queryable,
  decodeEntry,
  docKeys,
  encodeEntry,
  healRows,
  invalidateDocuments,
  isOrphan,
  jitteredTtlMs,
  needsHeal,
  rowToContext,
  rowsOf,
  withContextScripts,
} from '@casegraph/project-context';
import { Progress, silentProgress } from './progress';

export interface AuditOptions {
  repair?: boolean;
  /** Only the documents of this project (by project_uuid). */
  projectUuid?: string;
  batchSize?: number;
  /** TTL of repaired entries (±10% jitter). Default 86400. */
  ttlSeconds?: number;
  progress?: (total: number) => Progress;
}

export interface AuditReport {
  scanned: number;
  /** Entry present and matching the database. */
  ok: number;
  /** No entry (normal for a lazily filled cache; --repair fills it). */
  missing: number;
  /** Valid entry (ours or an old shape) naming another project than the database. */
  stale: number;
  /** Entry that is not valid JSON of any known shape. */
  malformed: number;
  /**
   * Entry in one of the old system's shapes that matches the database. Left as it is, except that --repair
   * rewrites the incomplete ones (the pipeline shape, or an intake entry lacking a field) in our shape.
   */
  legacy: number;
  /**
   * Documents whose project is missing in both project_fk_id and project_uuid: resolve() does not find them, audit
   * cannot check or repair their entry (left untouched); `npm run context -- orphans` lists, assigns or quarantines them.
   */
  orphans: number;
  /** Document or its project has a NULL project_uuid, or the document a NULL project_fk_id, in the database. */
  nullInDb: number;
  /** Document project_uuid disagrees with its project's (project_fk_id is the truth), or its project_fk_id is dangling. */
  mismatchedInDb: number;
  /** Entries written or rewritten, and database rows healed, by --repair. */
  repairedEntries: number;
  healedRows: number;
}

type Row = ContextRow & { id: number };

/** The documents (with or without project_fk_id) joined to their project as resolve() joins it. */
const BATCH_SQL = (byProject: boolean) => `SELECT sd.id, ${CONTEXT_COLUMNS_SQL}
  FROM source_documents sd ${PROJECT_JOIN_SQL}
 WHERE sd.id > $1 ${byProject ? 'AND COALESCE(pf.project_uuid, pu.project_uuid) = $3' : ''}
 ORDER BY sd.id LIMIT $2`;

/**
 * Compares every document's cache entry with the database, in keyset-paginated
 * batches (one SELECT and one MGET per batch; the table is never loaded whole).
 * With `repair`, heals the database rows in SQL (both project columns; an
 * overwritten old value is logged) and rewrites missing, stale, malformed and
 * incomplete old-shape entries from the database. Stale and malformed entries
 * are first invalidated (version bump + pub/sub), so in-flight loads and L1
 * caches drop them too. A complete old-shape entry that matches is left as it
 * is; an orphan's entry is never touched (nothing to check it against).
 */
export async function audit(db: Queryable, redisClient: Redis, opts: AuditOptions = {}): Promise<AuditReport> {
  if (opts.projectUuid !== undefined && !isUuid(opts.projectUuid)) throw new Error(`--project must be a UUID, got ${opts.projectUuid}`);
  const redis = withContextScripts(redisClient);
  const batchSize = opts.batchSize ?? 1000;
  const ttlSeconds = opts.ttlSeconds ?? 86400;
  const byProject = opts.projectUuid !== undefined;
  const report: AuditReport = {
    scanned: 0,
    ok: 0,
    missing: 0,
    stale: 0,
    malformed: 0,
    legacy: 0,
    orphans: 0,
    nullInDb: 0,
    mismatchedInDb: 0,
    repairedEntries: 0,
    healedRows: 0,
  };

  const [{ n: total }] = rowsOf<{ n: number }>(
    await db.query(
      byProject
        ? `SELECT count(*)::int AS n FROM source_documents sd ${PROJECT_JOIN_SQL} WHERE COALESCE(pf.project_uuid, pu.project_uuid) = $1`
        : `SELECT count(*)::int AS n FROM source_documents`,
      byProject ? [opts.projectUuid] : [],
    ),
  );
  const progress = (opts.progress ?? silentProgress)(total);
  try {
    let last = 0;
    for (;;) {
      const rows = rowsOf<Row>(await db.query(BATCH_SQL(byProject), byProject ? [last, batchSize, opts.projectUuid] : [last, batchSize]));
      if (!rows.length) break;
      last = Number(rows[rows.length - 1].id);
      await auditBatch(db, redis, rows, report, opts.repair === true, ttlSeconds);
      progress.increment(rows.length);
    }
  } finally {
    progress.stop();
  }
  return report;
}

async function auditBatch(
  db: Queryable,
  redis: ReturnType<typeof withContextScripts>,
  rows: Row[],
  report: AuditReport,
  repair: boolean,
  ttlSeconds: number,
): Promise<void> {
  report.scanned += rows.length;
  const cached = await redis.mget(rows.flatMap((r) => docKeys(r.document_uuid).slice(0, 2)));
  const sick: Row[] = [];
  const toWrite: Array<{ uuid: string; expectedVersion: string; invalidateFirst: boolean }> = [];
  rows.forEach((r, i) => {
    const raw = cached[i * 2];
    const version = cached[i * 2 + 1] ?? '';
    if (isOrphan(r)) {
      // No truth to check the entry against, and it may be the only trace of the project: left as it is.
      report.orphans++;
      return;
    }
    if (r.project_uuid === null || r.doc_project_uuid === null || r.doc_project_fk_id === null) {
      report.nullInDb++;
      sick.push(r);
    } else if (needsHeal(r)) {
      report.mismatchedInDb++;
      sick.push(r);
    }
    let entry: 'missing' | 'malformed' | 'stale' | 'legacy' | 'ok';
    let incomplete = false;
    if (raw === null) entry = 'missing';
    else {
      const e = decodeEntry(raw, r.document_uuid);
      if (!e.ok) entry = 'malformed';
      // The truth is the project's UUID; with a NULL there the entry cannot be right until healed.
      else if (
        r.project_uuid === null ||
        e.context.projectUuid !== r.project_uuid ||
        (e.context.projectId !== undefined && e.context.projectId !== Number(r.project_id))
      )
        entry = 'stale';
      else if (e.legacy) {
        entry = 'legacy';
        incomplete = !e.complete;
      } else entry = 'ok';
    }
    report[entry]++;
    if (entry === 'ok' || (entry === 'legacy' && !incomplete)) return;
    // Stale and malformed entries may sit in an L1 or be re-written by a load in flight: invalidated first.
    toWrite.push({ uuid: r.document_uuid, expectedVersion: version, invalidateFirst: entry === 'stale' || entry === 'malformed' });
  });
  if (!repair) return;
  if (!toWrite.length && !sick.length) return;

  // Database first: the entries are written from the healed truth.
  const contexts = new Map<string, ProjectContext>();
  for (const r of rows) if (r.project_uuid !== null && !isOrphan(r)) contexts.set(r.document_uuid, rowToContext(r, r.project_uuid));
  if (sick.length) {
    const healed = await healRows(db, sick);
    report.healedRows += healed.healed.projects + healed.healed.documents;
    for (const [uuid, ctx] of healed.contexts) contexts.set(uuid, ctx);
  }

  const invalidations = toWrite.filter((w) => w.invalidateFirst);
  if (invalidations.length) {
    const versions = await invalidateDocuments(
      redis,
      invalidations.map((w) => w.uuid),
      `audit-${process.pid}`,
    );
    for (const w of invalidations) w.expectedVersion = versions.get(w.uuid) ?? w.expectedVersion;
  }
  const p = redis.pipeline();
  let n = 0;
  for (const w of toWrite) {
    const ctx = contexts.get(w.uuid);
    if (!ctx) continue;
    const [meta, version, missing] = docKeys(w.uuid);
    p.cgWriteBack(meta, version, missing, w.expectedVersion, encodeEntry(ctx), jitteredTtlMs(ttlSeconds));
    n++;
  }
  if (!n) return;
  const res = (await p.exec()) ?? [];
  for (const [err, written] of res) {
    if (err) throw err;
    if (written === 1) report.repairedEntries++;
  }
}

export function formatAudit(r: AuditReport, repair: boolean): string {
  const lines = [
    `audit: ${r.scanned} document(s) scanned`,
    `  ok (entry matches the database)  ${r.ok}`,
    `  missing entry                    ${r.missing}`,
    `  stale entry (wrong project)      ${r.stale}`,
    `  malformed entry                  ${r.malformed}`,
    `  legacy entry (old shape, right)  ${r.legacy}`,
    `  NULL project_uuid in database    ${r.nullInDb}`,
    `  mismatched project_uuid in DB    ${r.mismatchedInDb}`,
    `  orphan (no project found)        ${r.orphans}`,
  ];
  if (r.orphans)
    lines.push(
      `${r.orphans} orphan document(s): their project is missing in both project_fk_id and project_uuid; list them, assign them to a project or quarantine them with \`npm run context -- orphans\``,
    );
  if (repair)
    lines.push(`repaired: ${r.repairedEntries} entr${r.repairedEntries === 1 ? 'y' : 'ies'} written, ${r.healedRows} database row(s) healed`);
  return lines.join('\n');
}

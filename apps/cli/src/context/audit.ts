import type Redis from 'ioredis';
import { isUuid } from '@casegraph/contracts';
import {
  ContextRow,
  ProjectContext,
  Queryable,
  decodeEntry,
  docKeys,
  encodeEntry,
  healRows,
  jitteredTtlMs,
  needsHeal,
  rowToContext,
  rowsOf,
  withContextScripts,
} from '@casegraph/project-context';
import { redisKeys } from '@casegraph/contracts';
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
  /** Valid entry naming another project than the database. */
  stale: number;
  /** Entry that is not valid JSON of the expected shape. */
  malformed: number;
  /** Document or its project has a NULL project_uuid in the database. */
  nullInDb: number;
  /** Document project_uuid disagrees with its project's (project_fk_id is the truth). */
  mismatchedInDb: number;
  /** Entries written or rewritten, and database rows healed, by --repair. */
  repairedEntries: number;
  healedRows: number;
}

type Row = ContextRow & { id: number };

const BATCH_SQL = (byProject: boolean) => `SELECT sd.id, sd.document_uuid::text AS document_uuid, sd.project_uuid::text AS doc_project_uuid,
       p.id AS project_id, p.project_uuid::text AS project_uuid,
       sd.original_file_name, sd.s3_bucket, sd.s3_key, sd.created_at
  FROM source_documents sd JOIN projects p ON p.id = sd.project_fk_id
 WHERE sd.id > $1 ${byProject ? 'AND p.project_uuid = $3' : ''}
 ORDER BY sd.id LIMIT $2`;

/**
 * Compares every document's cache entry with the database, in keyset-paginated
 * batches (one SELECT and one MGET per batch; the table is never loaded whole).
 * With `repair`, heals NULLs in SQL and rewrites missing, stale and malformed
 * entries from the database. Stale and malformed entries are first invalidated
 * (version bump + pub/sub), so in-flight loads and L1 caches drop them too.
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
    nullInDb: 0,
    mismatchedInDb: 0,
    repairedEntries: 0,
    healedRows: 0,
  };

  const [{ n: total }] = rowsOf<{ n: number }>(
    await db.query(
      byProject
        ? `SELECT count(*)::int AS n FROM source_documents sd JOIN projects p ON p.id = sd.project_fk_id WHERE p.project_uuid = $1`
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
    if (r.project_uuid === null || r.doc_project_uuid === null) {
      report.nullInDb++;
      sick.push(r);
    } else if (needsHeal(r)) {
      report.mismatchedInDb++;
      sick.push(r);
    }
    let entry: 'missing' | 'malformed' | 'stale' | 'ok';
    if (raw === null) entry = 'missing';
    else {
      const e = decodeEntry(raw, r.document_uuid);
      if (!e.ok) entry = 'malformed';
      // The truth is the project's UUID; with a NULL there the entry cannot be right until healed.
      else if (r.project_uuid === null || e.context.projectUuid !== r.project_uuid || e.context.projectId !== Number(r.project_id)) entry = 'stale';
      else entry = 'ok';
    }
    report[entry]++;
    if (entry !== 'ok') toWrite.push({ uuid: r.document_uuid, expectedVersion: version, invalidateFirst: entry !== 'missing' });
  });
  if (!repair) return;
  if (!toWrite.length && !sick.length) return;

  // Database first: the entries are written from the healed truth.
  const contexts = new Map<string, ProjectContext>();
  for (const r of rows) if (r.project_uuid !== null) contexts.set(r.document_uuid, rowToContext(r, r.project_uuid));
  if (sick.length) {
    const healed = await healRows(db, sick);
    report.healedRows += healed.healed.projects + healed.healed.documents;
    for (const [uuid, ctx] of healed.contexts) contexts.set(uuid, ctx);
  }

  const invalidations = toWrite.filter((w) => w.invalidateFirst);
  if (invalidations.length) {
    const p = redis.pipeline();
    for (const w of invalidations) {
      const [meta, version, missing] = docKeys(w.uuid);
      p.cgInvalidate(meta, version, missing, 24 * 3600, redisKeys.contextInvalidationChannel(), `inv audit-${process.pid}:${w.uuid} ${w.uuid}`);
    }
    const res = (await p.exec()) ?? [];
    invalidations.forEach((w, i) => {
      const [err, value] = res[i] ?? [];
      if (err) throw err;
      w.expectedVersion = String((value as [number, number])[0]);
    });
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
    `  NULL project_uuid in database    ${r.nullInDb}`,
    `  mismatched project_uuid in DB    ${r.mismatchedInDb}`,
  ];
  if (repair)
    lines.push(`repaired: ${r.repairedEntries} entr${r.repairedEntries === 1 ? 'y' : 'ies'} written, ${r.healedRows} database row(s) healed`);
  return lines.join('\n');
}

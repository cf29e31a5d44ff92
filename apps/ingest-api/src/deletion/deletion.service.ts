import { HttpStatus, Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bull';
import Redis from 'ioredis';
import { DataSource, EntityManager } from 'typeorm';
import { QUEUES, documentJobId, redisKeys } from '@casegraph/contracts';
import { dropDocumentEdges, inDocumentTransaction, lockEntityRows, recountMentions, retryTransaction } from '@casegraph/graph';
import { rowsOf, sqlState } from '@casegraph/pipeline';
import { APP_CONFIG, redisOptionsFromUrl } from '@casegraph/platform';
import { ProjectContextService } from '@casegraph/project-context';
import { StorageService } from '@casegraph/storage';
import { apiError, notFound } from '../common/api-error';
import { entitiesLinkedIn, lockDocuments } from '../curation/curation-store';
import type { IngestApiConfig } from '../config';
import { JobQueuesService, withTimeout } from '../intake/job-queues.service';
import { DeletedFilesDto, DocumentDeletedDto, ProjectDeletedDto } from './deletion.dto';

/** Documents deleted per transaction when a whole project goes (each holds their advisory locks until it commits). */
export const PROJECT_DELETE_BATCH = 500;

/** Objects deleted at once from storage, and Redis/Bull calls in flight, after a commit. */
const CLEANUP_CONCURRENCY = 16;

/** Textract staging copies of the OCR worker (`textract-staging/{project}/{document}/{sha}.{ext}`). */
const TEXTRACT_STAGING_PREFIX = 'textract-staging/';

/** A stored object a deleted document named. */
interface StoredRef {
  bucket: string | null;
  key: string;
}

/** One deleted document, for the clean-up after the commit. */
interface DeletedDocument {
  documentUuid: string;
  objects: StoredRef[];
}

type Count = { n: number };

/**
 * Deletes documents and whole projects: every row the pipeline wrote for them, their edges' contributions
 * (the aggregate edges are recomputed from the other documents), the entities left without a mention, and,
 * once the rows are committed away, their stored files, their Redis entries (project context, doc:state) and
 * their jobs still waiting in Bull.
 *
 * Concurrency. A document is deleted under its DOCUMENT advisory lock, which the graph worker takes for each
 * stage's writes, so no stage interleaves with the delete; the entity rows it mentions are then locked in
 * the order the resolver uses (project, type, key) before anything is written, the aggregate edges in
 * edge-store order. A worker that was in the middle of the document finds no row at its next stage (or its
 * next write: DocumentMissingError) and drops the job; a waiting job is removed.
 */
@Injectable()
export class DeletionService implements OnModuleDestroy {
  private readonly logger = new Logger('Deletion');
  private readonly redis: Redis;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly storage: StorageService,
    private readonly contexts: ProjectContextService,
    private readonly queues: JobQueuesService,
    @Inject(APP_CONFIG) config: IngestApiConfig,
  ) {
    // doc:state hashes (DocumentStateService's mirror): best effort, bounded, never queued while Redis is away.
    this.redis = new Redis({
      ...redisOptionsFromUrl(config.redisUrl),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1000,
      connectionName: 'casegraph-deletion',
    });
    this.redis.on('error', () => undefined);
    this.redis.connect().catch(() => undefined);
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }

  // ------------------------------------------------------------------ one document

  async deleteDocument(documentUuid: string): Promise<DocumentDeletedDto> {
    const { summary, deleted } = await inDocumentTransaction(this.db, documentUuid, async (m) => {
      const rows = rowsOf<{ project_uuid: string; s3_bucket: string | null; s3_key: string | null }>(
        await m.query(
          `SELECT COALESCE(d.project_uuid, p.project_uuid) AS project_uuid, d.s3_bucket, d.s3_key
             FROM source_documents d JOIN projects p ON p.id = d.project_fk_id
            WHERE d.document_uuid = $1
              FOR UPDATE OF d`,
          [documentUuid],
        ),
      );
      if (!rows.length) throw notFound('Document', documentUuid);
      const projectUuid = rows[0].project_uuid;
      return this.removeDocument(m, projectUuid, documentUuid, rows[0].s3_key ? [{ bucket: rows[0].s3_bucket, key: rows[0].s3_key }] : []);
    }).catch((err: unknown) => {
      throw referencedElsewhere(err, `Document ${documentUuid}`);
    });
    const files = await this.cleanUp([deleted]);
    this.logger.log(
      `document ${documentUuid} deleted: ${summary.mentions} mentions, ${summary.edgesRecomputed} edges recomputed, ` +
        `${summary.entitiesDeleted.length} entities deleted, ${files.deleted} files`,
    );
    return { ...summary, files };
  }

  /**
   * Inside the document's lock: every row of the document, its edge contributions (touched edges recomputed
   * from the other documents), the entities it leaves without a mention, and the curation rules that pointed
   * at it or at them.
   */
  private async removeDocument(
    m: EntityManager,
    projectUuid: string,
    documentUuid: string,
    objects: StoredRef[],
  ): Promise<{ summary: Omit<DocumentDeletedDto, 'files'>; deleted: DeletedDocument }> {
    const entityUuids = await entitiesLinkedIn(m, [documentUuid]);
    // The resolver's lock order (entity rows by project, type, key), before any edge row is touched.
    await lockEntityRows(m, entityUuids);
    const [{ n: contributions }] = rowsOf<Count>(
      await m.query(`SELECT count(*)::int AS n FROM relationship_contributions WHERE document_uuid = $1`, [documentUuid]),
    );
    const edgesRecomputed = await dropDocumentEdges(m, projectUuid, documentUuid);
    const mentions = await deleteCount(m, `DELETE FROM entity_mentions WHERE document_uuid = $1`, [documentUuid]);
    const chunks = await deleteCount(m, `DELETE FROM document_chunks WHERE document_uuid = $1`, [documentUuid]);
    const pages = await deleteCount(m, `DELETE FROM document_pages WHERE document_uuid = $1`, [documentUuid]);
    const textract = rowsOf<{ s3_bucket: string | null; s3_key: string | null }>(
      await m.query(`DELETE FROM textract_jobs WHERE document_uuid = $1 RETURNING s3_bucket, s3_key`, [documentUuid]),
    );
    let curationRules = await deleteCount(m, `DELETE FROM curation_rules WHERE scope = 'mention' AND document_uuid = $1`, [documentUuid]);
    await detachChildren(m, [documentUuid]);
    // Its occurrences and its sealed password go by their foreign keys (ON DELETE CASCADE).
    await m.query(`DELETE FROM source_documents WHERE document_uuid = $1`, [documentUuid]);

    await recountMentions(m, entityUuids, false);
    const entitiesDeleted = await deleteUnmentioned(m, projectUuid, entityUuids);
    if (entitiesDeleted.length) {
      curationRules += await deleteCount(m, `DELETE FROM curation_rules WHERE canonical_entity_uuid = ANY($1::uuid[])`, [entitiesDeleted]);
    }
    return {
      summary: {
        documentUuid,
        projectUuid,
        pages,
        chunks,
        mentions,
        contributions,
        edgesRecomputed,
        entitiesDeleted,
        entitiesRecounted: entityUuids.length - entitiesDeleted.length,
        curationRules,
        textractJobs: textract.length,
      },
      deleted: { documentUuid, objects: [...objects, ...stagingCopies(textract)] },
    };
  }

  // ------------------------------------------------------------------ one project

  /**
   * Deletes the project and everything of it. `confirm` must repeat the project's UUID. Documents go in
   * batches of PROJECT_DELETE_BATCH, set-based, each batch under its documents' advisory locks (sorted, so
   * no deadlock with the worker or curation); edges are not recomputed on the way (they all go). The last
   * transaction locks the project row (no document can be added meanwhile: the insert's foreign-key check
   * waits), removes any document that arrived, then the project's entities, edges, curation log and rules,
   * and the row.
   */
  async deleteProject(projectUuid: string, confirm: string | undefined): Promise<ProjectDeletedDto> {
    if (confirm === undefined || confirm.trim() === '') {
      throw apiError(
        HttpStatus.BAD_REQUEST,
        `Deleting a project removes all of its documents, files and graph. Repeat the project's UUID to confirm: ?confirm=${projectUuid}`,
        [{ field: 'confirm', messages: ["required: the project's UUID"] }],
      );
    }
    const found = rowsOf<{ id: number; name: string }>(await this.db.query(`SELECT id, name FROM projects WHERE project_uuid = $1`, [projectUuid]));
    if (!found.length) throw notFound('Project', projectUuid);
    if (confirm.trim().toLowerCase() !== projectUuid) {
      throw apiError(HttpStatus.BAD_REQUEST, `confirm does not match: it must be the project's UUID (${projectUuid}); nothing was deleted`, [
        { field: 'confirm', messages: ["must be the project's UUID"] },
      ]);
    }
    const { id, name } = found[0];
    const started = Date.now();
    const deleted: DeletedDocument[] = [];
    let mentions = 0;
    let contributions = 0;
    for (;;) {
      const batch = rowsOf<{ document_uuid: string }>(
        await this.db.query(`SELECT document_uuid FROM source_documents WHERE project_fk_id = $1 ORDER BY document_uuid LIMIT $2`, [
          id,
          PROJECT_DELETE_BATCH,
        ]),
      ).map((r) => r.document_uuid);
      if (!batch.length) break;
      const r = await retryTransaction(() => this.db.transaction((m) => removeDocumentBatch(m, batch))).catch((err: unknown) => {
        throw referencedElsewhere(err, `A document of project ${projectUuid}`);
      });
      deleted.push(...r.deleted);
      mentions += r.mentions;
      contributions += r.contributions;
      if (batch.length < PROJECT_DELETE_BATCH) break;
    }
    const last = await retryTransaction(() =>
      this.db.transaction(async (m) => {
        const project = rowsOf<{ id: number }>(await m.query(`SELECT id FROM projects WHERE id = $1 FOR UPDATE`, [id]));
        if (!project.length) return null;
        // Documents added since the batches (the project row is locked now: no more can come).
        const late = rowsOf<{ document_uuid: string }>(
          await m.query(`SELECT document_uuid FROM source_documents WHERE project_fk_id = $1 ORDER BY document_uuid`, [id]),
        ).map((r) => r.document_uuid);
        const rest = late.length ? await removeDocumentBatch(m, late) : { deleted: [], mentions: 0, contributions: 0 };
        const by = [projectUuid];
        const n = {
          edges: await deleteCount(m, `DELETE FROM relationship_staging WHERE project_uuid = $1`, by),
          contributions: rest.contributions + (await deleteCount(m, `DELETE FROM relationship_contributions WHERE project_uuid = $1`, by)),
          // Rows of the project whose document row was gone already (written by a worker before its document was deleted).
          mentions: rest.mentions + (await deleteCount(m, `DELETE FROM entity_mentions WHERE project_uuid = $1`, by)),
          chunks: await deleteCount(m, `DELETE FROM document_chunks WHERE project_uuid = $1`, by),
          entities: await deleteCount(m, `DELETE FROM canonical_entities WHERE project_uuid = $1`, by),
          curationRules: await deleteCount(m, `DELETE FROM curation_rules WHERE project_uuid = $1`, by),
          curationActions: await deleteCount(m, `DELETE FROM curation_actions WHERE project_uuid = $1`, by),
        };
        const textract = rowsOf<{ s3_bucket: string | null; s3_key: string | null }>(
          await m.query(`DELETE FROM textract_jobs WHERE project_uuid = $1 RETURNING s3_bucket, s3_key`, by),
        );
        await m.query(`DELETE FROM projects WHERE id = $1`, [id]);
        return { ...n, deleted: [...rest.deleted, ...(textract.length ? [{ documentUuid: '', objects: stagingCopies(textract) }] : [])] };
      }),
    ).catch((err: unknown) => {
      throw referencedElsewhere(err, `Project ${projectUuid}`);
    });
    // Deleted meanwhile by another request: 404 if this one removed nothing, else what it removed.
    if (!last && !deleted.length) throw notFound('Project', projectUuid);
    if (last) deleted.push(...last.deleted);
    const committed = Date.now();
    const files = await this.cleanUp(deleted);
    this.logger.log(
      `project ${projectUuid} deleted: ${deleted.filter((d) => d.documentUuid).length} documents, ${last?.entities ?? 0} entities, ` +
        `${last?.edges ?? 0} edges in ${committed - started} ms; files, cache entries and jobs in ${Date.now() - committed} ms`,
    );
    return {
      projectUuid,
      id: Number(id),
      name,
      documents: deleted.filter((d) => d.documentUuid).length,
      entities: last?.entities ?? 0,
      edges: last?.edges ?? 0,
      contributions: contributions + (last?.contributions ?? 0),
      mentions: mentions + (last?.mentions ?? 0),
      curationActions: last?.curationActions ?? 0,
      curationRules: last?.curationRules ?? 0,
      files,
    };
  }

  // ------------------------------------------------------------------ after the commit

  /**
   * The rows are gone: their files (unless another document names the same object, as two batch manifests
   * may), their project-context entries (invalidate: Redis, every instance's L1, in-flight loads), their
   * doc:state hashes and their jobs that no worker holds. Never throws: what fails is logged (a context
   * entry expires by its TTL; a worker that takes a job left behind drops it as "document missing").
   */
  private async cleanUp(documents: DeletedDocument[]): Promise<DeletedFilesDto> {
    const uuids = documents.map((d) => d.documentUuid).filter(Boolean);
    const files = await this.deleteObjects(documents.flatMap((d) => d.objects));
    await eachLimited(uuids, (u) =>
      this.contexts.invalidate(u).catch((err) => this.logger.warn(`context of deleted document ${u} not invalidated: ${(err as Error).message}`)),
    );
    for (let i = 0; i < uuids.length; i += 500) {
      await this.redis.del(...uuids.slice(i, i + 500).flatMap((u) => [redisKeys.docState(u), redisKeys.docProgress(u)])).catch(() => undefined);
    }
    await this.removeJobs(uuids);
    return files;
  }

  private async deleteObjects(refs: StoredRef[]): Promise<DeletedFilesDto> {
    const out: DeletedFilesDto = { deleted: 0, shared: 0, failed: 0 };
    const unique = new Map<string, StoredRef>();
    for (const r of refs) {
      // A staging copy lives in TEXTRACT_S3_BUCKET: reachable only when this API's storage is S3 too.
      if (r.key.startsWith(TEXTRACT_STAGING_PREFIX) && this.storage.driver.name !== 's3') continue;
      unique.set(`${r.bucket ?? ''}\u0000${r.key}`, r);
    }
    if (!unique.size) return out;
    const list = [...unique.values()];
    // Objects another (remaining) document still names are kept.
    const stillNamed = new Set(
      rowsOf<{ s3_bucket: string | null; s3_key: string }>(
        await this.db.query(`SELECT DISTINCT s3_bucket, s3_key FROM source_documents WHERE s3_key = ANY($1::text[])`, [list.map((r) => r.key)]),
      ).map((r) => `${r.s3_bucket ?? ''}\u0000${r.s3_key}`),
    );
    await eachLimited(list, async (r) => {
      if (stillNamed.has(`${r.bucket ?? ''}\u0000${r.key}`)) {
        out.shared++;
        return;
      }
      try {
        await this.storage.delete(r.key, r.bucket);
        out.deleted++;
      } catch (err) {
        out.failed++;
        this.logger.warn(`stored object ${r.bucket ? `s3://${r.bucket}/` : ''}${r.key} of a deleted document not deleted: ${(err as Error).message}`);
      }
    });
    return out;
  }

  /** Jobs of the deleted documents that no worker holds (waiting, delayed, finished) are removed from both queues. */
  private async removeJobs(uuids: string[]): Promise<void> {
    for (const name of [QUEUES.OCR, QUEUES.GRAPH] as const) {
      if (!uuids.length || !this.queues.isAvailable(name)) continue;
      const queue = this.queues.queue(name);
      await eachLimited(uuids, async (u) => {
        try {
          await withTimeout(
            (async () => {
              const job: Job | null = await queue.getJob(documentJobId(u));
              if (job && !(await job.isActive())) await job.remove();
            })(),
            2000,
            `removing job ${u} from ${name}`,
          );
        } catch (err) {
          // Taken by a worker meanwhile (locked): it finds no document and drops the job.
          this.logger.debug(`job ${u} on ${name} left to its worker: ${(err as Error).message}`);
        }
      });
    }
  }
}

/**
 * Deletes the given entities that no mention names any more (recounted just before), with every edge and
 * contribution that still has one of them as an end (none should: edges come from linked mentions).
 */
async function deleteUnmentioned(m: EntityManager, projectUuid: string, uuids: string[]): Promise<string[]> {
  if (!uuids.length) return [];
  // The rows are locked (lockEntityRows): nobody links a mention to them before this transaction ends.
  const gone = rowsOf<{ u: string }>(
    await m.query(
      `SELECT c.canonical_entity_uuid AS u FROM canonical_entities c
        WHERE c.canonical_entity_uuid = ANY($1::uuid[])
          AND NOT EXISTS (SELECT 1 FROM entity_mentions x WHERE x.canonical_entity_uuid = c.canonical_entity_uuid)
        ORDER BY 1`,
      [uuids],
    ),
  ).map((r) => r.u);
  if (!gone.length) return [];
  // Edges first: an adopted database may still have a foreign key from relationship_staging to the entities.
  await m.query(
    `DELETE FROM relationship_contributions WHERE project_uuid = $1 AND (source_entity_uuid = ANY($2::uuid[]) OR target_entity_uuid = ANY($2::uuid[]))`,
    [projectUuid, gone],
  );
  await m.query(
    `DELETE FROM relationship_staging WHERE project_uuid = $1 AND (source_entity_uuid = ANY($2::uuid[]) OR target_entity_uuid = ANY($2::uuid[]))`,
    [projectUuid, gone],
  );
  await m.query(`DELETE FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[])`, [gone]);
  return gone;
}

/**
 * One batch of a project's documents, set-based, under their advisory locks (taken in uuid order). Edges
 * are left to the project's last transaction. Documents deleted meanwhile are skipped.
 */
async function removeDocumentBatch(
  m: EntityManager,
  documentUuids: string[],
): Promise<{ deleted: DeletedDocument[]; mentions: number; contributions: number }> {
  await lockDocuments(m, documentUuids);
  const by = [documentUuids];
  const contributions = await deleteCount(m, `DELETE FROM relationship_contributions WHERE document_uuid = ANY($1::uuid[])`, by);
  const mentions = await deleteCount(m, `DELETE FROM entity_mentions WHERE document_uuid = ANY($1::uuid[])`, by);
  await m.query(`DELETE FROM document_chunks WHERE document_uuid = ANY($1::uuid[])`, by);
  await m.query(`DELETE FROM document_pages WHERE document_uuid = ANY($1::uuid[])`, by);
  await m.query(`DELETE FROM curation_rules WHERE scope = 'mention' AND document_uuid = ANY($1::uuid[])`, by);
  await detachChildren(m, documentUuids);
  const textract = rowsOf<{ document_uuid: string; s3_bucket: string | null; s3_key: string | null }>(
    await m.query(`DELETE FROM textract_jobs WHERE document_uuid = ANY($1::uuid[]) RETURNING document_uuid, s3_bucket, s3_key`, by),
  );
  const docs = rowsOf<{ document_uuid: string; s3_bucket: string | null; s3_key: string | null }>(
    await m.query(`DELETE FROM source_documents WHERE document_uuid = ANY($1::uuid[]) RETURNING document_uuid, s3_bucket, s3_key`, by),
  );
  const staged = new Map<string, StoredRef[]>();
  for (const t of textract) staged.set(t.document_uuid, [...(staged.get(t.document_uuid) ?? []), ...stagingCopies([t])]);
  return {
    deleted: docs.map((d) => ({
      documentUuid: d.document_uuid,
      objects: [...(d.s3_key ? [{ bucket: d.s3_bucket, key: d.s3_key }] : []), ...(staged.get(d.document_uuid) ?? [])],
    })),
    mentions,
    contributions,
  };
}

/**
 * The family links to documents being deleted: occurrences that name one of them as their parent go; their
 * children stay (documents of the project in their own right) without a parent. Returns the children detached.
 */
async function detachChildren(m: EntityManager, documentUuids: string[]): Promise<number> {
  await m.query(`DELETE FROM document_occurrences WHERE parent_document_uuid = ANY($1::uuid[])`, [documentUuids]);
  const detached: unknown = await m.query(
    `UPDATE source_documents SET parent_document_uuid = NULL, updated_at = now()
      WHERE parent_document_uuid = ANY($1::uuid[]) AND NOT (document_uuid = ANY($1::uuid[]))`,
    [documentUuids],
  );
  return Array.isArray(detached) && typeof detached[1] === 'number' ? detached[1] : 0;
}

/** The Textract staging copies among textract_jobs rows (a job on the document's own S3 object names that object). */
function stagingCopies(rows: Array<{ s3_bucket: string | null; s3_key: string | null }>): StoredRef[] {
  return rows.filter((r) => r.s3_key?.startsWith(TEXTRACT_STAGING_PREFIX)).map((r) => ({ bucket: r.s3_bucket, key: r.s3_key! }));
}

async function deleteCount(m: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const result: unknown = await m.query(sql, params);
  // TypeORM's postgres driver answers a DELETE without RETURNING with [[], rowCount].
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}

/**
 * A row of a table CaseGraph does not manage (an adopted database's own, e.g. import_sessions) still references
 * what is being deleted: 409 naming it, instead of a 500. The transaction rolled back: nothing of it was deleted.
 */
function referencedElsewhere(err: unknown, what: string): unknown {
  if (sqlState(err) !== '23503') return err;
  const pg = ((err as { driverError?: unknown }).driverError ?? err) as { table?: string; constraint?: string };
  return apiError(
    HttpStatus.CONFLICT,
    `${what} is still referenced by rows of ${pg.table ?? 'another table'}${pg.constraint ? ` (foreign key ${pg.constraint})` : ''}, ` +
      'which CaseGraph does not manage; delete or detach those rows first. Nothing of this step was deleted.',
  );
}

/** Runs `fn` over `items`, CLEANUP_CONCURRENCY at a time. */
async function eachLimited<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CLEANUP_CONCURRENCY, items.length) }, worker));
}

import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { DocumentJobData, JOBS, OccurrenceSource, documentJobId, jobDisplayFields } from '@casegraph/contracts';
import { ExtractedChild, FormatError, detectFormat } from '@casegraph/formats';
import { InsertedDocuments, IntakeProject, NewDocument, createdContexts, insertDocuments } from '@casegraph/intake';
import { PermanentError } from '@casegraph/pipeline';
import { ProjectContextService } from '@casegraph/project-context';
import { StorageService, StorageTooLargeError, documentObjectKey, safeFilename } from '@casegraph/storage';

/** The document whose children are being created. */
export interface ChildParent {
  documentUuid: string;
  projectUuid: string;
  /** Its document_metadata.familyDepth (0 for a submitted document). */
  familyDepth: number;
  /** The submitted document its family started from (itself for a submitted document). */
  familyRoot: string;
  /** Where its children came from: an e-mail's attachments or an archive's entries. */
  source: Extract<OccurrenceSource, 'attachment' | 'archive'>;
}

/** Children read and stored, not yet in the database. */
export interface StagedChildren {
  parent: ChildParent;
  docs: NewDocument[];
}

/** What the database made of the staged children. */
export interface CreatedChildren {
  /** New child documents (pending, to be OCR'd). */
  created: string[];
  /** Children whose bytes already were a document of the project: that document got an occurrence. */
  duplicates: Array<{ childIndex: number; documentUuid: string }>;
  /** Every new child has an OCR job (false: left pending for the API's reconciler). */
  enqueued: boolean;
}

/** Bull's client buffers commands while Redis is away: the enqueue is bounded by this. */
const ENQUEUE_TIMEOUT_MS = 5000;

/**
 * The children of a document (an e-mail's attachments, an archive's entries) as documents of the same project.
 *
 * 1. stage(): each child in order is read (the reader's limits bound its size), stored under
 *    `documents/{projectUuid}/{childUuid}/{safe filename}` (sha256 on the way) and identified from its head. A child
 *    of a type we cannot read is still created: it fails in its own OCR stage with the reason, never silently dropped.
 * 2. insert(): inside the caller's transaction (the parent's pages are written in the same one, under the parent's row
 *    lock), ONE insertDocuments for all of them: parent, index, path, familyDepth + 1, an occurrence `attachment` or
 *    `archive` with the parent's custodian. Duplicates (same sha256 in the project, e.g. a retried parent's children)
 *    keep the existing document; the occurrence's unique origin makes a retry add nothing.
 * 3. after the commit, afterCommit(): the stored copies of duplicates are deleted, the contexts cached, one addBulk of
 *    OCR jobs (jobId = documentUuid). Redis away: the new children stay pending and the reconciler enqueues them.
 * If the transaction does not commit (the parent was deleted meanwhile, a database error), discard() deletes every
 * stored copy: no orphan bytes, and no child row exists.
 */
@Injectable()
export class ChildrenService {
  private readonly logger = new Logger(ChildrenService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly storage: StorageService,
    private readonly context: ProjectContextService,
  ) {}

  /** Reads and stores every child. A FormatError (too large, a bomb) fails the parent: what was stored is deleted. */
  async stage(parent: ChildParent, children: ExtractedChild[], opts: { maxChildBytes: number }): Promise<StagedChildren> {
    const staged: StagedChildren = { parent, docs: [] };
    const custodian = await this.custodianOf(parent.documentUuid);
    try {
      for (const child of [...children].sort((a, b) => a.index - b.index)) {
        staged.docs.push(await this.stageOne(parent, child, custodian, opts.maxChildBytes));
      }
    } catch (err) {
      await this.discard(staged);
      if (err instanceof FormatError) throw new PermanentError(err.message, err.code, { cause: err });
      throw err;
    }
    return staged;
  }

  private async stageOne(parent: ChildParent, child: ExtractedChild, custodian: string | null, maxChildBytes: number): Promise<NewDocument> {
    const bytes = await child.read();
    const documentUuid = randomUUID();
    const filename = safeFilename(child.filename || `attachment-${child.index + 1}`);
    const key = documentObjectKey(parent.projectUuid, documentUuid, filename);
    let stored;
    try {
      stored = await this.storage.put(key, Readable.from([bytes]), { maxBytes: maxChildBytes, contentType: child.contentType ?? undefined });
    } catch (err) {
      if (err instanceof StorageTooLargeError) {
        throw new PermanentError(
          `${JSON.stringify(child.path ?? filename)} is over the limit of ${maxChildBytes} bytes for one child document`,
          'too-large',
        );
      }
      throw err;
    }
    const detection = detectFormat(stored.head);
    return {
      documentUuid,
      filename,
      s3Bucket: stored.bucket,
      s3Key: stored.key,
      fileSizeBytes: stored.sizeBytes,
      fileType: child.contentType,
      detectedFileType: detection.kind === 'supported' || detection.kind === 'container' ? detection.mime : null,
      sha256: stored.sha256,
      parentDocumentUuid: parent.documentUuid,
      attachmentIndex: child.index,
      familyPath: child.path,
      documentMetadata: { familyDepth: parent.familyDepth + 1, familyRoot: parent.familyRoot },
      occurrence: { source: parent.source, custodian, path: child.path ?? filename },
    };
  }

  /** Documents that came out of this family's submitted document so far (FORMAT_MAX_FAMILY_DOCUMENTS). */
  async familySize(familyRoot: string): Promise<number> {
    const rows: Array<{ n: number }> = await this.db.query(
      `SELECT count(*)::int AS n FROM source_documents WHERE (document_metadata ->> 'familyRoot') = $1`,
      [familyRoot],
    );
    return rows[0]?.n ?? 0;
  }

  /** The parent's first recorded custodian (its upload, batch or production occurrence), inherited by its children. */
  private async custodianOf(documentUuid: string): Promise<string | null> {
    const rows: Array<{ custodian: string }> = await this.db.query(
      `SELECT custodian FROM document_occurrences WHERE document_uuid = $1 AND custodian IS NOT NULL ORDER BY id LIMIT 1`,
      [documentUuid],
    );
    return rows[0]?.custodian ?? null;
  }

  /** Inside the caller's transaction: one insertDocuments for every staged child. */
  insert(m: EntityManager, project: IntakeProject, staged: StagedChildren): Promise<InsertedDocuments> {
    return insertDocuments(m, project, staged.docs, null);
  }

  /** After the commit: duplicates' copies deleted, contexts cached, OCR jobs added (best effort, bounded). */
  async afterCommit(project: IntakeProject, staged: StagedChildren, result: InsertedDocuments, ocrQueue: Queue): Promise<CreatedChildren> {
    const created = staged.docs.filter((d) => result.inserted.has(d.documentUuid));
    const copies = staged.docs.filter((d) => !result.inserted.has(d.documentUuid));
    await Promise.all(copies.map((d) => this.deleteCopy(d)));
    const duplicates = copies.flatMap((d) => {
      const existing = d.sha256 ? result.duplicates.get(d.sha256) : undefined;
      return existing
        ? [{ childIndex: d.attachmentIndex ?? -1, documentUuid: existing.documentUuid, status: existing.status, filename: d.filename }]
        : [];
    });

    const contexts = createdContexts(project, created, result.inserted);
    // Never fails the parent: the child's OCR job resolves its context from PostgreSQL when the cache has nothing.
    if (contexts.length) {
      await this.context.rememberMany(contexts).catch((err) => this.logger.warn(`child contexts not cached: ${(err as Error).message}`));
    }
    // New children, and a retried parent's children still pending (their first enqueue failed): adding the same
    // jobId again is a no-op while the job exists.
    const jobs = [
      ...created.map((d) => ({ documentUuid: d.documentUuid, filename: d.filename, projectUuid: project.projectUuid })),
      ...duplicates
        .filter((d) => d.status === 'pending')
        .map((d) => ({ documentUuid: d.documentUuid, filename: d.filename, projectUuid: project.projectUuid })),
    ];
    const unique = [...new Map(jobs.map((j) => [j.documentUuid, j])).values()];
    const enqueued = unique.length ? await this.enqueue(ocrQueue, unique) : true;
    return {
      created: created.map((d) => d.documentUuid),
      duplicates: duplicates.map((d) => ({ childIndex: d.childIndex, documentUuid: d.documentUuid })),
      enqueued,
    };
  }

  /** One addBulk on the OCR queue; false (documents left pending for the reconciler) when Redis is away or slow. */
  private async enqueue(queue: Queue, items: Array<{ documentUuid: string; filename: string; projectUuid: string }>): Promise<boolean> {
    if (queue.client.status !== 'ready') {
      this.logger.warn(`${items.length} child document(s) left pending for the reconciler: the queue's Redis is ${queue.client.status}`);
      return false;
    }
    const jobs = items.map((it) => ({
      name: JOBS.OCR_DOCUMENT,
      data: { documentUuid: it.documentUuid, ...jobDisplayFields(it) } satisfies DocumentJobData,
      opts: { jobId: documentJobId(it.documentUuid) },
    }));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        queue.addBulk(jobs),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`addBulk timed out after ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
        }),
      ]);
      return true;
    } catch (err) {
      this.logger.warn(`${items.length} child document(s) left pending for the reconciler: ${(err as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Deletes every stored copy (the transaction did not commit): nothing of the children is left. */
  async discard(staged: StagedChildren): Promise<void> {
    await Promise.all(staged.docs.map((d) => this.deleteCopy(d)));
  }

  private async deleteCopy(d: NewDocument): Promise<void> {
    await this.storage
      .delete(d.s3Key, d.s3Bucket)
      .catch((err) => this.logger.warn(`could not delete the copy ${d.s3Key}: ${(err as Error).message}`));
  }
}

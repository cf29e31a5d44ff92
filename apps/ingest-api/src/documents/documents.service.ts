import { HttpStatus, Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import {
  DocumentMetadata,
  DocumentPart,
  DocumentStatus,
  OccurrenceSource,
  STAGES,
  Stage,
  isDocumentStatus,
  isStage,
  queueForStage,
  redisKeys,
} from '@casegraph/contracts';
import { sealSecret } from '@casegraph/intake';
import { APP_CONFIG, redisOptionsFromUrl } from '@casegraph/platform';
import { ProjectContextService } from '@casegraph/project-context';
import { StorageNotFoundError, StorageService } from '@casegraph/storage';
import type { Readable } from 'node:stream';
import { apiError, fieldError, notFound } from '../common/api-error';
import type { IngestApiConfig } from '../config';
import { storeSecrets } from '../intake/document-intake.service';
import { JobQueuesService } from '../intake/job-queues.service';
import { resumeStage } from '../intake/reconciler.service';
import {
  DocumentDto,
  DocumentPageDto,
  DocumentTextDto,
  FamilyChildDto,
  OccurrenceDto,
  RetryAcceptedDto,
  StagesDto,
  TextPageDto,
} from './document.dto';
import { fileContentType } from './content-type';
import { NO_PASSWORD_KEY_MESSAGE } from './upload.service';

/** Columns of a document view (one place, used by every read). */
export const DOCUMENT_COLUMNS = `
  d.document_uuid, COALESCE(d.project_uuid, p.project_uuid) AS project_uuid, d.project_uuid AS own_project_uuid,
  d.original_file_name, d.status, d.current_stage, d.failed_stage, d.error_message, d.batch_id,
  d.file_size_bytes, COALESCE(d.detected_file_type, d.file_type) AS file_type, d.sha256, d.page_count,
  d.created_at, d.updated_at, d.processing_completed_at,
  d.detected_file_type, d.parent_document_uuid, d.attachment_index, d.family_path, d.document_metadata,
  ${STAGES.map((s) => `d.${s}_status, d.${s}_started_at, d.${s}_completed_at`).join(', ')}`;

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);

export function toDocumentDto(r: Row): DocumentDto {
  const stages = Object.fromEntries(
    STAGES.map((s) => [
      s,
      { status: r[`${s}_status`] as DocumentStatus, startedAt: iso(r[`${s}_started_at`]), finishedAt: iso(r[`${s}_completed_at`]) },
    ]),
  ) as unknown as StagesDto;
  return {
    documentUuid: r.document_uuid as string,
    projectUuid: (r.project_uuid as string | null) ?? null,
    filename: r.original_file_name as string,
    status: r.status as DocumentStatus,
    currentStage: (r.current_stage as Stage | null) ?? null,
    failedStage: (r.failed_stage as Stage | null) ?? null,
    stages,
    error: (r.error_message as string | null) ?? null,
    batchId: (r.batch_id as string | null) ?? null,
    fileSizeBytes: r.file_size_bytes === null || r.file_size_bytes === undefined ? null : Number(r.file_size_bytes),
    fileType: (r.file_type as string | null) ?? null,
    sha256: typeof r.sha256 === 'string' && r.sha256 ? r.sha256.trim() : null,
    // int here; an adopted database's columns may be numeric/bigint (pg returns a string): read as a number.
    pageCount: r.page_count === null || r.page_count === undefined ? null : Number(r.page_count),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    completedAt: iso(r.processing_completed_at),
    detectedFileType: (r.detected_file_type as string | null) ?? null,
    family: {
      parent: r.parent_document_uuid
        ? {
            documentUuid: r.parent_document_uuid as string,
            filename: null,
            attachmentIndex: num(r.attachment_index),
            path: (r.family_path as string | null) ?? null,
          }
        : null,
      children: [],
    },
    occurrences: [],
    metadata: publicMetadata(r.document_metadata),
    bates: null,
  };
}

/** A stored type usable as a Content-Type header (a manifest's declared type is the client's text). */
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** document_metadata as the API shows it: an object, without the pipeline's internal familyDepth and familyRoot. */
function publicMetadata(v: unknown): Omit<DocumentMetadata, 'familyDepth' | 'familyRoot'> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  const { familyDepth: _depth, familyRoot: _root, ...rest } = v as DocumentMetadata;
  return rest;
}

/** Document status, listing, retry and text. */
@Injectable()
export class DocumentsService implements OnModuleDestroy {
  private readonly logger = new Logger('Documents');
  /** doc:progress hashes (the OCR worker's page progress): best effort, bounded, never queued while Redis is away. */
  private readonly redis: Redis;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly contexts: ProjectContextService,
    private readonly queues: JobQueuesService,
    private readonly storage: StorageService,
    @Inject(APP_CONFIG) private readonly config: IngestApiConfig,
  ) {
    this.redis = new Redis({
      ...redisOptionsFromUrl(config.redisUrl),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      connectionName: 'casegraph-documents',
    });
    this.redis.on('error', () => undefined);
    this.redis.connect().catch(() => undefined);
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }

  async get(documentUuid: string): Promise<DocumentDto> {
    const rows: Row[] = await this.db.query(
      `SELECT ${DOCUMENT_COLUMNS} FROM source_documents d JOIN projects p ON p.id = d.project_fk_id WHERE d.document_uuid = $1`,
      [documentUuid],
    );
    if (!rows.length) throw notFound('Document', documentUuid);
    const dto = toDocumentDto(rows[0]);
    await this.enrich([dto], rows);
    if (!rows[0].own_project_uuid) {
      // A legacy row without project_uuid: resolving the context heals it (and the project) in PostgreSQL.
      try {
        dto.projectUuid = (await this.contexts.resolve(documentUuid)).projectUuid;
      } catch (err) {
        this.logger.warn(`could not heal the project of ${documentUuid}: ${(err as Error).message}`);
      }
    }
    return dto;
  }

  async listForProject(
    projectUuid: string,
    q: { status?: DocumentStatus; parent?: string; custodian?: string; page: number; pageSize: number },
  ): Promise<DocumentPageDto> {
    const project: Array<{ id: number }> = await this.db.query(`SELECT id FROM projects WHERE project_uuid = $1`, [projectUuid]);
    if (!project.length) throw notFound('Project', projectUuid);
    const id = project[0].id;
    // parent: its children by their own link or by an occurrence (a duplicate child); custodian: any occurrence.
    const where = `d.project_fk_id = $1 AND ($2::text IS NULL OR d.status = $2)
      AND ($3::uuid IS NULL OR d.parent_document_uuid = $3 OR EXISTS (
            SELECT 1 FROM document_occurrences o WHERE o.document_uuid = d.document_uuid AND o.parent_document_uuid = $3))
      AND ($4::text IS NULL OR EXISTS (
            SELECT 1 FROM document_occurrences o WHERE o.document_uuid = d.document_uuid AND o.custodian = $4))`;
    const filters = [id, q.status ?? null, q.parent?.toLowerCase() ?? null, q.custodian ?? null];
    const [rows, count] = await Promise.all([
      this.db.query<Row[]>(
        `SELECT ${DOCUMENT_COLUMNS} FROM source_documents d JOIN projects p ON p.id = d.project_fk_id
          WHERE ${where}
          ORDER BY d.created_at DESC, d.id DESC
          LIMIT $5 OFFSET $6`,
        [...filters, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      this.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM source_documents d WHERE ${where}`, filters),
    ]);
    const items = rows.map(toDocumentDto);
    await this.enrich(items, rows);
    return { items, page: q.page, pageSize: q.pageSize, total: count[0].n };
  }

  /**
   * Family, occurrences, Bates range and page progress of a page of documents: a few set-based queries for all of
   * them (never one per document), and one Redis pipeline for those whose OCR stage runs.
   */
  private async enrich(dtos: DocumentDto[], rows: Row[]): Promise<void> {
    if (!dtos.length) return;
    const uuids = dtos.map((d) => d.documentUuid);
    const parentUuids = [...new Set(dtos.map((d) => d.family.parent?.documentUuid).filter((u): u is string => !!u))];
    const [parents, children, occurrences, bates] = await Promise.all([
      parentUuids.length
        ? this.db.query<Array<{ document_uuid: string; original_file_name: string }>>(
            `SELECT document_uuid, original_file_name FROM source_documents WHERE document_uuid = ANY($1::uuid[])`,
            [parentUuids],
          )
        : [],
      this.db.query<Row[]>(
        `SELECT c.parent, c.document_uuid, d.original_file_name, c.attachment_index, c.path, d.status, c.own
           FROM (SELECT parent_document_uuid AS parent, document_uuid, attachment_index, family_path AS path, true AS own
                   FROM source_documents WHERE parent_document_uuid = ANY($1::uuid[])
                 UNION ALL
                 SELECT parent_document_uuid, document_uuid, attachment_index, path, false
                   FROM document_occurrences WHERE parent_document_uuid = ANY($1::uuid[])) c
           JOIN source_documents d ON d.document_uuid = c.document_uuid
          ORDER BY c.parent, c.attachment_index NULLS LAST, c.own DESC, d.original_file_name, c.document_uuid`,
        [uuids],
      ),
      this.db.query<Row[]>(
        `SELECT document_uuid, source, custodian, path, parent_document_uuid, attachment_index, created_at
           FROM document_occurrences WHERE document_uuid = ANY($1::uuid[]) ORDER BY created_at, id`,
        [uuids],
      ),
      this.db.query<Array<{ document_uuid: string; first: string; last: string }>>(
        `SELECT document_uuid, (array_agg(bates ORDER BY page_number, id))[1] AS first,
                (array_agg(bates ORDER BY page_number DESC, id DESC))[1] AS last
           FROM document_pages WHERE document_uuid = ANY($1::uuid[]) AND bates IS NOT NULL
          GROUP BY document_uuid`,
        [uuids],
      ),
    ]);
    const parentName = new Map(parents.map((p) => [p.document_uuid, p.original_file_name]));
    const byUuid = new Map(dtos.map((d) => [d.documentUuid, d]));
    for (const d of dtos) if (d.family.parent) d.family.parent.filename = parentName.get(d.family.parent.documentUuid) ?? null;
    // A child appears once per (child, position): its own link, and its occurrence row, name the same place.
    const seen = new Set<string>();
    for (const c of children) {
      const key = `${String(c.parent)}/${String(c.document_uuid)}/${num(c.attachment_index) ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const child: FamilyChildDto = {
        documentUuid: c.document_uuid as string,
        filename: c.original_file_name as string,
        attachmentIndex: num(c.attachment_index),
        path: (c.path as string | null) ?? null,
        status: c.status as DocumentStatus,
      };
      byUuid.get(c.parent as string)?.family.children.push(child);
    }
    for (const o of occurrences) {
      const occurrence: OccurrenceDto = {
        source: o.source as OccurrenceSource,
        custodian: (o.custodian as string | null) ?? null,
        path: (o.path as string | null) ?? null,
        parentDocumentUuid: (o.parent_document_uuid as string | null) ?? null,
        attachmentIndex: num(o.attachment_index),
        createdAt: iso(o.created_at)!,
      };
      byUuid.get(o.document_uuid as string)?.occurrences.push(occurrence);
    }
    for (const b of bates) {
      const d = byUuid.get(b.document_uuid);
      if (d) d.bates = { first: b.first, last: b.last };
    }
    await this.addProgress(dtos, rows);
  }

  /** stages.ocr.pagesDone / pageCount: the page count once OCR completed, the worker's progress hash while it runs. */
  private async addProgress(dtos: DocumentDto[], rows: Row[]): Promise<void> {
    const running: DocumentDto[] = [];
    dtos.forEach((d, i) => {
      const ocr = d.stages.ocr;
      if (ocr.status === 'completed' && d.pageCount !== null) {
        ocr.pageCount = d.pageCount;
        ocr.pagesDone = d.pageCount;
      } else if (ocr.status === 'processing' && rows[i]) running.push(d);
    });
    if (!running.length || this.redis.status !== 'ready') return;
    try {
      const pipeline = this.redis.pipeline();
      for (const d of running) pipeline.hmget(redisKeys.docProgress(d.documentUuid), 'pagesDone', 'pageCount');
      const answers = (await pipeline.exec()) ?? [];
      answers.forEach(([err, value], i) => {
        if (err || !Array.isArray(value)) return;
        const [done, count] = (value as Array<string | null>).map((v) => (v === null ? NaN : Number(v)));
        const ocr = running[i].stages.ocr;
        if (Number.isInteger(done) && done >= 0) ocr.pagesDone = done;
        if (Number.isInteger(count) && count >= 0) ocr.pageCount = count;
      });
    } catch (err) {
      this.logger.debug(`page progress not read: ${(err as Error).message}`);
    }
  }

  /**
   * The stored original: its stream, size, content type (detected, else declared, else octet-stream) and name.
   * 404 with a reason when the document has no stored file or the file is gone from storage.
   */
  async openFile(documentUuid: string): Promise<{ stream: Readable; sizeBytes: number; contentType: string; filename: string }> {
    const rows: Array<{
      s3_bucket: string | null;
      s3_key: string | null;
      detected_file_type: string | null;
      file_type: string | null;
      name: string;
    }> = await this.db.query(
      `SELECT s3_bucket, s3_key, detected_file_type, file_type, COALESCE(original_file_name, file_name) AS name
           FROM source_documents WHERE document_uuid = $1`,
      [documentUuid],
    );
    if (!rows.length) throw notFound('Document', documentUuid);
    const r = rows[0];
    const missing = () => apiError(HttpStatus.NOT_FOUND, `Document ${documentUuid}: its stored file is missing from storage`);
    if (!r.s3_key) throw missing();
    const stat = await this.storage.stat(r.s3_key, r.s3_bucket).catch((err: unknown) => {
      this.logger.warn(`stat of ${r.s3_key} failed: ${(err as Error).message}`);
      throw apiError(HttpStatus.SERVICE_UNAVAILABLE, 'Storage is unavailable. Retry later.');
    });
    if (!stat) throw missing();
    const stream = await this.storage.openRead(r.s3_key, r.s3_bucket).catch((err: unknown) => {
      if (err instanceof StorageNotFoundError) throw missing();
      this.logger.warn(`reading ${r.s3_key} failed: ${(err as Error).message}`);
      throw apiError(HttpStatus.SERVICE_UNAVAILABLE, 'Storage is unavailable. Retry later.');
    });
    const contentType = fileContentType(r.detected_file_type, r.file_type);
    return { stream, sizeBytes: stat.sizeBytes, contentType, filename: r.name ?? 'document' };
  }

  /**
   * The document's text, page by page (or one page). 409 until its OCR stage completed; 404 for a page beyond
   * its page count.
   */
  async text(documentUuid: string, page?: number): Promise<DocumentTextDto> {
    const rows: Array<{ ocr_status: string; page_count: number | null; n: number; top: number | null }> = await this.db.query(
      `SELECT d.ocr_status, d.page_count,
              (SELECT count(*)::int FROM document_pages x WHERE x.document_uuid = d.document_uuid) AS n,
              (SELECT max(page_number) FROM document_pages x WHERE x.document_uuid = d.document_uuid) AS top
         FROM source_documents d WHERE d.document_uuid = $1`,
      [documentUuid],
    );
    if (!rows.length) throw notFound('Document', documentUuid);
    const r = rows[0];
    if (r.ocr_status !== 'completed') {
      throw apiError(HttpStatus.CONFLICT, `Document ${documentUuid}: text not extracted yet (OCR stage is ${r.ocr_status})`);
    }
    const pageCount = r.page_count !== null ? Number(r.page_count) : r.top !== null ? Number(r.top) : 0;
    if (page !== undefined && page > pageCount) {
      throw apiError(HttpStatus.NOT_FOUND, `Document ${documentUuid} has ${pageCount} page${pageCount === 1 ? '' : 's'}; there is no page ${page}`);
    }
    const pages: Array<{ page_number: number; part: string | null; bates: string | null; text: string }> = await this.db.query(
      `SELECT page_number, part, bates, text FROM document_pages
        WHERE document_uuid = $1 AND ($2::int IS NULL OR page_number = $2)
        ORDER BY page_number, id`,
      [documentUuid, page ?? null],
    );
    return {
      documentUuid,
      pageCount,
      pages: pages.map((p): TextPageDto => ({
        page: Number(p.page_number),
        part: (p.part as DocumentPart | null) ?? null,
        bates: p.bates ?? null,
        text: p.text,
      })),
    };
  }

  /**
   * Re-runs a failed document from its failed stage: the row goes back to pending
   * (the failed stage and every later one reset) in one locked transaction, so two
   * concurrent retries give one 202 and one 409. Then the kept failed Bull job with
   * the same jobId is removed (otherwise the add would be a no-op) and the job is
   * added to the stage's queue. If Redis is down the document stays pending and the
   * reconciler enqueues it.
   */
  async retry(documentUuid: string, password?: string): Promise<RetryAcceptedDto> {
    const key = this.config.documentPasswordKey;
    if (password !== undefined && !key) throw fieldError('password', NO_PASSWORD_KEY_MESSAGE);
    const retried = await this.db.transaction(async (m) => {
      const rows: Row[] = await m.query(
        `SELECT status, failed_stage, original_file_name, project_uuid, ${STAGES.map((s) => `${s}_status`).join(', ')}
           FROM source_documents WHERE document_uuid = $1 FOR UPDATE`,
        [documentUuid],
      );
      if (!rows.length) throw notFound('Document', documentUuid);
      const row = rows[0];
      // A status that is not CaseGraph's (the old system's `ocr_failed`, `ocr_completed`, … on an adopted database)
      // means no CaseGraph stage owns the document: it may be re-run like a failed one.
      if (row.status !== 'failed' && isDocumentStatus(row.status)) {
        throw apiError(HttpStatus.CONFLICT, `Document is ${row.status}; only a failed document can be retried`);
      }
      const from: Stage = isStage(row.failed_stage) ? row.failed_stage : resumeStage(row);
      const reset = STAGES.slice(STAGES.indexOf(from))
        .map((s) => `${s}_status = 'pending', ${s}_started_at = NULL, ${s}_completed_at = NULL`)
        .join(', ');
      await m.query(
        `UPDATE source_documents SET status = 'pending', current_stage = NULL, failed_stage = NULL, error_message = NULL,
                stage_attempts = 0, processing_completed_at = NULL, ${reset}, updated_at = now()
          WHERE document_uuid = $1`,
        [documentUuid],
      );
      // The password is in place (sealed) before the job can run.
      if (password !== undefined && key) await storeSecrets(m, [[documentUuid, sealSecret(key, documentUuid, password)]]);
      // filename/projectUuid: display only, for the job's data in Bull Board.
      return { from, filename: row.original_file_name as string | null, projectUuid: row.project_uuid as string | null };
    });
    const { from: stage, filename, projectUuid } = retried;
    const queue = queueForStage(stage);
    let enqueued = false;
    if (await this.queues.removeFinishedJob(queue, documentUuid)) {
      enqueued = (await this.queues.enqueue([{ documentUuid, stage, filename, projectUuid }], 'retry')).enqueued;
    }
    return { documentUuid, status: 'pending', retryFrom: stage, queue, enqueued };
  }
}

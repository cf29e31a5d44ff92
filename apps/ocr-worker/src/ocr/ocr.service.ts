import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobOptions, Queue } from 'bull';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { JOBS, QUEUES, TextractPollJobData, documentJobId, jobDisplayFields, joinPages } from '@casegraph/contracts';
import { DocumentMissingError, DocumentStateService } from '@casegraph/pipeline';
import { ProjectContextService } from '@casegraph/project-context';
import { InvalidStorageKeyError, S3StorageDriver, SniffedType, StorageNotFoundError, StorageService, sniffFileType } from '@casegraph/storage';
import type { OcrWorkerConfig } from '../config';
import type { ExtractionResult } from '../engines/engine.types';
import { OCR_CONFIG, OcrEngines } from '../engines/ocr-engines';
import { TEXTRACT_LIMITS, clientRequestToken, jobTag } from '../engines/textract/textract-engine';
import { imageDimensions } from './image-dimensions';
import { PermanentError } from './ocr.errors';
import { ocrMetrics } from './ocr.metrics';

/** The job's document row does not exist: nothing can be marked, the job is dropped without retry (DocumentJobRunner). */
export { DocumentMissingError };

interface DocumentRow {
  document_uuid: string;
  project_uuid: string | null;
  original_file_name: string;
  s3_bucket: string | null;
  s3_key: string | null;
  sha256: string | null;
  file_type: string | null;
  ocr_status: string;
}

export type OcrOutcome =
  | { status: 'completed'; projectUuid: string; pages: number }
  | { status: 'textract-started'; textractJobId: string }
  | { status: 'textract-in-progress'; nextPoll: number }
  | { status: 'skipped'; reason: string };

const EXTENSIONS: Record<SniffedType, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/tiff': 'tif',
};

/**
 * The OCR job: load the row, mark the stage, read the bytes, detect the real
 * type, extract (local or Textract), persist the pages, resolve the project
 * (PostgreSQL when the cache has nothing), hand the document to the graph
 * queue, mark the stage completed. Every step is idempotent.
 */
@Injectable()
export class OcrService {
  private readonly logger = new Logger(OcrService.name);
  private stagingDriver?: S3StorageDriver;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly state: DocumentStateService,
    private readonly storage: StorageService,
    private readonly context: ProjectContextService,
    private readonly engines: OcrEngines,
    @InjectQueue(QUEUES.OCR) private readonly ocrQueue: Queue,
    @InjectQueue(QUEUES.GRAPH) private readonly graphQueue: Queue,
    @Inject(OCR_CONFIG) private readonly config: OcrWorkerConfig,
  ) {}

  /** JOBS.OCR_DOCUMENT */
  async processDocument(documentUuid: string): Promise<OcrOutcome> {
    const t0 = Date.now();
    const row = await this.loadRow(documentUuid);
    if (!(await this.state.startStage(documentUuid, 'ocr'))) throw new DocumentMissingError(documentUuid);
    // Resolve the project first: it heals a legacy row's NULL project_uuid even when the file then turns out
    // to be unreadable, and warms the cache that finish() reads.
    await this.context.resolve(documentUuid);
    const bytes = await this.readBytes(row);
    const readMs = Date.now() - t0;
    const type = sniffFileType(bytes.subarray(0, 4096));
    if (!type) {
      throw new PermanentError(
        `unsupported file type: ${JSON.stringify(row.original_file_name)} is not a PDF, PNG, JPEG or TIFF (judged from its bytes)`,
        'unsupported-type',
      );
    }
    const dims = imageDimensions(bytes, type);
    if (dims && dims.width * dims.height > this.config.ocrMaxImagePixels) {
      throw new PermanentError(
        `image is ${dims.width} × ${dims.height} pixels, more than the limit of ${this.config.ocrMaxImagePixels} (OCR_MAX_IMAGE_PIXELS); refused before decoding`,
        'image-too-large',
      );
    }
    if (this.config.ocrEngine === 'textract') {
      if (type !== 'application/pdf' && bytes.length <= TEXTRACT_LIMITS.syncMaxBytes) {
        const result = await this.callTextract('DetectDocumentText', () => this.engines.textract.detect(bytes));
        return this.finish(row, type, result, { readMs, extractMs: Date.now() - t0 - readMs, startedAt: t0 });
      }
      return this.startTextract(row, type, bytes);
    }
    const t1 = Date.now();
    const result = await this.engines.local.extract({ documentUuid, bytes, type });
    return this.finish(row, type, result, { readMs, extractMs: Date.now() - t1, startedAt: t0 });
  }

  /** JOBS.TEXTRACT_POLL: one look at an async Textract job (never sleeps). */
  async pollTextract(data: TextractPollJobData): Promise<OcrOutcome> {
    const t0 = Date.now();
    const row = await this.loadRow(data.documentUuid);
    const jobs: Array<{ started_at: Date; detected_file_type: string | null }> = await this.db.query(
      `SELECT tj.started_at, sd.detected_file_type FROM textract_jobs tj
         JOIN source_documents sd ON sd.document_uuid = tj.document_uuid
        WHERE tj.job_id = $1 AND tj.document_uuid = $2`,
      [data.textractJobId, data.documentUuid],
    );
    if (!jobs.length) throw new PermanentError(`Textract job ${data.textractJobId} is not recorded for this document`, 'textract:unknown-job');
    if (row.ocr_status !== 'processing') return { status: 'skipped', reason: `ocr stage is ${row.ocr_status}` };
    const outcome = await this.callTextract('GetDocumentTextDetection', () => this.engines.textract.fetch(data.textractJobId));
    if (outcome.status === 'IN_PROGRESS') {
      const elapsed = Date.now() - new Date(jobs[0].started_at).getTime();
      if (elapsed > this.config.textractPollDeadlineMs) {
        await this.updateTextractJob(data.textractJobId, data.poll, 'TIMED_OUT', { error: 'deadline exceeded' });
        throw new PermanentError(
          `Textract job ${data.textractJobId} was still IN_PROGRESS after ${Math.round(elapsed / 1000)} s (TEXTRACT_POLL_DEADLINE_MS)`,
          'textract:deadline',
        );
      }
      await this.updateTextractJob(data.textractJobId, data.poll, 'IN_PROGRESS');
      await this.schedulePoll(data.documentUuid, data.textractJobId, data.poll + 1);
      return { status: 'textract-in-progress', nextPoll: data.poll + 1 };
    }
    if (outcome.status === 'FAILED') {
      await this.updateTextractJob(data.textractJobId, data.poll, 'FAILED', { error: outcome.message });
      throw new PermanentError(`Textract job failed: ${outcome.message}`, 'textract:FAILED');
    }
    await this.updateTextractJob(data.textractJobId, data.poll, outcome.status, {
      pages: outcome.pageCount,
      warnings: outcome.warnings,
    });
    const type = (jobs[0].detected_file_type as SniffedType | null) ?? 'application/pdf';
    const result: ExtractionResult = {
      provider: 'textract',
      pages: outcome.pages,
      warnings: outcome.warnings,
      details: {
        method: 'StartDocumentTextDetection',
        textractJobId: data.textractJobId,
        jobStatus: outcome.status,
        resultPages: outcome.resultPages,
        polls: data.poll,
      },
    };
    return this.finish(row, type, result, { readMs: 0, extractMs: Date.now() - t0, startedAt: t0 });
  }

  private async loadRow(documentUuid: string): Promise<DocumentRow> {
    const rows: DocumentRow[] = await this.db.query(
      `SELECT document_uuid, project_uuid, original_file_name, s3_bucket, s3_key, sha256, file_type, ocr_status
         FROM source_documents WHERE document_uuid = $1`,
      [documentUuid],
    );
    if (!rows.length) throw new DocumentMissingError(documentUuid);
    return rows[0];
  }

  /** The stored bytes. A missing, empty or oversized file is permanent; any other storage error is retried. */
  private async readBytes(row: DocumentRow): Promise<Buffer> {
    if (!row.s3_key) throw new PermanentError('document has no stored file (s3_key is empty)', 'no-file');
    // Name where the file was really looked for. The local driver reads the key under STORAGE_DIR and ignores the
    // bucket (a manifest's s3Bucket included): say so, relative to STORAGE_DIR (the server's own paths stay private).
    const where =
      this.storage.driver.name === 'local'
        ? `STORAGE_DIR/${row.s3_key} (local storage${row.s3_bucket ? `; the bucket ${JSON.stringify(row.s3_bucket)} is not used` : ''})`
        : `s3://${row.s3_bucket ?? this.storage.bucket}/${row.s3_key}`;
    let stat: { sizeBytes: number } | null;
    try {
      stat = await this.storage.stat(row.s3_key, row.s3_bucket);
    } catch (err) {
      if (err instanceof InvalidStorageKeyError) throw new PermanentError(`stored file key is not acceptable: ${err.message}`, 'bad-key');
      throw err;
    }
    if (!stat) throw new PermanentError(`stored file not found: ${where}`, 'file-missing');
    if (stat.sizeBytes === 0) throw new PermanentError('file is empty (0 bytes)', 'empty');
    if (stat.sizeBytes > this.config.ocrMaxFileBytes) {
      throw new PermanentError(`file is ${stat.sizeBytes} bytes, over the limit of ${this.config.ocrMaxFileBytes} (OCR_MAX_FILE_BYTES)`, 'too-large');
    }
    try {
      const bytes = await this.storage.readBuffer(row.s3_key, row.s3_bucket, this.config.ocrMaxFileBytes);
      if (bytes.length === 0) throw new PermanentError('file is empty (0 bytes)', 'empty');
      return bytes;
    } catch (err) {
      if (err instanceof StorageNotFoundError) throw new PermanentError(`stored file not found: ${where}`, 'file-missing');
      throw err;
    }
  }

  private async startTextract(row: DocumentRow, type: SniffedType, bytes: Buffer): Promise<OcrOutcome> {
    const documentUuid = row.document_uuid;
    if (bytes.length > TEXTRACT_LIMITS.asyncMaxBytes) {
      throw new PermanentError(
        `file is ${bytes.length} bytes, over Textract's limit of ${TEXTRACT_LIMITS.asyncMaxBytes} for asynchronous jobs`,
        'too-large',
      );
    }
    if (type === 'application/pdf') {
      const pages = await this.engines.local.pdfPageCount(bytes);
      const limit = Math.min(TEXTRACT_LIMITS.asyncMaxPages, this.config.ocrMaxPages);
      if (pages > limit) {
        throw new PermanentError(
          `PDF has ${pages} pages, over the limit of ${limit} (Textract allows ${TEXTRACT_LIMITS.asyncMaxPages}; OCR_MAX_PAGES=${this.config.ocrMaxPages})`,
          'too-many-pages',
        );
      }
    }
    const { projectUuid } = await this.context.resolve(documentUuid);
    const sha = row.sha256?.trim() || createHash('sha256').update(bytes).digest('hex');
    const location = await this.textractLocation(row, projectUuid, sha, type, bytes);
    const token = clientRequestToken(projectUuid, sha);
    const tag = jobTag(documentUuid);
    const textractJobId = await this.callTextract('StartDocumentTextDetection', () =>
      this.engines.textract.start({ bucket: location.bucket, key: location.key, token, jobTag: tag }),
    );
    await this.db.query(
      `INSERT INTO textract_jobs (job_id, document_uuid, project_uuid, job_type, client_request_token, job_tag, s3_bucket, s3_key, status)
       VALUES ($1, $2, $3, 'DocumentTextDetection', $4, $5, $6, $7, 'SUBMITTED')
       ON CONFLICT (job_id) DO UPDATE SET updated_at = now()`,
      [textractJobId, documentUuid, projectUuid, token, tag, location.bucket, location.key],
    );
    await this.db.query(
      `UPDATE source_documents SET detected_file_type = $2, ocr_provider = 'textract', updated_at = now() WHERE document_uuid = $1`,
      [documentUuid, type],
    );
    await this.schedulePoll(documentUuid, textractJobId, 1);
    return { status: 'textract-started', textractJobId };
  }

  /** The S3 object Textract reads: the document's own when stored on S3, else a staged copy. */
  private async textractLocation(
    row: DocumentRow,
    projectUuid: string,
    sha: string,
    type: SniffedType,
    bytes: Buffer,
  ): Promise<{ bucket: string; key: string }> {
    if (row.s3_bucket && this.storage.bucket) return { bucket: row.s3_bucket, key: row.s3_key! };
    const bucket = this.config.textractS3Bucket;
    if (!bucket) throw new Error('TEXTRACT_S3_BUCKET is not configured: documents on local storage cannot be sent to Textract');
    this.stagingDriver ??= new S3StorageDriver({
      bucket,
      region: this.config.textractRegion,
      endpoint: this.config.s3Endpoint,
      forcePathStyle: this.config.s3ForcePathStyle,
    });
    const key = `textract-staging/${projectUuid}/${row.document_uuid}/${sha}.${EXTENSIONS[type]}`;
    if (!(await this.stagingDriver.stat(key))) {
      await this.stagingDriver.put(key, Readable.from([bytes]), { contentType: type });
    }
    return { bucket, key };
  }

  private async schedulePoll(documentUuid: string, textractJobId: string, poll: number): Promise<void> {
    const c = this.config;
    const delay = Math.min(c.textractPollMaxDelayMs, Math.round(c.textractPollDelayMs * c.textractPollBackoff ** (poll - 1)));
    const data: TextractPollJobData = { documentUuid, textractJobId, poll };
    await addReplacingFinished(this.ocrQueue, JOBS.TEXTRACT_POLL, data, {
      jobId: `textract-poll:${textractJobId}:${poll}`,
      delay,
    });
  }

  private async updateTextractJob(
    jobId: string,
    poll: number,
    status: string,
    extra: { pages?: number; warnings?: string[]; error?: string } = {},
  ): Promise<void> {
    const final = status !== 'IN_PROGRESS' && status !== 'SUBMITTED';
    await this.db.query(
      `UPDATE textract_jobs SET status = $2, poll_count = GREATEST(poll_count, $3), pages = COALESCE($4, pages),
              warnings = COALESCE($5::jsonb, warnings), error_message = COALESCE($6, error_message),
              completed_at = CASE WHEN $7 THEN now() ELSE completed_at END, updated_at = now()
        WHERE job_id = $1`,
      [jobId, status, poll, extra.pages ?? null, extra.warnings ? JSON.stringify(extra.warnings) : null, extra.error ?? null, final],
    );
  }

  private async callTextract<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      const out = await fn();
      ocrMetrics.textractCalls.inc({ operation, outcome: 'ok' });
      return out;
    } catch (err) {
      ocrMetrics.textractCalls.inc({ operation, outcome: (err as Error)?.name ?? 'error' });
      throw err;
    }
  }

  /** Persist, resolve the project, enqueue the graph job, complete the stage. */
  private async finish(
    row: DocumentRow,
    type: SniffedType,
    result: ExtractionResult,
    timing: { readMs: number; extractMs: number; startedAt: number },
  ): Promise<OcrOutcome> {
    const documentUuid = row.document_uuid;
    const t0 = Date.now();
    const pages = result.pages;
    const text = joinPages(pages.map((p) => p.text));
    const confidences = pages.map((p) => p.confidence).filter((c): c is number => typeof c === 'number');
    const meanConfidence = confidences.length ? confidences.reduce((a, b) => a + b, 0) / confidences.length : null;
    const warnings = [...result.warnings];
    if (!text.trim()) warnings.push('no text found in the document');
    // Resolve BEFORE writing: the project context must be known (from PostgreSQL when the cache is empty).
    const ctx = await this.context.resolve(documentUuid);
    await this.db.transaction(async (m) => {
      // Serialises concurrent runs of the same document (a stalled job re-run while the first still writes).
      const locked: unknown[] = await m.query('SELECT 1 FROM source_documents WHERE document_uuid = $1 FOR UPDATE', [documentUuid]);
      // Deleted while its text was being read (DELETE /v1/documents): nothing is written, the job is dropped.
      if (!locked.length) throw new DocumentMissingError(documentUuid);
      await m.query('DELETE FROM document_pages WHERE document_uuid = $1', [documentUuid]);
      for (let i = 0; i < pages.length; i += 2000) {
        const slice = pages.slice(i, i + 2000);
        const params: unknown[] = [];
        const values = slice.map((p, j) => {
          params.push(documentUuid, p.pageNumber, p.text, p.confidence, p.engine);
          const b = j * 5;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
        });
        await m.query(`INSERT INTO document_pages (document_uuid, page_number, text, confidence, engine) VALUES ${values.join(', ')}`, params);
      }
      const metadata = {
        provider: result.provider,
        engine: this.config.ocrEngine,
        projectUuid: ctx.projectUuid,
        pageSeparator: 'joinPages (@casegraph/contracts)',
        ...result.details,
        warnings,
        timings: {
          readMs: timing.readMs,
          extractMs: timing.extractMs,
          persistMs: Date.now() - t0,
          totalMs: Date.now() - timing.startedAt,
        },
        pages: pages.map((p) => ({ page: p.pageNumber, engine: p.engine, ms: p.ms, confidence: p.confidence })),
        completedAt: new Date().toISOString(),
      };
      await m.query(
        `UPDATE source_documents SET raw_extracted_text = $2, page_count = $3, ocr_confidence_score = $4,
                ocr_provider = $5, detected_file_type = $6, ocr_metadata = $7::jsonb, updated_at = now()
          WHERE document_uuid = $1`,
        [documentUuid, text, pages.length, meanConfidence, result.provider, type, JSON.stringify(metadata)],
      );
    });
    // filename/projectUuid: display only (Bull Board), handed on from the document; the graph worker reads neither.
    const data = { documentUuid, ...jobDisplayFields({ filename: row.original_file_name, projectUuid: ctx.projectUuid }) };
    await addReplacingFinished(this.graphQueue, JOBS.GRAPH_DOCUMENT, data, { jobId: documentJobId(documentUuid) });
    await this.state.completeStage(documentUuid, 'ocr');
    for (const p of pages) {
      ocrMetrics.pages.inc({ engine: p.engine });
      if (typeof p.ms === 'number') ocrMetrics.pageSeconds.observe({ engine: p.engine }, p.ms / 1000);
    }
    this.logger.log(`ocr completed for ${documentUuid}: ${pages.length} page(s) via ${result.provider} in ${Date.now() - timing.startedAt} ms`);
    return { status: 'completed', projectUuid: ctx.projectUuid, pages: pages.length };
  }
}

/**
 * Adds a job with a fixed id. A finished job with the same id (kept by
 * removeOnComplete/removeOnFail) would make Bull ignore the add, so it is
 * removed first; a waiting, delayed or active one is left alone (the add is a no-op).
 */
export async function addReplacingFinished<T>(queue: Queue, name: string, data: T, opts: JobOptions & { jobId: string }): Promise<void> {
  const existing = await queue.getJob(opts.jobId);
  if (existing && ((await existing.isCompleted()) || (await existing.isFailed()))) {
    await existing.remove().catch(() => undefined);
  }
  await queue.add(name, data, opts);
}

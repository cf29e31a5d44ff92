import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobOptions, Queue } from 'bull';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import {
  DocumentMetadata,
  DocumentPart,
  FormatId,
  JOBS,
  QUEUES,
  SUPPORTED_FORMATS,
  TextractPollJobData,
  documentJobId,
  jobDisplayFields,
  joinPages,
} from '@casegraph/contracts';
import {
  BatesNumber,
  DEFAULT_FORMAT_LIMITS,
  Extracted,
  FormatError,
  FormatLimits,
  findBates,
  identifyFormat,
  parseBates,
  readDocument,
  refusalReason,
} from '@casegraph/formats';
import { IntakeProject, InsertedDocuments, findIntakeProject, openSecret } from '@casegraph/intake';
import { DocumentMissingError, DocumentStateService, isPermanent } from '@casegraph/pipeline';
import { ProjectContext, ProjectContextService } from '@casegraph/project-context';
import { InvalidStorageKeyError, S3StorageDriver, SniffedType, StorageNotFoundError, StorageService } from '@casegraph/storage';
import { ChildrenService, CreatedChildren, StagedChildren } from '../children/children.service';
import type { OcrWorkerConfig } from '../config';
import type { ExtractionResult, PageText } from '../engines/engine.types';
import { OCR_CONFIG, OcrEngines } from '../engines/ocr-engines';
import { TEXTRACT_LIMITS, clientRequestToken, jobTag } from '../engines/textract/textract-engine';
import { DocProgressService, ProgressReporter } from './doc-progress.service';
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
  document_metadata: DocumentMetadata | null;
}

/** A page as stored: an engine's page, or a format reader's page or part (a Word file's footnotes, an e-mail's headers). */
type StoredPage = PageText & { part?: DocumentPart | null };

/** Formats read by the OCR engines (local or Textract); every other supported format goes to its reader. */
const OCR_FORMATS: ReadonlySet<FormatId> = new Set<FormatId>(['pdf', 'png', 'jpeg', 'tiff']);

/** document_pages.engine of a page read by a format reader (the library or the format that produced its text). */
const READER_ENGINE: Partial<Record<FormatId, string>> = { eml: 'mailparser', msg: 'msgreader' };

/** What a document's extraction hands to finish() beyond the engine's result. */
interface FinishExtras {
  format: FormatId;
  /** What the format reader said about the document (merged into document_metadata). */
  metadata?: DocumentMetadata;
  /** Children read and stored, created in the same transaction as the parent's pages. */
  staged?: StagedChildren | null;
  progress?: ProgressReporter;
}

export type OcrOutcome =
  | { status: 'completed'; projectUuid: string; pages: number; children?: number }
  | { status: 'textract-started'; textractJobId: string }
  | { status: 'textract-in-progress'; nextPoll: number }
  | { status: 'skipped'; reason: string };

const EXTENSIONS: Record<SniffedType, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/tiff': 'tif',
};

/** Media types of the refused formats a container can turn out to be (recorded, so the original is served as what it is). */
const IDENTIFIED_UNSUPPORTED_MIME: Record<string, string | undefined> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  rtf: 'application/rtf',
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
    private readonly children: ChildrenService,
    private readonly progress: DocProgressService,
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
    // The whole file: a ZIP is told from a DOCX by its directory, an OLE file (MSG, DOC) by its streams.
    const detection = await identifyFormat(bytes);
    // What the file really is, recorded at once (the upload stored a ZIP/OLE container's type): the file route serves
    // it even when the stage then fails.
    const identifiedMime =
      detection.kind === 'supported' ? detection.mime : IDENTIFIED_UNSUPPORTED_MIME[detection.kind === 'unsupported' ? detection.format : ''];
    if (identifiedMime) {
      await this.db.query(`UPDATE source_documents SET detected_file_type = $2 WHERE document_uuid = $1 AND detected_file_type IS DISTINCT FROM $2`, [
        documentUuid,
        identifiedMime,
      ]);
    }
    if (detection.kind !== 'supported') {
      throw new PermanentError(refusalReason(detection, row.original_file_name), 'unsupported-type');
    }
    if (!OCR_FORMATS.has(detection.format)) {
      return this.readFormat(row, detection.format, detection.mime, bytes, { readMs, startedAt: t0 });
    }
    const type = detection.mime as SniffedType;
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
        return this.finish(row, type, result, { readMs, extractMs: Date.now() - t0 - readMs, startedAt: t0 }, { format: detection.format });
      }
      return this.startTextract(row, type, bytes);
    }
    const password = await this.openPassword(documentUuid);
    const progress = this.progress.reporter(documentUuid);
    const t1 = Date.now();
    let result: ExtractionResult;
    try {
      result = await this.engines.local.extract({
        documentUuid,
        bytes,
        type,
        ...(password !== null ? { password } : {}),
        onProgress: (pagesDone, pageCount) => progress.update(pagesDone, pageCount),
      });
    } catch (err) {
      // A password that does not open the PDF is used up: the retry brings the right one.
      if (password !== null && isPermanent(err) && reasonOf(err) === 'wrong-password') await this.deleteSecret(documentUuid);
      throw err;
    }
    return this.finish(row, type, result, { readMs, extractMs: Date.now() - t1, startedAt: t0 }, { format: detection.format, progress });
  }

  /**
   * DOCX, e-mail, HTML, text and ZIP: the format's reader (bounded by the format limits) gives pages or parts,
   * metadata and children; the children are read and stored here, and created with the parent's pages.
   */
  private async readFormat(
    row: DocumentRow,
    format: FormatId,
    mime: string,
    bytes: Buffer,
    timing: { readMs: number; startedAt: number },
  ): Promise<OcrOutcome> {
    const documentUuid = row.document_uuid;
    const limits = this.formatLimits();
    const t1 = Date.now();
    let extracted: Extracted;
    try {
      extracted = await readDocument(bytes, format, limits);
    } catch (err) {
      if (err instanceof FormatError) throw new PermanentError(err.message, err.code, { cause: err });
      throw err;
    }
    const warnings = [...extracted.warnings];
    const depth = familyDepthOf(row);
    const familyRoot = familyRootOf(row);
    let staged: StagedChildren | null = null;
    const familySize = extracted.children.length && depth < limits.maxDepth ? await this.children.familySize(familyRoot) : 0;
    if (extracted.children.length && depth >= limits.maxDepth) {
      warnings.push(`nested ${depth} deep: its contents were not expanded`);
    } else if (familySize + extracted.children.length > this.config.formatMaxFamilyDocuments) {
      // Archives of archives: one upload could otherwise become millions of documents.
      warnings.push(
        `its ${extracted.children.length} children were not expanded: the documents that came out of ${familyRoot === documentUuid ? 'it' : 'the document it came from'} ` +
          `would be ${familySize + extracted.children.length}, over the limit of ${this.config.formatMaxFamilyDocuments} (FORMAT_MAX_FAMILY_DOCUMENTS)`,
      );
    } else if (extracted.children.length) {
      const { projectUuid } = await this.context.resolve(documentUuid);
      staged = await this.children.stage(
        { documentUuid, projectUuid, familyDepth: depth, familyRoot, source: format === 'zip' ? 'archive' : 'attachment' },
        extracted.children,
        { maxChildBytes: limits.maxChildBytes },
      );
    }
    if (!extracted.children.length && !extracted.pages.some((p) => p.text.trim())) {
      throw new PermanentError(emptyReason(format, row.original_file_name), 'empty');
    }
    const engine = READER_ENGINE[format] ?? format;
    const result: ExtractionResult = {
      provider: 'local',
      pages: extracted.pages.map((p, i): StoredPage => ({ pageNumber: i + 1, text: p.text, confidence: 100, engine, part: p.part ?? null })),
      warnings,
      details: { method: `format:${format}`, format, children: extracted.children.length },
    };
    return this.finish(
      row,
      mime,
      result,
      { readMs: timing.readMs, extractMs: Date.now() - t1, startedAt: timing.startedAt },
      {
        format,
        metadata: extracted.metadata,
        staged,
      },
    );
  }

  /** The reader limits: DEFAULT_FORMAT_LIMITS, FORMAT_MAX_DEPTH / FORMAT_MAX_CHILDREN, a child no larger than a file. */
  private formatLimits(): FormatLimits {
    return {
      ...DEFAULT_FORMAT_LIMITS,
      maxDepth: this.config.formatMaxDepth,
      maxChildren: this.config.formatMaxChildren,
      maxChildBytes: Math.min(DEFAULT_FORMAT_LIMITS.maxChildBytes, this.config.ocrMaxFileBytes),
    };
  }

  /**
   * The password sealed for this document at upload or retry (document_secrets), opened with DOCUMENT_PASSWORD_KEY;
   * null when there is none. One that does not open is deleted and fails the document: the retry brings it again.
   * The password itself is never logged and never part of an error.
   */
  private async openPassword(documentUuid: string): Promise<string | null> {
    const rows: Array<{ ciphertext: Buffer }> = await this.db.query('SELECT ciphertext FROM document_secrets WHERE document_uuid = $1', [
      documentUuid,
    ]);
    if (!rows.length) return null;
    const key = this.config.documentPasswordKey;
    const password = key ? openSecret(key, documentUuid, rows[0].ciphertext) : null;
    if (password === null) {
      await this.deleteSecret(documentUuid);
      throw new PermanentError(
        key
          ? 'the password could not be read (DOCUMENT_PASSWORD_KEY changed?): retry with the password'
          : 'the password could not be read (DOCUMENT_PASSWORD_KEY is not set on the OCR worker): retry with the password once it is',
        'wrong-password',
      );
    }
    return password;
  }

  /** Deletes the document's sealed password, if any (the stage failed for good: it is not kept). */
  async forgetPassword(documentUuid: string): Promise<void> {
    await this.deleteSecret(documentUuid);
  }

  private async deleteSecret(documentUuid: string): Promise<void> {
    await this.db.query('DELETE FROM document_secrets WHERE document_uuid = $1', [documentUuid]);
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
    return this.finish(row, type, result, { readMs: 0, extractMs: Date.now() - t0, startedAt: t0 }, { format: formatOfMime(type) });
  }

  private async loadRow(documentUuid: string): Promise<DocumentRow> {
    const rows: DocumentRow[] = await this.db.query(
      `SELECT document_uuid, project_uuid, original_file_name, s3_bucket, s3_key, sha256, file_type, ocr_status, document_metadata
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

  /**
   * Persist (pages with their part and Bates number, the document's metadata, its children), resolve the project,
   * enqueue the children's and the graph job, complete the stage.
   */
  private async finish(
    row: DocumentRow,
    type: string,
    result: ExtractionResult,
    timing: { readMs: number; extractMs: number; startedAt: number },
    extras: FinishExtras,
  ): Promise<OcrOutcome> {
    const documentUuid = row.document_uuid;
    const t0 = Date.now();
    const pages: StoredPage[] = result.pages;
    const text = joinPages(pages.map((p) => p.text));
    const confidences = pages.map((p) => p.confidence).filter((c): c is number => typeof c === 'number');
    const meanConfidence = confidences.length ? confidences.reduce((a, b) => a + b, 0) / confidences.length : null;
    const warnings = [...result.warnings];
    if (!text.trim()) warnings.push('no text found in the document');
    const bates = pageBatesOf(row, pages);
    // What the format says, merged over what the row has; the family depth and root and the production fields are the row's.
    const { familyDepth: _depth, familyRoot: _root, production: _production, ...read } = extras.metadata ?? {};
    const metadataPatch: DocumentMetadata = { ...read, format: extras.format };
    const staged = extras.staged ?? null;
    let ctx: ProjectContext;
    let family: { project: IntakeProject; inserted: InsertedDocuments } | null;
    try {
      // Resolve BEFORE writing: the project context must be known (from PostgreSQL when the cache is empty).
      ctx = await this.context.resolve(documentUuid);
      family = await this.db.transaction(async (m) => {
        // Serialises concurrent runs of the same document (a stalled job re-run while the first still writes).
        const locked: unknown[] = await m.query('SELECT 1 FROM source_documents WHERE document_uuid = $1 FOR UPDATE', [documentUuid]);
        // Deleted while its text was being read (DELETE /v1/documents): nothing is written, the job is dropped.
        if (!locked.length) throw new DocumentMissingError(documentUuid);
        await m.query('DELETE FROM document_pages WHERE document_uuid = $1', [documentUuid]);
        for (let i = 0; i < pages.length; i += 1000) {
          const slice = pages.slice(i, i + 1000);
          const params: unknown[] = [];
          const values = slice.map((p, j) => {
            const b = bates[i + j];
            params.push(
              documentUuid,
              p.pageNumber,
              p.text,
              p.confidence,
              p.engine,
              p.part ?? null,
              b?.bates ?? null,
              b?.prefix ?? null,
              b?.seq ?? null,
            );
            const o = j * 9;
            return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8}, $${o + 9})`;
          });
          await m.query(
            `INSERT INTO document_pages (document_uuid, page_number, text, confidence, engine, part, bates, bates_prefix, bates_seq) VALUES ${values.join(', ')}`,
            params,
          );
        }
        // Children: in this transaction, under the parent's lock: a parent deleted meanwhile leaves none behind.
        let created: { project: IntakeProject; inserted: InsertedDocuments } | null = null;
        if (staged?.docs.length) {
          const project = await findIntakeProject(m, ctx.projectUuid, true);
          if (!project) throw new DocumentMissingError(documentUuid);
          created = { project, inserted: await this.children.insert(m, project, staged) };
        }
        const familyReport = created && staged ? childrenReport(staged, created.inserted) : undefined;
        const metadata = {
          provider: result.provider,
          engine: this.config.ocrEngine,
          projectUuid: ctx.projectUuid,
          pageSeparator: 'joinPages (@casegraph/contracts)',
          ...result.details,
          ...(familyReport ? { family: familyReport } : {}),
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
                  ocr_provider = $5, detected_file_type = $6, ocr_metadata = $7::jsonb,
                  document_metadata = COALESCE(document_metadata, '{}'::jsonb) || $8::jsonb, updated_at = now()
            WHERE document_uuid = $1`,
          [documentUuid, text, pages.length, meanConfidence, result.provider, type, JSON.stringify(metadata), JSON.stringify(metadataPatch)],
        );
        // The password (if any) has done its work: it is not kept.
        await m.query('DELETE FROM document_secrets WHERE document_uuid = $1', [documentUuid]);
        return created;
      });
    } catch (err) {
      // Not committed: no child row exists, and none of the children's stored copies is kept.
      if (staged) await this.children.discard(staged);
      throw err;
    }
    let children: CreatedChildren | null = null;
    if (family && staged) children = await this.children.afterCommit(family.project, staged, family.inserted, this.ocrQueue);
    // filename/projectUuid: display only (Bull Board), handed on from the document; the graph worker reads neither.
    const data = { documentUuid, ...jobDisplayFields({ filename: row.original_file_name, projectUuid: ctx.projectUuid }) };
    await addReplacingFinished(this.graphQueue, JOBS.GRAPH_DOCUMENT, data, { jobId: documentJobId(documentUuid) });
    await (extras.progress ?? this.progress.reporter(documentUuid)).finish(pages.length, pages.length);
    await this.state.completeStage(documentUuid, 'ocr');
    for (const p of pages) {
      ocrMetrics.pages.inc({ engine: p.engine });
      if (typeof p.ms === 'number') ocrMetrics.pageSeconds.observe({ engine: p.engine }, p.ms / 1000);
    }
    const childNote = children ? `, ${children.created.length} new child document(s), ${children.duplicates.length} duplicate(s)` : '';
    this.logger.log(
      `ocr completed for ${documentUuid}: ${pages.length} page(s) via ${result.provider}${childNote} in ${Date.now() - timing.startedAt} ms`,
    );
    return { status: 'completed', projectUuid: ctx.projectUuid, pages: pages.length, ...(children ? { children: children.created.length } : {}) };
  }
}

/** The family depth recorded on the row: 0 for a submitted document. */
/** The submitted document the row's family started from: its metadata's familyRoot, else itself. */
function familyRootOf(row: DocumentRow): string {
  const r = row.document_metadata?.familyRoot;
  return typeof r === 'string' && r ? r : row.document_uuid;
}

function familyDepthOf(row: DocumentRow): number {
  const d = row.document_metadata?.familyDepth;
  return typeof d === 'number' && Number.isInteger(d) && d >= 0 ? d : 0;
}

/** The PermanentError's machine reason, bare or wrapped. */
function reasonOf(err: unknown): string | undefined {
  const e = (err as { cause?: unknown; reason?: unknown }) ?? {};
  if (typeof e.reason === 'string') return e.reason;
  const c = e.cause as { reason?: unknown } | undefined;
  return typeof c?.reason === 'string' ? c.reason : undefined;
}

function formatOfMime(mime: string): FormatId {
  return SUPPORTED_FORMATS.find((f) => f.mime === mime)?.id ?? 'pdf';
}

/** The readable reason of a document that holds nothing to read. */
function emptyReason(format: FormatId, filename: string): string {
  const label =
    SUPPORTED_FORMATS.find((f) => f.id === format)
      ?.label.split(/[,(]/)[0]
      .trim() ?? format;
  const name = JSON.stringify(filename.split(/[\\/]/).pop() || 'the file');
  if (format === 'zip') return `${name} is a ZIP archive with no files in it`;
  if (format === 'eml' || format === 'msg') return `${name} is an e-mail with no headers, text or attachments`;
  return `${name} is ${/^([aeiou]|html)/i.test(label) ? 'an' : 'a'} ${label} with no text in it`;
}

/**
 * Each page's Bates number: the production's load file (document_metadata.production.pageBates[i]) when the row has
 * one, else the stamp printed on the page (findBates). Null where there is none.
 */
function pageBatesOf(row: DocumentRow, pages: StoredPage[]): Array<PageBates | null> {
  const fromLoadFile = row.document_metadata?.production?.pageBates;
  const fits = (b: PageBates | null): PageBates | null => (b && b.bates.length <= 64 && (b.prefix ?? '').length <= 48 ? b : null);
  return pages.map((p, i) => {
    const given = Array.isArray(fromLoadFile) && typeof fromLoadFile[i] === 'string' ? fromLoadFile[i].trim() : '';
    if (given) {
      const parsed: BatesNumber | null = parseBates(given);
      // A number the parser does not know: kept as written (prefix and sequence unknown) when it fits the column.
      return fits(parsed ? { bates: parsed.bates, prefix: parsed.prefix, seq: parsed.seq } : { bates: given, prefix: null, seq: null });
    }
    const found = findBates(p.text);
    return fits(found ? { bates: found.bates, prefix: found.prefix, seq: found.seq } : null);
  });
}

/** A page's Bates columns (document_pages.bates, bates_prefix, bates_seq). */
interface PageBates {
  bates: string;
  prefix: string | null;
  seq: number | null;
}

/** ocr_metadata.family: what became of each child. */
function childrenReport(staged: StagedChildren, inserted: InsertedDocuments) {
  return {
    children: staged.docs.length,
    created: staged.docs.filter((d) => inserted.inserted.has(d.documentUuid)).length,
    duplicates: staged.docs.filter((d) => !inserted.inserted.has(d.documentUuid)).length,
  };
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

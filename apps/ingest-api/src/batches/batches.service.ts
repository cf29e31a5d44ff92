import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DocumentStatus, Stage } from '@casegraph/contracts';
import { APP_CONFIG } from '@casegraph/platform';
import { safeFilename } from '@casegraph/storage';
import { apiError, notFound } from '../common/api-error';
import type { IngestApiConfig } from '../config';
import { addCount, emptyCounts } from '../common/counts';
import { DocumentIntakeService, NewDocument } from '../intake/document-intake.service';
import { BatchAcceptedDto, BatchStatusDto, CreateBatchDto } from './batch.dto';

const MIB = 1024 * 1024;

/** Batch manifests: documents whose bytes are already in storage, created with one INSERT, one pipeline, one addBulk. */
@Injectable()
export class BatchesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly intake: DocumentIntakeService,
    @Inject(APP_CONFIG) private readonly config: IngestApiConfig,
  ) {}

  async create(dto: CreateBatchDto): Promise<BatchAcceptedDto> {
    const max = this.config.maxBatchDocuments;
    if (dto.documents.length > max) {
      throw apiError(HttpStatus.PAYLOAD_TOO_LARGE, `documents: ${dto.documents.length} documents, at most ${max} per batch (MAX_BATCH_DOCUMENTS)`, [
        { field: 'documents', messages: [`at most ${max} documents per batch`] },
      ]);
    }
    const tooBig = dto.documents.findIndex((d) => d.fileSizeMb != null && d.fileSizeMb > this.config.maxFileMb);
    if (tooBig >= 0) {
      const field = `documents[${tooBig}].fileSizeMb`;
      throw apiError(HttpStatus.PAYLOAD_TOO_LARGE, `${field}: larger than MAX_FILE_MB (${this.config.maxFileMb} MiB)`, [
        { field, messages: [`larger than MAX_FILE_MB (${this.config.maxFileMb} MiB)`] },
      ]);
    }
    const batchId = randomUUID();
    const docs: NewDocument[] = dto.documents.map((d) => ({
      documentUuid: randomUUID(),
      filename: safeFilename(d.filename),
      s3Bucket: d.s3Bucket,
      s3Key: d.s3Key,
      fileSizeBytes: d.fileSizeMb == null ? null : Math.round(d.fileSizeMb * MIB),
      fileType: d.mimeType ?? null,
      detectedFileType: null,
      sha256: null,
      occurrence: { source: 'batch', path: d.filename ?? null },
    }));
    const result = await this.intake.create(dto.projectUuid.toLowerCase(), docs, { batchId, source: 'batch' });
    return {
      batchId,
      projectUuid: result.project.projectUuid,
      documents: result.items.map((i) => ({ documentUuid: i.documentUuid, filename: i.filename })),
      enqueued: result.enqueued,
    };
  }

  async status(batchId: string): Promise<BatchStatusDto> {
    const rows: Array<{
      document_uuid: string;
      project_uuid: string | null;
      original_file_name: string;
      status: DocumentStatus;
      current_stage: Stage | null;
      failed_stage: Stage | null;
      error_message: string | null;
    }> = await this.db.query(
      `SELECT document_uuid, project_uuid, original_file_name, status, current_stage, failed_stage, error_message
         FROM source_documents WHERE batch_id = $1 ORDER BY id`,
      [batchId],
    );
    if (!rows.length) throw notFound('Batch', batchId);
    const counts = emptyCounts();
    for (const r of rows) addCount(counts, r.status, 1);
    return {
      batchId,
      projectUuid: rows[0].project_uuid ?? '',
      counts,
      documents: rows.map((r) => ({
        documentUuid: r.document_uuid,
        filename: r.original_file_name,
        status: r.status,
        currentStage: r.current_stage,
        failedStage: r.failed_stage,
        error: r.error_message,
      })),
    };
  }
}

import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { DocumentStatus, Stage } from '@casegraph/contracts';
import { Project } from './project.entity';
import { numberTransformer } from './transformers';

/**
 * One submitted document. Both `project_fk_id` and `project_uuid` are written by
 * our code; `project_uuid` may be NULL only in an adopted legacy database until
 * it is healed (see `npm run context -- backfill`).
 */
@Entity({ name: 'source_documents' })
@Index('uq_source_documents_document_uuid', ['documentUuid'], { unique: true })
@Index('idx_source_documents_project_status', ['projectFkId', 'status'])
@Index('idx_source_documents_project_uuid', ['projectUuid'])
@Index('idx_source_documents_status', ['status', 'updatedAt'])
@Index('idx_source_documents_batch', ['batchId'], { where: 'batch_id IS NOT NULL' })
// One processed copy of a file per project: duplicates are found by content hash (ON CONFLICT uses it).
@Index('idx_source_documents_parent', ['parentDocumentUuid', 'attachmentIndex'], { where: 'parent_document_uuid IS NOT NULL' })
// E-mail threads: expression indexes on document_metadata's Message-ID, In-Reply-To and References, declared by name
// (migration 1765100000000).
@Index('idx_source_documents_message_id', { synchronize: false })
@Index('idx_source_documents_in_reply_to', { synchronize: false })
@Index('idx_source_documents_references', { synchronize: false })
@Index('idx_source_documents_family_root', { synchronize: false })
@Index('uq_source_documents_project_sha256', ['projectFkId', 'sha256'], { unique: true, where: 'sha256 IS NOT NULL' })
export class SourceDocument {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'document_uuid', type: 'uuid' })
  documentUuid: string;

  @Column({ name: 'project_fk_id', type: 'int' })
  projectFkId: number;

  @ManyToOne(() => Project, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'project_fk_id', foreignKeyConstraintName: 'source_documents_project_fk_id_fkey' })
  project?: Project;

  @Column({ name: 'project_uuid', type: 'uuid', nullable: true })
  projectUuid: string | null;

  @Column({ name: 'batch_id', type: 'uuid', nullable: true })
  batchId: string | null;

  @Column({ name: 'original_file_name', type: 'text', default: '' })
  originalFileName: string;

  @Column({ name: 'file_name', type: 'text', nullable: true })
  fileName: string | null;

  @Column({ name: 's3_bucket', type: 'text', nullable: true })
  s3Bucket: string | null;

  @Column({ name: 's3_key', type: 'text', nullable: true })
  s3Key: string | null;

  @Column({ name: 'file_size_bytes', type: 'bigint', nullable: true })
  fileSizeBytes: string | null;

  @Column({ name: 'file_type', type: 'varchar', length: 255, nullable: true })
  fileType: string | null;

  @Column({ name: 'detected_file_type', type: 'varchar', length: 255, nullable: true })
  detectedFileType: string | null;

  @Column({ name: 'sha256', type: 'char', length: 64, nullable: true })
  sha256: string | null;

  @Column({ name: 'status', type: 'varchar', length: 20, default: 'pending' })
  status: DocumentStatus;

  @Column({ name: 'current_stage', type: 'varchar', length: 20, nullable: true })
  currentStage: Stage | null;

  @Column({ name: 'failed_stage', type: 'varchar', length: 20, nullable: true })
  failedStage: Stage | null;

  @Column({ name: 'stage_attempts', type: 'int', default: 0 })
  stageAttempts: number;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ name: 'ocr_status', type: 'varchar', length: 20, default: 'pending' })
  ocrStatus: DocumentStatus;
  @Column({ name: 'ocr_started_at', type: 'timestamptz', nullable: true })
  ocrStartedAt: Date | null;
  @Column({ name: 'ocr_completed_at', type: 'timestamptz', nullable: true })
  ocrCompletedAt: Date | null;

  @Column({ name: 'chunking_status', type: 'varchar', length: 20, default: 'pending' })
  chunkingStatus: DocumentStatus;
  @Column({ name: 'chunking_started_at', type: 'timestamptz', nullable: true })
  chunkingStartedAt: Date | null;
  @Column({ name: 'chunking_completed_at', type: 'timestamptz', nullable: true })
  chunkingCompletedAt: Date | null;

  @Column({ name: 'entities_status', type: 'varchar', length: 20, default: 'pending' })
  entitiesStatus: DocumentStatus;
  @Column({ name: 'entities_started_at', type: 'timestamptz', nullable: true })
  entitiesStartedAt: Date | null;
  @Column({ name: 'entities_completed_at', type: 'timestamptz', nullable: true })
  entitiesCompletedAt: Date | null;

  @Column({ name: 'resolution_status', type: 'varchar', length: 20, default: 'pending' })
  resolutionStatus: DocumentStatus;
  @Column({ name: 'resolution_started_at', type: 'timestamptz', nullable: true })
  resolutionStartedAt: Date | null;
  @Column({ name: 'resolution_completed_at', type: 'timestamptz', nullable: true })
  resolutionCompletedAt: Date | null;

  @Column({ name: 'relationships_status', type: 'varchar', length: 20, default: 'pending' })
  relationshipsStatus: DocumentStatus;
  @Column({ name: 'relationships_started_at', type: 'timestamptz', nullable: true })
  relationshipsStartedAt: Date | null;
  @Column({ name: 'relationships_completed_at', type: 'timestamptz', nullable: true })
  relationshipsCompletedAt: Date | null;

  @Column({ name: 'processing_completed_at', type: 'timestamptz', nullable: true })
  processingCompletedAt: Date | null;

  @Column({ name: 'raw_extracted_text', type: 'text', nullable: true })
  rawExtractedText: string | null;

  @Column({ name: 'ocr_provider', type: 'varchar', length: 50, nullable: true })
  ocrProvider: string | null;

  /** `real` here; `numeric` in an adopted database (pg returns a string): the transformer reads both as a number. */
  @Column({ name: 'ocr_confidence_score', type: 'real', nullable: true, transformer: numberTransformer })
  ocrConfidenceScore: number | null;

  @Column({ name: 'page_count', type: 'int', nullable: true })
  pageCount: number | null;

  /** Timings, warnings and engine details of the last OCR run. */
  @Column({ name: 'ocr_metadata', type: 'jsonb', nullable: true })
  ocrMetadata: Record<string, unknown> | null;

  /** The document this one came out of (an e-mail's attachment, an archive's entry); null for a document submitted itself. */
  @Column({ name: 'parent_document_uuid', type: 'uuid', nullable: true })
  parentDocumentUuid: string | null;

  /** 0-based position among the parent's children (attachment order, archive entry order). */
  @Column({ name: 'attachment_index', type: 'int', nullable: true })
  attachmentIndex: number | null;

  /** The child's path inside its parent: the attachment's file name, the archive entry's folder path. */
  @Column({ name: 'family_path', type: 'text', nullable: true })
  familyPath: string | null;

  /** What the format says about the document (DocumentMetadata in @casegraph/contracts): e-mail headers, load-file fields… */
  @Column({ name: 'document_metadata', type: 'jsonb', nullable: true })
  documentMetadata: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

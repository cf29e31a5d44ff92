import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { OccurrenceSource } from '@casegraph/contracts';
import { SourceDocument } from './source-document.entity';

/**
 * One place a document's bytes came from: an upload, a batch manifest, an e-mail's attachment, an archive's entry,
 * a production's record. Exact duplicates within a project (same SHA-256) are one document with one occurrence per
 * origin, so every custodian and path is kept. The unique origin index (an expression index, declared by name) makes
 * a repeated intake of the same origin a no-op.
 */
@Entity({ name: 'document_occurrences' })
@Index('uq_document_occurrences_origin', { synchronize: false })
@Index('idx_document_occurrences_parent', ['parentDocumentUuid'], { where: 'parent_document_uuid IS NOT NULL' })
@Index('idx_document_occurrences_project_custodian', ['projectFkId', 'custodian'], { where: 'custodian IS NOT NULL' })
export class DocumentOccurrence {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'document_uuid', type: 'uuid' })
  documentUuid: string;

  @ManyToOne(() => SourceDocument, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'document_uuid', referencedColumnName: 'documentUuid', foreignKeyConstraintName: 'fk_document_occurrences_document' })
  document?: SourceDocument;

  @Column({ name: 'project_fk_id', type: 'int' })
  projectFkId: number;

  @Column({ name: 'source', type: 'varchar', length: 20 })
  source: OccurrenceSource;

  @Column({ name: 'custodian', type: 'text', nullable: true })
  custodian: string | null;

  /** The file's path where it came from: the uploaded name, the folder path inside an archive, the load file's path. */
  @Column({ name: 'path', type: 'text', nullable: true })
  path: string | null;

  @Column({ name: 'parent_document_uuid', type: 'uuid', nullable: true })
  parentDocumentUuid: string | null;

  @Column({ name: 'attachment_index', type: 'int', nullable: true })
  attachmentIndex: number | null;

  @Column({ name: 'production_uuid', type: 'uuid', nullable: true })
  productionUuid: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** An encrypted PDF's password, itself encrypted (AES-256-GCM, DOCUMENT_PASSWORD_KEY); deleted once the OCR stage used it. */
@Entity({ name: 'document_secrets' })
export class DocumentSecret {
  @Column({ name: 'document_uuid', type: 'uuid', primary: true })
  documentUuid: string;

  @ManyToOne(() => SourceDocument, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'document_uuid', referencedColumnName: 'documentUuid', foreignKeyConstraintName: 'fk_document_secrets_document' })
  document?: SourceDocument;

  @Column({ name: 'ciphertext', type: 'bytea' })
  ciphertext: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

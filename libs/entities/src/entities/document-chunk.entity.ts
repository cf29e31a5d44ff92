import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A chunk of a document's text with its offsets into the full text. */
@Entity({ name: 'document_chunks' })
@Index('uq_document_chunks_chunk_uuid', ['chunkUuid'], { unique: true })
@Index('uq_document_chunks_document_index', ['documentUuid', 'chunkIndex'], { unique: true })
@Index('idx_document_chunks_project', ['projectUuid'])
export class DocumentChunk {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'chunk_uuid', type: 'uuid' })
  chunkUuid: string;

  @Column({ name: 'document_uuid', type: 'uuid' })
  documentUuid: string;

  @Column({ name: 'project_uuid', type: 'uuid' })
  projectUuid: string;

  @Column({ name: 'chunk_index', type: 'int' })
  chunkIndex: number;

  @Column({ name: 'text', type: 'text' })
  text: string;

  /** NULL in a legacy row whose offsets are unknown (its start_char_index/end_char_index, if any, are copied by backfill). */
  @Column({ name: 'char_start_index', type: 'int', nullable: true })
  charStartIndex: number | null;

  @Column({ name: 'char_end_index', type: 'int', nullable: true })
  charEndIndex: number | null;

  @Column({ name: 'page_numbers', type: 'int', array: true, default: () => "'{}'" })
  pageNumbers: number[];

  @Column({ name: 'metadata', type: 'jsonb', nullable: true })
  metadata: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

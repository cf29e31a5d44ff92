import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One occurrence of an entity in a document, at document-absolute offsets. */
@Entity({ name: 'entity_mentions' })
@Index('uq_entity_mentions_mention_uuid', ['mentionUuid'], { unique: true })
@Index('uq_entity_mentions_span', ['documentUuid', 'entityType', 'startChar', 'endChar'], { unique: true })
@Index('idx_entity_mentions_canonical', ['canonicalEntityUuid'])
@Index('idx_entity_mentions_project', ['projectUuid'])
@Index('idx_entity_mentions_project_type_key', ['projectUuid', 'entityType', 'normalizedKey'])
export class EntityMention {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'mention_uuid', type: 'uuid' })
  mentionUuid: string;

  @Column({ name: 'document_uuid', type: 'uuid' })
  documentUuid: string;

  @Column({ name: 'chunk_uuid', type: 'uuid', nullable: true })
  chunkUuid: string | null;

  @Column({ name: 'project_uuid', type: 'uuid' })
  projectUuid: string;

  @Column({ name: 'entity_text', type: 'text' })
  entityText: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 32 })
  entityType: string;

  @Column({ name: 'start_char', type: 'int' })
  startChar: number;

  @Column({ name: 'end_char', type: 'int' })
  endChar: number;

  @Column({ name: 'confidence_score', type: 'real' })
  confidenceScore: number;

  /** Which extractor found it, e.g. `nlp:compromise` or `pattern:case_number`. */
  @Column({ name: 'method', type: 'varchar', length: 64 })
  method: string;

  @Column({ name: 'normalized_key', type: 'text', nullable: true })
  normalizedKey: string | null;

  @Column({ name: 'canonical_entity_uuid', type: 'uuid', nullable: true })
  canonicalEntityUuid: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

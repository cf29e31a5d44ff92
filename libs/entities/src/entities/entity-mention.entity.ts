import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One occurrence of an entity in a document, at document-absolute offsets (offset_basis 'document').
 * Offsets are NULL (offset_basis 'unknown') for an old row whose chunk start was unknown; offset_basis is
 * NULL for an old row that backfill has not healed yet.
 */
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

  @Column({ name: 'start_char', type: 'int', nullable: true })
  startChar: number | null;

  @Column({ name: 'end_char', type: 'int', nullable: true })
  endChar: number | null;

  /** 'document' (absolute offsets) or 'unknown' (offsets NULL); NULL = a legacy row not healed yet. */
  @Column({ name: 'offset_basis', type: 'varchar', length: 10, nullable: true, default: 'document' })
  offsetBasis: 'document' | 'unknown' | null;

  @Column({ name: 'confidence_score', type: 'real' })
  confidenceScore: number;

  /** Which extractor found it, e.g. `nlp:compromise` or `pattern:case_number`. */
  @Column({ name: 'method', type: 'varchar', length: 64 })
  method: string;

  @Column({ name: 'normalized_key', type: 'text', nullable: true })
  normalizedKey: string | null;

  @Column({ name: 'canonical_entity_uuid', type: 'uuid', nullable: true })
  canonicalEntityUuid: string | null;

  /** What the text says the entity is here: judge, party, counsel, law_firm (NULL: nothing stated). */
  @Column({ name: 'role', type: 'varchar', length: 32, nullable: true })
  role: string | null;

  /** The name to show when it differs from the text ("Douglas Alan Bahr" for "Bahr, Douglas Alan"). */
  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName: string | null;

  /** Further facts the text states: party side, reporter, pin cite, court, year, statute section… */
  @Column({ name: 'attributes', type: 'jsonb', nullable: true })
  attributes: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

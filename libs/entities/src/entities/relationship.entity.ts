import { Column, CreateDateColumn, Entity, Generated, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { EdgeEvidence } from '@casegraph/contracts';

/**
 * A project-scoped edge. For MENTIONED_IN the target is a document UUID; for
 * CO_OCCURS both ends are canonical entities (source < target).
 * The row is the sum of the per-document contributions in relationship_contributions.
 */
@Entity({ name: 'relationship_staging' })
@Index('uq_relationship_staging_uuid', ['relationshipUuid'], { unique: true })
@Index('uq_relationship_staging_edge', ['projectUuid', 'sourceEntityUuid', 'targetEntityUuid', 'relationshipType'], { unique: true })
@Index('idx_relationship_staging_target', ['projectUuid', 'targetEntityUuid'])
export class RelationshipStaging {
  @PrimaryGeneratedColumn()
  id: number;

  // DEFAULT gen_random_uuid() in the database (uuidExtension: 'pgcrypto' in dataSourceOptions).
  @Column({ name: 'relationship_uuid', type: 'uuid' })
  @Generated('uuid')
  relationshipUuid: string;

  @Column({ name: 'project_uuid', type: 'uuid' })
  projectUuid: string;

  @Column({ name: 'source_entity_uuid', type: 'uuid' })
  sourceEntityUuid: string;

  @Column({ name: 'target_entity_uuid', type: 'uuid' })
  targetEntityUuid: string;

  @Column({ name: 'relationship_type', type: 'varchar', length: 32 })
  relationshipType: string;

  @Column({ name: 'confidence_score', type: 'real', default: 1 })
  confidenceScore: number;

  @Column({ name: 'weight', type: 'real', default: 0 })
  weight: number;

  @Column({ name: 'properties', type: 'jsonb', default: () => "'{}'" })
  properties: Record<string, unknown>;

  /** EdgeEvidence[] (at most MAX_EVIDENCE_PER_EDGE) merged from the contributions; NULL on rows written before it. */
  @Column({ name: 'evidence', type: 'jsonb', nullable: true })
  evidence: EdgeEvidence[] | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** One document's contribution to an edge; re-processing a document replaces its rows exactly. */
@Entity({ name: 'relationship_contributions' })
@Index('uq_relationship_contributions', ['documentUuid', 'sourceEntityUuid', 'targetEntityUuid', 'relationshipType'], { unique: true })
@Index('idx_relationship_contributions_edge', ['projectUuid', 'sourceEntityUuid', 'targetEntityUuid', 'relationshipType'])
export class RelationshipContribution {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'project_uuid', type: 'uuid' })
  projectUuid: string;

  @Column({ name: 'document_uuid', type: 'uuid' })
  documentUuid: string;

  @Column({ name: 'source_entity_uuid', type: 'uuid' })
  sourceEntityUuid: string;

  @Column({ name: 'target_entity_uuid', type: 'uuid' })
  targetEntityUuid: string;

  @Column({ name: 'relationship_type', type: 'varchar', length: 32 })
  relationshipType: string;

  @Column({ name: 'weight', type: 'real' })
  weight: number;

  @Column({ name: 'evidence_chunk_uuids', type: 'uuid', array: true, default: () => "'{}'" })
  evidenceChunkUuids: string[];

  /** What this document says about the edge: pins, signals, count (CITES), roles (PARTY_TO, JUDGE_OF). */
  @Column({ name: 'properties', type: 'jsonb', nullable: true })
  properties: Record<string, unknown> | null;

  /** Where this document says it (EdgeEvidence[], at most MAX_EVIDENCE_PER_DOCUMENT). */
  @Column({ name: 'evidence', type: 'jsonb', nullable: true })
  evidence: EdgeEvidence[] | null;
}

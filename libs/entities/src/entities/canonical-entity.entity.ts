import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { aliasesTransformer } from './transformers';

/** A resolved entity of one project. The same name in two projects is two rows. */
@Entity({ name: 'canonical_entities' })
@Index('uq_canonical_entities_uuid', ['canonicalEntityUuid'], { unique: true })
@Index('uq_canonical_entities_project_type_key', ['projectUuid', 'entityType', 'normalizedKey'], { unique: true })
// GIN trigram indexes (gin_trgm_ops, btree_gin, fastupdate = off) cannot be expressed by @Index: the migrations own
// them, and synchronize: false tells TypeORM's schema diff they are meant to exist (see test/schema/schema-drift.int-spec.ts).
@Index('idx_canonical_entities_key_trgm', { synchronize: false })
@Index('idx_canonical_entities_project_type_key_trgm', { synchronize: false })
export class CanonicalEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'canonical_entity_uuid', type: 'uuid' })
  canonicalEntityUuid: string;

  @Column({ name: 'project_uuid', type: 'uuid' })
  projectUuid: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 32 })
  entityType: string;

  @Column({ name: 'canonical_name', type: 'text' })
  canonicalName: string;

  @Column({ name: 'normalized_key', type: 'text' })
  normalizedKey: string;

  /** jsonb array of strings (the old system's type). SQL reads it through casegraph_aliases(aliases). */
  @Column({ name: 'aliases', type: 'jsonb', default: () => "'[]'", transformer: aliasesTransformer })
  aliases: string[];

  /** Fields a person fixed through curation ({ canonicalName?: true, entityType?: true, aliases?: true }); resolution keeps them. */
  @Column({ name: 'curated', type: 'jsonb', nullable: true })
  curated: Record<string, boolean> | null;

  @Column({ name: 'mention_count', type: 'int', default: 0 })
  mentionCount: number;

  @Column({ name: 'first_seen_at', type: 'timestamptz', default: () => 'now()' })
  firstSeenAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', default: () => 'now()' })
  lastSeenAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

import { Column, Entity, Generated, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { CurationKind } from '@casegraph/contracts';

/**
 * One curation action of a person (merge, split, update, reject): who (the API key's name), when, the request,
 * and the state before and after, enough to undo it. Undone actions stay in the log with undone_at/undone_by.
 */
@Entity({ name: 'curation_actions' })
@Index('uq_curation_actions_uuid', ['actionUuid'], { unique: true })
@Index('idx_curation_actions_project', ['projectUuid', 'id'])
export class CurationAction {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'action_uuid', type: 'uuid' })
  @Generated('uuid')
  actionUuid: string;

  @Column({ name: 'project_uuid', type: 'uuid' })
  projectUuid: string;

  @Column({ name: 'kind', type: 'varchar', length: 16 })
  kind: CurationKind;

  /** The API key's name (CASEGRAPH_API_KEYS), `key:<id>` for an unnamed key, `open` when the API is open. */
  @Column({ name: 'actor', type: 'text' })
  actor: string;

  /** Every entity the action touched (for the log's filter and the undo order check). */
  @Column({ name: 'entity_uuids', type: 'uuid', array: true, default: () => "'{}'" })
  entityUuids: string[];

  @Column({ name: 'request', type: 'jsonb', default: () => "'{}'" })
  request: Record<string, unknown>;

  @Column({ name: 'before', type: 'jsonb', default: () => "'{}'" })
  before: Record<string, unknown>;

  @Column({ name: 'after', type: 'jsonb', default: () => "'{}'" })
  after: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'undone_at', type: 'timestamptz', nullable: true })
  undoneAt: Date | null;

  @Column({ name: 'undone_by', type: 'text', nullable: true })
  undoneBy: string | null;
}

/**
 * A decision the pipeline obeys on every later run (resolution reads these before it matches keys):
 * - scope 'key': every mention of (entity_type, normalized_key) in the project;
 * - scope 'mention': one mention, by (document_uuid, entity_type, start_char, end_char) (stable across re-extraction);
 * decision 'assign' links it to canonical_entity_uuid, 'reject' leaves it unlinked ("not an entity").
 * A mention rule wins over a key rule.
 */
@Entity({ name: 'curation_rules' })
@Index('uq_curation_rules_key', ['projectUuid', 'entityType', 'normalizedKey'], { unique: true, where: `scope = 'key'` })
@Index('uq_curation_rules_mention', ['documentUuid', 'entityType', 'startChar', 'endChar'], { unique: true, where: `scope = 'mention'` })
@Index('idx_curation_rules_entity', ['canonicalEntityUuid'])
@Index('idx_curation_rules_action', ['actionUuid'])
export class CurationRule {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'project_uuid', type: 'uuid' })
  projectUuid: string;

  @Column({ name: 'action_uuid', type: 'uuid' })
  actionUuid: string;

  @Column({ name: 'scope', type: 'varchar', length: 8 })
  scope: 'key' | 'mention';

  @Column({ name: 'entity_type', type: 'varchar', length: 32 })
  entityType: string;

  @Column({ name: 'normalized_key', type: 'text' })
  normalizedKey: string;

  @Column({ name: 'document_uuid', type: 'uuid', nullable: true })
  documentUuid: string | null;

  @Column({ name: 'start_char', type: 'int', nullable: true })
  startChar: number | null;

  @Column({ name: 'end_char', type: 'int', nullable: true })
  endChar: number | null;

  @Column({ name: 'decision', type: 'varchar', length: 8 })
  decision: 'assign' | 'reject';

  @Column({ name: 'canonical_entity_uuid', type: 'uuid', nullable: true })
  canonicalEntityUuid: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}

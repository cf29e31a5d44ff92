import { MigrationInterface, QueryRunner } from 'typeorm';
import { FK_ADAPTATIONS, adaptForeignKeys, restoreForeignKeys } from './1764600000000-adopt-legacy-database';

/** The old key that ties an edge's source to a canonical entity. */
export const DOCUMENT_SOURCE_FK_ADAPTATION: (typeof FK_ADAPTATIONS)[number] = {
  name: 'relationship_staging_source_entity_uuid_fkey',
  table: 'relationship_staging',
  column: 'source_entity_uuid',
  onDelete: null,
};

/**
 * CITES edges (issue 13) start at a document, as MENTIONED_IN edges end at one: on an adopted old database the old
 * foreign key from relationship_staging.source_entity_uuid to canonical_entities refuses them. Like the target's key
 * (migration 1764600000000), it is dropped, its definition logged in the adoption log, so down() puts it back.
 * A fresh database has no such key: nothing happens. Catalogue-only, safe on a live database; a re-run is a no-op.
 */
export class DocumentSourcedEdges1765000000000 implements MigrationInterface {
  name = 'DocumentSourcedEdges1765000000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '10s'`);
    await adaptForeignKeys(q, [DOCUMENT_SOURCE_FK_ADAPTATION]);
  }

  public async down(q: QueryRunner): Promise<void> {
    await restoreForeignKeys(q, [DOCUMENT_SOURCE_FK_ADAPTATION.name]);
  }
}

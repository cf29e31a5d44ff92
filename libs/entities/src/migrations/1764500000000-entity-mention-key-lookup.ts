import { MigrationInterface, QueryRunner } from 'typeorm';

const INDEX = 'idx_entity_mentions_project_type_key';

/**
 * Entity resolution looks up the entity a normalised key already belongs to through the
 * mentions that carry it (an entity's key is its most informative variant; the other
 * variants are only in its mentions):
 *   WHERE project_uuid = $1 AND entity_type = $2 AND normalized_key = $3
 * Expand only: a new btree index, nothing dropped; workers without the lookup are unaffected.
 *
 * Built CONCURRENTLY (outside a transaction: `transaction = false`, the runner applies
 * migrations one transaction each) so a live database keeps accepting mentions while it builds.
 * A build that was interrupted leaves an INVALID index of that name: it is dropped and built
 * again (heal), and a valid one is left alone (a re-run is a no-op).
 */
export class EntityMentionKeyLookup1764500000000 implements MigrationInterface {
  name = 'EntityMentionKeyLookup1764500000000';
  transaction = false as const;

  public async up(q: QueryRunner): Promise<void> {
    const invalid: Array<{ n: number }> = await q.query(
      `SELECT 1 AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace AND NOT i.indisvalid`,
      [INDEX],
    );
    if (invalid.length) await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${INDEX}`);
    await q.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${INDEX} ON entity_mentions (project_uuid, entity_type, normalized_key)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${INDEX}`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fuzzy entity resolution looks up similar names within one project and type:
 *   WHERE project_uuid = $1 AND entity_type = $2 AND normalized_key % $3
 * With only the initial indexes PostgreSQL answers that by AND-ing the btree range
 * of the project's entities of the type with the global trigram index, so each
 * lookup reads every entity of the type in the project. One GIN index over all three
 * columns (btree_gin supplies the uuid/varchar operator classes) answers it from the
 * posting lists instead. btree_gin is a trusted extension (PostgreSQL 13+).
 *
 * Both trigram indexes get fastupdate = off: the worker searches right after it
 * inserts, and a GIN pending list is scanned linearly by every search (the planner
 * then prefers the btree range scan above); without it inserts update the index directly.
 */
export class GraphEntityTrigramLookup1764400000000 implements MigrationInterface {
  name = 'GraphEntityTrigramLookup1764400000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS btree_gin');
    await q.query(
      `CREATE INDEX IF NOT EXISTS idx_canonical_entities_project_type_key_trgm
         ON canonical_entities USING gin (project_uuid, entity_type, normalized_key gin_trgm_ops) WITH (fastupdate = off)`,
    );
    await q.query('ALTER INDEX idx_canonical_entities_project_type_key_trgm SET (fastupdate = off)');
    await q.query('ALTER INDEX IF EXISTS idx_canonical_entities_key_trgm SET (fastupdate = off)');
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS idx_canonical_entities_project_type_key_trgm');
    await q.query('ALTER INDEX IF EXISTS idx_canonical_entities_key_trgm RESET (fastupdate)');
  }
}

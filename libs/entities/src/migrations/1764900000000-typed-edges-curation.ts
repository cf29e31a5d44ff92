import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Typed relationships with evidence, and human curation (issue 13):
 * - `relationship_contributions.properties` / `.evidence` and `relationship_staging.evidence`: what one
 *   document says about an edge (pins, signals, roles) and where (EdgeEvidence[], bounded);
 * - `canonical_entities.curated`: the fields a person fixed ({"canonicalName": true, ...}); resolution
 *   never overwrites them;
 * - `curation_actions`: the log (who, when, what, before/after), each action undoable;
 * - `curation_rules`: the decisions the pipeline obeys on every later run: a key (type + normalised key)
 *   or one mention (document + type + span) is assigned to an entity, or rejected ("not an entity").
 * Expand only, safe on a live database: nullable columns without defaults and new tables. Old writers
 * leave the columns NULL and never read the tables. A re-run is a no-op.
 */
export class TypedEdgesCuration1764900000000 implements MigrationInterface {
  name = 'TypedEdgesCuration1764900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '10s'`);
    await q.query(
      `ALTER TABLE relationship_contributions
         ADD COLUMN IF NOT EXISTS properties jsonb,
         ADD COLUMN IF NOT EXISTS evidence jsonb`,
    );
    await q.query(`ALTER TABLE relationship_staging ADD COLUMN IF NOT EXISTS evidence jsonb`);
    await q.query(`ALTER TABLE canonical_entities ADD COLUMN IF NOT EXISTS curated jsonb`);
    await q.query(
      `CREATE TABLE IF NOT EXISTS curation_actions (
         id serial PRIMARY KEY,
         action_uuid uuid NOT NULL DEFAULT gen_random_uuid(),
         project_uuid uuid NOT NULL,
         kind varchar(16) NOT NULL,
         actor text NOT NULL,
         entity_uuids uuid[] NOT NULL DEFAULT '{}',
         request jsonb NOT NULL DEFAULT '{}',
         before jsonb NOT NULL DEFAULT '{}',
         after jsonb NOT NULL DEFAULT '{}',
         created_at timestamptz NOT NULL DEFAULT now(),
         undone_at timestamptz,
         undone_by text
       )`,
    );
    await q.query(`CREATE UNIQUE INDEX IF NOT EXISTS uq_curation_actions_uuid ON curation_actions (action_uuid)`);
    await q.query(`CREATE INDEX IF NOT EXISTS idx_curation_actions_project ON curation_actions (project_uuid, id)`);
    await q.query(
      `CREATE TABLE IF NOT EXISTS curation_rules (
         id serial PRIMARY KEY,
         project_uuid uuid NOT NULL,
         action_uuid uuid NOT NULL,
         scope varchar(8) NOT NULL,
         entity_type varchar(32) NOT NULL,
         normalized_key text NOT NULL,
         document_uuid uuid,
         start_char int,
         end_char int,
         decision varchar(8) NOT NULL,
         canonical_entity_uuid uuid,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    await q.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS uq_curation_rules_key ON curation_rules (project_uuid, entity_type, normalized_key)
        WHERE scope = 'key'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS uq_curation_rules_mention ON curation_rules (document_uuid, entity_type, start_char, end_char)
        WHERE scope = 'mention'`,
    );
    await q.query(`CREATE INDEX IF NOT EXISTS idx_curation_rules_entity ON curation_rules (canonical_entity_uuid)`);
    await q.query(`CREATE INDEX IF NOT EXISTS idx_curation_rules_action ON curation_rules (action_uuid)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS curation_rules`);
    await q.query(`DROP TABLE IF EXISTS curation_actions`);
    await q.query(`ALTER TABLE canonical_entities DROP COLUMN IF EXISTS curated`);
    await q.query(`ALTER TABLE relationship_staging DROP COLUMN IF EXISTS evidence`);
    await q.query(`ALTER TABLE relationship_contributions DROP COLUMN IF EXISTS evidence, DROP COLUMN IF EXISTS properties`);
  }
}

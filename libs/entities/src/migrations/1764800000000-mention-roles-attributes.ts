import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the legal grammar knows about a mention beyond its type and key (issue 12):
 * - `role`: what the text says the entity is there (judge, party, counsel, law_firm);
 * - `display_name`: the name a person should see ("Douglas Alan Bahr" for "Bahr, Douglas Alan"), when it
 *   differs from the text; resolution prefers it to the text when it names the entity;
 * - `attributes`: further stated facts (party side, reporter, volume, page, pin cite, court, year, statute
 *   section and subsections).
 * Expand only, safe on a live database: nullable columns without defaults are a catalogue change (no
 * rewrite, no long lock), old writers leave them NULL and old readers never see them. A re-run is a no-op.
 */
export class MentionRolesAttributes1764800000000 implements MigrationInterface {
  name = 'MentionRolesAttributes1764800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '10s'`);
    await q.query(
      `ALTER TABLE entity_mentions
         ADD COLUMN IF NOT EXISTS role varchar(32),
         ADD COLUMN IF NOT EXISTS display_name text,
         ADD COLUMN IF NOT EXISTS attributes jsonb`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE entity_mentions DROP COLUMN IF EXISTS attributes, DROP COLUMN IF EXISTS display_name, DROP COLUMN IF EXISTS role`);
  }
}

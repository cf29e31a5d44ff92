import { MigrationInterface, QueryRunner } from 'typeorm';

/** canonical_entities.aliases as jsonb (the old system's type) and mention offsets that may be unknown. */
export class AliasesJsonbOffsetsUnknown1764700000000 implements MigrationInterface {
  name = 'AliasesJsonbOffsetsUnknown1764700000000';

  public async up(_q: QueryRunner): Promise<void> {
    // filled in by the adoption work
  }

  public async down(_q: QueryRunner): Promise<void> {
    // filled in by the adoption work
  }
}

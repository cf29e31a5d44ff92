import { MigrationInterface, QueryRunner } from 'typeorm';

/** Adopts the old system's database in place (see docs/project-context.md, "Adopting the old database"). */
export class AdoptLegacyDatabase1764600000000 implements MigrationInterface {
  name = 'AdoptLegacyDatabase1764600000000';

  public async up(_q: QueryRunner): Promise<void> {
    // filled in by the adoption work
  }

  public async down(_q: QueryRunner): Promise<void> {
    // filled in by the adoption work
  }
}

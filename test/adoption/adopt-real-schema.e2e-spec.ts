/**
 * Adoption of the old database on its real production schema (../shared/seed/legacy-database-schema-2025-06-12.json,
 * read at run time, never copied): built column for column, seeded the way each old code path wrote its rows, then
 * adopted with the CLI and run by the pipeline (test/adoption/scenario.ts). Skipped with a printed reason when the
 * shared seed is absent (failing instead under CASEGRAPH_REQUIRE_FIXTURES=1).
 */
import { describeWithLegacySeed, requireSharedLegacySchema } from '@casegraph/testing';
import { defineAdoptionSuite } from './scenario';

jest.setTimeout(420_000);

describeWithLegacySeed('adopting the old database in place (real production schema)', () => {
  defineAdoptionSuite('real', requireSharedLegacySchema);
});

/**
 * Adoption of the old database on the project-owned model of its schema (OWN_LEGACY_SCHEMA: same 14 tables, every
 * column adoption reads or heals, every foreign key, trigger and expression index): the default suite. The same
 * scenario runs on the real production schema in adopt-real-schema.e2e-spec.ts when ../shared/seed is present.
 */
import { OWN_LEGACY_SCHEMA } from '@casegraph/testing';
import { defineAdoptionSuite } from './scenario';

jest.setTimeout(420_000);

describe('adopting the old database in place (project-owned schema)', () => {
  defineAdoptionSuite('own', () => OWN_LEGACY_SCHEMA);
});

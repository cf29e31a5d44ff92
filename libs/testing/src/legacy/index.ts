// The old system's database for tests (issue 11): its schema (the shared exporter JSON, gated, and the
// project-owned OWN_LEGACY_SCHEMA), a builder, a catalogue reader for round trips, a seeder of the old code paths'
// rows and cache entries, a bulk generator and the fingerprint that proves adoption loses nothing.
export * from './legacy-schema';
export * from './own-legacy-schema';
export * from './queryable';
export * from './build-legacy-database';
export * from './catalogue';
export * from './seed-legacy';
export * from './fingerprint';

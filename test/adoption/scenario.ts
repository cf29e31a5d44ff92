/**
 * Adopting the old system's database, as an operator does it (issue 11), shared by the two suites:
 * adopt-real-schema (the production schema of ../shared/seed, gated) and adopt-own-schema (OWN_LEGACY_SCHEMA,
 * default suite).
 *
 * 1. A private database is built from the schema and seeded with the old code paths' rows (@casegraph/testing's
 *    legacy helpers); it is kept unmigrated as a template, and each test works on a copy (CREATE DATABASE …
 *    TEMPLATE). The old cache entries go into a private redis-server (a key space of its own). The fingerprint of
 *    every old column is taken before anything runs.
 * 2. The CLI, as child processes of npm, in the documented order: `npm run db:migrate`, `npm run context --
 *    audit`, `backfill`, `enforce` (refused while orphans are left, naming them), `orphans --quarantine`,
 *    `enforce`, `audit --repair`, `audit`. End state: every document carries its original project UUID, nothing of
 *    the old columns is lost (compareAfterAdoption), every cache entry is ok or legacy-ok, the contract holds.
 * 3. The pipeline on the adopted database: old documents re-processed (pending ones by the reconciler, failed ones
 *    through POST /v1/documents/:id/retry, completed ones re-queued), uploads into a new and an old project, and
 *    the graph read API (entities, entity detail, export) of an old project.
 * 4. Concurrency on a fresh copy: two `backfill` processes at once while the workers process old and new
 *    documents; the outcome is the one of the sequential run of step 2.
 */
import { Client } from 'pg';
import Redis from 'ioredis';
import request from 'supertest';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions, migrate } from '@casegraph/entities';
import { StorageService } from '@casegraph/storage';
import {
  Fingerprint,
  LegacyCacheEntry,
  LegacySchema,
  LegacySeed,
  LegacySeedDocument,
  PrivateRedis,
  adminUrl,
  buildLegacyDatabase,
  compareAfterAdoption,
  databaseUrlFor,
  dropDatabase,
  fingerprintLegacy,
  generatedBytes,
  privateDatabaseName,
  seedLegacyCache,
  seedLegacyRows,
} from '@casegraph/testing';
import { IngestedProject, PipelineStack, integrityReport, waitUntilDone } from '../support/pipeline-harness';
import { enforce } from '../../apps/cli/src/context/enforce';
import { QUARANTINE_PROJECT, listOrphans, quarantineOrphans } from '../../apps/cli/src/context/orphans';
import { CliRun, CliTarget, auditCounters, counter, expectExit, npmRun, shown } from './cli';

export { QUARANTINE_PROJECT };

/** A database of the test server, by name. */
export interface Db {
  name: string;
  url: string;
}

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: adminUrl().toString() });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Runs fn on a TypeORM DataSource of the database (what the CLI's library functions take). */
export async function withDataSource<T>(db: Db, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = new DataSource(dataSourceOptions(db.url, ENTITIES, MIGRATIONS, { poolSize: 2, applicationName: 'casegraph-adoption-test' }));
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

/** Runs fn on one pg connection to the database. */
export async function onDb<T>(db: Db, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: db.url, application_name: 'casegraph-adoption-test' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function rows<T = Record<string, unknown>>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return onDb(db, async (c) => (await c.query(sql, params)).rows as T[]);
}

/** The seeded, unmigrated old database every test copies. */
export interface LegacyTemplate extends Db {
  schema: LegacySchema;
  seed: LegacySeed;
  /** Fingerprint of every old column of the template (each copy starts equal to it). */
  before: Fingerprint;
  buildMs: number;
}

export async function buildTemplate(schema: LegacySchema, label: string): Promise<LegacyTemplate> {
  const t0 = Date.now();
  const name = privateDatabaseName(`adopt_${label}`);
  await admin(`CREATE DATABASE "${name}"`);
  const db = { name, url: databaseUrlFor(name) };
  const { seed, before } = await onDb(db, async (c) => {
    await buildLegacyDatabase(c, schema);
    const s = await seedLegacyRows(c, schema);
    return { seed: s, before: await fingerprintLegacy(c, schema) };
  });
  return { ...db, schema, seed, before, buildMs: Date.now() - t0 };
}

/** A copy of the template (nobody may be connected to the template meanwhile: every helper here closes its connection). */
export async function copyOf(template: Db, label: string): Promise<Db> {
  const name = `${template.name}_${label}`.slice(0, 63);
  await admin(`CREATE DATABASE "${name}" TEMPLATE "${template.name}"`);
  return { name, url: databaseUrlFor(name) };
}

export async function dropDb(db: Db | undefined): Promise<void> {
  if (db) await dropDatabase(db.name).catch(() => undefined);
}

/** A private redis-server holding the old cache entries of the seed. */
export async function redisWithLegacyCache(seed: LegacySeed): Promise<{ server: PrivateRedis; entries: LegacyCacheEntry[] }> {
  const server = await PrivateRedis.start();
  const r = new Redis(server.url, { maxRetriesPerRequest: 1 });
  try {
    return { server, entries: await seedLegacyCache(r, seed) };
  } finally {
    r.disconnect();
  }
}

export async function redisGetAll(url: string, keys: string[]): Promise<Map<string, { value: string | null; ttl: number }>> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const out = new Map<string, { value: string | null; ttl: number }>();
    for (const k of keys) out.set(k, { value: await r.get(k), ttl: await r.ttl(k) });
    return out;
  } finally {
    r.disconnect();
  }
}

/** Each old document's project as adoption must leave it: its original project, or the quarantine project for orphans. */
export async function expectedProjects(db: Db, seed: LegacySeed): Promise<Map<string, { uuid: string; id: number }>> {
  const [q] = await rows<{ uuid: string; id: number }>(db, `SELECT project_id::text AS uuid, id FROM projects WHERE name = $1`, [QUARANTINE_PROJECT]);
  const out = new Map<string, { uuid: string; id: number }>();
  for (const d of seed.documents) {
    if (d.originalProjectUuid && d.originalProjectId != null) out.set(d.documentUuid, { uuid: d.originalProjectUuid, id: d.originalProjectId });
    else if (q) out.set(d.documentUuid, q);
  }
  return out;
}

/** Old documents whose project_uuid or project_fk_id is not the expected one (document -> what it has). */
export async function documentsOffProject(db: Db, seed: LegacySeed): Promise<Record<string, string>> {
  const expected = await expectedProjects(db, seed);
  const got = await rows<{ u: string; p: string | null; fk: number | null }>(
    db,
    `SELECT document_uuid::text AS u, project_uuid::text AS p, project_fk_id AS fk FROM source_documents WHERE document_uuid = ANY($1::uuid[])`,
    [seed.documents.map((d) => d.documentUuid)],
  );
  const off: Record<string, string> = {};
  for (const d of seed.documents) {
    const g = got.find((x) => x.u === d.documentUuid);
    const e = expected.get(d.documentUuid);
    if (!g) off[d.documentUuid] = 'row missing';
    else if (!e) off[d.documentUuid] = `${d.case}: no expected project (orphan not quarantined)`;
    else if (g.p !== e.uuid || g.fk !== e.id) off[d.documentUuid] = `${d.case}: has ${g.p}/${g.fk}, expected ${e.uuid}/${e.id}`;
  }
  return off;
}

/** What adoption decided, in terms that do not depend on generated ids: the sequential and concurrent runs compare on it. */
export interface AdoptionOutcome {
  /** document -> project UUID. */
  documents: Record<string, string | null>;
  /** archived old rows: `${table}|${row_id}`. */
  archived: string[];
  /** canonical entities descended from old ones: `${project}|${type}|${normalized_key}|${name}`. */
  entities: string[];
  /** old edges still present: `${id}|${project}`. */
  edges: string[];
}

export async function adoptionOutcome(db: Db, seed: LegacySeed): Promise<AdoptionOutcome> {
  const oldEntities = seed.entities.map((e) => e.uuid);
  const [docs, archived, entities, edges] = await Promise.all([
    rows<{ u: string; p: string | null }>(
      db,
      `SELECT document_uuid::text AS u, project_uuid::text AS p FROM source_documents WHERE document_uuid = ANY($1::uuid[]) ORDER BY 1`,
      [seed.documents.map((d) => d.documentUuid)],
    ),
    rows<{ k: string }>(db, `SELECT DISTINCT table_name || '|' || row_id AS k FROM casegraph_adoption_archive ORDER BY 1`),
    rows<{ k: string }>(
      db,
      `SELECT DISTINCT project_uuid::text || '|' || entity_type || '|' || normalized_key || '|' || canonical_name AS k FROM canonical_entities
        WHERE canonical_entity_uuid = ANY($1::uuid[]) OR metadata->>'split_from' = ANY($2::text[]) ORDER BY 1`,
      [oldEntities, oldEntities],
    ),
    rows<{ k: string }>(
      db,
      `SELECT id || '|' || coalesce(project_uuid::text, '-') AS k FROM relationship_staging WHERE id = ANY($1::int[]) ORDER BY 1`,
      [seed.edges.map((e) => e.id)],
    ),
  ]);
  return {
    documents: Object.fromEntries(docs.map((d) => [d.u, d.p])),
    archived: archived.map((r) => r.k),
    entities: entities.map((r) => r.k),
    edges: edges.map((r) => r.k),
  };
}

/** NOT NULL, unique and foreign-key contract items still missing (by the catalogue). */
export async function contractGaps(db: Db): Promise<string[]> {
  const notNull: Array<[string, string]> = [
    ['projects', 'project_uuid'],
    ['source_documents', 'project_uuid'],
    ['source_documents', 'project_fk_id'],
    ['document_chunks', 'project_uuid'],
    ['document_chunks', 'document_uuid'],
    ['entity_mentions', 'project_uuid'],
    ['entity_mentions', 'document_uuid'],
    ['entity_mentions', 'method'],
    ['canonical_entities', 'project_uuid'],
    ['canonical_entities', 'normalized_key'],
    ['relationship_staging', 'project_uuid'],
  ];
  const nullable = await rows<{ t: string; c: string }>(
    db,
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns
      WHERE table_schema = current_schema() AND is_nullable = 'YES' AND (table_name, column_name) IN (${notNull.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ')})`,
    notNull.flat(),
  );
  const fk = await rows<{ v: boolean }>(db, `SELECT convalidated AS v FROM pg_constraint WHERE conname = 'fk_source_documents_project_uuid'`);
  const invalidIndexes = await rows<{ n: string }>(
    db,
    `SELECT c.relname AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relnamespace = current_schema()::regnamespace`,
  );
  return [
    ...nullable.map((r) => `${r.t}.${r.c} is nullable`),
    ...(fk.length && fk[0].v ? [] : ['fk_source_documents_project_uuid missing or not validated']),
    ...invalidIndexes.map((r) => `index ${r.n} is invalid`),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Step 2: the CLI sequence

export interface CliSequence {
  runs: CliRun[];
  /** Outcome right after backfill (before orphans are quarantined): what the concurrent run must reproduce. */
  afterBackfill: AdoptionOutcome;
}

/** db:migrate → audit → backfill → enforce → [orphans --quarantine, enforce] → audit --repair → audit, with the checks of each step. */
export async function runCliSequence(db: Db, redisUrl: string, template: LegacyTemplate, cache: LegacyCacheEntry[]): Promise<CliSequence> {
  const t: CliTarget = { databaseUrl: db.url, redisUrl };
  const seed = template.seed;
  const runs: CliRun[] = [];
  const run = async (script: string, ...args: string[]) => {
    const r = await npmRun(t, script, ...args);
    runs.push(r);
    return r;
  };
  const orphans = seed.orphans.documents.length;

  const migrated = expectExit(await run('db:migrate'), 0);
  expect(migrated.stdout).toContain('applied AdoptLegacyDatabase1764600000000');
  // The old foreign keys that stay are still there, and the project UUID is the old one.
  expect(await rows(db, `SELECT count(*)::int AS n FROM projects WHERE project_uuid IS DISTINCT FROM project_id`)).toEqual([{ n: 0 }]);

  // Before backfill: rows still to heal, so audit reports problems (exit 1); old entries are legacy, never malformed.
  const first = await run('context', 'audit');
  expect(first.code).toBe(1);
  const a1 = auditCounters(first.stdout);
  expect(counter(a1, 'malformed')).toBe(0);
  if (orphans) expect(`${first.stdout}${first.stderr}`).toContain('npm run context -- orphans');

  const healed = expectExit(await run('context', 'backfill', '--batch-size', '3'), 0);
  expect(healed.stdout).toMatch(/backfill/);
  const afterBackfill = await adoptionOutcome(db, seed);

  // Orphans block enforce, and it says so and names the way out; the listing shows every one of them.
  let enforced = await run('context', 'enforce');
  if (orphans) {
    expect(enforced.code).toBe(1);
    const said = `${enforced.stdout}${enforced.stderr}`;
    expect(said).toContain('npm run context -- orphans');
    expect(said).not.toMatch(/run it again/);
    // The listing (`npm run context -- orphans`, in-process here: one CLI start less) names every one of them.
    const listed = await withDataSource(db, (ds) => listOrphans(ds));
    expect(listed.map((o) => o.document_uuid).sort()).toEqual(seed.orphans.documents.map((d) => d.documentUuid).sort());
    expectExit(await run('context', 'orphans', '--quarantine'), 0);
    enforced = await run('context', 'enforce');
  }
  expectExit(enforced, 0);
  expect((await contractGaps(db)).join('\n')).toBe('');
  // Idempotent (in-process: one more CLI start adds nothing the run above has not shown).
  expect(await withDataSource(db, (ds) => enforce(ds))).toEqual({ ok: true, actions: [] });

  // audit --repair rewrites what is stale or incomplete; the audit after it is clean.
  const repaired = expectExit(await run('context', 'audit', '--repair'), 0);
  expect(repaired.stdout).toMatch(/repaired: \d+ entr/);
  const last = expectExit(await run('context', 'audit'), 0);
  const a = auditCounters(last.stdout);
  expect(a.scanned).toBe(seed.documents.length);
  expect({ okOrLegacy: counter(a, 'ok') + counter(a, 'legacy'), malformed: counter(a, 'malformed'), stale: counter(a, 'stale') }).toEqual({
    okOrLegacy: seed.documents.length,
    malformed: 0,
    stale: 0,
  });
  // Complete old intake entries (shape A) that match the database are left as they are (legacy-ok), byte for byte;
  // pipeline entries (shape B) have no project id, so they are incomplete and rewritten by --repair.
  const kept = cache.filter((e) => e.shape === 'intake' && e.variant === 'complete');
  expect(kept.length).toBeGreaterThan(0);
  const now = await redisGetAll(
    redisUrl,
    kept.map((e) => e.key),
  );
  const rewritten = kept.filter((e) => now.get(e.key)?.value !== JSON.stringify(e.value)).map((e) => `${e.shape} ${e.key}`);
  expect(rewritten).toEqual([]);
  expect(counter(a, 'legacy')).toBeGreaterThanOrEqual(kept.length);
  // The stale entry (naming the mismatched document's wrong project) now names its true project, and only that one.
  const expected = await expectedProjects(db, seed);
  const stale = cache.filter((e) => e.variant === 'stale-project');
  expect(stale.length).toBeGreaterThan(0);
  const fixed = await redisGetAll(
    redisUrl,
    stale.map((e) => e.key),
  );
  for (const e of stale) {
    const value = fixed.get(e.key)?.value ?? '';
    expect({ key: e.key, right: value.includes(expected.get(e.documentUuid)!.uuid), wrong: value.includes(String(e.value.project_uuid)) }).toEqual({
      key: e.key,
      right: true,
      wrong: false,
    });
  }
  return { runs, afterBackfill };
}

export function cliTimings(runs: CliRun[]): string {
  return runs.map((r) => `${r.command.replace('npm run ', '')} ${r.code} ${(r.ms / 1000).toFixed(1)}s`).join('; ');
}

// ---------------------------------------------------------------------------------------------------------------
// Steps 3 and 4: the pipeline

/** Text PDFs the workers process in a moment (no tesseract). */
const FILES = ['complaint.pdf', 'order.pdf', 'motion.pdf'] as const;

/** Stores a generated file at each document's old s3_key (the old bucket is not used by local storage). */
export async function storeOldFiles(stack: PipelineStack, docs: LegacySeedDocument[], offset = 0): Promise<Map<string, string>> {
  const storage = stack.api.app.get(StorageService);
  const files = new Map<string, string>();
  for (const [i, d] of docs.entries()) {
    const file = FILES[(i + offset) % 2]; // complaint / order: motion.pdf is kept for the uploads
    await storage.put(d.s3Key, Readable.from([generatedBytes(file)]));
    files.set(d.documentUuid, file);
    stack.documentUuids.add(d.documentUuid);
  }
  return files;
}

/** IngestedProject records (for the harness's waiters and reports) of old documents. */
export function asProjects(docs: LegacySeedDocument[], project: (d: LegacySeedDocument) => string): IngestedProject[] {
  const by = new Map<string, IngestedProject>();
  for (const d of docs) {
    const p = project(d);
    if (!by.has(p)) by.set(p, { id: 0, projectUuid: p, name: p, label: p, documents: [] });
    by.get(p)!.documents.push({ documentUuid: d.documentUuid, file: d.displayName, projectUuid: p });
  }
  return [...by.values()];
}

export async function startStack(db: Db, redisUrl: string): Promise<PipelineStack> {
  // Timers off: the test runs the reconciler's tick itself.
  const stack = await PipelineStack.start({ databaseUrl: db.url, redisUrl, apiEnv: { RECONCILE_INTERVAL_SECONDS: '0' } });
  await stack.startWorker('ocr');
  await stack.startWorker('graph');
  return stack;
}

/** Re-queues old documents as an operator would: pending ones by the reconciler, failed ones through the API, completed ones by a re-queue. */
export async function reprocess(stack: PipelineStack, docs: LegacySeedDocument[]): Promise<{ refused: Record<string, string> }> {
  const http = () => request(stack.api.http);
  const pending = docs.filter((d) => d.status === 'pending');
  const failed = docs.filter((d) => d.status !== 'pending' && d.status !== 'completed');
  const completed = docs.filter((d) => d.status === 'completed');
  if (pending.length) {
    const tick = await stack.api.reconciler.tick({ minAgeSeconds: 0 });
    expect(tick.enqueued).toBeGreaterThanOrEqual(pending.length);
  }
  const refused: Record<string, string> = {};
  for (const d of failed) {
    const r = await http().post(`/v1/documents/${d.documentUuid}/retry`);
    if (r.status !== 202) refused[`${d.status} ${d.documentUuid}`] = `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
  }
  if (completed.length) {
    const rowsOf = await stack.db.query(
      `SELECT document_uuid::text AS u, project_uuid::text AS p, original_file_name AS f FROM source_documents WHERE document_uuid = ANY($1::uuid[])`,
      [completed.map((d) => d.documentUuid)],
    );
    const out = await stack.api.queues.enqueue(
      rowsOf.map((r: { u: string; p: string; f: string | null }) => ({ documentUuid: r.u, stage: 'ocr' as const, filename: r.f, projectUuid: r.p })),
      'retry',
    );
    expect(out.enqueued).toBe(true);
  }
  return { refused };
}

/** Per re-processed document: status, chunks and mentions, and rows in another project than the document's. */
export async function processedReport(db: Db, uuids: string[]) {
  return rows<{ u: string; status: string; error: string | null; chunks: number; mentions: number; off_project: number }>(
    db,
    `SELECT d.document_uuid::text AS u, d.status, d.error_message AS error,
            (SELECT count(*)::int FROM document_chunks c WHERE c.document_uuid = d.document_uuid) AS chunks,
            (SELECT count(*)::int FROM entity_mentions m WHERE m.document_uuid = d.document_uuid) AS mentions,
            (SELECT count(*)::int FROM entity_mentions m LEFT JOIN canonical_entities e ON e.canonical_entity_uuid = m.canonical_entity_uuid
              WHERE m.document_uuid = d.document_uuid AND (m.project_uuid IS DISTINCT FROM d.project_uuid OR e.project_uuid IS DISTINCT FROM d.project_uuid))
              + (SELECT count(*)::int FROM document_chunks c WHERE c.document_uuid = d.document_uuid AND c.project_uuid IS DISTINCT FROM d.project_uuid) AS off_project
       FROM source_documents d WHERE d.document_uuid = ANY($1::uuid[]) ORDER BY 1`,
    [uuids],
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The suite

/**
 * The adoption suite on one schema: the CLI sequence on a copy of the seeded template, the pipeline on that
 * adopted copy, and the concurrent backfills on a second copy. `schema` is called inside the suite (a gated suite
 * reads the shared file only when it runs).
 */
export function defineAdoptionSuite(label: string, schema: () => LegacySchema): void {
  let template: LegacyTemplate;
  let main: Db;
  let redis: { server: PrivateRedis; entries: LegacyCacheEntry[] };
  let sequence: CliSequence | undefined;
  const t0 = Date.now();

  beforeAll(async () => {
    template = await buildTemplate(schema(), label);
    main = await copyOf(template, 'main');
    redis = await redisWithLegacyCache(template.seed);
  });

  afterAll(async () => {
    await redis?.server.stop();
    await dropDb(main);
    await dropDb(template);
    process.stdout.write(`[adoption ${label}] suite ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });

  it('db:migrate → audit → backfill → enforce → orphans --quarantine → enforce → audit --repair → audit, nothing of the old rows lost', async () => {
    const seed = template.seed;
    // The seed has every case this suite is about (a seed without them would pass trivially).
    expect(seed.byCase.intake.length && seed.byCase['cli-import'].length && seed.byCase.mismatched.length).toBeTruthy();
    expect(seed.orphans.documents.length).toBeGreaterThan(0);
    expect(seed.chunks.some((c) => c.retryOf !== null) && seed.mentions.some((m) => m.repeatOf !== null)).toBe(true);
    expect(seed.entitiesByCase['two-projects'].length + seed.entitiesByCase['three-projects'].length).toBeGreaterThan(0);

    const s = await runCliSequence(main, redis.server.url, template, redis.entries);
    sequence = s;
    process.stdout.write(`[adoption ${label}] seed built in ${template.buildMs} ms; ${cliTimings(s.runs)}\n`);

    // Every document carries its original project UUID (orphans: the quarantine project), in both columns.
    expect(await documentsOffProject(main, seed)).toEqual({});
    // Nothing of any old table is lost: every overwritten value is logged, every removed row archived.
    const after = await onDb(main, (c) => fingerprintLegacy(c, template.schema));
    const violations = await onDb(main, (c) => compareAfterAdoption(template.before, after, c));
    expect(violations.map((v) => v.detail)).toEqual([]);
    // Something was healed, split and deduplicated (the proof above is not vacuous).
    const [log] = await rows<{ logged: number; archived: number; split: number }>(
      main,
      `SELECT (SELECT count(*)::int FROM casegraph_adoption_log) AS logged, (SELECT count(*)::int FROM casegraph_adoption_archive) AS archived,
              (SELECT count(*)::int FROM canonical_entities WHERE metadata ? 'split_from') AS split`,
    );
    expect(log.logged).toBeGreaterThan(0);
    expect(log.archived).toBeGreaterThan(0);
    expect(log.split).toBeGreaterThan(0);
    // Healing kept updated_at (the sweeper and reconciler read it).
    expect(
      await rows(main, `SELECT document_uuid FROM source_documents WHERE document_uuid = ANY($1::uuid[]) AND updated_at >= $2::timestamptz`, [
        seed.documents.map((d) => d.documentUuid),
        seed.oldUpdatedAtBefore,
      ]),
    ).toEqual([]);
    // The old foreign key from source_documents.project_uuid to projects(project_id) still holds beside ours.
    expect(await rows(main, `SELECT convalidated AS v FROM pg_constraint WHERE conname = 'source_documents_project_uuid_fkey'`)).toEqual([
      { v: true },
    ]);
  }, 420_000);

  it('the pipeline on the adopted database: old documents re-processed, uploads into a new and an old project, the graph read API', async () => {
    if (!sequence) throw new Error('needs the adopted database of the previous test');
    const seed = template.seed;
    const expected = await expectedProjects(main, seed);
    const stack = await startStack(main, redis.server.url);
    try {
      // Old documents to re-process: pending (among them the quarantined orphan), failed, and two completed ones with old chunks.
      const withChunks = new Set(seed.chunks.map((c) => c.documentUuid));
      const completed = seed.documents.filter((d) => d.status === 'completed' && withChunks.has(d.documentUuid)).slice(0, 2);
      const others = seed.documents.filter((d) => d.status === 'pending' || (d.status !== null && d.status !== 'completed'));
      const old = [...completed, ...others];
      await storeOldFiles(stack, old);
      // A retry the API refuses is reported at the end (the rest of the pipeline is still checked on the others).
      const { refused } = await reprocess(stack, old);
      const waited = old.filter((d) => !Object.keys(refused).some((k) => k.endsWith(d.documentUuid)));

      // An old project whose old graph is not re-processed: it is read through the API below; it also gets an upload.
      const reprocessedProjects = new Set(old.map((d) => expected.get(d.documentUuid)!.uuid));
      const oldEntity = seed.entities.find((e) => e.linkedMentions > 0 && e.projectUuids.length === 1 && !reprocessedProjects.has(e.projectUuids[0]));
      expect(oldEntity).toBeDefined();
      const oldProject = oldEntity!.projectUuids[0];
      const http = () => request(stack.api.http);
      const intoOld = await http().post(`/v1/projects/${oldProject}/documents`).attach('files', generatedBytes('motion.pdf'), 'motion.pdf');
      expect(intoOld.status).toBe(202);
      const created = await http()
        .post('/v1/projects')
        .send({ name: `adoption ${label} new project` });
      expect(created.status).toBe(201);
      const intoNew = await http()
        .post(`/v1/projects/${created.body.projectUuid}/documents`)
        .attach('files', generatedBytes('motion.pdf'), 'motion.pdf');
      expect(intoNew.status).toBe(202);
      const uploaded = [...intoOld.body.documents, ...intoNew.body.documents].map((d: { documentUuid: string }) => d.documentUuid);
      uploaded.forEach((u) => stack.documentUuids.add(u));

      const projects = [
        ...asProjects(waited, (d) => expected.get(d.documentUuid)!.uuid),
        {
          id: 0,
          projectUuid: oldProject,
          name: '',
          label: 'old',
          documents: [{ documentUuid: uploaded[0], file: 'motion.pdf', projectUuid: oldProject }],
        },
        {
          id: 0,
          projectUuid: created.body.projectUuid,
          name: '',
          label: 'new',
          documents: [{ documentUuid: uploaded[1], file: 'motion.pdf', projectUuid: created.body.projectUuid }],
        },
      ];
      await waitUntilDone(stack.db, projects, 120_000);
      const report = await processedReport(main, [...waited.map((d) => d.documentUuid), ...uploaded]);
      expect(report.filter((r) => r.status !== 'completed' || !r.chunks || !r.mentions || r.off_project)).toEqual([]);
      // Both foreign keys hold for the upload into the old project: its project_uuid is the old project_id.
      expect(await rows(main, `SELECT project_uuid::text AS p FROM source_documents WHERE document_uuid = $1`, [uploaded[0]])).toEqual([
        { p: oldProject },
      ]);
      const integrity = await integrityReport(stack.db, projects);
      expect(Object.entries(integrity).filter(([, n]) => n)).toEqual([]);

      // The read API on the old project: its old entity (split into it by backfill), the detail with old mentions, the export.
      const list = await http().get(`/v1/projects/${oldProject}/entities`).query({ q: oldEntity!.name, type: oldEntity!.type, pageSize: 100 });
      expect(list.status).toBe(200);
      const listed = (list.body.items as Array<{ uuid: string; name: string; aliases: unknown }>).find((e) => e.name === oldEntity!.name);
      expect(listed).toBeDefined();
      expect(Array.isArray(listed!.aliases)).toBe(true);
      const detail = await http().get(`/v1/projects/${oldProject}/entities/${listed!.uuid}`);
      expect(detail.status).toBe(200);
      expect(detail.body.mentionsTotal).toBeGreaterThan(0);
      const oldDocs = new Set(seed.documents.map((d) => d.documentUuid));
      expect((detail.body.mentions as Array<{ documentUuid: string }>).some((m) => oldDocs.has(m.documentUuid))).toBe(true);
      for (const format of ['csv', 'graphml', 'cypher']) {
        const exported = await http()
          .get(`/v1/projects/${oldProject}/graph/export`)
          .query({ format })
          .buffer(true)
          .parse((res, cb) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString('utf8')));
            res.on('end', () => cb(null, text));
          });
        expect(exported.status).toBe(200);
        expect(exported.body as string).toContain(format === 'graphml' ? oldEntity!.name.replace(/&/g, '&amp;') : oldEntity!.name);
      }
      const graph = await http().get(`/v1/projects/${oldProject}/graph`);
      expect(graph.status).toBe(200);
      expect(graph.body.nodes.length).toBeGreaterThan(0);
      // Every old document could be re-processed through the API, failed ones by POST /v1/documents/:id/retry.
      expect(refused).toEqual({});
    } finally {
      await stack.close();
    }
  }, 300_000);

  it('two backfills at once while the workers run, on a fresh copy: the outcome of the sequential run', async () => {
    if (!sequence) throw new Error('needs the sequential run of the first test');
    const seed = template.seed;
    const copy = await copyOf(template, 'race');
    const cache = await redisWithLegacyCache(seed);
    const t: CliTarget = { databaseUrl: copy.url, redisUrl: cache.server.url };
    let stack: PipelineStack | undefined;
    try {
      await migrate(copy.url, () => undefined); // the CLI's own migrate() (the first test ran it as `npm run db:migrate`)
      stack = await startStack(copy, cache.server.url);
      // The workers heal and process the old pending documents (orphans aside) and an upload into an old project
      // while two backfills run; the documents are only the ones whose rows backfill also heals.
      const pending = seed.documents.filter((d) => d.status === 'pending' && d.case !== 'orphan');
      await storeOldFiles(stack, pending);
      const oldProject = seed.byCase.intake[0].originalProjectUuid!;
      const both = Promise.all([npmRun(t, 'context', 'backfill', '--batch-size', '3'), npmRun(t, 'context', 'backfill', '--batch-size', '3')]);
      const tick = await stack.api.reconciler.tick({ minAgeSeconds: 0 });
      expect(tick.enqueued).toBeGreaterThanOrEqual(pending.length);
      const up = await request(stack.api.http)
        .post(`/v1/projects/${oldProject}/documents`)
        .attach('files', generatedBytes('motion.pdf'), 'motion.pdf');
      expect(up.status).toBe(202);
      const [a, b] = await both;
      if (a.code !== 0 || b.code !== 0) throw new Error(`two backfills at once: both must exit 0\n${shown(a)}\n${shown(b)}`);
      const projects = [
        ...asProjects(pending, (d) => d.originalProjectUuid!),
        {
          id: 0,
          projectUuid: oldProject,
          name: '',
          label: 'old',
          documents: [{ documentUuid: up.body.documents[0].documentUuid, file: 'motion.pdf', projectUuid: oldProject }],
        },
      ];
      await waitUntilDone(stack.db, projects, 120_000);
      const done = await processedReport(
        copy,
        projects.flatMap((p) => p.documents.map((d) => d.documentUuid)),
      );
      expect(done.filter((r) => r.status !== 'completed' || r.off_project)).toEqual([]);

      // The same decisions as the sequential run: every document's project, the rows archived, the entities split and the edges kept.
      const outcome = await adoptionOutcome(copy, seed);
      expect(outcome).toEqual(sequence.afterBackfill);
      // And it contracts like it: quarantine the orphans, then enforce.
      await withDataSource(copy, async (ds) => {
        await quarantineOrphans(ds);
        expect(await enforce(ds)).toMatchObject({ ok: true });
      });
      expect((await contractGaps(copy)).join('\n')).toBe('');
      expect(await documentsOffProject(copy, seed)).toEqual({});
    } finally {
      await stack?.close();
      await cache.server.stop();
      await dropDb(copy);
    }
  }, 300_000);
}

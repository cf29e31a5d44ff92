import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { EntityType } from '@casegraph/contracts';
import { CanonicalEntity, ENTITIES, MIGRATIONS, dataSourceOptions, migrate } from '@casegraph/entities';
import { inDocumentTransaction } from '@casegraph/graph';
import { type PrivateDatabase, createPrivateDatabase } from '@casegraph/testing';
import { DEFAULT_GRAPH_PIPELINE_OPTIONS } from '../pipeline/graph-options';
import { normalizeEntity } from './normalizer';
import { ResolutionService } from './resolution.service';

// Private databases are created, migrated and dropped (WITH FORCE): slow on a busy server.
jest.setTimeout(180_000);

/**
 * Resolution on a database whose canonical_entities has the old system's shape: aliases is jsonb, nullable,
 * and the old code left odd values in it (NULL, '{}', 'null', numbers and objects among the strings). The
 * entities here are as backfill leaves them (project and key set); the document's mentions are CaseGraph's.
 */
describe('resolution merges aliases into old jsonb rows (private database, old canonical_entities shape)', () => {
  let db: PrivateDatabase;
  let ds: DataSource;
  const project = randomUUID();
  const documentUuid = randomUUID();
  const resolution = new ResolutionService(DEFAULT_GRAPH_PIPELINE_OPTIONS);
  const key = (name: string) => normalizeEntity('ORG', name);
  const HOOLI_OLD = Array.from({ length: 99 }, (_, i) => `h${String(i + 1).padStart(3, '0')}`);

  beforeAll(async () => {
    db = await createPrivateDatabase('legacy_alias', { migrate: false });
    ds = new DataSource(dataSourceOptions(db.url, ENTITIES, MIGRATIONS, { poolSize: 3, applicationName: 'casegraph-legacy-alias-test' }));
    // The old table (column types of the old schema) before CaseGraph's migrations expand it.
    const setup = new DataSource(dataSourceOptions(db.url, [], [], { poolSize: 1 }));
    await setup.initialize();
    await setup.query(`CREATE TABLE canonical_entities (
      id serial PRIMARY KEY, canonical_entity_uuid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE, entity_type text NOT NULL,
      canonical_name text NOT NULL, mention_count int DEFAULT 1, confidence_score double precision DEFAULT 0.0, resolution_method text,
      aliases jsonb DEFAULT '[]'::jsonb, properties jsonb DEFAULT '{}'::jsonb, metadata jsonb DEFAULT '{}'::jsonb,
      created_at timestamptz DEFAULT CURRENT_TIMESTAMP, updated_at timestamptz DEFAULT CURRENT_TIMESTAMP)`);
    await setup.destroy();
    await migrate(db.url, () => undefined);
    await ds.initialize();
  });

  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  const oldEntity = (name: string, aliases: string | null) =>
    ds.query(
      `INSERT INTO canonical_entities (entity_type, canonical_name, aliases, resolution_method, project_uuid, normalized_key)
       VALUES ('ORG', $1, $2::jsonb, 'legacy-fuzzy', $3, $4) RETURNING canonical_entity_uuid`,
      [name, aliases, project, key(name)],
    );

  const mention = (text: string, type: EntityType, i: number) =>
    ds.query(
      `INSERT INTO entity_mentions (mention_uuid, document_uuid, project_uuid, entity_text, entity_type, start_char, end_char,
                                    confidence_score, method, normalized_key)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 0.9, 'pattern:org', $7)`,
      [documentUuid, project, text, type, i * 100, i * 100 + text.length, normalizeEntity(type, text)],
    );

  const entities = () =>
    ds.query(
      `SELECT canonical_name AS name, aliases, jsonb_typeof(aliases) AS shape, mention_count AS n
         FROM canonical_entities WHERE project_uuid = $1 ORDER BY canonical_name`,
      [project],
    );

  it('keeps the strings, drops the rest, adds the new forms (distinct, code-point order, at most 100)', async () => {
    await oldEntity('Acme Corporation', '{}');
    await oldEntity('Globex', 'null');
    await oldEntity('Initech', '["Initech", 5, {"x": 1}, null, "INITECH LLC"]');
    await oldEntity('Umbrella', null);
    await oldEntity('Hooli', JSON.stringify(HOOLI_OLD));
    const texts = ['Acme Corporation', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'HOOLI', 'Vandelay Industries'];
    for (const [i, text] of texts.entries()) await mention(text, 'ORG', i);

    const result = await inDocumentTransaction(ds, documentUuid, (m) => resolution.resolve(m, project, documentUuid));
    expect(result).toMatchObject({ entities: 6, created: 1, mentions: 7 });

    const hooli = ['HOOLI', 'Hooli', ...HOOLI_OLD].slice(0, 100);
    const expected = [
      { name: 'Acme Corporation', aliases: ['Acme Corporation'], shape: 'array', n: 1 },
      { name: 'Globex', aliases: ['Globex'], shape: 'array', n: 1 },
      { name: 'Hooli', aliases: hooli, shape: 'array', n: 2 },
      { name: 'Initech', aliases: ['INITECH LLC', 'Initech'], shape: 'array', n: 1 },
      { name: 'Umbrella', aliases: ['Umbrella'], shape: 'array', n: 1 },
      { name: 'Vandelay Industries', aliases: ['Vandelay Industries'], shape: 'array', n: 1 },
    ];
    expect(await entities()).toEqual(expected);
    expect(hooli).toHaveLength(100);

    // Re-resolving the same document changes nothing.
    await inDocumentTransaction(ds, documentUuid, (m) => resolution.resolve(m, project, documentUuid));
    expect(await entities()).toEqual(expected);

    // The entity reads them as string[].
    const rows = await ds.getRepository(CanonicalEntity).find({ where: { projectUuid: project }, order: { canonicalName: 'ASC' } });
    expect(rows.map((r) => r.aliases)).toEqual(expected.map((e) => e.aliases));
  });

  it('an old row whose aliases is a jsonb object reads as [] through the entity (not {})', async () => {
    const [{ canonical_entity_uuid: uuid }] = await oldEntity('Soylent', '{"a": "b"}');
    const entity = await ds.getRepository(CanonicalEntity).findOneByOrFail({ canonicalEntityUuid: uuid });
    expect(entity.aliases).toEqual([]);
  });
});

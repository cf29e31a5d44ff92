import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { EntityType, redisKeys } from '@casegraph/contracts';
import { redisOptionsFromUrl } from '@casegraph/platform';
import { loadLabelledSet } from '../extraction/evaluation';
import { isFuzzyMatch } from '../resolution/matcher';
import { FUZZY_TYPES } from '../resolution/normalizer';
import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  createDocument,
  createPipelineApp,
  createProject,
  generatedPages,
  redisUrl,
} from '../testing/graph-test-kit';

jest.setTimeout(240_000);

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** 24 short documents built from the labelled sentences: every document shares entities with many others. */
function corpus(): string[][] {
  const sentences = loadLabelledSet().map((s) => s.text);
  const docs: string[][] = [];
  for (let i = 0; i < 24; i++) {
    const picked = sentences.filter((_, j) => (j * 7 + i * 3) % 5 < 2);
    // Some documents spell names with typos / other legal forms, so fuzzy matching runs concurrently too.
    const text = picked.join(' ');
    const variant = i % 4 === 1 ? text.replace(/Free Software Foundation, Inc\./g, 'Free Softwre Foundation') : text;
    const extra = i % 3 === 0 ? ' Acme Holdings LLC and the Apache Softwar Foundation signed on June 29, 2007.' : '';
    docs.push([variant.slice(0, Math.floor(variant.length / 2)), variant.slice(Math.floor(variant.length / 2)) + extra]);
  }
  return docs;
}

interface Summary {
  perType: Record<string, number[]>;
  edges: Record<string, { count: number; weight: number }>;
}

async function summary(db: DataSource, projectUuid: string): Promise<Summary> {
  const entities: Array<{ entity_type: string; mention_count: number }> = await db.query(
    'SELECT entity_type, mention_count FROM canonical_entities WHERE project_uuid = $1 AND mention_count > 0',
    [projectUuid],
  );
  const perType: Record<string, number[]> = {};
  for (const e of entities) (perType[e.entity_type] ??= []).push(e.mention_count);
  for (const k of Object.keys(perType)) perType[k].sort((a, b) => a - b);
  const edges: Array<{ relationship_type: string; count: number; weight: number }> = await db.query(
    `SELECT relationship_type, count(*)::int AS count, sum(weight)::float AS weight FROM relationship_staging
      WHERE project_uuid = $1 GROUP BY 1 ORDER BY 1`,
    [projectUuid],
  );
  return { perType, edges: Object.fromEntries(edges.map((e) => [e.relationship_type, { count: e.count, weight: e.weight }])) };
}

async function expectConsistent(db: DataSource, projectUuid: string): Promise<void> {
  const dupes = await db.query(
    `SELECT entity_type, normalized_key, count(*) FROM canonical_entities WHERE project_uuid = $1 GROUP BY 1, 2 HAVING count(*) > 1`,
    [projectUuid],
  );
  expect(dupes).toEqual([]);
  const wrongCounts = await db.query(
    `SELECT c.canonical_name FROM canonical_entities c WHERE c.project_uuid = $1
        AND c.mention_count <> (SELECT count(*) FROM entity_mentions m WHERE m.canonical_entity_uuid = c.canonical_entity_uuid)`,
    [projectUuid],
  );
  expect(wrongCounts).toEqual([]);
  const [{ unlinked }] = await db.query(
    'SELECT count(*)::int AS unlinked FROM entity_mentions WHERE project_uuid = $1 AND canonical_entity_uuid IS NULL',
    [projectUuid],
  );
  expect(unlinked).toBe(0);
  const wrongWeights = await db.query(
    `SELECT r.relationship_uuid FROM relationship_staging r WHERE r.project_uuid = $1 AND r.weight <> (
       SELECT coalesce(sum(c.weight), 0) FROM relationship_contributions c WHERE c.project_uuid = r.project_uuid
          AND c.source_entity_uuid = r.source_entity_uuid AND c.target_entity_uuid = r.target_entity_uuid
          AND c.relationship_type = r.relationship_type)`,
    [projectUuid],
  );
  expect(wrongWeights).toEqual([]);
  // No two entities of a type that the resolver would have merged.
  const keys: Array<{ entity_type: EntityType; normalized_key: string }> = await db.query(
    'SELECT entity_type, normalized_key FROM canonical_entities WHERE project_uuid = $1 AND mention_count > 0',
    [projectUuid],
  );
  for (const type of FUZZY_TYPES) {
    const ofType = keys.filter((k) => k.entity_type === type).map((k) => k.normalized_key);
    for (let i = 0; i < ofType.length; i++) {
      for (let j = i + 1; j < ofType.length; j++) {
        if (isFuzzyMatch(type, ofType[i], ofType[j])) throw new Error(`${type} duplicates: ${ofType[i]} / ${ofType[j]}`);
      }
    }
  }
}

describe('graph pipeline under concurrency, and project isolation', () => {
  let a: PipelineApp;
  let b: PipelineApp;
  let db: DataSource;
  const projects: TestProject[] = [];

  beforeAll(async () => {
    // Two independent "workers": two Nest instances, two DataSources, two Redis connections.
    [a, b] = await Promise.all([createPipelineApp({}, 6), createPipelineApp({}, 6)]);
    db = a.db;
  });

  afterAll(async () => {
    await cleanupProjects(db, projects);
    await Promise.all([a.close(), b.close()]);
  });

  it('two workers processing 27 documents of one project at once: no duplicates, exact counts, same graph as one worker', async () => {
    const concurrent = await createProject(db, 'graph-concurrent');
    const sequential = await createProject(db, 'graph-sequential');
    projects.push(concurrent, sequential);
    const texts = [...corpus(), generatedPages('complaint.pdf'), generatedPages('motion.pdf'), generatedPages('scanned-letter.pdf')];
    const cDocs: string[] = [];
    const sDocs: string[] = [];
    for (const [i, pages] of texts.entries()) {
      cDocs.push(await createDocument(db, concurrent, pages, `doc-${i}.pdf`));
      sDocs.push(await createDocument(db, sequential, pages, `doc-${i}.pdf`));
    }

    // Both workers at once, 4 documents at a time each.
    await Promise.all([
      pool(
        cDocs.filter((_, i) => i % 2 === 0),
        4,
        (d) => a.pipeline.process(d),
      ),
      pool(
        cDocs.filter((_, i) => i % 2 === 1),
        4,
        (d) => b.pipeline.process(d),
      ),
    ]);
    for (const d of sDocs) await a.pipeline.process(d);

    await expectConsistent(db, concurrent.projectUuid);
    await expectConsistent(db, sequential.projectUuid);
    const [cs, ss] = [await summary(db, concurrent.projectUuid), await summary(db, sequential.projectUuid)];
    expect(cs).toEqual(ss);
    expect(Object.keys(cs.perType)).toEqual(expect.arrayContaining(['ORG', 'PERSON', 'DATE', 'CASE', 'STATUTE', 'COURT', 'EMAIL']));
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM canonical_entities WHERE project_uuid = $1 AND entity_type = 'ORG' AND normalized_key LIKE 'free softw%'`,
      [concurrent.projectUuid],
    );
    expect(n).toBe(1);

    // Re-processing everything concurrently again changes nothing.
    const before = await summary(db, concurrent.projectUuid);
    await Promise.all([pool(cDocs.slice(0, 14), 3, (d) => a.pipeline.process(d)), pool(cDocs.slice(10), 3, (d) => b.pipeline.process(d))]);
    await expectConsistent(db, concurrent.projectUuid);
    expect(await summary(db, concurrent.projectUuid)).toEqual(before);
  });

  it('the same documents in two projects give two disjoint graphs, even with a wrong cached context', async () => {
    const x = await createProject(db, 'graph-iso-x');
    const y = await createProject(db, 'graph-iso-y');
    projects.push(x, y);
    const names = ['complaint.pdf', 'motion.pdf', 'scanned-letter.pdf'] as const;
    const xDocs = [];
    const yDocs = [];
    for (const n of names) {
      xDocs.push(await createDocument(db, x, generatedPages(n), n));
      yDocs.push(await createDocument(db, y, generatedPages(n), n));
    }
    // A poisoned cache entry claims the first X document belongs to project Y.
    const redis = new Redis(redisOptionsFromUrl(redisUrl()));
    await redis.set(
      redisKeys.docMetadata(xDocs[0]),
      JSON.stringify({
        project_uuid: y.projectUuid,
        project_id: y.id,
        document_metadata: { filename: 'complaint.pdf', s3_bucket: null, s3_key: null, uploaded_at: new Date().toISOString() },
      }),
      'EX',
      300,
    );
    redis.disconnect();

    await Promise.all([...xDocs.map((d) => a.pipeline.process(d)), ...yDocs.map((d) => b.pipeline.process(d))]);

    const ids = async (p: TestProject) =>
      new Set(
        (await db.query('SELECT canonical_entity_uuid FROM canonical_entities WHERE project_uuid = $1', [p.projectUuid])).map(
          (r: { canonical_entity_uuid: string }) => r.canonical_entity_uuid,
        ),
      );
    const [xi, yi] = [await ids(x), await ids(y)];
    expect(xi.size).toBeGreaterThan(10);
    expect([...xi].filter((u) => yi.has(u))).toEqual([]);

    // Every row of X points only at X's entities and documents.
    const leaks = await db.query(
      `SELECT 'mention' AS what FROM entity_mentions m JOIN canonical_entities c USING (canonical_entity_uuid)
        WHERE m.project_uuid = $1 AND c.project_uuid <> $1
       UNION ALL
       SELECT 'mention-project' FROM entity_mentions WHERE document_uuid = ANY($2::uuid[]) AND project_uuid <> $1
       UNION ALL
       SELECT 'chunk-project' FROM document_chunks WHERE document_uuid = ANY($2::uuid[]) AND project_uuid <> $1
       UNION ALL
       SELECT 'edge' FROM relationship_staging r WHERE r.project_uuid = $1 AND (
         -- a CITES edge's source is a document of X, every other end an entity of X (or, MENTIONED_IN, a document)
         NOT (r.source_entity_uuid = ANY($2::uuid[]) AND r.relationship_type = 'CITES' OR EXISTS (
           SELECT 1 FROM canonical_entities c WHERE c.canonical_entity_uuid = r.source_entity_uuid AND c.project_uuid = $1))
         OR NOT (r.target_entity_uuid = ANY($2::uuid[]) OR EXISTS (
           SELECT 1 FROM canonical_entities c WHERE c.canonical_entity_uuid = r.target_entity_uuid AND c.project_uuid = $1)))`,
      [x.projectUuid, xDocs],
    );
    expect(leaks).toEqual([]);
    // The plaintiff is named 28 times in the complaint (full name, caption and the short name it defines), twice in the
    // motion and 3 times in the letter: 33 in each project.
    const plaintiff = await db.query(
      `SELECT project_uuid, mention_count FROM canonical_entities
        WHERE project_uuid = ANY($1::uuid[]) AND entity_type = 'ORG' AND normalized_key = 'northwind freight' ORDER BY project_uuid`,
      [[x.projectUuid, y.projectUuid]],
    );
    expect(plaintiff).toHaveLength(2);
    expect(plaintiff[0].mention_count).toBe(33);
    expect(plaintiff[1].mention_count).toBe(33);
    expect(await summary(db, x.projectUuid)).toEqual(await summary(db, y.projectUuid));
  });
});

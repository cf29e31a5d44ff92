import { DataSource, EntityManager } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { LOCK_NAMESPACE, applyCurationRules, recountMentions } from '@casegraph/graph';
import { PipelineApp, TestProject, cleanupProjects, createDocument, createPipelineApp, createProject, databaseUrl } from '../testing/graph-test-kit';
import { ResolutionService } from './resolution.service';

jest.setTimeout(240_000);

/** A short filing whose entities the extractor finds as listed (two of them junk: "X and Y Corp.", "X of Y LLC"). */
const PAGES = [
  'Halvorsen Marine Logistics, LLC retained Jonathan Pryce as counsel. Bluewater Freight Inc. sued Halvorsen Marine Logistics, LLC in Seattle, Washington.',
  'Jonathan Pryce met Maria Delgado and Acme Widgets Corp. on March 3, 2021. Halvorsen Marine later paid Bluewater Freight Inc. and Maria Delgado.',
  'Regina Okafor of Northwind Traders LLC wrote to Maria Delgado. Regina Okafor and Jonathan Pryce signed.',
];
/** A later document with the same names, and one more informative spelling of Jonathan Pryce's. */
const LATER_PAGES = [...PAGES, 'Counsel Jonathan Q. Pryce appeared for Halvorsen Marine Logistics, LLC in Seattle, Washington.'];

interface Entity {
  uuid: string;
  type: string;
  key: string;
  name: string;
  aliases: string[];
  mentions: number;
  curated: Record<string, boolean> | null;
}

async function entities(db: DataSource | EntityManager, projectUuid: string): Promise<Entity[]> {
  return db.query(
    `SELECT canonical_entity_uuid AS uuid, entity_type AS type, normalized_key AS key, canonical_name AS name, aliases,
            mention_count AS mentions, curated
       FROM canonical_entities WHERE project_uuid = $1 ORDER BY entity_type, normalized_key`,
    [projectUuid],
  );
}

async function entityOf(db: DataSource | EntityManager, projectUuid: string, type: string, key: string): Promise<Entity | undefined> {
  return (await entities(db, projectUuid)).find((e) => e.type === type && e.key === key);
}

/** Where the mentions of (type, key) are linked, per document: start_char -> entity uuid (or null). */
async function linksOf(
  db: DataSource,
  projectUuid: string,
  type: string,
  key: string,
): Promise<Array<{ doc: string; start: number; u: string | null }>> {
  return db.query(
    `SELECT document_uuid AS doc, start_char AS start, canonical_entity_uuid AS u FROM entity_mentions
      WHERE project_uuid = $1 AND entity_type = $2 AND normalized_key = $3 ORDER BY document_uuid, start_char`,
    [projectUuid, type, key],
  );
}

/** Every link points at an existing entity of the project and every count is exact. */
async function expectSound(db: DataSource, projectUuid: string): Promise<void> {
  const dangling = await db.query(
    `SELECT m.mention_uuid, m.canonical_entity_uuid FROM entity_mentions m
      WHERE m.project_uuid = $1 AND m.canonical_entity_uuid IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM canonical_entities c WHERE c.canonical_entity_uuid = m.canonical_entity_uuid AND c.project_uuid = $1)`,
    [projectUuid],
  );
  expect(dangling).toEqual([]);
  const wrongCounts = await db.query(
    `SELECT c.canonical_name, c.mention_count FROM canonical_entities c WHERE c.project_uuid = $1
        AND c.mention_count <> (SELECT count(*) FROM entity_mentions m WHERE m.canonical_entity_uuid = c.canonical_entity_uuid)`,
    [projectUuid],
  );
  expect(wrongCounts).toEqual([]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What the curation API does, in plain SQL, with the locking of DESIGN.md: the affected documents' advisory locks
 * (sorted), then the entity types' locks (sorted), then the entity rows FOR UPDATE; the affected documents are
 * read again and, if new ones appeared, the transaction rolls back and runs again with the larger set. Then
 * `write` (rules, entity rows), applyCurationRules for every affected document and the recount, in ONE transaction.
 * `beforeWrite` runs once the locks are held (tests use it to let a worker run into them).
 */
async function curate(
  db: DataSource,
  projectUuid: string,
  entityUuids: string[],
  write: (m: EntityManager) => Promise<void>,
  opts: { beforeWrite?: (m: EntityManager) => Promise<void>; keys?: Array<{ type: string; key: string }> } = {},
): Promise<{ attempts: number; documents: string[] }> {
  const affected = async (m: DataSource | EntityManager): Promise<string[]> => {
    const rows: Array<{ d: string }> = await m.query(
      `SELECT DISTINCT document_uuid::text AS d FROM entity_mentions
        WHERE project_uuid = $1
          AND (canonical_entity_uuid = ANY($2::uuid[])
               OR (entity_type, normalized_key) IN (SELECT x.t, x.k FROM jsonb_to_recordset($3::jsonb) AS x(t text, k text))
               OR (entity_type, normalized_key) IN (SELECT m2.entity_type, m2.normalized_key FROM entity_mentions m2
                                                     WHERE m2.canonical_entity_uuid = ANY($2::uuid[])))`,
      [projectUuid, entityUuids, JSON.stringify((opts.keys ?? []).map((k) => ({ t: k.type, k: k.key })))],
    );
    return rows.map((r) => r.d).sort();
  };
  let documents = await affected(db);
  for (let attempt = 1; ; attempt++) {
    const grown = await db.transaction(async (m) => {
      for (const d of documents) await m.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE.DOCUMENT, d]);
      const types: Array<{ t: string }> = await m.query(
        `SELECT DISTINCT t FROM (SELECT entity_type AS t FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[])
                                 UNION SELECT x.t FROM jsonb_to_recordset($2::jsonb) AS x(t text)) s ORDER BY t`,
        [entityUuids, JSON.stringify((opts.keys ?? []).map((k) => ({ t: k.type })))],
      );
      for (const { t } of types) await m.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE.ENTITY_TYPE, `${projectUuid}:${t}`]);
      await m.query(
        `SELECT 1 FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[]) ORDER BY project_uuid, entity_type, normalized_key FOR UPDATE`,
        [entityUuids],
      );
      const now = await affected(m);
      if (now.some((d) => !documents.includes(d))) return [...new Set([...documents, ...now])].sort();
      await opts.beforeWrite?.(m);
      await write(m);
      const touched = [...entityUuids];
      for (const d of documents) touched.push(...(await applyCurationRules(m, projectUuid, d)));
      await recountMentions(m, touched);
      return null;
    });
    if (!grown) return { attempts: attempt, documents };
    documents = grown;
  }
}

/** The rows a curation writes (as the API writes them). */
const keyRule = (m: EntityManager, projectUuid: string, type: string, key: string, decision: 'assign' | 'reject', entity: string | null) =>
  m.query(
    `INSERT INTO curation_rules (project_uuid, action_uuid, scope, entity_type, normalized_key, decision, canonical_entity_uuid)
     VALUES ($1, gen_random_uuid(), 'key', $2, $3, $4, $5)
     ON CONFLICT (project_uuid, entity_type, normalized_key) WHERE scope = 'key'
     DO UPDATE SET decision = EXCLUDED.decision, canonical_entity_uuid = EXCLUDED.canonical_entity_uuid`,
    [projectUuid, type, key, decision, entity],
  );

const mentionRule = (
  m: EntityManager,
  projectUuid: string,
  mention: { doc: string; type: string; key: string; start: number; end: number },
  decision: 'assign' | 'reject',
  entity: string | null,
) =>
  m.query(
    `INSERT INTO curation_rules (project_uuid, action_uuid, scope, entity_type, normalized_key, document_uuid, start_char, end_char,
                                 decision, canonical_entity_uuid)
     VALUES ($1, gen_random_uuid(), 'mention', $2, $3, $4, $5, $6, $7, $8)`,
    [projectUuid, mention.type, mention.key, mention.doc, mention.start, mention.end, decision, entity],
  );

/** Merge: key rules (type, key) → survivor for every key of both entities' mentions and their own keys; rules re-pointed; merged deleted. */
async function merge(
  db: DataSource,
  projectUuid: string,
  merged: string,
  survivor: string,
  opts: { beforeWrite?: (m: EntityManager) => Promise<void> } = {},
) {
  return curate(
    db,
    projectUuid,
    [merged, survivor],
    async (m) => {
      const keys: Array<{ t: string; k: string }> = await m.query(
        `SELECT DISTINCT entity_type AS t, normalized_key AS k FROM entity_mentions WHERE canonical_entity_uuid = ANY($1::uuid[])
         UNION SELECT entity_type, normalized_key FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[])`,
        [[merged, survivor]],
      );
      for (const k of keys) await keyRule(m, projectUuid, k.t, k.k, 'assign', survivor);
      await m.query('UPDATE curation_rules SET canonical_entity_uuid = $2 WHERE project_uuid = $3 AND canonical_entity_uuid = $1', [
        merged,
        survivor,
        projectUuid,
      ]);
      await m.query('DELETE FROM canonical_entities WHERE canonical_entity_uuid = $1', [merged]);
    },
    opts,
  );
}

describe('curation rules survive re-processing and new documents (PostgreSQL + Redis)', () => {
  let t: PipelineApp;
  let db: DataSource;
  const projects: TestProject[] = [];

  beforeAll(async () => {
    t = await createPipelineApp();
    db = t.db;
  });

  afterAll(async () => {
    const uuids = projects.map((p) => p.projectUuid);
    await db.query('DELETE FROM curation_rules WHERE project_uuid = ANY($1::uuid[])', [uuids]);
    await cleanupProjects(db, projects);
    await t.close();
  });

  /**
   * A project with the filing processed; `decide` curates it; `check` must hold after that, after the filing is
   * processed again (re-extraction: new mention rows, unlinked until resolution), after a new document with the same
   * names is processed, and after the first one is processed once more.
   */
  async function scenario(
    label: string,
    decide: (p: TestProject, doc: string) => Promise<void>,
    check: (p: TestProject, docs: string[]) => Promise<void>,
  ) {
    const p = await createProject(db, `curation-${label}`);
    projects.push(p);
    const first = await createDocument(db, p, PAGES, 'filing.pdf');
    await t.pipeline.process(first);
    await decide(p, first);
    const steps: Array<[string, () => Promise<unknown>, string[]]> = [
      ['after the curation', async () => undefined, [first]],
      ['after re-processing the document', () => t.pipeline.process(first), [first]],
    ];
    const later = await createDocument(db, p, LATER_PAGES, 'later.pdf');
    steps.push(['after a new document with the same names', () => t.pipeline.process(later), [first, later]]);
    steps.push(['after re-processing the first document again', () => t.pipeline.process(first), [first, later]]);
    for (const [when, run, docs] of steps) {
      await run();
      try {
        await check(p, docs);
        await expectSound(db, p.projectUuid);
      } catch (err) {
        throw new Error(`${label}, ${when}: ${(err as Error).message}`);
      }
    }
  }

  it('merged: every mention of the merged keys stays on the survivor, the merged entity never comes back', async () => {
    let survivor = '';
    await scenario(
      'merge',
      async (p) => {
        const s = (await entityOf(db, p.projectUuid, 'ORG', 'halvorsen marine logistics'))!;
        const x = (await entityOf(db, p.projectUuid, 'ORG', 'bluewater freight'))!;
        expect(x.mentions).toBe(2);
        survivor = s.uuid;
        await merge(db, p.projectUuid, x.uuid, s.uuid);
      },
      async (p, docs) => {
        expect(await entityOf(db, p.projectUuid, 'ORG', 'bluewater freight')).toBeUndefined();
        const moved = await linksOf(db, p.projectUuid, 'ORG', 'bluewater freight');
        expect(moved).toHaveLength(2 * docs.length);
        expect(moved.every((l) => l.u === survivor)).toBe(true);
        const own = await linksOf(db, p.projectUuid, 'ORG', 'halvorsen marine logistics');
        expect(own.every((l) => l.u === survivor)).toBe(true);
        const s = (await entities(db, p.projectUuid)).find((e) => e.uuid === survivor)!;
        expect(s.key).toBe('halvorsen marine logistics');
        expect(s.name).toBe('Halvorsen Marine Logistics, LLC');
      },
    );
  });

  it('split: the chosen mention stays on the new entity; the other mentions (and a new document) stay on the old one', async () => {
    let split = { doc: '', start: 0 };
    let original = '';
    let created = '';
    await scenario(
      'split',
      async (p, doc) => {
        const e = (await entityOf(db, p.projectUuid, 'PERSON', 'maria delgado'))!;
        original = e.uuid;
        const [, second] = await linksOf(db, p.projectUuid, 'PERSON', 'maria delgado');
        const [{ end }] = await db.query('SELECT end_char AS end FROM entity_mentions WHERE document_uuid = $1 AND start_char = $2', [
          doc,
          second.start,
        ]);
        split = { doc, start: second.start };
        await curate(db, p.projectUuid, [e.uuid], async (m) => {
          [{ u: created }] = await m.query(
            `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key, aliases, curated)
             VALUES (gen_random_uuid(), $1, 'PERSON', 'Maria Delgado (the daughter)', 'maria delgado the daughter', '[]', '{"canonicalName": true}')
             RETURNING canonical_entity_uuid AS u`,
            [p.projectUuid],
          );
          await mentionRule(m, p.projectUuid, { doc, type: 'PERSON', key: 'maria delgado', start: second.start, end }, 'assign', created);
        });
      },
      async (p, docs) => {
        const links = await linksOf(db, p.projectUuid, 'PERSON', 'maria delgado');
        expect(links).toHaveLength(2 * docs.length);
        for (const l of links)
          expect([l.doc, l.start, l.u]).toEqual([l.doc, l.start, l.doc === split.doc && l.start === split.start ? created : original]);
        const n = (await entities(db, p.projectUuid)).find((e) => e.uuid === created)!;
        expect([n.name, n.mentions]).toEqual(['Maria Delgado (the daughter)', 1]);
      },
    );
  });

  it('renamed: a curated name (and key) is kept, also when a more informative spelling turns up', async () => {
    // Without curation the later document's "Jonathan Q. Pryce" renames the entity: the guard below has work to do.
    const control = await createProject(db, 'curation-rename-control');
    projects.push(control);
    await t.pipeline.process(await createDocument(db, control, PAGES, 'filing.pdf'));
    await t.pipeline.process(await createDocument(db, control, LATER_PAGES, 'later.pdf'));
    const pryce = (await entities(db, control.projectUuid)).filter((e) => e.type === 'PERSON' && e.key.includes('pryce'));
    expect(pryce.map((e) => [e.key, e.name])).toEqual([['jonathan q pryce', 'Jonathan Q. Pryce']]);

    let uuid = '';
    await scenario(
      'rename',
      async (p) => {
        const e = (await entityOf(db, p.projectUuid, 'PERSON', 'jonathan pryce'))!;
        uuid = e.uuid;
        await curate(db, p.projectUuid, [uuid], (m) =>
          m.query(`UPDATE canonical_entities SET canonical_name = 'Pryce', curated = '{"canonicalName": true}' WHERE canonical_entity_uuid = $1`, [
            uuid,
          ]),
        );
      },
      async (p, docs) => {
        const e = (await entities(db, p.projectUuid)).find((x) => x.uuid === uuid)!;
        expect([e.name, e.key, e.type]).toEqual(['Pryce', 'jonathan pryce', 'PERSON']);
        expect(e.mentions).toBe(docs.length === 1 ? 3 : 7);
        expect((await entities(db, p.projectUuid)).filter((x) => x.type === 'PERSON' && x.key.includes('pryce'))).toHaveLength(1);
      },
    );
  });

  it('aliases curated: resolution adds none (and keeps the name)', async () => {
    let uuid = '';
    await scenario(
      'aliases',
      async (p) => {
        const e = (await entityOf(db, p.projectUuid, 'PERSON', 'regina okafor'))!;
        expect(e.aliases).toEqual(['Regina Okafor']);
        uuid = e.uuid;
        await curate(db, p.projectUuid, [uuid], (m) =>
          m.query(`UPDATE canonical_entities SET aliases = '["R. Okafor"]', curated = '{"aliases": true}' WHERE canonical_entity_uuid = $1`, [uuid]),
        );
      },
      async (p) => {
        const e = (await entities(db, p.projectUuid)).find((x) => x.uuid === uuid)!;
        expect([e.aliases, e.name]).toEqual([['R. Okafor'], 'Regina Okafor']);
      },
    );
  });

  it('type changed: the entity keeps its new type and its mentions of the old type; no entity of the old type comes back', async () => {
    let uuid = '';
    await scenario(
      'type',
      async (p) => {
        const e = (await entityOf(db, p.projectUuid, 'LOCATION', 'seattle washington'))!;
        uuid = e.uuid;
        await curate(
          db,
          p.projectUuid,
          [uuid],
          async (m) => {
            await m.query(`UPDATE canonical_entities SET entity_type = 'ORG', curated = '{"entityType": true}' WHERE canonical_entity_uuid = $1`, [
              uuid,
            ]);
            await keyRule(m, p.projectUuid, 'LOCATION', 'seattle washington', 'assign', uuid);
          },
          { keys: [{ type: 'ORG', key: 'seattle washington' }] },
        );
      },
      async (p, docs) => {
        expect(await entityOf(db, p.projectUuid, 'LOCATION', 'seattle washington')).toBeUndefined();
        const e = (await entities(db, p.projectUuid)).find((x) => x.uuid === uuid)!;
        expect([e.type, e.key, e.name]).toEqual(['ORG', 'seattle washington', 'Seattle, Washington']);
        const links = await linksOf(db, p.projectUuid, 'LOCATION', 'seattle washington');
        expect(links).toHaveLength(docs.length === 1 ? 1 : 3);
        expect(links.every((l) => l.u === uuid)).toBe(true);
      },
    );
  });

  it('rejected: no entity comes back for the key, its mentions stay unlinked; a rejected mention only in its document', async () => {
    const junk = 'maria delgado and acme widgets';
    const span = 'regina okafor of northwind traders';
    let spanDoc = '';
    await scenario(
      'reject',
      async (p, doc) => {
        const e = (await entityOf(db, p.projectUuid, 'ORG', junk))!;
        const s = (await entityOf(db, p.projectUuid, 'ORG', span))!;
        const [mention] = await db.query(
          `SELECT start_char AS start, end_char AS end FROM entity_mentions WHERE document_uuid = $1 AND normalized_key = $2`,
          [doc, span],
        );
        spanDoc = doc;
        await curate(db, p.projectUuid, [e.uuid, s.uuid], async (m) => {
          await keyRule(m, p.projectUuid, 'ORG', junk, 'reject', null);
          await mentionRule(m, p.projectUuid, { doc, type: 'ORG', key: span, ...mention }, 'reject', null);
          await m.query('DELETE FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[])', [[e.uuid, s.uuid]]);
        });
      },
      async (p, docs) => {
        expect(await entityOf(db, p.projectUuid, 'ORG', junk)).toBeUndefined();
        const links = await linksOf(db, p.projectUuid, 'ORG', junk);
        expect(links).toHaveLength(docs.length);
        expect(links.every((l) => l.u === null)).toBe(true);
        // The rejected mention rule is the first document's: the later document's mention of the same text is an entity.
        const spans = await linksOf(db, p.projectUuid, 'ORG', span);
        expect(spans).toHaveLength(docs.length);
        for (const l of spans) expect([l.doc, l.u === null]).toEqual([l.doc, l.doc === spanDoc]);
        const s = await entityOf(db, p.projectUuid, 'ORG', span);
        if (docs.length === 1) expect(s).toBeUndefined();
        else expect(s?.mentions).toBe(1);
      },
    );
  });
});

describe('a merge racing the graph worker (PostgreSQL + Redis, real concurrency)', () => {
  let a: PipelineApp;
  let b: PipelineApp;
  let curator: DataSource;
  const projects: TestProject[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([createPipelineApp({}, 6), createPipelineApp({}, 6)]);
    curator = new DataSource(dataSourceOptions(databaseUrl(), ENTITIES, MIGRATIONS, { poolSize: 4, applicationName: 'casegraph-curation-test' }));
    await curator.initialize();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await a.db.query('DELETE FROM curation_rules WHERE project_uuid = ANY($1::uuid[])', [projects.map((p) => p.projectUuid)]);
    await cleanupProjects(a.db, projects);
    await curator.destroy();
    await Promise.all([a.close(), b.close()]);
  });

  async function mergedProject(label: string, seedDocs: number) {
    const p = await createProject(a.db, label);
    projects.push(p);
    for (let i = 0; i < seedDocs; i++) await a.pipeline.process(await createDocument(a.db, p, PAGES, `seed-${i}.pdf`));
    const s = (await entityOf(a.db, p.projectUuid, 'ORG', 'halvorsen marine logistics'))!;
    const x = (await entityOf(a.db, p.projectUuid, 'ORG', 'bluewater freight'))!;
    return { p, survivor: s.uuid, merged: x.uuid };
  }

  async function expectMerged(p: TestProject, merged: string, survivor: string) {
    await expectSound(a.db, p.projectUuid);
    expect((await entities(a.db, p.projectUuid)).find((e) => e.uuid === merged || e.key === 'bluewater freight')).toBeUndefined();
    for (const key of ['bluewater freight', 'halvorsen marine logistics', 'halvorsen marine']) {
      const links = await linksOf(a.db, p.projectUuid, 'ORG', key);
      expect(links.filter((l) => l.u !== survivor)).toEqual([]);
    }
  }

  it('a worker that matched the merged entity finds it gone when it locks it, runs again and obeys the rules', async () => {
    const { p, survivor, merged } = await mergedProject('curation-vanish', 1);
    const resolve = jest.spyOn(ResolutionService.prototype, 'resolve');
    const doc = await createDocument(a.db, p, PAGES, 'racing.pdf');
    let processing: Promise<unknown> = Promise.resolve();
    const result = await merge(curator, p.projectUuid, merged, survivor, {
      // The merge holds its locks (and has read its documents: the new one has no mentions yet). The worker
      // extracts, matches "bluewater freight" to the entity about to be merged, and waits for its row lock.
      beforeWrite: async (m) => {
        const [{ pid }] = await m.query('SELECT pg_backend_pid() AS pid');
        processing = a.pipeline.process(doc);
        for (let i = 0; ; i++) {
          const [{ n }] = await a.db.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))', [pid]);
          if (n > 0) break;
          if (i > 400) throw new Error('the worker never waited for the merge');
          await sleep(25);
        }
      },
    });
    await processing;
    expect(result.attempts).toBe(1);
    // The worker's resolution ran twice for the document: once into the vanished entity, once with the rules.
    expect(resolve.mock.calls.filter((c) => c[2] === doc).length).toBe(2);
    resolve.mockRestore();
    await expectMerged(p, merged, survivor);
    expect((await linksOf(a.db, p.projectUuid, 'ORG', 'bluewater freight')).filter((l) => l.doc === doc)).toHaveLength(2);
  });

  it('many documents resolving on two workers while merges commit: nothing points at a deleted entity, all on the survivor', async () => {
    for (const [round, delay] of [150, 300, 450, 650, 900].entries()) {
      const { p, survivor, merged } = await mergedProject(`curation-race-${round}`, 2);
      const seeded: string[] = (await a.db.query('SELECT document_uuid FROM source_documents WHERE project_uuid = $1', [p.projectUuid])).map(
        (r: { document_uuid: string }) => r.document_uuid,
      );
      const fresh: string[] = [];
      for (let i = 0; i < 10; i++) fresh.push(await createDocument(a.db, p, i % 2 ? LATER_PAGES : PAGES, `doc-${i}.pdf`));
      // New documents and re-processed ones (their mentions are replaced, then resolved again) on both workers.
      const work = [...fresh, ...seeded];
      const resolve = jest.spyOn(ResolutionService.prototype, 'resolve');
      const runs = work.map((d, i) => (i % 2 ? a : b).pipeline.process(d));
      await sleep(delay);
      const result = await merge(curator, p.projectUuid, merged, survivor);
      await Promise.all(runs);
      // Resolutions run again (an entity vanished, a deadlock) beyond one per document.
      const reruns = resolve.mock.calls.length - work.length;
      resolve.mockRestore();
      if (process.env.CURATION_RACE_LOG)
        console.log(`round ${round}: merge after ${delay} ms, ${result.attempts} merge attempt(s), ${reruns} resolution re-run(s)`);
      try {
        await expectMerged(p, merged, survivor);
        const [{ n }] = await a.db.query(
          `SELECT count(*)::int AS n FROM entity_mentions WHERE project_uuid = $1 AND normalized_key = 'bluewater freight'`,
          [p.projectUuid],
        );
        expect(n).toBe(2 * work.length);
      } catch (err) {
        throw new Error(`round ${round} (merge after ${delay} ms, ${result.attempts} attempt(s), ${reruns} re-run(s)): ${(err as Error).message}`);
      }
    }
  });
});

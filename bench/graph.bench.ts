/**
 * `npm run bench -- graph`: the graph worker's stages on the shared fixtures.
 *
 * 1. Extractors: compromise vs wink-nlp (raw libraries and our extractors) on the
 *    fixture texts: speed and what they find; P/R on the labelled sets.
 * 2. Whole stage: documents, chunks and mentions per second (chunking, extraction,
 *    resolution, relationships, with stage bookkeeping) at GRAPH_CONCURRENCY=2, next to
 *    its floor in the same run: extraction alone + one raw bulk INSERT of the same rows.
 * 3. Growth: the resolution stage's cost per document in projects that already hold
 *    100, 1,000 and 10,000 canonical entities, next to the floor "one raw indexed
 *    upsert of the same entities"; the cost must not grow linearly with the set.
 *
 * Writes its own projects in DATABASE_URL (default: the casegraph database, migrated
 * first) and removes every row and key it created.
 */
import nlp from 'compromise';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { readFileSync } from 'node:fs';
import { joinPages } from '@casegraph/contracts';
import { DEFAULT_DATABASE_URL, migrate } from '@casegraph/entities';
import { HELDOUT_SET_PATH, LABELLED_SET_PATH, evaluateExtractor, loadLabelledSet } from '../apps/graph-worker/src/extraction/evaluation';
import { OFFLINE_EXTRACTOR_NAMES, createEntityExtractor } from '../apps/graph-worker/src/extraction/extractor.factory';
import { graphMetrics } from '../apps/graph-worker/src/pipeline/graph-metrics';
import { chunkText } from '../apps/graph-worker/src/chunking/chunker';
import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  createDocument,
  createPipelineApp,
  createProject,
  fixturePages,
  ownFixture,
} from '../apps/graph-worker/src/testing/graph-test-kit';
import { FIXTURES_DIR, fixtureDocument, fixturesAvailable } from '../test/support/fixtures';
import { generatedDocument } from '../libs/testing/src/documents';
import { stats } from './lib';

const FIXTURES = ['GPL-3.txt', 'Apache-2.0.txt', 'MPL-2.0.txt', 'BSD.txt', 'Apache-2.0-scanned.gt.txt'];
const ROUNDS = 3;
const GROWTH = [100, 1_000, 10_000];
const GROWTH_DOCS = 24;

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const f1 = (x: number) => x.toFixed(1);
const table = (header: string[], rows: string[][]) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]) => console.log(cols.map((c, i) => c.padEnd(widths[i])).join('  '));
  line(header);
  line(widths.map((w) => '-'.repeat(w)));
  rows.forEach(line);
};

function fixtureTexts(): Array<{ name: string; pages: string[] }> {
  if (!fixturesAvailable()) {
    console.log(`bench graph: no fixtures folder at ${FIXTURES_DIR}; measuring on the generated filings instead (figures differ from docs/graph.md)`);
    return [
      ...(['complaint.pdf', 'motion.pdf', 'order.pdf', 'scanned-letter.pdf', 'scanned-notice.png'] as const).map((name) => ({
        name,
        pages: generatedDocument(name).pages,
      })),
      { name: 'entities-apache-notice.txt', pages: [ownFixture('entities-apache-notice.txt')] },
    ];
  }
  return [
    ...FIXTURES.map((name) => ({
      name,
      pages: name.includes('scanned')
        ? readFileSync(fixtureDocument(name), 'utf8')
            .split('\f')
            .filter((p) => p.trim())
        : fixturePages(name),
    })),
    { name: 'entities-apache-notice.txt', pages: [ownFixture('entities-apache-notice.txt')] },
  ];
}

async function extractorComparison(texts: string[]): Promise<void> {
  const chars = texts.reduce((a, t) => a + t.length, 0);
  console.log(`\n## 1. Extractors on the fixtures (${texts.length} texts, ${(chars / 1024).toFixed(0)} KiB; median of 5 runs after a warm-up)`);
  const wink = winkNLP(model);
  const runs: Array<[string, () => Promise<Record<string, number>>]> = [
    [
      'compromise (raw: people/orgs/places/money/#Date)',
      async () => {
        const c: Record<string, number> = {};
        for (const t of texts) {
          const d = nlp(t);
          c.PERSON = (c.PERSON ?? 0) + d.people().length;
          c.ORG = (c.ORG ?? 0) + d.organizations().length;
          c.LOCATION = (c.LOCATION ?? 0) + d.places().length;
          c.MONEY = (c.MONEY ?? 0) + d.money().length;
          c.DATE = (c.DATE ?? 0) + d.match('#Date+').length;
        }
        return c;
      },
    ],
    [
      'wink-nlp (raw: entities())',
      async () => {
        const c: Record<string, number> = {};
        for (const t of texts)
          wink
            .readDoc(t)
            .entities()
            .out(wink.its.type)
            .forEach((ty) => (c[ty] = (c[ty] ?? 0) + 1));
        return c;
      },
    ],
    ...OFFLINE_EXTRACTOR_NAMES.map((name): [string, () => Promise<Record<string, number>>] => {
      const ex = createEntityExtractor(name);
      return [
        `extractor ${name}`,
        async () => {
          const c: Record<string, number> = {};
          for (const t of texts) for (const m of await ex.extract(t)) c[m.type] = (c[m.type] ?? 0) + 1;
          return c;
        },
      ];
    }),
  ];
  const rows: string[][] = [];
  for (const [name, run] of runs) {
    await run();
    const times: number[] = [];
    let found: Record<string, number> = {};
    for (let i = 0; i < 5; i++) {
      const t0 = now();
      found = await run();
      times.push(now() - t0);
    }
    const ms = stats(times).p50;
    rows.push([
      name,
      f1(ms),
      f1(chars / 1024 / (ms / 1000)),
      Object.entries(found)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ]);
  }
  table(['case', 'ms', 'KiB/s', 'found'], rows);

  console.log('\nPrecision / recall (exact span and type; micro average) on the labelled sets:');
  const pr: string[][] = [];
  for (const name of OFFLINE_EXTRACTOR_NAMES) {
    const ex = createEntityExtractor(name);
    for (const [set, path] of [
      ['labelled (tuning)', LABELLED_SET_PATH],
      ['held-out', HELDOUT_SET_PATH],
    ]) {
      const all = (await evaluateExtractor(ex, loadLabelledSet(path))).find((s) => s.type === 'ALL')!;
      pr.push([name, set, `${(100 * all.precision).toFixed(1)}%`, `${(100 * all.recall).toFixed(1)}%`, `${(100 * all.f1).toFixed(1)}%`]);
    }
  }
  table(['extractor', 'set', 'P', 'R', 'F1'], pr);
}

async function wholeStage(t: PipelineApp, projects: TestProject[], fixtures: Array<{ name: string; pages: string[] }>): Promise<void> {
  console.log(`\n## 2. Whole graph stage: ${fixtures.length} fixture texts x ${ROUNDS} rounds, 2 documents at a time`);
  const project = await createProject(t.db, 'bench-graph-stage');
  projects.push(project);
  const docs: string[] = [];
  for (let r = 0; r < ROUNDS; r++) for (const f of fixtures) docs.push(await createDocument(t.db, project, f.pages, `${r}-${f.name}`));
  // Warm the NLP model and the code paths once (outside the timed run), in a throwaway document.
  const warm = await createDocument(t.db, project, fixtures[0].pages, 'warm-up');
  await t.pipeline.process(warm);

  let chunks = 0;
  let mentions = 0;
  let next = 0;
  const stages = ['chunking', 'entities', 'resolution', 'relationships'];
  const before = await Promise.all(stages.map(stageMean));
  const t0 = now();
  await Promise.all(
    [0, 1].map(async () => {
      while (next < docs.length) {
        const r = await t.pipeline.process(docs[next++]);
        chunks += r.chunks;
        mentions += r.mentions;
      }
    }),
  );
  const seconds = (now() - t0) / 1000;
  const after = await Promise.all(stages.map(stageMean));
  const perStage = stages.map((st, i) => `${st} ${f1(((after[i].sum - before[i].sum) / (after[i].count - before[i].count)) * 1000)}`).join(', ');

  // Floor: the same CPU work without the stages (chunk + extract), then one raw bulk INSERT of the same rows.
  const ex = createEntityExtractor('offline');
  const f0 = now();
  const texts = docs.map((_, i) => joinPages(fixtures[i % fixtures.length].pages));
  for (const text of texts) {
    chunkText(text, { size: 1000, overlap: 200 });
    await ex.extract(text);
  }
  const cpuSeconds = (now() - f0) / 1000;
  const CHUNK_COLS = 'chunk_uuid, document_uuid, project_uuid, chunk_index, text, char_start_index, char_end_index, page_numbers';
  const MENTION_COLS =
    'mention_uuid, document_uuid, chunk_uuid, project_uuid, entity_text, entity_type, start_char, end_char, confidence_score, method, normalized_key';
  const chunkRows = await t.db.query(`SELECT ${CHUNK_COLS} FROM document_chunks WHERE project_uuid = $1`, [project.projectUuid]);
  const mentionRows = await t.db.query(`SELECT ${MENTION_COLS} FROM entity_mentions WHERE project_uuid = $1`, [project.projectUuid]);
  const w0 = now();
  await t.db.transaction(async (m) => {
    await m.query(`CREATE TEMP TABLE bench_chunks ON COMMIT DROP AS SELECT ${CHUNK_COLS} FROM document_chunks WITH NO DATA`);
    await m.query(`CREATE TEMP TABLE bench_mentions ON COMMIT DROP AS SELECT ${MENTION_COLS} FROM entity_mentions WITH NO DATA`);
    await m.query(`INSERT INTO bench_chunks SELECT * FROM jsonb_populate_recordset(NULL::bench_chunks, $1::jsonb)`, [JSON.stringify(chunkRows)]);
    await m.query(`INSERT INTO bench_mentions SELECT * FROM jsonb_populate_recordset(NULL::bench_mentions, $1::jsonb)`, [
      JSON.stringify(mentionRows),
    ]);
  });
  const writeSeconds = (now() - w0) / 1000;
  // One process has one event loop: the CPU part does not run 2 at a time, so the floor adds it up.
  const floor = cpuSeconds + writeSeconds;

  table(
    ['case', 'seconds', 'documents/s', 'chunks/s', 'mentions/s'],
    [
      ['graph stage (4 stages, 2 at a time)', f1(seconds), f1(docs.length / seconds), f1(chunks / seconds), f1(mentions / seconds)],
      ['floor: chunk + extract + raw bulk INSERT', f1(floor), f1(docs.length / floor), f1(chunks / floor), f1(mentions / floor)],
    ],
  );
  console.log(
    `ratio to floor: ${(seconds / floor).toFixed(2)}x   (${docs.length} documents, ${chunks} chunks, ${mentions} mentions; ` +
      `chunk + extract ${f1(cpuSeconds)} s, raw INSERT ${f1(writeSeconds * 1000)} ms)`,
  );
  console.log(`mean ms per document and stage (stage bookkeeping included): ${perStage}`);
}

async function stageMean(stage: string): Promise<{ sum: number; count: number }> {
  const v = (await graphMetrics.stageSeconds.get()).values.filter((x) => x.labels.stage === stage);
  return {
    sum: v.find((x) => x.metricName?.endsWith('_sum'))?.value ?? 0,
    count: v.find((x) => x.metricName?.endsWith('_count'))?.value ?? 0,
  };
}

async function growth(t: PipelineApp, projects: TestProject[]): Promise<void> {
  console.log(`\n## 3. Resolution cost per document as the project's canonical set grows (${GROWTH_DOCS} documents each)`);
  const sentences = loadLabelledSet().map((s) => s.text);
  const corpus = Array.from({ length: GROWTH_DOCS }, (_, i) => [sentences.filter((_, j) => (j * 7 + i * 3) % 5 < 2).join(' ')]);
  const rows: string[][] = [];
  let base: { res: number; floor: number } | undefined;
  for (const n of GROWTH) {
    const project = await createProject(t.db, `bench-graph-growth-${n}`);
    const floorProject = await createProject(t.db, `bench-graph-floor-${n}`);
    projects.push(project, floorProject);
    // N existing entities of realistic shape: two made-up words and an organisation word, across three types.
    for (const p of [project, floorProject]) {
      await t.db.query(
        `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key, aliases, mention_count)
         SELECT gen_random_uuid(), $1, (ARRAY['ORG','PERSON','LOCATION'])[1 + i % 3], k, k, to_jsonb(ARRAY[k]), 1
           FROM (SELECT i, translate(substr(md5(i::text), 1, 7), '0123456789', 'aeiouybrst') || ' ' ||
                           translate(substr(md5(i::text), 9, 6), '0123456789', 'aeiouybrst') || ' ' ||
                           (ARRAY['holdings','partners','foundation','group','bank','trust'])[1 + i % 6] AS k
                   FROM generate_series(1, $2) AS i) s`,
        [p.projectUuid, n],
      );
    }
    // Fresh statistics, and no GIN pending list left over from writes made before the
    // indexes got fastupdate = off (autovacuum does the same, later).
    await t.db.query('VACUUM (ANALYZE) canonical_entities');
    const docs: string[] = [];
    for (const [i, pages] of corpus.entries()) docs.push(await createDocument(t.db, project, pages, `growth-${i}.txt`));
    const before = await stageMean('resolution');
    const total0 = now();
    for (const d of docs) await t.pipeline.process(d);
    const totalMs = (now() - total0) / docs.length;
    const after = await stageMean('resolution');
    const resMs = ((after.sum - before.sum) / (after.count - before.count)) * 1000;

    // Floor: one raw indexed upsert of each document's distinct (type, key) into a project of the same size.
    const floorSamples: number[] = [];
    for (const d of docs) {
      const keys = await t.db.query(
        `SELECT DISTINCT entity_type AS t, normalized_key AS k, entity_text AS name FROM entity_mentions WHERE document_uuid = $1`,
        [d],
      );
      const t0 = now();
      await t.db.query(
        `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key)
         SELECT gen_random_uuid(), $1, r.t, r.name, r.k FROM jsonb_to_recordset($2::jsonb) AS r(t text, k text, name text)
         ON CONFLICT (project_uuid, entity_type, normalized_key) DO UPDATE SET last_seen_at = now()`,
        [floorProject.projectUuid, JSON.stringify(keys)],
      );
      floorSamples.push(now() - t0);
    }
    const floorMs = stats(floorSamples).mean;
    base ??= { res: resMs, floor: floorMs };

    const plan: Array<{ 'QUERY PLAN': string }> = await t.db.transaction(async (m) => {
      await m.query(`SELECT set_config('pg_trgm.similarity_threshold', '0.55', true)`);
      return m.query(
        `EXPLAIN SELECT q.k, c.normalized_key FROM jsonb_to_recordset($2::jsonb) AS q(t text, k text)
           CROSS JOIN LATERAL (SELECT e.normalized_key FROM canonical_entities e
              WHERE e.normalized_key % q.k AND e.project_uuid = $1 AND e.entity_type = q.t
              ORDER BY similarity(e.normalized_key, q.k) DESC LIMIT 8) c`,
        [project.projectUuid, JSON.stringify([{ t: 'ORG', k: 'acme holdings' }])],
      );
    });
    const index =
      plan
        .map((p) => p['QUERY PLAN'])
        .join(' ')
        .match(/idx_canonical_entities_\w+|uq_canonical_entities_\w+|Seq Scan on \w+/g) ?? [];
    rows.push([
      String(n),
      f1(resMs),
      f1(floorMs),
      (resMs / floorMs).toFixed(2),
      (resMs / base.res).toFixed(2),
      f1(totalMs),
      [...new Set(index)].join(' + '),
    ]);
  }
  table(['existing entities', 'resolution ms/doc', 'floor ms/doc', 'x floor', 'x at 100', 'whole stage ms/doc', 'fuzzy lookup uses'], rows);
  const last = Number(rows[rows.length - 1][4]);
  console.log(
    `100x more entities -> ${last.toFixed(2)}x the resolution cost per document (linear growth would be 100x): ${last < 10 ? 'not linear (met)' : 'GROWS (MISSED)'}`,
  );
}

export default async function graphBench(): Promise<void> {
  process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;
  await migrate(process.env.DATABASE_URL, () => undefined);
  const fixtures = fixtureTexts();
  await extractorComparison(fixtures.map((f) => joinPages(f.pages)));

  const t = await createPipelineApp({}, 6);
  const projects: TestProject[] = [];
  try {
    console.log(`\nPostgreSQL ${process.env.DATABASE_URL.replace(/\/\/[^@]*@/, '//')}`);
    await wholeStage(t, projects, fixtures);
    await growth(t, projects);
  } finally {
    await cleanupProjects(t.db, projects);
    await t.close();
  }
}

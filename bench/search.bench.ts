/**
 * `npm run bench -- search [--pages N] [--iterations N]`: SearchService.search() (the service the route calls:
 * parse, one statement with ranking, count and ts_headline of the 20 rows shown) on a generated project of
 * 100,000 pages, beside its floor measured in the same run, call by call interleaved: the raw statement with the
 * same tsquery and the same ranking, LIMIT 20, no count and no headline. Goal: p50 ≤ 50 ms and ≤ 1.5× the floor.
 *
 * The project is generated in SQL in a private database (dropped at the end): pages of ~220 words drawn from a
 * Zipf-like vocabulary (20,000 words, the first ones legal: court, plaintiff, motion…), with party names,
 * citations, dates and Bates numbers sprinkled in; 10 pages per document; a second project of a tenth the size
 * so that project scoping is real. The search vectors come from the trigger, as in production.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { createPrivateDatabase } from '@casegraph/testing';
import { parseSearchQuery, searchSql } from '../apps/ingest-api/src/search/search-query';
import { SearchQueryDto } from '../apps/ingest-api/src/search/search.dto';
import { SearchService } from '../apps/ingest-api/src/search/search.service';
import { Stats, printLatencyTable, stats } from './lib';

const LEGAL_WORDS = (
  'court plaintiff defendant motion order judgment counsel appeal evidence witness testimony trial jury verdict claim ' +
  'damages contract breach negligence liability statute section hearing petition respondent appellant appellee record ' +
  'brief opinion ruling ruled rule discovery deposition exhibit affidavit subpoena injunction relief remedy complaint ' +
  'answer pleading summary dismiss dismissed prejudice jurisdiction venue federal district circuit supreme state county ' +
  'agreement party parties filed filing docket clerk judge justice attorney law firm client privilege settlement ' +
  'payment invoice shipment vessel cargo charter marine logistics insurance policy coverage indemnity arbitration ' +
  'tribunal award enforcement sanction contempt hearsay objection sustained overruled stipulation memorandum notice'
).split(' ');
const VOCABULARY = 20_000;
const WORDS_PER_PAGE = 220;
const PAGES_PER_DOCUMENT = 10;

interface Args {
  pages: number;
  iterations: number;
  /** Leave the database in place (its URL is printed), to EXPLAIN a case by hand. */
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { pages: 100_000, iterations: 20, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const num = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${argv[i - 1]} needs a positive integer`);
      return n;
    };
    if (argv[i] === '--pages') out.pages = num();
    else if (argv[i] === '--iterations') out.iterations = num();
    else if (argv[i] === '--keep') out.keep = true;
  }
  return out;
}

/** Inserts `pages` pages for project `projectId` in statements of 5,000 pages, `parallel` at a time. */
async function generate(url: string, projectId: number, projectUuid: string, pages: number, parallel = 4): Promise<void> {
  const docs = Math.ceil(pages / PAGES_PER_DOCUMENT);
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const formats = ['application/pdf', 'application/pdf', 'application/pdf', 'message/rfc822', 'image/png'];
    await c.query(
      `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name, detected_file_type, status)
       SELECT gen_random_uuid(), $1, $2, 'doc-' || g || '.pdf', ($4::text[])[1 + g % 5], 'completed' FROM generate_series(1, $3) g`,
      [projectId, projectUuid, docs, formats],
    );
    // One ORG mention in a tenth of the documents (the types filter's case).
    await c.query(
      `INSERT INTO entity_mentions (mention_uuid, document_uuid, project_uuid, entity_text, entity_type, start_char, end_char, confidence_score, method, normalized_key)
       SELECT gen_random_uuid(), document_uuid, $2, 'Halvorsen Marine Logistics, LLC', 'ORG', 0, 31, 0.9, 'bench', 'halvorsen marine logistics'
         FROM source_documents WHERE project_fk_id = $1 AND id % 10 = 0`,
      [projectId, projectUuid],
    );
  } finally {
    await c.end();
  }
  const batches: Array<[number, number]> = [];
  for (let from = 0; from < pages; from += 5000) batches.push([from, Math.min(pages, from + 5000)]);
  const work = async () => {
    const w = new Client({ connectionString: url });
    await w.connect();
    try {
      for (let b = batches.shift(); b; b = batches.shift()) {
        // Word i of a page: vocabulary rank floor(V^u) (u uniform): a Zipf-like law, rank 1 the most frequent. The
        // `0 * g` ties the draw to the page (else PostgreSQL computes the subquery once for all pages).
        await w.query(
          `WITH docs AS (SELECT document_uuid, row_number() OVER (ORDER BY id) - 1 AS n FROM source_documents WHERE project_fk_id = $1)
           INSERT INTO document_pages (document_uuid, page_number, text, engine, bates, bates_prefix, bates_seq)
           SELECT d.document_uuid, g % ${PAGES_PER_DOCUMENT} + 1,
                  (SELECT string_agg(v.w, ' ' ORDER BY k.i)
                     FROM (SELECT i, floor(exp(random() * ln(${VOCABULARY}) + 0 * g))::int AS r FROM generate_series(1, ${WORDS_PER_PAGE}) i) k
                     JOIN bench_vocabulary v ON v.r = k.r)
                  || CASE WHEN random() < 0.05 THEN ' The motion to dismiss is granted.' ELSE '' END
                  || CASE WHEN random() < 0.02 THEN ' Halvorsen Marine Logistics, LLC, by its counsel.' ELSE '' END
                  || CASE WHEN random() < 0.01 THEN ' See Roe v. Wade, 410 U.S. 113 (1973).' ELSE '' END
                  || CASE WHEN random() < 0.03 THEN ' under 42 U.S.C. § 1983' ELSE '' END
                  || CASE WHEN random() < 0.002 THEN ' a writ of mandamus' ELSE '' END
                  || CASE WHEN random() < 0.01 THEN ' certiorari denied' ELSE '' END
                  || ' ' || (100 + floor(random() * 900))::int || ' F.3d ' || (1 + floor(random() * 1500))::int
                  || ' on ' || to_char(date '2015-01-01' + floor(random() * 3000)::int, 'FMMonth FMDD, YYYY')
                  || E'\\n' || 'ABC' || lpad(g::text, 7, '0'),
                  'pdfjs', 'ABC' || lpad(g::text, 7, '0'), 'ABC', g
             FROM generate_series($2::int, $3::int - 1) g JOIN docs d ON d.n = g / ${PAGES_PER_DOCUMENT}`,
          [projectId, b[0], b[1]],
        );
      }
    } finally {
      await w.end();
    }
  };
  await Promise.all(Array.from({ length: parallel }, work));
}

interface Case {
  name: string;
  q: string;
  filters?: Partial<SearchQueryDto>;
  /** The same filter in the floor's SQL (on d and p). */
  floorWhere?: string;
}

const CASES: Case[] = [
  { name: 'rare word', q: 'mandamus' },
  { name: 'common word', q: 'court' },
  { name: 'mid word', q: 'arbitration' },
  { name: 'two words', q: 'motion dismissed' },
  { name: 'phrase', q: '"motion to dismiss"' },
  { name: 'citation', q: '410 U.S. 113' },
  { name: 'statute', q: '42 U.S.C. § 1983' },
  { name: 'or', q: 'mandamus or certiorari' },
  { name: 'negation', q: 'certiorari -granted' },
  {
    name: 'filter (types=ORG)',
    q: 'halvorsen',
    filters: { types: ['ORG'] },
    floorWhere: `AND EXISTS (SELECT 1 FROM entity_mentions m WHERE m.document_uuid = d.document_uuid AND m.entity_type = ANY('{ORG}'::text[]))`,
  },
  {
    name: 'filter (bates range)',
    q: 'court',
    filters: { bates: 'ABC0001000-ABC0003000' },
    floorWhere: `AND p.bates IS NOT NULL AND p.bates_prefix = 'ABC' AND p.bates_seq BETWEEN 1000 AND 3000`,
  },
];

export default async function searchBench(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const db = await createPrivateDatabase('bench_search');
  const ds = new DataSource(dataSourceOptions(db.url, ENTITIES, MIGRATIONS, { poolSize: 4, applicationName: 'casegraph-bench-search' }));
  try {
    await ds.initialize();
    const t0 = Date.now();
    await ds.query(`CREATE TABLE bench_vocabulary (r int PRIMARY KEY, w text NOT NULL)`);
    await ds.query(
      `INSERT INTO bench_vocabulary SELECT r, CASE WHEN r <= $1 THEN ($2::text[])[r]
                                                   ELSE translate(substr(md5(r::text), 1, 5 + r % 5), '0123456789', 'ghijklmnop') END
         FROM generate_series(1, $3) r`,
      [LEGAL_WORDS.length, LEGAL_WORDS, VOCABULARY],
    );
    const [p] = await ds.query(
      `INSERT INTO projects (name, project_uuid) VALUES ('bench search', gen_random_uuid()) RETURNING id, project_uuid::text AS u`,
    );
    const [o] = await ds.query(
      `INSERT INTO projects (name, project_uuid) VALUES ('bench other', gen_random_uuid()) RETURNING id, project_uuid::text AS u`,
    );
    await generate(db.url, p.id, p.u, args.pages);
    await generate(db.url, o.id, o.u, Math.max(1000, Math.floor(args.pages / 10)));
    await ds.query('VACUUM ANALYZE');
    const [size] = await ds.query(
      `SELECT count(*)::int AS pages, pg_size_pretty(pg_relation_size('idx_document_pages_search')) AS idx,
              pg_size_pretty(pg_total_relation_size('document_pages')) AS total FROM document_pages`,
    );
    console.log(
      `generated ${size.pages.toLocaleString('en-US')} pages (${args.pages.toLocaleString('en-US')} in the searched project) in ` +
        `${((Date.now() - t0) / 1000).toFixed(1)} s; GIN index ${size.idx}, document_pages ${size.total}`,
    );

    const service = new SearchService(ds, { searchCountCap: 10_000 });
    const floorClient = new Client({ connectionString: db.url });
    await floorClient.connect();
    try {
      const rows: Array<{ name: string; stats: Stats; floor?: string; goal?: number }> = [];
      const counts: string[] = [];
      const all: { service: number[]; floor: number[] } = { service: [], floor: [] };
      for (const c of CASES) {
        const dto = Object.assign(new SearchQueryDto(), { q: c.q, page: 1, pageSize: 20 }, c.filters ?? {});
        // The floor: the very tsquery and ranking the service builds, as constants in one raw statement.
        const params: string[] = [];
        const sql = searchSql(parseSearchQuery(c.q), (v) => {
          params.push(v);
          return `$${params.length}`;
        });
        const [tq] = await ds.query(`SELECT (${sql.match})::text AS m, (${sql.rank})::text AS r`, params);
        const floorSql = `SELECT p.id, ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', p.search_vector, $3::tsquery) AS score
            FROM document_pages p JOIN source_documents d ON d.document_uuid = p.document_uuid
           WHERE d.project_fk_id = $1 AND p.search_vector @@ $2::tsquery ${c.floorWhere ?? ''}
           ORDER BY score DESC, p.document_uuid, p.page_number LIMIT 20`;
        const floor = () => floorClient.query(floorSql, [p.id, tq.m, tq.r]);
        const run = () => service.search(p.u, dto);
        const first = await run();
        counts.push(`${c.name}: ${first.total.toLocaleString('en-US')}${first.totalIsExact ? '' : '+'} pages`);
        const s: number[] = [];
        const f: number[] = [];
        for (let i = -5; i < args.iterations; i++) {
          const a0 = process.hrtime.bigint();
          await run();
          const a1 = process.hrtime.bigint();
          await floor();
          const a2 = process.hrtime.bigint();
          if (i >= 0) {
            s.push(Number(a1 - a0) / 1000);
            f.push(Number(a2 - a1) / 1000);
          }
        }
        all.service.push(...s);
        all.floor.push(...f);
        rows.push({ name: `${c.name} floor`, stats: stats(f) });
        rows.push({ name: c.name, stats: stats(s), floor: `${c.name} floor`, goal: 1.5 });
      }
      rows.push({ name: 'all queries floor', stats: stats(all.floor) });
      rows.push({ name: 'all queries', stats: stats(all.service), floor: 'all queries floor', goal: 1.5 });
      console.log(`\nmatches: ${counts.join('; ')}`);
      console.log(
        `\nSearchService.search() (pageSize 20, count + ts_headline) vs the raw tsquery statement (LIMIT 20), ${args.iterations} calls each:`,
      );
      printLatencyTable(rows);
      const p50 = stats(all.service).p50 / 1000;
      console.log(`\nall queries p50 ${p50.toFixed(1)} ms: goal ≤ 50 ms ${p50 <= 50 ? 'met' : 'MISSED'}`);
    } finally {
      await floorClient.end();
    }
  } finally {
    if (ds.isInitialized) await ds.destroy();
    if (args.keep) console.log(`kept ${db.url}`);
    else await db.drop();
  }
}

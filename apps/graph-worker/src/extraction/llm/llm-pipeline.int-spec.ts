/**
 * ENTITY_EXTRACTOR=offline+llm through the graph stages (real PostgreSQL and Redis, the model a local
 * FakeChatCompletions server), and an unreachable endpoint through the real graph worker's Bull consumer:
 * retried as a transient error, the document failed with a readable reason once the attempts are used up.
 */
import type { Queue } from 'bull';
import { INestApplicationContext } from '@nestjs/common';
import Redis from 'ioredis';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JOBS } from '@casegraph/contracts';
import { redisOptionsFromUrl } from '@casegraph/platform';
import { FakeChatCompletions, FakeChatRequest, waitFor } from '@casegraph/testing';
import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  createDocument,
  createPipelineApp,
  createProject,
  redisUrl,
  startGraphWorker,
} from '../../testing/graph-test-kit';
import { ENTITY_EXTRACTOR, ExtractedMention } from '../entity-extractor';
import { createEntityExtractor } from '../extractor.factory';
import { CombinedExtractor, combineMentions } from './combined.extractor';
import { LlmExtractor } from './llm.extractor';

jest.setTimeout(60_000);

// Invented, legal-looking text (names and numbers made up; reporter and statute abbreviations are real forms).
const TEXT = [
  'UNITED STATES DISTRICT COURT FOR THE DISTRICT OF OREGON',
  'Orla Pennyworth, Plaintiff, v. Saltmarsh Cannery Cooperative, Defendant.',
  'Case No. 3:24-cv-01187',
  'The plaintiff relies on 42 U.S.C. § 1983 and on Tamsin v. Greaves, 512 F.3d 77 (9th Cir. 2008).',
  'Her counsel, Idris Fenwick-Hale, argued that the cooperative owed her $48,250 in back wages.',
].join('\n\n');

/** The model's answer: its own view of the text, overlapping the rules on the citation, the statute and the court. */
function modelAnswer(req: FakeChatRequest) {
  const specs: Array<[string, string, string | null, string | null]> = [
    ['COURT', 'DISTRICT COURT FOR THE DISTRICT OF OREGON', null, null],
    ['PERSON', 'Orla Pennyworth', 'party', 'plaintiff'],
    ['ORG', 'Saltmarsh Cannery Cooperative', 'party', 'defendant'],
    ['STATUTE', 'U.S.C. § 1983', null, null],
    ['CASE', '512 F.3d 77 (9th Cir. 2008)', null, null],
    ['PERSON', 'Idris Fenwick-Hale', 'counsel', null],
    ['MONEY', '$48,250', null, null],
    ['DATE', 'back wages', null, null],
  ];
  return {
    content: {
      mentions: specs
        .filter(([, text]) => req.user.includes(text))
        .map(([type, text, role, party]) => ({ type, text, start: req.user.indexOf(text), end: req.user.indexOf(text) + text.length, role, party })),
    },
  };
}

const key = (m: { type: string; start: number; end: number; method: string }) => `${m.type}@${m.start}-${m.end}:${m.method}`;

describe('ENTITY_EXTRACTOR=offline+llm in the graph stages', () => {
  let fake: FakeChatCompletions;
  let t: PipelineApp;
  let db: DataSource;
  const projects: TestProject[] = [];
  const prefix = `test:llm-pipeline:${randomUUID()}:`;
  let closed = false;

  beforeAll(async () => {
    fake = await FakeChatCompletions.start({ respond: modelAnswer });
    t = await createPipelineApp({
      extractor: 'offline+llm',
      llm: {
        baseUrl: fake.baseUrl,
        model: 'fake-model',
        timeoutMs: 5000,
        maxRetries: 1,
        backoffMs: 1,
        concurrency: 2,
        chunkChars: 6000,
        redisUrl: redisUrl(),
        redisKeyPrefix: prefix,
      },
    });
    db = t.db;
  });

  afterAll(async () => {
    await cleanupProjects(db, projects);
    if (!closed) await t?.close();
    await fake?.close();
    const redis = new Redis(redisOptionsFromUrl(redisUrl()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('stores the rules mentions and the model mentions the rules leave room for, each at its true offsets', async () => {
    const project = await createProject(db, 'graph-llm');
    projects.push(project);
    const doc = await createDocument(db, project, [TEXT], 'opinion.pdf');
    await t.pipeline.process(doc);

    const rows: Array<{ entity_type: string; entity_text: string; start_char: number; end_char: number; method: string }> = await db.query(
      `SELECT entity_type, entity_text, start_char, end_char, method FROM entity_mentions WHERE document_uuid = $1 ORDER BY start_char`,
      [doc],
    );
    const status = await db.query('SELECT status, entities_status FROM source_documents WHERE document_uuid = $1', [doc]);
    expect(status).toEqual([{ status: 'completed', entities_status: 'completed' }]);
    expect(fake.requests).toHaveLength(1);

    // The expected result, from the same offline extractor and the same combination rule.
    const rules = await createEntityExtractor('offline').extract(TEXT);
    const answered = modelAnswer({ user: TEXT } as FakeChatRequest).content.mentions;
    const model: ExtractedMention[] = answered.map((m) => ({
      text: m.text,
      start: m.start,
      end: m.end,
      type: m.type as ExtractedMention['type'],
      confidence: 0.75,
      method: 'llm:fake-model',
    }));
    const expected = combineMentions(rules, model);
    const stored = rows.map((r) => ({ type: r.entity_type, start: r.start_char, end: r.end_char, method: r.method }));
    expect(stored.map(key)).toEqual(expected.map((m) => key(m)));
    for (const r of rows) expect(TEXT.slice(r.start_char, r.end_char)).toBe(r.entity_text);

    const fromModel = rows.filter((r) => r.method === 'llm:fake-model');
    expect(fromModel.length).toBeGreaterThan(0);
    // The rules own the citation and the statute: the model's overlapping spans are gone.
    const citation = TEXT.indexOf('512 F.3d 77');
    const statute = TEXT.indexOf('U.S.C. § 1983');
    for (const m of fromModel) {
      expect(m.end_char <= citation || m.start_char >= citation + '512 F.3d 77 (9th Cir. 2008)'.length).toBe(true);
      expect(m.end_char <= statute || m.start_char >= statute + 'U.S.C. § 1983'.length).toBe(true);
    }
    expect(rows.some((r) => r.start_char <= citation && r.end_char > citation && !r.method.startsWith('llm:'))).toBe(true);
  });

  it('asks nothing for a document whose chunks it has answered before (the Redis cache)', async () => {
    const project = await createProject(db, 'graph-llm-cached');
    projects.push(project);
    const doc = await createDocument(db, project, [TEXT], 'copy.pdf');
    const before = fake.requests.length;
    await t.pipeline.process(doc);
    expect(fake.requests.length).toBe(before);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM entity_mentions WHERE document_uuid = $1 AND method = 'llm:fake-model'`, [doc]);
    expect(n).toBeGreaterThan(0);
  });

  it('closes its cache connection when the app closes (EntityExtractorLifecycle)', async () => {
    const llm = t.app.get<CombinedExtractor>(ENTITY_EXTRACTOR).model as LlmExtractor;
    expect(llm.cacheStatus).toBe('ready');
    await cleanupProjects(db, projects.splice(0));
    closed = true;
    await t.close();
    await waitFor(() => llm.cacheStatus === 'end', { what: 'the cache connection closed', timeoutMs: 5000 });
  });
});

describe('ENTITY_EXTRACTOR=offline+llm in the real graph worker, endpoint down', () => {
  let app: INestApplicationContext;
  let queue: Queue;
  let db: DataSource;
  let project: TestProject;
  let port: number;
  const bullPrefix = `bull-test-graph-llm-${randomUUID().slice(0, 8)}`;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // startGraphWorker loads the config from process.env, as main.ts does.
    const env = { ENTITY_EXTRACTOR: 'offline+llm', LLM_BASE_URL: `http://127.0.0.1:${port}/v1`, LLM_MODEL: 'fake-model', LLM_MAX_RETRIES: '1' };
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    ({ app, queue, db } = await startGraphWorker(bullPrefix));
    project = await createProject(db, 'graph-llm-down');
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await queue?.obliterate({ force: true }).catch(() => undefined);
    if (db && project) await cleanupProjects(db, [project]);
    await app?.close();
  });

  it('retries the job, then fails the document at `entities` with "unreachable after 1 retries: ECONNREFUSED"', async () => {
    const doc = await createDocument(db, project, [TEXT], 'down.pdf');
    await queue.add(
      JOBS.GRAPH_DOCUMENT,
      { documentUuid: doc },
      { jobId: randomUUID(), attempts: 2, backoff: { type: 'fixed', delay: 50 }, removeOnFail: false },
    );
    const [row] = await waitFor(
      async () => {
        const rows: Array<{ status: string; failed_stage: string | null; error_message: string | null }> = await db.query(
          'SELECT status, failed_stage, error_message FROM source_documents WHERE document_uuid = $1',
          [doc],
        );
        return rows[0]?.status === 'failed' ? rows : undefined;
      },
      { what: 'the document failed', timeoutMs: 30_000 },
    );
    expect(row).toEqual({
      status: 'failed',
      failed_stage: 'entities',
      error_message: `LLM endpoint http://127.0.0.1:${port}/v1/chat/completions unreachable after 1 retries: ECONNREFUSED (failed after 2 attempts)`,
    });
  });
});

import { getQueueToken } from '@nestjs/bull';
import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { QUEUES, joinPages, redisKeys } from '@casegraph/contracts';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { PipelineModule } from '@casegraph/pipeline';
import { loadConfig, redisOptionsFromUrl } from '@casegraph/platform';
import { ProjectContextModule } from '@casegraph/project-context';
import { GeneratedDocumentName, fixtureDocument, generatedDocument } from '@casegraph/testing';
import { graphWorkerConfigSpec } from '../config';
import { GraphPipelineOptions } from '../pipeline/graph-options';
import { GraphPipelineModule } from '../pipeline/graph-pipeline.module';
import { GraphPipelineService } from '../pipeline/graph-pipeline.service';
import { GraphWorkerModule } from '../worker.module';

export const databaseUrl = () => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/casegraph_test';
export const redisUrl = () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface PipelineApp {
  app: INestApplicationContext;
  pipeline: GraphPipelineService;
  db: DataSource;
  close(): Promise<void>;
}

/**
 * The graph stages on their own DataSource (one per call: two calls = two "workers"), on the shared test
 * database or on `url` (a private one).
 */
export async function createPipelineApp(options: Partial<GraphPipelineOptions> = {}, poolSize = 6, url = databaseUrl()): Promise<PipelineApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot(dataSourceOptions(url, ENTITIES, MIGRATIONS, { poolSize, applicationName: 'casegraph-graph-test' })),
      ProjectContextModule.forRoot({ redisUrl: redisUrl() }),
      PipelineModule.forRoot({ redisUrl: redisUrl() }),
      GraphPipelineModule.forRoot(options),
    ],
  }).compile();
  const app = await moduleRef.init();
  return {
    app,
    pipeline: app.get(GraphPipelineService),
    db: app.get(DataSource),
    close: () => app.close(),
  };
}

export interface GraphWorkerApp {
  app: INestApplicationContext;
  queue: Queue;
  db: DataSource;
}

/** The real GraphWorkerModule (Bull consumer, ops server) as main.ts builds it, on a private Bull prefix. */
export async function startGraphWorker(bullPrefix: string): Promise<GraphWorkerApp> {
  const config = loadConfig(graphWorkerConfigSpec, {
    ...process.env,
    BULL_PREFIX: bullPrefix,
    HEALTH_PORT: '0',
    GRAPH_CONCURRENCY: '2',
    SHUTDOWN_GRACE_MS: '2000',
  });
  const moduleRef = await Test.createTestingModule({ imports: [GraphWorkerModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await (app as unknown as { init(): Promise<unknown> }).init();
  return { app, queue: app.get<Queue>(getQueueToken(QUEUES.GRAPH)), db: app.get(DataSource) };
}

export interface TestProject {
  id: number;
  projectUuid: string;
  name: string;
}

export async function createProject(db: DataSource, label = 'graph'): Promise<TestProject> {
  const name = `${label}-${randomUUID()}`;
  const rows: Array<{ id: number; project_uuid: string }> = await db.query(
    'INSERT INTO projects (name, project_uuid) VALUES ($1, gen_random_uuid()) RETURNING id, project_uuid',
    [name],
  );
  return { id: rows[0].id, projectUuid: rows[0].project_uuid, name };
}

/** A document as the OCR worker leaves it: pages in document_pages, joined text in raw_extracted_text. */
export async function createDocument(
  db: DataSource,
  project: TestProject,
  pages: string[],
  fileName = 'document.pdf',
  opts: { withPages?: boolean; rawText?: string | null } = {},
): Promise<string> {
  const documentUuid = randomUUID();
  const raw = opts.rawText === undefined ? joinPages(pages) : opts.rawText;
  await db.query(
    `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name, file_name, status,
                                   ocr_status, ocr_completed_at, raw_extracted_text, page_count)
     VALUES ($1, $2, $3, $4, $4, 'processing', 'completed', now(), $5, $6)`,
    [documentUuid, project.id, project.projectUuid, fileName, raw, pages.length],
  );
  if (opts.withPages !== false && pages.length) {
    await db.query(
      `INSERT INTO document_pages (document_uuid, page_number, text, confidence, engine)
       SELECT $1, p.n, p.t, 100, 'test' FROM unnest($2::text[]) WITH ORDINALITY AS p(t, n)`,
      [documentUuid, pages],
    );
  }
  return documentUuid;
}

/**
 * The ground-truth pages of a generated document (@casegraph/testing): what the OCR worker leaves in
 * document_pages for it. The filings are written for the tests, so their entities are known.
 */
export function generatedPages(name: GeneratedDocumentName): string[] {
  return generatedDocument(name).pages;
}

/** A shared fixture's ground-truth text split into pages of `linesPerPage` lines (the PDFs have ~66 lines a page). Needs ../shared/fixtures. */
export function fixturePages(name: string, linesPerPage = 66): string[] {
  const lines = readFileSync(fixtureDocument(name), 'utf8').replace(/\n$/, '').split('\n');
  const pages: string[] = [];
  for (let i = 0; i < lines.length; i += linesPerPage) pages.push(lines.slice(i, i + linesPerPage).join('\n'));
  return pages;
}

/** A small text file of ours under test/fixtures (labelled set, extra documents). */
export function ownFixture(name: string): string {
  return readFileSync(join(__dirname, '../../../../test/fixtures', name), 'utf8');
}

/** Deletes every row and Redis key the given projects own (only ours: by project UUID and document UUID). */
export async function cleanupProjects(db: DataSource, projects: TestProject[]): Promise<void> {
  if (!projects.length) return;
  const uuids = projects.map((p) => p.projectUuid);
  const ids = projects.map((p) => p.id);
  const docs: Array<{ document_uuid: string }> = await db.query('SELECT document_uuid FROM source_documents WHERE project_fk_id = ANY($1::int[])', [
    ids,
  ]);
  const docUuids = docs.map((d) => d.document_uuid);
  await db.query('DELETE FROM relationship_staging WHERE project_uuid = ANY($1::uuid[])', [uuids]);
  await db.query('DELETE FROM relationship_contributions WHERE project_uuid = ANY($1::uuid[])', [uuids]);
  await db.query('DELETE FROM entity_mentions WHERE project_uuid = ANY($1::uuid[])', [uuids]);
  await db.query('DELETE FROM canonical_entities WHERE project_uuid = ANY($1::uuid[])', [uuids]);
  await db.query('DELETE FROM document_chunks WHERE project_uuid = ANY($1::uuid[])', [uuids]);
  await db.query('DELETE FROM document_pages WHERE document_uuid = ANY($1::uuid[])', [docUuids]);
  await db.query('DELETE FROM source_documents WHERE project_fk_id = ANY($1::int[])', [ids]);
  await db.query('DELETE FROM projects WHERE id = ANY($1::int[])', [ids]);
  await deleteDocumentKeys(docUuids);
}

export async function deleteDocumentKeys(documentUuids: string[]): Promise<void> {
  if (!documentUuids.length) return;
  const redis = new Redis({ ...redisOptionsFromUrl(redisUrl()), lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = documentUuids.flatMap((d) => [
      redisKeys.docMetadata(d),
      redisKeys.docMetadataMissing(d),
      redisKeys.docMetadataVersion(d),
      redisKeys.docState(d),
    ]);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } catch {
    /* Redis away: the keys expire on their own */
  } finally {
    redis.disconnect();
  }
}

/** Everything the graph stages wrote for a project, in a stable order (for idempotency comparisons). */
export async function snapshotProject(db: DataSource, projectUuid: string): Promise<Record<string, unknown[]>> {
  return {
    chunks: await db.query(
      `SELECT chunk_uuid, document_uuid, chunk_index, char_start_index, char_end_index, page_numbers, md5(text) AS text
         FROM document_chunks WHERE project_uuid = $1 ORDER BY document_uuid, chunk_index`,
      [projectUuid],
    ),
    mentions: await db.query(
      `SELECT mention_uuid, document_uuid, chunk_uuid, entity_type, entity_text, start_char, end_char, confidence_score,
              method, normalized_key, canonical_entity_uuid
         FROM entity_mentions WHERE project_uuid = $1 ORDER BY document_uuid, start_char NULLS LAST, entity_type, mention_uuid`,
      [projectUuid],
    ),
    entities: await db.query(
      `SELECT canonical_entity_uuid, entity_type, canonical_name, normalized_key, aliases, mention_count
         FROM canonical_entities WHERE project_uuid = $1 ORDER BY entity_type, normalized_key`,
      [projectUuid],
    ),
    edges: await db.query(
      `SELECT source_entity_uuid, target_entity_uuid, relationship_type, weight, properties
         FROM relationship_staging WHERE project_uuid = $1
        ORDER BY relationship_type, source_entity_uuid, target_entity_uuid`,
      [projectUuid],
    ),
    contributions: await db.query(
      `SELECT document_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight, evidence_chunk_uuids
         FROM relationship_contributions WHERE project_uuid = $1
        ORDER BY document_uuid, relationship_type, source_entity_uuid, target_entity_uuid`,
      [projectUuid],
    ),
  };
}

/** One header entry of a test e-mail: display name (or null) and address (or null). */
export type TestAddress = { name: string | null; address: string | null };

export interface TestEmail {
  from?: TestAddress[];
  to?: TestAddress[];
  cc?: TestAddress[];
  bcc?: TestAddress[];
  replyTo?: TestAddress[];
  subject?: string | null;
  date?: string | null;
  messageId?: string | null;
  inReplyTo?: string | null;
  references?: string[];
  body?: string;
}

/** "Jane Doe <jane@example.com>", `"Doe, Jane" <…>` (a comma is quoted), or the bare address / name. */
export function headerEntry(a: TestAddress): string {
  const name = a.name === null ? null : /[,;<>"]/.test(a.name) ? `"${a.name.replace(/"/g, '\\"')}"` : a.name;
  if (name && a.address) return `${name} <${a.address}>`;
  return name ?? a.address ?? '';
}

/** The header page the OCR stage writes for an e-mail (every name and address verbatim). */
export function emailHeaderText(e: TestEmail): string {
  const lines: string[] = [];
  const field = (label: string, list?: TestAddress[]) => {
    if (list?.length) lines.push(`${label}: ${list.map(headerEntry).join(', ')}`);
  };
  field('From', e.from);
  field('To', e.to);
  field('Cc', e.cc);
  field('Bcc', e.bcc);
  field('Reply-To', e.replyTo);
  if (e.date) lines.push(`Date: ${e.date}`);
  if (e.subject) lines.push(`Subject: ${e.subject}`);
  return lines.join('\n');
}

/**
 * An e-mail document as the OCR stage leaves it: document_metadata {format: 'eml', email}, page 1 the headers
 * (part 'email-headers'), page 2 the body (part 'email-body'). `metadata` replaces the whole document_metadata
 * (hostile cases); `headerText` the header page.
 */
export async function createEmailDocument(
  db: DataSource,
  project: TestProject,
  e: TestEmail,
  fileName = 'message.eml',
  opts: { metadata?: unknown; headerText?: string } = {},
): Promise<string> {
  const email = {
    from: e.from ?? [],
    to: e.to ?? [],
    cc: e.cc ?? [],
    bcc: e.bcc ?? [],
    ...(e.replyTo ? { replyTo: e.replyTo } : {}),
    subject: e.subject ?? null,
    date: e.date ?? null,
    messageId: e.messageId ?? null,
    inReplyTo: e.inReplyTo ?? null,
    references: e.references ?? [],
    attachmentCount: 0,
  };
  const pages = [opts.headerText ?? emailHeaderText(e), e.body ?? 'Please see below.'];
  const documentUuid = await createDocument(db, project, pages, fileName);
  await db.query('UPDATE source_documents SET document_metadata = $2::jsonb WHERE document_uuid = $1', [
    documentUuid,
    JSON.stringify(opts.metadata === undefined ? { format: 'eml', email } : opts.metadata),
  ]);
  await db.query(`UPDATE document_pages SET part = CASE page_number WHEN 1 THEN 'email-headers' ELSE 'email-body' END WHERE document_uuid = $1`, [
    documentUuid,
  ]);
  return documentUuid;
}

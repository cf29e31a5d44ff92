/** Helpers of the OCR worker's integration tests: a real worker app, real rows, real stored files. */
import { getQueueToken } from '@nestjs/bull';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bull';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { DocumentJobData, JOBS, QUEUES, documentJobId } from '@casegraph/contracts';
import { loadConfig } from '@casegraph/platform';
import { ProjectContextService } from '@casegraph/project-context';
import { StorageService, documentObjectKey } from '@casegraph/storage';
import { waitFor } from '@casegraph/testing';
import { OcrWorkerConfig, ocrWorkerConfigSpec } from '../config';
import { OcrWorkerModule, OcrWorkerModuleOverrides } from '../worker.module';

export interface WorkerHandle {
  app: INestApplicationContext;
  config: OcrWorkerConfig;
  db: DataSource;
  storage: StorageService;
  context: ProjectContextService;
  ocrQueue: Queue;
  graphQueue: Queue;
  close(): Promise<void>;
}

/** A worker app on the test database with a private Bull prefix and storage folder. */
export async function startWorker(env: Record<string, string> = {}, overrides: OcrWorkerModuleOverrides = {}): Promise<WorkerHandle> {
  const storageDir = env.STORAGE_DIR ?? mkdtempSync(join(tmpdir(), 'casegraph-ocr-test-'));
  const config = loadConfig(ocrWorkerConfigSpec, {
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    NODE_ENV: 'test',
    HEALTH_PORT: '0',
    DB_POOL_SIZE: '6',
    BULL_PREFIX: `bull-test-ocr-${randomUUID().slice(0, 8)}`,
    STORAGE_DIR: storageDir,
    SHUTDOWN_GRACE_MS: '2000',
    ...env,
  });
  const app = await NestFactory.createApplicationContext(OcrWorkerModule.forRoot(config, overrides), { logger: false });
  await app.init();
  return {
    app,
    config,
    db: app.get(DataSource),
    storage: app.get(StorageService),
    context: app.get(ProjectContextService),
    ocrQueue: app.get<Queue>(getQueueToken(QUEUES.OCR)),
    graphQueue: app.get<Queue>(getQueueToken(QUEUES.GRAPH)),
    close: async () => {
      const ocr = app.get<Queue>(getQueueToken(QUEUES.OCR));
      const graph = app.get<Queue>(getQueueToken(QUEUES.GRAPH));
      // Remove this file's Bull keys (private prefix only), then stop the app.
      for (const q of [ocr, graph]) await q.obliterate({ force: true }).catch(() => undefined);
      await app.close();
      if (!env.STORAGE_DIR) rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

export interface CreatedDocument {
  documentUuid: string;
  projectUuid: string;
  projectId: number;
  key: string;
}

/**
 * Creates a project and a document row as the ingest API does (project_fk_id +
 * project_uuid, the file put through StorageService, sha256, size), and caches
 * its context in Redis like the API. `bytes: null` leaves no stored file.
 */
export async function createDocument(
  w: WorkerHandle,
  file: { name: string; bytes: Buffer | null; key?: string; projectId?: number },
): Promise<CreatedDocument> {
  let projectId = file.projectId;
  let projectUuid: string;
  if (projectId === undefined) {
    const p = await w.context.ensureProject({ name: `ocr-test-${randomUUID()}` });
    projectId = p.id;
    projectUuid = p.projectUuid;
  } else {
    const rows: Array<{ project_uuid: string }> = await w.db.query('SELECT project_uuid FROM projects WHERE id = $1', [projectId]);
    projectUuid = rows[0].project_uuid;
  }
  const documentUuid = randomUUID();
  const key = file.key ?? documentObjectKey(projectUuid, documentUuid, file.name);
  let sha: string | null = null;
  let size: number | null = null;
  if (file.bytes) {
    const stored = await w.storage.put(key, Readable.from([file.bytes]));
    sha = stored.sha256;
    size = stored.sizeBytes;
  }
  await w.db.query(
    `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name, file_name, s3_bucket, s3_key,
                                   file_size_bytes, sha256, status)
     VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, 'pending')`,
    [documentUuid, projectId, projectUuid, file.name, w.storage.bucket, key, size, sha],
  );
  await w.context
    .remember({
      documentUuid,
      projectUuid,
      projectId,
      documentMetadata: { filename: file.name, s3Key: key, uploadedAt: new Date().toISOString() },
    })
    .catch(() => undefined);
  return { documentUuid, projectUuid, projectId, key };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Enqueues the OCR job as the API does (jobId = document UUID); `opts` overrides attempts/backoff. */
export async function enqueueOcr(w: WorkerHandle, documentUuid: string, opts: Record<string, unknown> = {}): Promise<void> {
  const data: DocumentJobData = { documentUuid };
  await w.ocrQueue.add(JOBS.OCR_DOCUMENT, data, { jobId: documentJobId(documentUuid), ...opts });
}

export interface DocumentState {
  status: string;
  ocr_status: string;
  error_message: string | null;
  raw_extracted_text: string | null;
  page_count: number | null;
  ocr_provider: string | null;
  ocr_confidence_score: number | null;
  detected_file_type: string | null;
  ocr_metadata: Record<string, unknown> | null;
}

export async function documentState(w: WorkerHandle, documentUuid: string): Promise<DocumentState> {
  const rows: DocumentState[] = await w.db.query(
    `SELECT status, ocr_status, error_message, raw_extracted_text, page_count, ocr_provider, ocr_confidence_score,
            detected_file_type, ocr_metadata FROM source_documents WHERE document_uuid = $1`,
    [documentUuid],
  );
  return rows[0];
}

/** Waits until the document's ocr stage is completed or failed (polling PostgreSQL). */
export async function waitForOcr(w: WorkerHandle, documentUuid: string, timeoutMs = 60_000): Promise<DocumentState> {
  let last: DocumentState | undefined;
  return waitFor(
    async () => {
      last = await documentState(w, documentUuid);
      return last && (last.ocr_status === 'completed' || last.ocr_status === 'failed') ? last : undefined;
    },
    { timeoutMs, what: `the OCR of ${documentUuid} to finish`, detail: () => `ocr_status: ${last?.ocr_status}` },
  );
}

/** Waits until a Bull job is finished (completed or failed) and returns it. */
export async function waitForJob(queue: Queue, jobId: string, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const job = await queue.getJob(jobId);
      // Re-read once finished: a Job fetched while still active carries stale attempt counts.
      return job && ((await job.isCompleted()) || (await job.isFailed())) ? queue.getJob(jobId) : undefined;
    },
    { timeoutMs, what: `job ${jobId} to finish` },
  );
}

export async function pages(w: WorkerHandle, documentUuid: string) {
  return await w.db.query<Array<{ page_number: number; text: string; confidence: number | null; engine: string }>>(
    'SELECT page_number, text, confidence, engine FROM document_pages WHERE document_uuid = $1 ORDER BY page_number',
    [documentUuid],
  );
}

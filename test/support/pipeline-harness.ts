/**
 * The whole pipeline for cross-service tests: ingest-api in-process (its real AppModule + configureApp,
 * through apps/ingest-api's test app), and ocr-worker / graph-worker either in-process (their modules'
 * forRoot(config)) or as child processes (spawnApp: ts-node of their real main.ts, so they can be SIGKILLed).
 * Every stack has its own Bull prefix and storage folder; the database and Redis are chosen by the caller
 * (a private database for scenarios whose reconciler/sweeper scan every row, a private redis-server for
 * scenarios that break Redis).
 */
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { type RelationshipType, UNDIRECTED_RELATIONSHIP_TYPES, redisKeys } from '@casegraph/contracts';
import { loadConfig, redisOptionsFromUrl } from '@casegraph/platform';
import { spawnApp, waitFor } from '@casegraph/testing';
import { TestApp, createTestApp, deleteBullPrefix } from '../../apps/ingest-api/src/testing/test-app';
import { SweeperService } from '../../apps/ingest-api/src/sweeper/sweeper.service';
import { ocrWorkerConfigSpec } from '../../apps/ocr-worker/src/config';
import { OcrWorkerModule } from '../../apps/ocr-worker/src/worker.module';
import { checkGraphWorkerConfig, graphWorkerConfigSpec } from '../../apps/graph-worker/src/config';
import { GraphWorkerModule } from '../../apps/graph-worker/src/worker.module';
import { fixtureDocument, generatedBytes, isGeneratedDocumentName } from '../../libs/testing/src';

export type WorkerKind = 'ocr' | 'graph';

export interface WorkerProcess {
  kind: WorkerKind;
  mode: 'in-process' | 'child';
  /** Child mode: the process (for SIGKILL). */
  child?: ChildProcess;
  app?: INestApplicationContext;
  /** Graceful stop (in-process: app.close(); child: SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Child mode only: SIGKILL, no goodbye. */
  kill(): Promise<void>;
}

export interface StackOptions {
  databaseUrl?: string;
  redisUrl?: string;
  /** Extra env for every app (e.g. short reconciler/sweeper intervals). */
  env?: Record<string, string>;
  /** Extra env for ingest-api only. */
  apiEnv?: Record<string, string>;
}

export interface IngestedDocument {
  documentUuid: string;
  file: string;
  projectUuid: string;
}

export interface IngestedProject {
  id: number;
  projectUuid: string;
  name: string;
  label: string;
  documents: IngestedDocument[];
}

/** Environment shared by every app of one stack. */
function stackEnv(bullPrefix: string, storageDir: string, opts: StackOptions): Record<string, string> {
  return {
    DATABASE_URL: opts.databaseUrl ?? process.env.DATABASE_URL!,
    REDIS_URL: opts.redisUrl ?? process.env.REDIS_URL!,
    BULL_PREFIX: bullPrefix,
    STORAGE_DRIVER: 'local',
    STORAGE_DIR: storageDir,
    HEALTH_PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DB_POOL_SIZE: '4',
    SHUTDOWN_GRACE_MS: '2000',
    ...(opts.env ?? {}),
  };
}

export class PipelineStack {
  readonly bullPrefix = `bull-faults-${randomUUID().slice(0, 8)}`;
  readonly storageDir = mkdtempSync(join(tmpdir(), 'casegraph-faults-'));
  readonly workers: WorkerProcess[] = [];
  /** Documents of this stack: their Redis keys are deleted by close(). */
  readonly documentUuids = new Set<string>();
  api!: TestApp;
  private readonly env: Record<string, string>;

  private constructor(private readonly opts: StackOptions) {
    this.env = stackEnv(this.bullPrefix, this.storageDir, opts);
  }

  /** Starts ingest-api (in-process) and no workers (add them with startWorker). */
  static async start(opts: StackOptions = {}): Promise<PipelineStack> {
    const s = new PipelineStack(opts);
    s.api = await createTestApp({ ...s.env, ...(opts.apiEnv ?? {}) });
    return s;
  }

  get db(): DataSource {
    return this.api.db;
  }

  get sweeper(): SweeperService {
    return this.api.app.get(SweeperService);
  }

  async startWorker(kind: WorkerKind, mode: 'in-process' | 'child' = 'in-process', env: Record<string, string> = {}): Promise<WorkerProcess> {
    const all = { ...process.env, ...this.env, ...env } as Record<string, string>;
    const w = mode === 'child' ? await this.spawnChild(kind, all) : await this.inProcess(kind, all);
    this.workers.push(w);
    return w;
  }

  private async inProcess(kind: WorkerKind, env: Record<string, string>): Promise<WorkerProcess> {
    const module =
      kind === 'ocr'
        ? OcrWorkerModule.forRoot(loadConfig(ocrWorkerConfigSpec, env))
        : GraphWorkerModule.forRoot(checkGraphWorkerConfig(loadConfig(graphWorkerConfigSpec, env)));
    const app = await NestFactory.createApplicationContext(module, { logger: false, abortOnError: false });
    await app.init();
    let stopped = false;
    return {
      kind,
      mode: 'in-process',
      app,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([app.close().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 10_000)))]);
        clearTimeout(timer);
      },
      kill: async () => {
        throw new Error('kill() needs a child-process worker');
      },
    };
  }

  private async spawnChild(kind: WorkerKind, env: Record<string, string>): Promise<WorkerProcess> {
    const app = await spawnApp({ app: kind === 'ocr' ? 'ocr-worker' : 'graph-worker', env, inheritEnv: false });
    return {
      kind,
      mode: 'child',
      child: app.child,
      stop: async () => void (await app.stop(10_000)),
      kill: async () => void (await app.kill()),
    };
  }

  /**
   * Creates projects and uploads files to each through the real HTTP API (one multipart request per project). A file is
   * a generated document's name (complaint.pdf, corrupt.pdf, ...: @casegraph/testing), else a name under ../shared/fixtures/documents.
   */
  async ingest(plan: Array<{ label: string; files: string[] }>): Promise<IngestedProject[]> {
    const out: IngestedProject[] = [];
    for (const p of plan) {
      const name = `test-ingest faults ${p.label} ${randomUUID().slice(0, 8)}`;
      const created = await request(this.api.http).post('/v1/projects').send({ name });
      if (created.status !== 201) throw new Error(`project not created: ${created.status} ${JSON.stringify(created.body)}`);
      let req = request(this.api.http).post(`/v1/projects/${created.body.projectUuid}/documents`);
      for (const f of p.files) req = req.attach('files', isGeneratedDocumentName(f) ? generatedBytes(f) : readFileSync(fixtureDocument(f)), f);
      const res = await req;
      if (res.status !== 202) throw new Error(`upload refused: ${res.status} ${JSON.stringify(res.body)}`);
      for (const d of res.body.documents as Array<{ documentUuid: string }>) this.documentUuids.add(d.documentUuid);
      out.push({
        id: created.body.id,
        projectUuid: created.body.projectUuid,
        name,
        label: p.label,
        documents: res.body.documents.map((d: { documentUuid: string; filename: string }) => ({
          documentUuid: d.documentUuid,
          file: d.filename,
          projectUuid: created.body.projectUuid,
        })),
      });
    }
    return out;
  }

  /** Stops every worker, the API, and removes the stack's storage folder and Bull keys. */
  async close(): Promise<void> {
    for (const w of this.workers.splice(0)) await w.stop().catch(() => undefined);
    await this.api?.close();
    rmSync(this.storageDir, { recursive: true, force: true });
    // This stack's keys only: its Bull prefix and its documents' cache/state keys (Redis may be the shared one).
    const redis = new Redis({ ...redisOptionsFromUrl(this.env.REDIS_URL), lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      await deleteBullPrefix(redis, this.bullPrefix);
      await redis.del(redisKeys.ingestSweeperLock(this.bullPrefix));
      const keys = [...this.documentUuids].flatMap((d) => [
        redisKeys.docMetadata(d),
        redisKeys.docMetadataMissing(d),
        redisKeys.docMetadataVersion(d),
        redisKeys.docState(d),
      ]);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    } catch {
      /* a private Redis already stopped: nothing to clean */
    } finally {
      redis.disconnect();
    }
  }
}

/** Documents of the given projects that are not completed/failed yet. */
export async function unfinished(db: DataSource, projects: IngestedProject[]): Promise<Array<{ document_uuid: string; status: string }>> {
  // By document UUID: legacy rows have no project_uuid until the pipeline heals them.
  return db.query(
    `SELECT document_uuid, status FROM source_documents WHERE document_uuid = ANY($1::uuid[]) AND status NOT IN ('completed', 'failed')`,
    [projects.flatMap((p) => p.documents.map((d) => d.documentUuid))],
  );
}

/** Waits (bounded) until every document of the projects is completed or failed; returns the wait in ms. */
export async function waitUntilDone(db: DataSource, projects: IngestedProject[], timeoutMs = 120_000, onTick?: () => Promise<void>): Promise<number> {
  const start = Date.now();
  let left: Array<{ document_uuid: string; status: string }> = [];
  await waitFor(
    async () => {
      try {
        left = await unfinished(db, projects);
      } catch {
        left = [{ document_uuid: '?', status: 'database unreachable' }];
      }
      if (!left.length) return true;
      if (onTick) await onTick().catch(() => undefined);
      return false;
    },
    { timeoutMs, intervalMs: 250, what: 'every document to be completed or failed', detail: () => `not done: ${JSON.stringify(left)}` },
  );
  return Date.now() - start;
}

export interface GraphSnapshot {
  /** file name -> status (+ reason prefix when failed), per project label. */
  documents: Record<string, string>;
  /** `${label}|${type}|${normalized_key}` -> mention count. */
  entities: Record<string, number>;
  /** `${label}|${type}|${sourceKey}|${targetKey}` -> weight (document targets by file name). */
  edges: Record<string, number>;
  /** `${label}|${file}` -> `${chunks}/${mentions}`. */
  perDocument: Record<string, string>;
}

/**
 * The graph of the projects in terms that do not depend on generated ids: canonical entities by (type,
 * normalized key) with mention counts; edges by (type, source key, target key) with weights; chunk and
 * mention counts per document; keyed by the project's label so runs on different projects compare.
 */
export async function graphSnapshot(db: DataSource, projects: IngestedProject[]): Promise<GraphSnapshot> {
  const snap: GraphSnapshot = { documents: {}, entities: {}, edges: {}, perDocument: {} };
  for (const p of projects) {
    const docs: Array<{
      document_uuid: string;
      original_file_name: string;
      status: string;
      error_message: string | null;
      chunks: number;
      mentions: number;
    }> = await db.query(
      `SELECT d.document_uuid, d.original_file_name, d.status, d.error_message,
                (SELECT count(*)::int FROM document_chunks c WHERE c.document_uuid = d.document_uuid) AS chunks,
                (SELECT count(*)::int FROM entity_mentions m WHERE m.document_uuid = d.document_uuid) AS mentions
           FROM source_documents d WHERE d.project_uuid = $1`,
      [p.projectUuid],
    );
    const fileOf = new Map(docs.map((d) => [d.document_uuid, d.original_file_name]));
    for (const d of docs) {
      snap.documents[`${p.label}|${d.original_file_name}`] = d.status === 'failed' ? `failed` : d.status;
      snap.perDocument[`${p.label}|${d.original_file_name}`] = `${d.chunks}/${d.mentions}`;
    }
    const ents: Array<{ id: string; entity_type: string; normalized_key: string; mentions: number }> = await db.query(
      `SELECT e.canonical_entity_uuid::text AS id, e.entity_type, e.normalized_key,
              (SELECT count(*)::int FROM entity_mentions m WHERE m.canonical_entity_uuid = e.canonical_entity_uuid) AS mentions
         FROM canonical_entities e WHERE e.project_uuid = $1`,
      [p.projectUuid],
    );
    const keyOf = new Map(ents.map((e) => [e.id, `${e.entity_type}:${e.normalized_key}`]));
    for (const e of ents) snap.entities[`${p.label}|${e.entity_type}|${e.normalized_key}`] = e.mentions;
    const edges: Array<{ relationship_type: string; source_id: string; target_id: string; weight: number }> = await db.query(
      `SELECT relationship_type, source_entity_uuid::text AS source_id, target_entity_uuid::text AS target_id, weight::float AS weight
         FROM relationship_staging WHERE project_uuid = $1`,
      [p.projectUuid],
    );
    for (const r of edges) {
      const name = (id: string) => keyOf.get(id) ?? `doc:${fileOf.get(id) ?? id}`;
      // CO_OCCURS and ADVERSE_TO are undirected (stored once, source < target by generated id): compare by sorted names.
      const ends = [name(r.source_id), name(r.target_id)];
      if (UNDIRECTED_RELATIONSHIP_TYPES.includes(r.relationship_type as RelationshipType)) ends.sort();
      snap.edges[`${p.label}|${r.relationship_type}|${ends[0]}|${ends[1]}`] = r.weight;
    }
  }
  return snap;
}

/**
 * Invariants every scenario checks: the right project_uuid on every row of the projects' documents,
 * and no duplicate chunks, mentions, canonical entities or edges. Returns the number of problems found per kind.
 */
export async function integrityReport(db: DataSource, projects: IngestedProject[]): Promise<Record<string, number>> {
  const uuids = projects.map((p) => p.projectUuid);
  const one = async (sql: string) => (await db.query<Array<{ n: number }>>(sql, [uuids]))[0].n;
  return {
    documentsWrongProject: await one(
      `SELECT count(*)::int AS n FROM source_documents d JOIN projects p ON p.id = d.project_fk_id
        WHERE p.project_uuid = ANY($1::uuid[]) AND d.project_uuid IS DISTINCT FROM p.project_uuid`,
    ),
    chunksWrongProject: await one(
      `SELECT count(*)::int AS n FROM document_chunks c JOIN source_documents d ON d.document_uuid = c.document_uuid
        WHERE d.project_uuid = ANY($1::uuid[]) AND c.project_uuid IS DISTINCT FROM d.project_uuid`,
    ),
    mentionsWrongProject: await one(
      `SELECT count(*)::int AS n FROM entity_mentions m JOIN source_documents d ON d.document_uuid = m.document_uuid
        WHERE d.project_uuid = ANY($1::uuid[]) AND m.project_uuid IS DISTINCT FROM d.project_uuid`,
    ),
    mentionsEntityOtherProject: await one(
      `SELECT count(*)::int AS n FROM entity_mentions m JOIN canonical_entities e ON e.canonical_entity_uuid = m.canonical_entity_uuid
        WHERE m.project_uuid = ANY($1::uuid[]) AND e.project_uuid IS DISTINCT FROM m.project_uuid`,
    ),
    edgesEntityOtherProject: await one(
      `SELECT count(*)::int AS n FROM relationship_staging r JOIN canonical_entities e ON e.canonical_entity_uuid = r.source_entity_uuid
        WHERE r.project_uuid = ANY($1::uuid[]) AND e.project_uuid IS DISTINCT FROM r.project_uuid`,
    ),
    duplicateChunks: await one(
      `SELECT count(*)::int AS n FROM (SELECT document_uuid, chunk_index FROM document_chunks
        WHERE project_uuid = ANY($1::uuid[]) GROUP BY 1, 2 HAVING count(*) > 1) x`,
    ),
    duplicateMentions: await one(
      `SELECT count(*)::int AS n FROM (SELECT document_uuid, entity_type, start_char, end_char FROM entity_mentions
        WHERE project_uuid = ANY($1::uuid[]) GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) x`,
    ),
    duplicateEntities: await one(
      `SELECT count(*)::int AS n FROM (SELECT project_uuid, entity_type, normalized_key FROM canonical_entities
        WHERE project_uuid = ANY($1::uuid[]) GROUP BY 1, 2, 3 HAVING count(*) > 1) x`,
    ),
    duplicateEdges: await one(
      `SELECT count(*)::int AS n FROM (SELECT project_uuid, relationship_type, source_entity_uuid, target_entity_uuid FROM relationship_staging
        WHERE project_uuid = ANY($1::uuid[]) GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) x`,
    ),
  };
}

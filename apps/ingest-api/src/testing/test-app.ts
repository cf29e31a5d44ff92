import { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { QUEUES, redisKeys } from '@casegraph/contracts';
import { loadConfig, redisOptionsFromUrl } from '@casegraph/platform';
import { AppModule } from '../app.module';
import { configureApp } from '../bootstrap';
import { IngestApiConfig, ingestApiConfigSpec } from '../config';
import { JobQueuesService } from '../intake/job-queues.service';
import { ReconcilerService } from '../intake/reconciler.service';

export interface TestApp {
  app: INestApplication;
  /** For supertest: request(t.http). */
  http: any;
  config: IngestApiConfig;
  db: DataSource;
  reconciler: ReconcilerService;
  queues: JobQueuesService;
  ocrQueue: Queue;
  graphQueue: Queue;
  storageDir: string;
  close(): Promise<void>;
}

/**
 * The real ingest AppModule configured by the real configureApp(), with a private
 * Bull prefix, a private storage folder and the reconciler timer off (tests call
 * tick()). `env` overrides any variable (e.g. CASEGRAPH_API_KEYS, REDIS_URL); `extra.controllers`
 * adds test-only routes (e.g. to prove the global guard covers routes of other modules).
 */
export async function createTestApp(env: Record<string, string> = {}, extra: { controllers?: Type<unknown>[] } = {}): Promise<TestApp> {
  const storageDir = await mkdtemp(join(tmpdir(), 'casegraph-ingest-'));
  const config = loadConfig(ingestApiConfigSpec, {
    ...process.env,
    BULL_PREFIX: `bull-test-${randomUUID().slice(0, 8)}`,
    STORAGE_DRIVER: 'local',
    STORAGE_DIR: storageDir,
    RECONCILE_INTERVAL_SECONDS: '0',
    SWEEP_INTERVAL_SECONDS: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    CASEGRAPH_API_KEYS: '',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config)],
    controllers: extra.controllers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  configureApp(app, config, { signalHandlers: false, pinoLogger: false });
  await app.init();
  const ocrQueue = app.get<Queue>(getQueueToken(QUEUES.OCR));
  const graphQueue = app.get<Queue>(getQueueToken(QUEUES.GRAPH));
  return {
    app,
    http: app.getHttpServer(),
    config,
    db: app.get(DataSource),
    reconciler: app.get(ReconcilerService),
    queues: app.get(JobQueuesService),
    ocrQueue,
    graphQueue,
    storageDir,
    async close() {
      // Closing waits for Redis to answer QUIT; against a dead or hung test server that never comes, so bound
      // it and then drop Bull's connections outright (no reconnect loop left behind to keep jest alive).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([app.close(), new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      for (const q of [ocrQueue, graphQueue]) {
        for (const c of (q as unknown as { clients: Array<{ status: string; disconnect(): void }> }).clients ?? []) {
          if (c.status !== 'end') c.disconnect();
        }
      }
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

/** Deletes everything a test created: its projects' rows, their context keys and the Bull keys of its prefix. */
export async function cleanupTestData(t: { db?: DataSource; config: IngestApiConfig }, projectIds: number[], db?: DataSource): Promise<void> {
  const ds = db ?? t.db!;
  const redis = new Redis({ ...redisOptionsFromUrl(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'), lazyConnect: true });
  try {
    // Only projects this suite named (never someone else's row that happens to share an id).
    const mine: number[] = projectIds.length
      ? (await ds.query(`SELECT id FROM projects WHERE id = ANY($1::int[]) AND (name LIKE 'test-ingest%' OR name LIKE 'fuzz-%')`, [projectIds])).map(
          (r: { id: number }) => r.id,
        )
      : [];
    projectIds = mine;
    if (projectIds.length) {
      const docs: Array<{ document_uuid: string }> = await ds.query(
        `SELECT document_uuid FROM source_documents WHERE project_fk_id = ANY($1::int[])`,
        [projectIds],
      );
      await redis.connect();
      if (docs.length) {
        const keys = docs.flatMap((d) => [redisKeys.docMetadata(d.document_uuid), redisKeys.docState(d.document_uuid)]);
        for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
      }
      await ds.query(`DELETE FROM source_documents WHERE project_fk_id = ANY($1::int[])`, [projectIds]);
      await ds.query(`DELETE FROM projects WHERE id = ANY($1::int[])`, [projectIds]);
    }
    await deleteBullPrefix(redis, t.config.bullPrefix);
  } finally {
    redis.disconnect();
  }
}

/** Removes every key of one (test-owned) Bull prefix. */
export async function deleteBullPrefix(redis: Redis, prefix: string): Promise<void> {
  if (redis.status === 'wait') await redis.connect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.del(redisKeys.ingestReconcilerLock(prefix));
}

/** A unique project name for a test. */
export const uniqueName = (label: string) => `test-ingest ${label} ${randomUUID().slice(0, 8)}`;

/**
 * `npm run bench -- ingest`: the batch-manifest path of ingest-api, over HTTP, against
 * (1) the same documents created one request at a time and (2) the floor: one raw
 * multi-row INSERT + one raw Redis pipeline of the same rows, measured in the same run.
 * Goals: batch >= 10x one-at-a-time, and within 4x of the floor.
 *
 * Boots the real AppModule + configureApp in-process on a free port, with a private
 * Bull prefix; removes every row, key and job it created.
 */
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { redisKeys } from '@casegraph/contracts';
import { DEFAULT_DATABASE_URL, migrate } from '@casegraph/entities';
import { loadConfig, redisOptionsFromUrl } from '@casegraph/platform';
import { AppModule } from '../apps/ingest-api/src/app.module';
import { configureApp } from '../apps/ingest-api/src/bootstrap';
import { ingestApiConfigSpec } from '../apps/ingest-api/src/config';
import { printLatencyTable, stats } from './lib';

const DOCS = 1000;
const ROUNDS = 10;
const SINGLE_ROUNDS = 2;

const manifestDocs = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({
    filename: `bench-${tag}-${i}.pdf`,
    s3Bucket: 'casegraph-bench',
    s3Key: `incoming/bench/${tag}/${i}.pdf`,
    fileSizeMb: 1.25,
    mimeType: 'application/pdf',
  }));

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1000; // µs
}

export default async function ingestBench(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  await migrate(databaseUrl, () => undefined);
  const prefix = `bull-bench-${randomUUID().slice(0, 8)}`;
  const storageDir = await mkdtemp(join(tmpdir(), 'casegraph-bench-'));
  const config = loadConfig(ingestApiConfigSpec, {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    BULL_PREFIX: prefix,
    STORAGE_DIR: storageDir,
    CASEGRAPH_API_KEYS: '',
    RATE_LIMIT_PER_MINUTE: '0',
    RECONCILE_INTERVAL_SECONDS: '0',
    MAX_BATCH_DOCUMENTS: String(DOCS),
    PORT: '0',
  });

  const app: INestApplication = await NestFactory.create(AppModule.forRoot(config), { logger: ['error', 'warn'] });
  configureApp(app, config, { pinoLogger: false });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const redis = new Redis(redisOptionsFromUrl(redisUrl));
  let projectId: number | undefined;

  const post = async (path: string, body: unknown): Promise<any> => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${path} -> ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json;
  };

  try {
    const project = await post('/v1/projects', { name: `bench ingest ${randomUUID().slice(0, 8)}` });
    projectId = project.id;
    const projectUuid: string = project.projectUuid;

    // Warm-up: code paths, pools, prepared Lua scripts.
    await post('/v1/batches', { projectUuid, documents: manifestDocs(DOCS, 'warm') });
    for (let i = 0; i < 20; i++) await post('/v1/batches', { projectUuid, documents: manifestDocs(1, `warm1-${i}`) });

    // (C) the floor: one multi-row INSERT of the same rows + one Redis pipeline of their context entries.
    const floorKeys: string[] = [];
    const floorRound = async (r: number): Promise<number> => {
      const docs = manifestDocs(DOCS, `f${r}`).map((d) => ({ ...d, uuid: randomUUID() }));
      const batchId = randomUUID();
      floorKeys.push(...docs.map((d) => redisKeys.docMetadata(d.uuid)));
      return timeIt(async () => {
        const rows = await pg.query(
          `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, batch_id, original_file_name, file_name,
                                         s3_bucket, s3_key, file_size_bytes, file_type, status)
           SELECT t.u, $1, $2, $3, t.f, t.f, t.b, t.k, t.s, t.m, 'pending'
             FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[]) AS t(u, f, b, k, s, m)
           RETURNING document_uuid, created_at`,
          [
            projectId,
            projectUuid,
            batchId,
            docs.map((d) => d.uuid),
            docs.map((d) => d.filename),
            docs.map((d) => d.s3Bucket),
            docs.map((d) => d.s3Key),
            docs.map(() => String(1.25 * 1024 * 1024)),
            docs.map((d) => d.mimeType),
          ],
        );
        const pipe = redis.pipeline();
        for (const row of rows.rows) {
          pipe.set(
            redisKeys.docMetadata(row.document_uuid),
            JSON.stringify({ project_uuid: projectUuid, project_id: projectId, document_metadata: { uploaded_at: row.created_at } }),
            'EX',
            86400,
          );
        }
        await pipe.exec();
      });
    };
    // (A) the batch path: one request with 1,000 documents.
    const batchRound = async (r: number): Promise<number> => {
      const docs = manifestDocs(DOCS, `b${r}`);
      return timeIt(() => post('/v1/batches', { projectUuid, documents: docs }));
    };
    // Interleaved (alternating order), so that both see the same machine load.
    const batch: number[] = [];
    const floor: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2) {
        batch.push(await batchRound(r));
        floor.push(await floorRound(r));
      } else {
        floor.push(await floorRound(r));
        batch.push(await batchRound(r));
      }
    }

    // (B) the same 1,000 documents, one request each (sequential, keep-alive).
    const single: number[] = [];
    for (let r = 0; r < SINGLE_ROUNDS; r++) {
      const docs = manifestDocs(DOCS, `s${r}`);
      single.push(
        await timeIt(async () => {
          for (const d of docs) await post('/v1/batches', { projectUuid, documents: [d] });
        }),
      );
    }

    const b = stats(batch);
    const s = stats(single);
    const f = stats(floor);
    console.log(`\n${DOCS} documents per manifest; ${ROUNDS} batch and floor rounds (interleaved), ${SINGLE_ROUNDS} one-at-a-time rounds\n`);
    printLatencyTable([
      { name: 'floor: 1 INSERT + 1 Redis pipeline', stats: f },
      { name: 'POST /v1/batches (1,000 docs)', stats: b, floor: 'floor: 1 INSERT + 1 Redis pipeline', goal: 4 },
      { name: '1,000 x POST /v1/batches (1 doc)', stats: s, floor: 'POST /v1/batches (1,000 docs)' },
    ]);
    const perSec = (us: number) => Math.round((DOCS / us) * 1e6).toLocaleString('en-US');
    const speedup = s.p50 / b.p50;
    const ofFloor = b.p50 / f.p50;
    console.log('');
    console.log(`floor          : ${(f.p50 / 1000).toFixed(1)} ms per ${DOCS} rows   ${perSec(f.p50)} documents/s`);
    console.log(`batch          : ${(b.p50 / 1000).toFixed(1)} ms per batch      ${perSec(b.p50)} documents/s`);
    console.log(`one-at-a-time  : ${(s.p50 / 1000).toFixed(0)} ms per ${DOCS} docs   ${perSec(s.p50)} documents/s`);
    console.log(`batch vs one-at-a-time: ${speedup.toFixed(1)}x faster (goal >= 10x: ${speedup >= 10 ? 'met' : 'MISSED'})`);
    console.log(`batch vs floor        : ${ofFloor.toFixed(2)}x the floor (goal <= 4x: ${ofFloor <= 4 ? 'met' : 'MISSED'})`);
    await redis.del(...floorKeys);
  } finally {
    if (projectId !== undefined) {
      const docs = await pg.query(`SELECT document_uuid FROM source_documents WHERE project_fk_id = $1`, [projectId]);
      const keys = docs.rows.flatMap((r) => [redisKeys.docMetadata(r.document_uuid), redisKeys.docState(r.document_uuid)]);
      for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
      await pg.query(`DELETE FROM source_documents WHERE project_fk_id = $1`, [projectId]);
      await pg.query(`DELETE FROM projects WHERE id = $1`, [projectId]);
    }
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.del(redisKeys.ingestReconcilerLock(prefix));
    await app.close();
    await pg.end();
    redis.disconnect();
    await rm(storageDir, { recursive: true, force: true });
  }
}

/**
 * Logs never contain API keys or file contents. The three real apps run as child processes from their real
 * main.ts (pino JSON on stdout, LOG_LEVEL=trace so every line that exists is written), on a private Bull prefix
 * and storage folder. A document whose text carries a marker is uploaded with a key, processed to completion,
 * refused requests are made with a wrong key and with a key of another project; then every byte the three
 * processes wrote is searched for the keys and the marker.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { AppName, SpawnedApp, freePort, spawnApp, waitFor } from '@casegraph/testing';
import { buildPdf } from '../../apps/ocr-worker/src/testing/test-pdfs';

jest.setTimeout(180_000);

const KEY = `sk-live-${randomUUID()}`;
const BOUND = `sk-bound-${randomUUID()}`;
const WRONG = `sk-wrong-${randomUUID()}`;
const MARKER = `CONTENTMARKER${randomUUID().replace(/-/g, '')}`;

describe('logs never contain API keys or file contents', () => {
  const storageDir = mkdtempSync(join(tmpdir(), 'casegraph-sec-logs-'));
  const prefix = `bull-test-logs-${randomUUID().slice(0, 8)}`;
  const children: SpawnedApp[] = [];
  let api: string;
  let db: DataSource;
  let projectId: number | undefined;
  let projectUuid: string;
  let otherProjectUuid: string;

  const start = async (app: AppName, env: Record<string, string>) => {
    const child = await spawnApp({
      app,
      env: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'trace',
        BULL_PREFIX: prefix,
        STORAGE_DIR: storageDir,
        STORAGE_DRIVER: 'local',
        HEALTH_PORT: '0',
        SHUTDOWN_GRACE_MS: '3000',
        ...env,
      },
    });
    children.push(child);
    return child;
  };

  /** Waits while all three apps run (one that exits ends the wait, with its last output). */
  const waitUntil = (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 90_000) =>
    waitFor(check, {
      timeoutMs,
      intervalMs: 250,
      what,
      abort: () => {
        const dead = children.find((c) => !c.running());
        return dead ? `${dead.app} exited (${dead.exit()?.code}):\n${dead.output().slice(-3000)}` : undefined;
      },
    });

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions(process.env.DATABASE_URL!, ENTITIES, MIGRATIONS, { poolSize: 2 }));
    await db.initialize();
    const rows = await db.query(
      `INSERT INTO projects (name, project_uuid) VALUES ($1, gen_random_uuid()), ($2, gen_random_uuid()) RETURNING id, project_uuid`,
      [`test-ingest logs ${randomUUID()}`, `test-ingest logs-other ${randomUUID()}`],
    );
    projectId = rows[0].id;
    projectUuid = rows[0].project_uuid;
    otherProjectUuid = rows[1].project_uuid;
    (globalThis as Record<string, unknown>).__logsOther = rows[1].id;
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    await start('ingest-api', {
      PORT: String(port),
      CASEGRAPH_API_KEYS: `${KEY},${BOUND}:${projectUuid}`,
      RECONCILE_INTERVAL_SECONDS: '0',
      SWEEP_INTERVAL_SECONDS: '0',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    await start('ocr-worker', {});
    await start('graph-worker', {});
    await waitUntil('ingest-api ready', async () => (await request(api).get('/health/ready')).status === 200);
    await waitUntil('workers started', () => children.slice(1).every((c) => /started/.test(c.output())));
  });

  afterAll(async () => {
    for (const c of children) await c.stop(10_000);
    if (db?.isInitialized) {
      const ids = [projectId, (globalThis as Record<string, unknown>).__logsOther].filter((x) => x !== undefined);
      const uuids = (await db.query(`SELECT project_uuid FROM projects WHERE id = ANY($1::int[])`, [ids])).map(
        (r: { project_uuid: string }) => r.project_uuid,
      );
      for (const table of ['relationship_staging', 'relationship_contributions', 'entity_mentions', 'canonical_entities', 'document_chunks']) {
        await db.query(`DELETE FROM ${table} WHERE project_uuid = ANY($1::uuid[])`, [uuids]);
      }
      await db.query(
        `DELETE FROM document_pages WHERE document_uuid IN (SELECT document_uuid FROM source_documents WHERE project_fk_id = ANY($1::int[]))`,
        [ids],
      );
      await db.query(`DELETE FROM source_documents WHERE project_fk_id = ANY($1::int[])`, [ids]);
      await db.query(`DELETE FROM projects WHERE id = ANY($1::int[])`, [ids]);
      // This file's Bull keys (its private prefix only).
      const Redis = (await import('ioredis')).default;
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
      await db.destroy();
    }
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('an upload processed end to end, plus refused requests, leaves no key and no file content in any log', async () => {
    const pdf = buildPdf([`Confidential settlement ${MARKER}`, 'Acme Corp. agreed with Initech LLC on 29 June 2007.']);
    const up = await request(api)
      .post(`/v1/projects/${projectUuid}/documents`)
      .set('Authorization', `Bearer ${KEY}`)
      .attach('files', pdf, 'settlement.pdf')
      .expect(202);
    const documentUuid: string = up.body.documents[0].documentUuid;
    await waitUntil(
      'document completed',
      async () => (await request(api).get(`/v1/documents/${documentUuid}`).set('X-API-Key', KEY)).body.status === 'completed',
      120_000,
    );
    // The text really went through (so the marker was in memory of all three apps).
    const [{ raw_extracted_text: text }] = await db.query(`SELECT raw_extracted_text FROM source_documents WHERE document_uuid = $1`, [documentUuid]);
    expect(text).toContain(MARKER);
    // Refused requests: wrong key in both headers, a key for another project, a key in a JSON body.
    await request(api).get(`/v1/projects/${projectUuid}`).set('X-API-Key', WRONG).expect(401);
    await request(api).get(`/v1/projects/${projectUuid}`).set('Authorization', `Bearer ${WRONG}`).expect(401);
    await request(api).get(`/v1/projects/${otherProjectUuid}/graph`).set('X-API-Key', BOUND).expect(403);
    await request(api)
      .post('/v1/batches')
      .set('X-API-Key', KEY)
      .send({ projectUuid, apiKey: KEY, documents: [{ filename: MARKER }] })
      .expect(400);
    // Reading the graph returns the document's entities (Initech) in the body; bodies are not logged.
    const ents = await request(api).get(`/v1/projects/${projectUuid}/entities`).query({ type: 'ORG' }).set('X-API-Key', BOUND).expect(200);
    expect(JSON.stringify(ents.body)).toContain('Initech');

    // Let the last lines flush, then stop the apps like an operator (graceful shutdown logs too).
    for (const c of children) c.signal('SIGTERM');
    await Promise.all(children.map((c) => c.exited));

    const logs = Object.fromEntries(children.map((c) => [c.app, c.output()]));
    for (const [name, out] of Object.entries(logs)) {
      // Each app did log (JSON lines from pino), at least one line mentioning this document or request.
      expect({ name, lines: out.split('\n').filter((l) => l.startsWith('{')).length > 0 }).toEqual({ name, lines: true });
      for (const secret of [KEY, BOUND, WRONG, MARKER, 'Initech', '%PDF-']) {
        const at = out.indexOf(secret);
        expect({ name, secret, found: at >= 0 ? out.slice(Math.max(0, at - 300), at + 100) : null }).toEqual({ name, secret, found: null });
      }
    }
    expect(logs['ingest-api']).toMatch(/"url":"\/v1\/projects\/[0-9a-f-]{36}\/documents"/); // the request log is there
    expect(logs['ocr-worker'] + logs['graph-worker']).toContain(documentUuid);
    process.stdout.write(
      `[logs] bytes written: ${Object.entries(logs)
        .map(([n, o]) => `${n} ${o.length}`)
        .join(', ')}\n`,
    );
  });
});
